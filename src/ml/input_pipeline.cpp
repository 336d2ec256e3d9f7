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
  const int64_t height = images.size(2);
  const int64_t width = images.size(3);
  const auto padded = torch::constant_pad_nd(images, {kPad, kPad, kPad, kPad}, 0);
  auto out = torch::empty_like(images);
  std::uniform_int_distribution<int64_t> offset(0, 2 * kPad);
  std::bernoulli_distribution flip(0.5);
  for (int64_t i = 0; i < batch; ++i) {
    auto crop = padded[i].narrow(1, offset(rng), height).narrow(2, offset(rng), width);
    out[i].copy_(flip(rng) ? crop.flip({2}) : crop);
  }
  return out;
}

}  // namespace sizesel
