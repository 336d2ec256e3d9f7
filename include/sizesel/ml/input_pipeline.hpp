// Turns uint8 image batches into normalised float model inputs, with optional augmentation and noise.
#pragma once

#include <cstdint>
#include <random>

#include <torch/types.h>

namespace sizesel {

/// Per-channel mean and standard deviation of pixel values scaled to [0,1].
struct ChannelStats {
  torch::Tensor mean;  ///< float [C]
  torch::Tensor std;   ///< float [C], each > 0
};

/// Measures ChannelStats over `images` (uint8 [N,C,H,W]).
[[nodiscard]] ChannelStats channel_stats(const torch::Tensor& images);

/// uint8 [B,C,H,W] -> float [B,C,H,W]: pixels / 255, then (x - mean) / std per channel.
/// With noise_sigma > 0, Gaussian noise of that standard deviation (in [0,1] pixel units) is
/// added before normalising and the result clipped to [0,1], as in CIFAR-10-C's gaussian_noise.
[[nodiscard]] torch::Tensor to_model_input(const torch::Tensor& images, const ChannelStats& stats,
                                           double noise_sigma = 0, torch::Generator* generator = nullptr);

/// Standard CIFAR augmentation on a uint8 batch: zero-pad 4 pixels, crop back to H x W at a
/// random offset per image, and flip half the images horizontally.
[[nodiscard]] torch::Tensor augment_batch(const torch::Tensor& images, std::mt19937_64& rng);

}  // namespace sizesel
