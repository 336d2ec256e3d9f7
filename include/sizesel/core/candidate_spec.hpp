// The architecture of one candidate model size: a ResNet described by block type, stages and width.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sizesel {

enum class BlockType { kBasic, kBottleneck };

/// How a residual block's shortcut matches shape changes.
/// kPad is He et al.'s option A (strided identity, zero-padded channels, no parameters);
/// kProjection is option B (1x1 strided convolution + batch norm when the shape changes).
enum class ShortcutType { kPad, kProjection };

/// A ResNet: a 3x3 stem convolution to `width` channels, then one stage per entry of `stages`
/// (that many residual blocks), stage i having min(width * 2^i, max_width) channels (times 4 at a
/// bottleneck block's output) and stride 2 from the second stage on, then global average pooling
/// and a linear classifier. Input channels and classes come from the dataset.
struct CandidateSpec {
  std::string name;                    ///< unique name in the scenario
  std::string preset;                  ///< preset it came from, empty when custom
  BlockType block = BlockType::kBasic;
  std::vector<int64_t> stages;         ///< residual blocks per stage, each >= 1
  int64_t width = 16;                  ///< channels of the stem and the first stage
  int64_t max_width = 512;             ///< cap on a stage's channel count
  ShortcutType shortcut = ShortcutType::kProjection;
};

/// Names of every preset, in a stable order (He et al.'s CIFAR ladder, then the article's sizes).
[[nodiscard]] std::vector<std::string> preset_names();

/// The preset with this name (its `name` is left empty), or nullopt when there is none.
[[nodiscard]] std::optional<CandidateSpec> find_preset(const std::string& preset);

/// Channels of stage `stage` (0-based) before bottleneck expansion.
[[nodiscard]] int64_t stage_width(const CandidateSpec& spec, std::size_t stage);

/// Number of weighted layers along the deepest path (stem + block convolutions + classifier),
/// the "depth" of ResNet-20 and friends.
[[nodiscard]] int64_t weighted_depth(const CandidateSpec& spec);

[[nodiscard]] std::string to_string(BlockType block);
[[nodiscard]] std::string to_string(ShortcutType shortcut);

}  // namespace sizesel
