// Tests of the candidate presets: He et al.'s CIFAR ladder and the article's four sizes.
#include <catch2/catch.hpp>

#include "sizesel/core/candidate_spec.hpp"

using namespace sizesel;

TEST_CASE("He et al.'s ladder has depth 6n+2 with three stages of n basic blocks", "[core]") {
  const std::vector<std::pair<std::string, int64_t>> ladder = {
      {"resnet8", 1}, {"resnet14", 2}, {"resnet20", 3}, {"resnet32", 5}, {"resnet44", 7}, {"resnet56", 9}, {"resnet110", 18}};
  for (const auto& [name, n] : ladder) {
    INFO(name);
    const auto spec = find_preset(name);
    REQUIRE(spec);
    CHECK(spec->preset == name);
    CHECK(spec->stages == std::vector<int64_t>{n, n, n});
    CHECK(spec->block == BlockType::kBasic);
    CHECK(spec->shortcut == ShortcutType::kPad);
    CHECK(weighted_depth(*spec) == 6 * n + 2);
    CHECK(std::to_string(weighted_depth(*spec)) == name.substr(6));
    CHECK(stage_width(*spec, 0) == 16);
    CHECK(stage_width(*spec, 1) == 32);
    CHECK(stage_width(*spec, 2) == 64);
  }
}

TEST_CASE("the article's sizes use two basic blocks per stage, 64 channels doubling up to 512", "[core]") {
  const std::vector<std::pair<std::string, std::size_t>> sizes = {{"small", 4}, {"medium", 5}, {"large", 6}, {"large2", 7}};
  for (const auto& [name, stages] : sizes) {
    INFO(name);
    const auto spec = find_preset(name);
    REQUIRE(spec);
    CHECK(spec->stages == std::vector<int64_t>(stages, 2));
    CHECK(spec->width == 64);
    CHECK(spec->shortcut == ShortcutType::kProjection);
  }
  const auto large2 = *find_preset("large2");
  const std::vector<int64_t> expected = {64, 128, 256, 512, 512, 512, 512};
  for (std::size_t i = 0; i < expected.size(); ++i) CHECK(stage_width(large2, i) == expected[i]);
  CHECK(weighted_depth(*find_preset("small")) == 18);  // ResNet-18's layout
}

TEST_CASE("unknown presets are not found and every listed preset is", "[core]") {
  CHECK_FALSE(find_preset("resnet9"));
  CHECK_FALSE(find_preset(""));
  CHECK(preset_names().size() == 11);
  for (const auto& name : preset_names()) CHECK(find_preset(name));
}

TEST_CASE("a bottleneck block counts three weighted layers", "[core]") {
  CandidateSpec spec;
  spec.block = BlockType::kBottleneck;
  spec.stages = {2, 3};
  CHECK(weighted_depth(spec) == 1 + 3 * 5 + 1);
}
