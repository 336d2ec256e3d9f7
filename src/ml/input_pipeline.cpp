#include "sizesel/ml/input_pipeline.hpp"

#include <torch/torch.h>

namespace sizesel {

ChannelStats channel_stats(const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  const auto pixels = images.to(torch::kDouble).div_(255.0);
  ChannelStats stats;
  stats.mean = pixels.mean({0, 2, 3}).to(torch::kFloat);
  stats.std = pixels.std({0, 2, 3}).clamp_min(1e-6).to(torch::kFloat);
  return stats;
}

torch::Tensor to_model_input(const torch::Tensor& images, const ChannelStats& stats, double noise_sigma,
                             torch::Generator* generator) {
  torch::NoGradGuard no_grad;
  auto x = images.to(torch::kFloat).div_(255.0);
  if (noise_sigma > 0) {
    auto noise = generator != nullptr ? at::normal(0.0, noise_sigma, x.sizes(), *generator)
                                      : at::normal(0.0, noise_sigma, x.sizes());
    x.add_(noise).clamp_(0.0, 1.0);
  }
  const auto channels = stats.mean.size(0);
  return x.sub_(stats.mean.view({1, channels, 1, 1})).div_(stats.std.view({1, channels, 1, 1}));
}

torch::Tensor augment_batch(const torch::Tensor& images, std::mt19937_64& rng) {
  constexpr int64_t kPad = 4;
  const int64_t batch = images.size(0);
  const int64_t channels = images.size(1);
  const int64_t height = images.size(2);
  const int64_t width = images.size(3);
  std::uniform_int_distribution<int64_t> offset(0, 2 * kPad);
  std::bernoulli_distribution flip(0.5);
  // One gather for the whole batch: image b reads rows dy_b + y and columns dx_b + x of its
  // padded copy, or dx_b + (W - 1 - x) when it is flipped.
  auto rows = torch::empty({batch, 1, height, 1}, torch::kLong);
  auto cols = torch::empty({batch, 1, 1, width}, torch::kLong);
  const auto y = torch::arange(height, torch::kLong);
  const auto x = torch::arange(width, torch::kLong);
  const auto x_flipped = x.flip({0});
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t dy = offset(rng);
    const int64_t dx = offset(rng);
    rows[b].view({height}).copy_(y + dy);
    cols[b].view({width}).copy_((flip(rng) ? x_flipped : x) + dx);
  }
  const auto padded = torch::constant_pad_nd(images, {kPad, kPad, kPad, kPad}, 0);
  const auto batch_index = torch::arange(batch, torch::kLong).view({batch, 1, 1, 1});
  const auto channel_index = torch::arange(channels, torch::kLong).view({1, channels, 1, 1});
  return padded.index({batch_index, channel_index, rows, cols}).contiguous();
}

}  // namespace sizesel
