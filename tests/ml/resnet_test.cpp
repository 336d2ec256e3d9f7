#include "sizesel/ml/resnet.hpp"

#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

constexpr int64_t kBatch = 2;

CandidateSpec preset(const std::string& name) {
  auto spec = find_preset(name);
  REQUIRE(spec.has_value());
  return *spec;
}

CandidateSpec custom(BlockType block, std::vector<int64_t> stages, int64_t width,
                     int64_t max_width, ShortcutType shortcut) {
  CandidateSpec spec;
  spec.name = "tiny";
  spec.block = block;
  spec.stages = std::move(stages);
  spec.width = width;
  spec.max_width = max_width;
  spec.shortcut = shortcut;
  return spec;
}

// Bottleneck, stages [1,1], width 2 capped at 2, pad shortcuts: stage 1 changes channels 2 -> 8
// (projection), stage 2 keeps 8 channels with stride 2 (parameter-free strided identity).
CandidateSpec tiny_bottleneck() {
  return custom(BlockType::kBottleneck, {1, 1}, 2, 2, ShortcutType::kPad);
}

std::vector<int64_t> output_shape(const CandidateSpec& spec, int64_t channels, int64_t side,
                                  int64_t classes) {
  torch::manual_seed(0);
  ResNet model(spec, channels, classes);
  model->eval();
  torch::NoGradGuard no_grad;
  return model->forward(torch::randn({kBatch, channels, side, side})).sizes().vec();
}

}  // namespace

TEST_CASE("A ResNet maps CIFAR images to one logit per class", "[ml][resnet]") {
  const std::vector<int64_t> expected{kBatch, 10};
  for (const char* name : {"resnet8", "resnet20", "small"}) {
    INFO(name);
    CHECK(output_shape(preset(name), 3, 32, 10) == expected);
  }
  CHECK(output_shape(custom(BlockType::kBottleneck, {1, 1, 1}, 4, 16, ShortcutType::kProjection),
                     3, 32, 10) == expected);
}

TEST_CASE("A ResNet maps Fashion-MNIST images to one logit per class", "[ml][resnet]") {
  const std::vector<int64_t> expected{kBatch, 10};
  for (const char* name : {"resnet8", "medium"}) {
    INFO(name);
    CHECK(output_shape(preset(name), 1, 28, 10) == expected);
  }
  CHECK(output_shape(tiny_bottleneck(), 1, 28, 10) == expected);
}

TEST_CASE("Stages beyond the image's size keep running at 1x1", "[ml][resnet]") {
  SECTION("large2's seven stages reduce 32x32 to 1x1 and still classify") {
    torch::manual_seed(0);
    ResNet model(preset("large2"), 3, 10);
    model->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({kBatch, 3, 32, 32});
    CHECK(model->features(x).sizes().vec() == std::vector<int64_t>{kBatch, 512, 1, 1});
    const torch::Tensor logits = model->forward(x);
    CHECK(logits.sizes().vec() == std::vector<int64_t>{kBatch, 10});
    CHECK(torch::isfinite(logits).all().item<bool>());
  }
  SECTION("a 5x5 image goes 5, 3, 2, 1, 1 through five stages") {
    torch::manual_seed(0);
    ResNet model(custom(BlockType::kBasic, {1, 1, 1, 1, 1}, 1, 1, ShortcutType::kPad), 1, 1);
    model->eval();
    torch::NoGradGuard no_grad;
    CHECK(model->features(torch::randn({kBatch, 1, 5, 5})).sizes().vec() ==
          std::vector<int64_t>{kBatch, 1, 1, 1});
    // Every convolution is 1 -> 1 channel 3x3, so it costs 9 MACs per output pixel:
    // stem 25*9 = 225; stage 1 at 5x5: 2*225 = 450; stage 2 at 3x3: 2*81 = 162;
    // stage 3 at 2x2: 2*36 = 72; stages 4 and 5 at 1x1: 2*9 each = 36; fc 1*1 = 1.
    CHECK(count_macs(model, 5, 5) == 225 + 450 + 162 + 72 + 36 + 1);
  }
}

TEST_CASE("A pad shortcut keeps every other pixel and appends zero channels", "[ml][resnet]") {
  Shortcut shortcut(2, 4, 2, ShortcutType::kPad);
  CHECK(count_parameters(*shortcut) == 0);
  const torch::Tensor x = torch::arange(2 * 2 * 5 * 5, torch::kFloat).reshape({2, 2, 5, 5});
  const torch::Tensor out = shortcut->forward(x);
  REQUIRE(out.sizes().vec() == std::vector<int64_t>{2, 4, 3, 3});
  using torch::indexing::None;
  using torch::indexing::Slice;
  CHECK(out.index({Slice(), Slice(0, 2)})
            .equal(x.index({Slice(), Slice(), Slice(None, None, 2), Slice(None, None, 2)})));
  CHECK(out.index({Slice(), Slice(2, 4)}).abs().sum().item<float>() == 0.0F);
}

TEST_CASE("Convolutions start Kaiming-normal over fan-out and batch norms as identity",
          "[ml][resnet]") {
  torch::manual_seed(0);
  ResNet model(preset("resnet20"), 3, 10);
  const auto parameters = model->named_parameters();
  // stage 3's second 3x3 convolution: 64 x 64 x 3 x 3, fan-out 64*9, std sqrt(2 / 576).
  const torch::Tensor weight = parameters["stage3.1.conv2.weight"];
  CHECK(weight.std().item<double>() == Approx(std::sqrt(2.0 / 576.0)).epsilon(0.05));
  CHECK(weight.mean().item<double>() == Approx(0.0).margin(0.005));
  CHECK(parameters["stage3.1.bn2.weight"].eq(1).all().item<bool>());
  CHECK(parameters["stage3.1.bn2.bias"].eq(0).all().item<bool>());
}

TEST_CASE("A saved ResNet reloads into a fresh one with identical outputs", "[ml][resnet]") {
  torch::manual_seed(0);
  ResNet original(tiny_bottleneck(), 1, 3);
  const torch::Tensor x = torch::randn({kBatch, 1, 8, 8});
  original->forward(x);  // moves the batch norms' running statistics away from their defaults
  original->eval();
  std::stringstream stream;
  torch::save(original, stream);

  torch::manual_seed(1);
  ResNet reloaded(tiny_bottleneck(), 1, 3);
  torch::load(reloaded, stream);
  reloaded->eval();
  torch::NoGradGuard no_grad;
  CHECK(reloaded->forward(x).equal(original->forward(x)));
}

TEST_CASE("ResNet-20 on CIFAR-10 has 269,722 trainable parameters", "[ml][resnet]") {
  // stem 3*16*9 = 432 + BN 32 = 464;
  // stage 1: 6 convs of 16*16*9 = 2,304 + 6 BN of 32 -> 14,016;
  // stage 2: 16*32*9 = 4,608 + 5*32*32*9 = 46,080 + 6 BN of 64 -> 51,072;
  // stage 3: 32*64*9 = 18,432 + 5*64*64*9 = 184,320 + 6 BN of 128 -> 203,520;
  // fc 64*10 + 10 = 650; pad shortcuts have no parameters.
  // 464 + 14,016 + 51,072 + 203,520 + 650 = 269,722.
  ResNet model(preset("resnet20"), 3, 10);
  CHECK(count_parameters(*model) == 269'722);
}

TEST_CASE("ResNet-8 on CIFAR-10 has 75,290 trainable parameters", "[ml][resnet]") {
  // stem 432 + 32 = 464;
  // stage 1: 2*2,304 + 2 BN of 32 -> 4,672;
  // stage 2: 4,608 + 9,216 + 2 BN of 64 -> 13,952;
  // stage 3: 18,432 + 36,864 + 2 BN of 128 -> 55,552;
  // fc 650.  464 + 4,672 + 13,952 + 55,552 + 650 = 75,290.
  ResNet model(preset("resnet8"), 3, 10);
  CHECK(count_parameters(*model) == 75'290);
}

TEST_CASE("Projection shortcuts add a 1x1 convolution and batch norm where the shape changes",
          "[ml][resnet]") {
  // Basic blocks, stages [1,1], width 4, 1 input channel, 3 classes:
  // stem 1*4*9 = 36 + BN 8 = 44;
  // stage 1 (4 -> 4, identity shortcut): 2*4*4*9 = 288 + 2 BN of 8 -> 304;
  // stage 2 (4 -> 8, stride 2): 4*8*9 = 288 + 8*8*9 = 576 + 2 BN of 16 -> 896,
  //   projection 1x1 4*8 = 32 + BN 16 = 48;
  // fc 8*3 + 3 = 27.
  SECTION("projection: 44 + 304 + 896 + 48 + 27 = 1,319") {
    ResNet model(custom(BlockType::kBasic, {1, 1}, 4, 512, ShortcutType::kProjection), 1, 3);
    CHECK(count_parameters(*model) == 1'319);
  }
  SECTION("pad: the same without the projection, 1,271") {
    ResNet model(custom(BlockType::kBasic, {1, 1}, 4, 512, ShortcutType::kPad), 1, 3);
    CHECK(count_parameters(*model) == 1'271);
  }
}

TEST_CASE("A bottleneck block with pad shortcuts projects only where channels change",
          "[ml][resnet]") {
  // stem 1*2*9 = 18 + BN 4 = 22;
  // stage 1 (2 -> planes 2 -> 8): 1x1 2*2 = 4, 3x3 2*2*9 = 36, 1x1 2*8 = 16,
  //   BN 4 + 4 + 16, projection 2*8 = 16 + BN 16 -> 112;
  // stage 2 (8 -> planes 2 -> 8, stride 2, strided identity): 1x1 8*2 = 16, 3x3 36, 1x1 16,
  //   BN 4 + 4 + 16 -> 92;
  // fc 8*3 + 3 = 27.  22 + 112 + 92 + 27 = 253.
  ResNet model(tiny_bottleneck(), 1, 3);
  CHECK(count_parameters(*model) == 253);
}

TEST_CASE("ResNet-20 costs 40,551,040 MACs per 32x32 CIFAR image", "[ml][resnet]") {
  // stem 32*32*16*3*9 = 442,368;
  // stage 1 at 32x32: 6 * 32*32*16*16*9 = 6 * 2,359,296;
  // stage 2 at 16x16: 16*16*32*16*9 = 1,179,648 + 5 * 2,359,296;
  // stage 3 at 8x8: 8*8*64*32*9 = 1,179,648 + 5 * 2,359,296;
  // fc 64*10 = 640.
  ResNet model(preset("resnet20"), 3, 10);
  CHECK(count_macs(model, 32, 32) ==
        442'368 + 6 * 2'359'296 + 2 * (1'179'648 + 5 * 2'359'296) + 640);
  CHECK(count_macs(model, 32, 32) == 40'551'040);
}

TEST_CASE("ResNet-8 costs 9,145,216 MACs per 28x28 Fashion-MNIST image", "[ml][resnet]") {
  // stem 28*28*16*1*9 = 112,896;
  // stage 1 at 28x28: 2 * 28*28*16*16*9 = 2 * 1,806,336;
  // stage 2 at 14x14: 14*14*32*16*9 = 903,168 + 14*14*32*32*9 = 1,806,336;
  // stage 3 at 7x7: 7*7*64*32*9 = 903,168 + 7*7*64*64*9 = 1,806,336;
  // fc 64*10 = 640.
  ResNet model(preset("resnet8"), 1, 10);
  CHECK(count_macs(model, 28, 28) == 112'896 + 2 * 1'806'336 + 2 * (903'168 + 1'806'336) + 640);
}

TEST_CASE("A bottleneck ResNet's MACs count every convolution, projections included",
          "[ml][resnet]") {
  // 1x4x4 input, 3 classes.
  // stem 3x3 1 -> 2 at 4x4: 16*2*1*9 = 288;
  // stage 1 at 4x4: 1x1 2 -> 2: 16*2*2 = 64; 3x3 2 -> 2: 16*2*2*9 = 576; 1x1 2 -> 8: 16*8*2 = 256;
  //   projection 1x1 2 -> 8: 256 -> 1,152;
  // stage 2: 1x1 8 -> 2 at 4x4: 16*2*8 = 256; 3x3 stride 2 to 2x2: 4*2*2*9 = 144;
  //   1x1 2 -> 8 at 2x2: 4*8*2 = 64; strided identity: 0 -> 464;
  // fc 8*3 = 24.  288 + 1,152 + 464 + 24 = 1,928.
  ResNet model(tiny_bottleneck(), 1, 3);
  CHECK(count_macs(model, 4, 4) == 1'928);
}

TEST_CASE("The weighted depth of the CIFAR presets matches their names", "[ml][resnet]") {
  CHECK(weighted_depth(preset("resnet20")) == 20);
  CHECK(weighted_depth(preset("resnet8")) == 8);
}

TEST_CASE("Every parameter of a ResNet receives a gradient", "[ml][resnet]") {
  torch::manual_seed(0);
  ResNet model(tiny_bottleneck(), 1, 3);
  const torch::Tensor loss = model->forward(torch::randn({kBatch, 1, 8, 8})).square().sum();
  loss.backward();
  for (const auto& parameter : model->named_parameters()) {
    INFO(parameter.key());
    REQUIRE(parameter.value().grad().defined());
  }
}

TEST_CASE("The ResNet constructor rejects invalid specs with InputError", "[ml][resnet]") {
  const CandidateSpec valid = custom(BlockType::kBasic, {1, 1}, 4, 512, ShortcutType::kPad);
  SECTION("no stages") {
    CandidateSpec spec = valid;
    spec.stages.clear();
    CHECK_THROWS_AS(ResNet(spec, 1, 3), InputError);
  }
  SECTION("a stage without blocks") {
    CandidateSpec spec = valid;
    spec.stages = {1, 0};
    CHECK_THROWS_AS(ResNet(spec, 1, 3), InputError);
  }
  SECTION("zero width") {
    CandidateSpec spec = valid;
    spec.width = 0;
    CHECK_THROWS_AS(ResNet(spec, 1, 3), InputError);
  }
  SECTION("a cap below the width") {
    CandidateSpec spec = valid;
    spec.max_width = 2;
    CHECK_THROWS_AS(ResNet(spec, 1, 3), InputError);
  }
  SECTION("no input channels") { CHECK_THROWS_AS(ResNet(valid, 0, 3), InputError); }
  SECTION("no classes") { CHECK_THROWS_AS(ResNet(valid, 1, 0), InputError); }
  SECTION("the message names the candidate and the field") {
    CandidateSpec spec = valid;
    spec.stages = {1, 0};
    CHECK_THROWS_WITH(ResNet(spec, 1, 3), Catch::Contains("tiny") && Catch::Contains("stages[1]"));
  }
}

TEST_CASE("MACs are only defined for a non-empty image", "[ml][resnet]") {
  ResNet model(preset("resnet8"), 3, 10);
  CHECK_THROWS_AS(count_macs(model, 0, 32), InputError);
}


TEST_CASE("Folding batch norms for serving computes the same function as the eval-mode model", "[ml][resnet]") {
  // Basic blocks with projections, a bottleneck with pad shortcuts: every kind of (conv, bn) pair.
  for (const CandidateSpec& spec :
       {custom(BlockType::kBasic, {1, 2}, 4, 8, ShortcutType::kProjection), tiny_bottleneck(), preset("resnet8")}) {
    torch::manual_seed(0);
    ResNet model(spec, 3, 5);
    // A few training passes move the running statistics, weights and biases away from
    // their initial values, so that folding has something to fold.
    torch::optim::SGD sgd(model->parameters(), torch::optim::SGDOptions(0.1));
    for (int step = 0; step < 3; ++step) {
      sgd.zero_grad();
      model->forward(torch::randn({8, 3, 16, 16})).square().mean().backward();
      sgd.step();
    }
    model->eval();
    ResNet folded = folded_for_serving(model);
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({4, 3, 16, 16});
    const torch::Tensor expected = model->forward(x);
    const torch::Tensor got = folded->forward(x);
    INFO(spec.name << " max difference " << (expected - got).abs().max().item<double>());
    CHECK(torch::allclose(got, expected, 1e-4, 1e-5));
    // The original keeps its batch norms: folding worked on a copy.
    CHECK(model->forward(x).equal(expected));
  }
}

TEST_CASE("Convolution weights are stored channels-last", "[ml][resnet]") {
  ResNet model(preset("resnet8"), 3, 10);
  int64_t convolutions = 0;
  for (const auto& module : model->modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      ++convolutions;
      CHECK(conv->weight.is_contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
  CHECK(convolutions == 7);
}

}  // namespace sizesel
