#include "sizesel/core/candidate_spec.hpp"

#include <algorithm>

namespace sizesel {
namespace {

// He et al. (2016), section 4.2: depth 6n+2, three stages of n basic blocks, widths 16/32/64,
// option A shortcuts.
CandidateSpec he_cifar(int64_t n) {
  CandidateSpec spec;
  spec.block = BlockType::kBasic;
  spec.stages = {n, n, n};
  spec.width = 16;
  spec.max_width = 64;
  spec.shortcut = ShortcutType::kPad;
  return spec;
}

// The article's sizes: basic blocks, 64 channels doubling per stage (capped at 512),
// projection shortcuts as in ResNet-18.
CandidateSpec article_size(std::size_t stage_count) {
  CandidateSpec spec;
  spec.block = BlockType::kBasic;
  spec.stages.assign(stage_count, 2);
  spec.width = 64;
  spec.max_width = 512;
  spec.shortcut = ShortcutType::kProjection;
  return spec;
}

struct Preset {
  const char* name;
  CandidateSpec spec;
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> kPresets = {
      {"resnet8", he_cifar(1)},      {"resnet14", he_cifar(2)},   {"resnet20", he_cifar(3)},
      {"resnet32", he_cifar(5)},     {"resnet44", he_cifar(7)},   {"resnet56", he_cifar(9)},
      {"resnet110", he_cifar(18)},   {"small", article_size(4)},  {"medium", article_size(5)},
      {"large", article_size(6)},    {"large2", article_size(7)},
  };
  return kPresets;
}

}  // namespace

std::vector<std::string> preset_names() {
  std::vector<std::string> names;
  for (const auto& preset : presets()) names.emplace_back(preset.name);
  return names;
}

std::optional<CandidateSpec> find_preset(const std::string& preset) {
  for (const auto& entry : presets()) {
    if (preset == entry.name) {
      CandidateSpec spec = entry.spec;
      spec.preset = entry.name;
      return spec;
    }
  }
  return std::nullopt;
}

int64_t stage_width(const CandidateSpec& spec, std::size_t stage) {
  int64_t width = spec.width;
  for (std::size_t i = 0; i < stage && width < spec.max_width; ++i) width *= 2;
  return std::min(width, spec.max_width);
}

int64_t weighted_depth(const CandidateSpec& spec) {
  const int64_t per_block = spec.block == BlockType::kBasic ? 2 : 3;
  int64_t blocks = 0;
  for (int64_t n : spec.stages) blocks += n;
  return 1 + per_block * blocks + 1;
}

std::string to_string(BlockType block) {
  return block == BlockType::kBasic ? "basic" : "bottleneck";
}

std::string to_string(ShortcutType shortcut) {
  return shortcut == ShortcutType::kPad ? "pad" : "projection";
}

}  // namespace sizesel
