#include "sizesel/ml/saliency.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "sizesel/core/error.hpp"
#include "sizesel/ml/eval_mode.hpp"

namespace sizesel {
namespace {

/// Images per forward pass of a deletion curve, which bounds its memory.
constexpr int64_t kMaxBatch = 256;

void check_images(const torch::Tensor& images, const ChannelStats& stats, const char* what) {
  if (images.scalar_type() != torch::kUInt8 || images.dim() != 4 || images.size(0) < 1 || images.size(1) != stats.mean.size(0)) {
    throw InputError(fmt::format("{}: expected uint8 images [B, C, H, W] with B >= 1 and C = {} (got {} {})", what,
                                 stats.mean.size(0), c10::toString(images.scalar_type()),
                                 fmt::join(images.sizes(), "x")));
  }
}

void check_steps(int64_t steps, int64_t positions) {
  if (steps < 1 || steps > positions) {
    throw InputError(fmt::format("deletion curve: steps must be in [1, H*W = {}] (got {})", positions, steps));
  }
}

/// Positions removed after step `step` of `steps`: floor(step * positions / steps), so the chunks
/// differ by at most one position and the last step removes everything.
int64_t removed_after(int64_t step, int64_t positions, int64_t steps) { return step * positions / steps; }

/// uint8 [B, C, H, W] -> float in [0,1] on the device, as to_model_input() scales it.
torch::Tensor pixels01(const torch::Tensor& images, torch::Device device) {
  return images.to(torch::kFloat).div_(255.0).to(device);
}

/// to_model_input()'s per-channel normalisation of [0,1] pixels already on the device.
torch::Tensor normalise(const torch::Tensor& images01, const ChannelStats& stats) {
  const int64_t channels = stats.mean.size(0);
  const auto device = images01.device();
  return images01.sub(stats.mean.to(device, torch::kFloat).view({1, channels, 1, 1}))
      .div(stats.std.to(device, torch::kFloat).view({1, channels, 1, 1}));
}

/// Softmax probability of class `classes[b]` for every image b: float [B].
torch::Tensor class_probability(const torch::Tensor& logits, const torch::Tensor& classes) {
  return torch::softmax(logits, 1).gather(1, classes.view({-1, 1})).view({-1});
}

/// Saliency of one chunk, everything left on the device. Eval mode is the caller's job.
SaliencyMaps saliency_on_device(const LogitsFunction& forward, const torch::Tensor& images,
                                const ChannelStats& stats, torch::Device device) {
  torch::AutoGradMode grad_mode(true);
  const auto x = pixels01(images, device).requires_grad_(true);
  const auto logits = forward(normalise(x, stats));
  const auto predicted = logits.argmax(1).detach();
  // Images do not interact in eval mode, so the gradient of the sum is each image's own.
  const auto chosen = logits.gather(1, predicted.view({-1, 1})).sum();
  const auto gradient = torch::autograd::grad({chosen}, {x})[0];
  SaliencyMaps maps;
  maps.saliency = gradient.abs().amax(1);
  maps.predicted = predicted;
  maps.probability = class_probability(logits.detach(), predicted);
  return maps;
}

/// Sum over the images of `images` of the curve's probabilities, steps + 1 values (double, CPU).
torch::Tensor probability_sums(const LogitsFunction& forward, const torch::Tensor& images, const ChannelStats& stats,
                               torch::Device device, int64_t steps, DeletionOrder order, torch::Generator& generator) {
  const int64_t batch = images.size(0);
  const int64_t height = images.size(2);
  const int64_t width = images.size(3);
  const int64_t positions = height * width;

  torch::Tensor predicted;
  torch::Tensor clean_probability;
  torch::Tensor ranking;  // [B, H*W] position indices, first removed first
  if (order == DeletionOrder::kSaliency) {
    const SaliencyMaps maps = saliency_on_device(forward, images, stats, device);
    predicted = maps.predicted;
    clean_probability = maps.probability;
    ranking = std::get<1>(maps.saliency.view({batch, positions}).sort(/*stable=*/true, 1, /*descending=*/true));
  } else {
    torch::NoGradGuard no_grad;
    const auto logits = forward(normalise(pixels01(images, device), stats));
    predicted = logits.argmax(1);
    clean_probability = class_probability(logits, predicted);
    ranking = torch::rand({batch, positions}, generator).argsort(/*dim=*/int64_t{1}).to(device);
  }

  torch::NoGradGuard no_grad;
  const auto clean = normalise(pixels01(images, device), stats);
  // rank[b][p] = when position p of image b is removed (0 = first).
  const auto rank = torch::empty_like(ranking).scatter_(
      1, ranking, torch::arange(positions, ranking.options()).expand({batch, positions}));
  auto sums = torch::empty({steps + 1}, torch::kDouble);
  sums[0] = clean_probability.to(torch::kDouble).sum().cpu();
  for (int64_t t = 1; t <= steps; ++t) {
    const int64_t removed = removed_after(t, positions, steps);
    const auto keep = rank.ge(removed).view({batch, 1, height, width}).to(clean.scalar_type());
    const auto logits = forward(clean * keep);  // removed pixels become 0 = the training mean
    sums[t] = class_probability(logits, predicted).to(torch::kDouble).sum().cpu();
  }
  return sums;
}

double trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  double area = 0;
  for (std::size_t i = 1; i < x.size(); ++i) area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
  return area;
}

/// A seed for the random deletion order that differs from the sampling seed it comes from.
uint64_t order_seed(uint64_t seed) { return seed ^ 0x9E3779B97F4A7C15ULL; }

}  // namespace

SaliencyMaps gradient_saliency(torch::nn::Module& module, const LogitsFunction& forward, const torch::Tensor& images,
                               const ChannelStats& stats, torch::Device device) {
  check_images(images, stats, "gradient saliency");
  EvalModeScope eval(module);
  SaliencyMaps maps = saliency_on_device(forward, images, stats, device);
  maps.saliency = maps.saliency.cpu();
  maps.predicted = maps.predicted.cpu();
  maps.probability = maps.probability.cpu();
  return maps;
}

SaliencyMaps gradient_saliency(ResNet& model, const torch::Tensor& images, const ChannelStats& stats,
                               torch::Device device) {
  return gradient_saliency(*model, [&](const torch::Tensor& x) { return model->forward(x); }, images, stats, device);
}

DeletionCurve deletion_curve(torch::nn::Module& module, const LogitsFunction& forward, const torch::Tensor& images,
                             const ChannelStats& stats, torch::Device device, int64_t steps, DeletionOrder order,
                             uint64_t seed) {
  check_images(images, stats, "deletion curve");
  const int64_t positions = images.size(2) * images.size(3);
  check_steps(steps, positions);
  EvalModeScope eval(module);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const int64_t n = images.size(0);
  auto sums = torch::zeros({steps + 1}, torch::kDouble);
  for (int64_t begin = 0; begin < n; begin += kMaxBatch) {
    const auto chunk = images.narrow(0, begin, std::min(kMaxBatch, n - begin));
    sums += probability_sums(forward, chunk, stats, device, steps, order, generator);
  }
  DeletionCurve curve;
  const auto mean = sums.div(static_cast<double>(n));
  for (int64_t t = 0; t <= steps; ++t) {
    curve.removed_fraction.push_back(static_cast<double>(removed_after(t, positions, steps)) /
                                     static_cast<double>(positions));
    curve.mean_probability.push_back(mean[t].item<double>());
  }
  curve.auc = trapezoid(curve.removed_fraction, curve.mean_probability);
  return curve;
}

DeletionResult deletion_faithfulness(torch::nn::Module& module, const LogitsFunction& forward,
                                     const ImageSplit& split, const ChannelStats& stats, torch::Device device,
                                     int64_t sample_images, int64_t steps, uint64_t seed) {
  if (sample_images < 1) {
    throw InputError(fmt::format("deletion faithfulness: sample_images must be >= 1 (got {})", sample_images));
  }
  check_images(split.images, stats, "deletion faithfulness");
  check_steps(steps, split.images.size(2) * split.images.size(3));
  const int64_t n = split.images.size(0);
  torch::Tensor sample = split.images;
  if (sample_images < n) {
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto chosen = std::get<0>(torch::randperm(n, generator).narrow(0, 0, sample_images).sort());
    sample = split.images.index_select(0, chosen);
  }
  DeletionResult result;
  result.saliency = deletion_curve(module, forward, sample, stats, device, steps, DeletionOrder::kSaliency, seed);
  result.random = deletion_curve(module, forward, sample, stats, device, steps, DeletionOrder::kRandom,
                                 order_seed(seed));
  result.auc_ratio = result.saliency.auc / result.random.auc;
  result.images = sample.size(0);
  result.steps = steps;
  return result;
}

DeletionResult deletion_faithfulness(ResNet& model, const ImageSplit& split, const ChannelStats& stats,
                                     torch::Device device, int64_t sample_images, int64_t steps, uint64_t seed) {
  return deletion_faithfulness(*model, [&](const torch::Tensor& x) { return model->forward(x); }, split, stats,
                               device, sample_images, steps, seed);
}

}  // namespace sizesel
