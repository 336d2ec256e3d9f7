// Tests of vanilla-gradient saliency and its deletion (pixel-flipping) faithfulness: curve shape,
// a linear model whose curve is computed by hand, seeding, side effects, and that on a model
// trained on real images the saliency order removes evidence faster than a random order.
// libtorch first: its glog CHECK macro must be replaced by Catch2's, not the reverse.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <optional>

#include "sizesel/core/error.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/saliency.hpp"
#include "sizesel/ml/trainer.hpp"
#include "support/trained_model.hpp"

using namespace sizesel;
using namespace test_support;
namespace fs = std::filesystem;

namespace {

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  double area = 0;
  for (std::size_t i = 1; i < x.size(); ++i) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  return area;
}

ImageSplit random_split(int64_t n, int64_t channels, int64_t side, int64_t classes) {
  ImageSplit split;
  split.images = torch::randint(0, 256, {n, channels, side, side}).to(torch::kUInt8);
  split.labels = torch::randint(0, classes, {n}, torch::kLong);
  return split;
}


/// The hand-built case: logits = (W . flatten(norm(x)), 0) over 2 channels of 2x2 pixels, with
/// channel means (0.2, 0.6) and standard deviations (1, 0.5).
struct LinearCase {
  torch::nn::Linear linear{8, 2};
  LogitsFunction forward;
  ChannelStats stats{torch::tensor({0.2f, 0.6f}), torch::tensor({1.0f, 0.5f})};

  LinearCase() {
    torch::NoGradGuard no_grad;
    // Channel 0 weights w = (3, -1, 2, 0.5) at positions p0..p3, channel 1 weights v = (0, 0, 0, 0.9).
    linear->weight.zero_();
    linear->weight[0].copy_(torch::tensor({3.0f, -1.0f, 2.0f, 0.5f, 0.0f, 0.0f, 0.0f, 0.9f}));
    linear->bias.zero_();
    forward = [this](const torch::Tensor& x) { return linear->forward(x.flatten(1)); };
  }
};

}  // namespace

TEST_CASE("Gradient saliency of a linear model is the largest |weight| / std over channels",
          "[ml][saliency]") {
  LinearCase lc;
  const auto images = torch::full({1, 2, 2, 2}, 255, torch::kUInt8);
  const SaliencyMaps maps = gradient_saliency(*lc.linear, lc.forward, images, lc.stats);
  REQUIRE(maps.saliency.sizes() == torch::IntArrayRef({1, 2, 2}));
  // d logit_0 / d x01 = W / std: channel 0 gives |w| = (3, 1, 2, 0.5), channel 1 |v| / 0.5 = (0, 0, 0, 1.8).
  CHECK(torch::allclose(maps.saliency.flatten(), torch::tensor({3.0f, 1.0f, 2.0f, 1.8f})));
  CHECK(maps.predicted.item<int64_t>() == 0);
  // norm(x) = (1 - 0.2) / 1 = 0.8 in channel 0 and (1 - 0.6) / 0.5 = 0.8 in channel 1.
  const double logit = 0.8 * (3 - 1 + 2 + 0.5 + 0.9);
  CHECK(maps.probability.item<float>() == Approx(sigmoid(logit)));
}

TEST_CASE("The deletion curve of a linear model matches the hand-computed one", "[ml][saliency]") {
  LinearCase lc;
  ImageSplit split;
  split.images = torch::zeros({2, 2, 2, 2}, torch::kUInt8);
  split.images[0].fill_(255);
  // Image 1 is set to the channel means exactly where it matters: channel 0 at 0.2 * 255 = 51.
  split.images[1][0].fill_(51);
  split.images[1][1].fill_(153);  // 0.6 * 255
  split.labels = torch::zeros({2}, torch::kLong);
  const DeletionResult result = deletion_faithfulness(*lc.linear, lc.forward, split, lc.stats, torch::kCPU, 2, 4, 1);
  REQUIRE(result.images == 2);
  REQUIRE(result.steps == 4);
  // Image 0: contributions 0.8 * (3, -1, 2, 0.5 + 0.9) = (2.4, -0.8, 1.6, 1.12), saliency order
  // p0 (3), p2 (2), p3 (1.8), p1 (1): logit 4.32, 1.92, 0.32, -0.8, 0 after each removal.
  // Image 1 sits at the means: its input is 0 throughout, logits (0, 0), probability 1/2.
  const std::vector<double> logits = {4.32, 1.92, 0.32, -0.8, 0.0};
  const std::vector<double> fractions = {0.0, 0.25, 0.5, 0.75, 1.0};
  REQUIRE(result.saliency.mean_probability.size() == 5);
  CHECK(result.saliency.removed_fraction == fractions);
  std::vector<double> expected;
  for (std::size_t t = 0; t < logits.size(); ++t) {
    expected.push_back((sigmoid(logits[t]) + 0.5) / 2);
    CHECK(result.saliency.mean_probability[t] == Approx(expected[t]).epsilon(1e-5));
  }
  CHECK(result.saliency.auc == Approx(trapezoid(fractions, expected)).epsilon(1e-5));
  // Everything removed leaves both orders at the all-mean image.
  CHECK(result.random.mean_probability.back() == Approx(0.5).epsilon(1e-6));
  CHECK(result.random.mean_probability.front() == Approx(expected.front()).epsilon(1e-6));
  CHECK(result.auc_ratio == Approx(result.saliency.auc / result.random.auc));
  CHECK(no_parameter_has_grad(*lc.linear));
}

TEST_CASE("Deletion steps that do not divide the positions remove floor(t * H * W / steps) of them",
          "[ml][saliency]") {
  LinearCase lc;
  const auto images = torch::full({1, 2, 2, 2}, 255, torch::kUInt8);
  // 4 positions in 3 steps: 0, 1, 2 and 4 removed, in the order p0, p2, p3, p1 of the case above.
  const DeletionCurve curve =
      deletion_curve(*lc.linear, lc.forward, images, lc.stats, torch::kCPU, 3, DeletionOrder::kSaliency, 1);
  CHECK(curve.removed_fraction == std::vector<double>{0.0, 0.25, 0.5, 1.0});
  const std::vector<double> logits = {4.32, 1.92, 0.32, 0.0};
  REQUIRE(curve.mean_probability.size() == 4);
  for (std::size_t t = 0; t < logits.size(); ++t) {
    CHECK(curve.mean_probability[t] == Approx(sigmoid(logits[t])).epsilon(1e-5));
  }
}

TEST_CASE("A deletion curve has steps + 1 points from 0 to 1 removed, nearly equal chunks and an AUC in [0,1]",
          "[ml][saliency]") {
  torch::manual_seed(21);
  ResNet model(tiny_spec({1}, 4), 1, 3);
  const ImageSplit split = random_split(10, 1, 8, 3);
  const ChannelStats stats = channel_stats(split.images);
  // 64 positions in 5 steps: floor(64 t / 5) = 0, 12, 25, 38, 51, 64 removed.
  const DeletionResult result = deletion_faithfulness(model, split, stats, torch::kCPU, 6, 5, 3);
  CHECK(result.images == 6);
  CHECK(result.steps == 5);
  for (const DeletionCurve* curve : {&result.saliency, &result.random}) {
    REQUIRE(curve->removed_fraction.size() == 6);
    REQUIRE(curve->mean_probability.size() == 6);
    CHECK(curve->removed_fraction ==
          std::vector<double>{0.0, 12.0 / 64, 25.0 / 64, 38.0 / 64, 51.0 / 64, 1.0});
    CHECK(curve->auc >= 0.0);
    CHECK(curve->auc <= 1.0);
    CHECK(curve->auc == Approx(trapezoid(curve->removed_fraction, curve->mean_probability)));
    for (const double p : curve->mean_probability) CHECK((p > 0.0 && p <= 1.0));
  }
  CHECK(result.saliency.mean_probability.front() == result.random.mean_probability.front());
  CHECK(result.saliency.mean_probability.back() == Approx(result.random.mean_probability.back()));
  CHECK(result.auc_ratio == Approx(result.saliency.auc / result.random.auc));
}

TEST_CASE("With nothing removed the curve is the mean clean softmax probability of the predicted class",
          "[ml][saliency]") {
  torch::manual_seed(22);
  ResNet model(tiny_spec({1, 1}, 4), 3, 4);
  model->eval();
  const ImageSplit split = random_split(9, 3, 8, 4);
  const ChannelStats stats = channel_stats(split.images);
  // A sample at least as large as the split is the whole split.
  const DeletionResult result = deletion_faithfulness(model, split, stats, torch::kCPU, 50, 4, 7);
  REQUIRE(result.images == 9);
  torch::NoGradGuard no_grad;
  const auto probabilities = torch::softmax(model->forward(to_model_input(split.images, stats)), 1);
  const double clean = std::get<0>(probabilities.max(1)).mean().item<double>();
  CHECK(result.saliency.mean_probability.front() == Approx(clean).epsilon(1e-6));
  CHECK(result.random.mean_probability.front() == Approx(clean).epsilon(1e-6));
}

TEST_CASE("Deletion faithfulness is reproducible from its seed and another seed draws another sample",
          "[ml][saliency]") {
  torch::manual_seed(23);
  ResNet model(tiny_spec({1}, 4), 1, 3);
  const ImageSplit split = random_split(30, 1, 8, 3);
  const ChannelStats stats = channel_stats(split.images);
  const DeletionResult a = deletion_faithfulness(model, split, stats, torch::kCPU, 10, 8, 4);
  const DeletionResult b = deletion_faithfulness(model, split, stats, torch::kCPU, 10, 8, 4);
  const DeletionResult c = deletion_faithfulness(model, split, stats, torch::kCPU, 10, 8, 5);
  CHECK(a.saliency.mean_probability == b.saliency.mean_probability);
  CHECK(a.random.mean_probability == b.random.mean_probability);
  CHECK(a.auc_ratio == b.auc_ratio);
  CHECK(a.saliency.mean_probability != c.saliency.mean_probability);
  CHECK(a.random.mean_probability != c.random.mean_probability);
  // On the whole split the sample is the same for every seed: only the random order changes.
  const DeletionResult all4 = deletion_faithfulness(model, split, stats, torch::kCPU, 30, 8, 4);
  const DeletionResult all5 = deletion_faithfulness(model, split, stats, torch::kCPU, 30, 8, 5);
  CHECK(all4.saliency.mean_probability == all5.saliency.mean_probability);
  CHECK(all4.random.mean_probability != all5.random.mean_probability);
}

TEST_CASE("Saliency and deletion leave no parameter gradient, keep each module's mode and change no state",
          "[ml][saliency]") {
  torch::manual_seed(24);
  ResNet model(tiny_spec({1, 1}, 4), 1, 3);
  const ImageSplit split = random_split(12, 1, 8, 3);
  const ChannelStats stats = channel_stats(split.images);
  const auto probe = to_model_input(split.images, stats);

  SECTION("a model in eval mode") {
    model->eval();
    const auto before = state_of(*model);
    const auto outputs = model->forward(probe).detach();
    (void)deletion_faithfulness(model, split, stats, torch::kCPU, 8, 4, 1);
    (void)gradient_saliency(model, split.images, stats);
    CHECK(no_parameter_has_grad(*model));
    CHECK_FALSE(model->is_training());
    CHECK(same_state(before, state_of(*model)));
    CHECK(torch::equal(outputs, model->forward(probe).detach()));
  }
  SECTION("a model in training mode is measured in eval mode and handed back in training mode") {
    model->eval();
    const DeletionResult in_eval = deletion_faithfulness(model, split, stats, torch::kCPU, 8, 4, 1);
    model->train();
    const auto before = state_of(*model);  // batch-norm running statistics included
    const DeletionResult in_train = deletion_faithfulness(model, split, stats, torch::kCPU, 8, 4, 1);
    for (const auto& m : model->modules()) CHECK(m->is_training());
    CHECK(same_state(before, state_of(*model)));
    CHECK(no_parameter_has_grad(*model));
    CHECK(in_train.saliency.mean_probability == in_eval.saliency.mean_probability);
    CHECK(in_train.random.mean_probability == in_eval.random.mean_probability);
  }
}

TEST_CASE("Deletion faithfulness rejects an empty sample, an empty split and steps outside [1, H*W]",
          "[ml][saliency]") {
  torch::manual_seed(25);
  ResNet model(tiny_spec({1}, 4), 1, 2);
  const ImageSplit split = random_split(4, 1, 4, 2);
  const ChannelStats stats = channel_stats(split.images);
  CHECK_THROWS_AS(deletion_faithfulness(model, split, stats, torch::kCPU, 0, 4, 1), InputError);
  CHECK_THROWS_AS(deletion_faithfulness(model, split, stats, torch::kCPU, 4, 0, 1), InputError);
  CHECK_THROWS_AS(deletion_faithfulness(model, split, stats, torch::kCPU, 4, 17, 1), InputError);
  CHECK_NOTHROW(deletion_faithfulness(model, split, stats, torch::kCPU, 4, 16, 1));
  ImageSplit empty{torch::zeros({0, 1, 4, 4}, torch::kUInt8), torch::zeros({0}, torch::kLong)};
  CHECK_THROWS_AS(deletion_faithfulness(model, empty, stats, torch::kCPU, 4, 4, 1), InputError);
  CHECK_THROWS_AS(gradient_saliency(model, torch::zeros({2, 1, 4, 4}), stats), InputError);  // float, not uint8
}

TEST_CASE("On a model trained on real images the saliency order removes evidence faster than a random order",
          "[ml][saliency][real]") {
  const TrainedModel* trained = fashion_model();
  if (trained == nullptr) return;
  ResNet model = trained->model;
  // Vanilla gradients are only moderately faithful (Samek et al. found them little better than
  // random): the saliency curve falls much faster over the first quarter, then stays a little
  // above the random one, whose scattered holes destroy the image sooner. Measured here: ratio
  // 0.89 for sample seed 1; over 8 initialisations of this model 0.85 to 0.93, and sample seeds
  // move it by about 0.01.
  for (const uint64_t seed : {1, 2, 3}) {
    const DeletionResult result = deletion_faithfulness(model, trained->data.test, trained->stats, torch::kCPU,
                                                        100, 16, seed);
    INFO("seed " << seed << ": saliency AUC " << result.saliency.auc << ", random AUC " << result.random.auc
                 << ", ratio " << result.auc_ratio);
    CHECK(result.images == 100);
    CHECK(result.saliency.auc < result.random.auc);
    CHECK(result.auc_ratio < 0.95);
  }
}
