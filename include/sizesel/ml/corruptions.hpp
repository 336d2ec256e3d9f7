// CIFAR-10-C's common corruptions on uint8 image batches, and a model's accuracy under each of them.
//
// Definitions and severity parameters follow the reference implementation of Hendrycks &
// Dietterich, "Benchmarking Neural Network Robustness to Common Corruptions and Perturbations"
// (ICLR 2019): github.com/hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py (the CIFAR
// parameters; ImageNet-C uses stronger ones). The arithmetic is the reference's, operation for
// operation, in float64 on pixels / 255, and every result is stored as CIFAR-10-C stores its
// images: clip to [0,1], times 255, truncated to uint8 (np.uint8 truncates; it does not round).
// The deterministic corruptions (blurs, contrast, brightness, pixelate, saturate) give the same
// bytes as the reference run with scikit-image 0.19, SciPy 1.10, OpenCV 4.6 and Pillow 9.4: all
// 5 severities of the first 200 CIFAR-10 test images, in colour and in grey, were compared.
// Truncation loses a level wherever float64 lands a hair below an exact integer, as in the
// reference: contrast maps a constant 100 to 99, brightness at severity 4 maps grey 81 to 131.
//
// Where this differs from the reference, and why:
// - Random draws come from a torch::Generator, not numpy's global state: same distributions
//   (normal, Poisson, Bernoulli), other streams, so individual noisy images differ from the
//   published CIFAR-10-C files while their statistics do not.
// - The Gaussian blur's weights use the C library's exp(), as numpy did when CIFAR-10-C was made;
//   numpy >= 1.20 on AVX-512 machines computes some of them one unit in the last place apart.
//   defocus_blur's kernel (the reference's disk(): a disk on a 17x17 grid, anti-aliased by
//   OpenCV's 3x3 Gaussian blur in float32) is recomputed here rather than by OpenCV; the two
//   filters then sum in their own order (OpenCV's filter2D through a DFT), equal up to float64
//   rounding and byte-identical on the images checked.
// - pixelate generalises the reference's fixed 32x32 to H x W: Pillow BOX resizes to
//   (int(W*c), int(H*c)) and back to (W, H), replicated exactly (Pillow's 22-bit fixed-point
//   coefficients, horizontal pass then vertical pass, each rounded to uint8). A side that would
//   become 0 pixels is kept at 1.
// - One-channel images (Fashion-MNIST) are treated as grey images R = G = B. brightness adds c to
//   the HSV value, which for grey is the grey level itself: clip(v + c, 0, 1), exactly what the
//   reference does to a grey RGB pixel. saturate is the identity on one channel: a grey image has
//   no saturation to scale. (On a grey RGB pixel the reference's severities 4-5 add 0.1 / 0.2 to
//   the saturation at hue 0, tinting it red, which one channel cannot express.) With 2 or 4+
//   channels both treat each channel as such a grey image. defocus_blur, whose reference
//   hard-codes three channels, filters every channel alike.
//
// The change a corruption makes grows with severity for all but saturate, whose severities 1-2
// desaturate and 3-5 oversaturate: mean absolute change on CIFAR-10 test images 10.8, 14.0, 7.7,
// 20.1, 29.5 levels. pixelate grows on photographs (2.0, 3.3, 4.3, 6.3, 8.7) but need not on
// images with a regular block structure, whose period can alias with the box sizes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/resnet.hpp"

namespace sizesel {

/// The corruptions implemented, each with the reference's CIFAR parameter c per severity 1..5
/// (pixel values x in [0,1]; N(0, s) normal noise; every result clipped to [0,1]):
enum class Corruption {
  kGaussianNoise,  ///< x + N(0, c), c = .04 .06 .08 .09 .10
  kShotNoise,      ///< Poisson(x * c) / c, c = 500 250 100 75 50
  kImpulseNoise,   ///< scikit-image random_noise 's&p': each value (per channel) replaced with
                   ///< probability c by 1 or 0 (half each), c = .01 .02 .03 .05 .07
  kSpeckleNoise,   ///< x + x * N(0, c), c = .06 .10 .12 .16 .20
  kGaussianBlur,   ///< scikit-image gaussian (scipy gaussian_filter: radius int(4c + 0.5), border
                   ///< 'nearest' = edge replicated), per channel, sigma c = .4 .6 .7 .8 1 pixels
  kDefocusBlur,    ///< 2-D correlation with disk(radius, alias_blur) = (.3,.4) (.4,.5) (.5,.6)
                   ///< (1,.2) (1.5,.1) pixels, border reflect-101 (OpenCV filter2D's default)
  kContrast,       ///< (x - m) * c + m, m the image's mean per channel, c = .75 .5 .4 .3 .15
  kBrightness,     ///< HSV value + c (clipped), scikit-image rgb2hsv/hsv2rgb,
                   ///< c = .05 .1 .15 .2 .3
  kPixelate,       ///< Pillow BOX resize to int(side * c) and back, c = .95 .9 .85 .75 .65
  kSaturate,       ///< HSV saturation * c1 + c2 (clipped), (c1, c2) = (.3,0) (.1,0) (1.5,0)
                   ///< (2,.1) (2.5,.2); note that severities 1-2 desaturate and 3-5 oversaturate
};

/// Every Corruption, in declaration order.
[[nodiscard]] const std::vector<Corruption>& all_corruptions();

/// The name CIFAR-10-C gives the corruption's file, without ".npy": "gaussian_noise", ...
[[nodiscard]] std::string to_string(Corruption corruption);

/// The corruption named `name` (as to_string spells it), or nullopt.
[[nodiscard]] std::optional<Corruption> corruption_from_string(const std::string& name);

/// Highest severity; severities run 1..kMaxSeverity as in CIFAR-10-C, 0 meaning none.
inline constexpr int kMaxSeverity = 5;

/// Applies `corruption` at `severity` (0 = identity, 1..5 as CIFAR-10-C) to uint8 [B,C,H,W]
/// images with any C (colour corruptions on C != 3 are defined on each channel as on a grey
/// image, see above) and any H, W >= 1. Returns a new contiguous uint8 [B,C,H,W] tensor on the
/// images' device, every value clip(y, 0, 1) * 255 truncated as CIFAR-10-C stores it. Random
/// corruptions draw from `generator` (reproducible from its seed) and are computed on the
/// generator's device; the others on the images' device.
/// Throws std::invalid_argument for a severity outside 0..kMaxSeverity or an input that is not a
/// 4-D uint8 tensor.
[[nodiscard]] torch::Tensor corrupt(const torch::Tensor& images, Corruption corruption,
                                    int severity, torch::Generator& generator);

/// Accuracy of a model on one corruption at one severity.
struct CorruptionScore {
  Corruption corruption = Corruption::kGaussianNoise;
  int severity = 0;     ///< 1..kMaxSeverity
  double accuracy = 0;  ///< fraction of the split classified correctly, in [0,1]
};

/// Accuracy of `model` on `split` under every (corruption, severity 1..5) pair, in the order of
/// `corruptions` and then of severity. Each batch of `batch_size` images is corrupted on the fly
/// (on the CPU), normalised with `stats` by to_model_input, and classified on `device` in eval
/// mode without gradients. Each pair draws from its own generator seeded from (`seed`, the
/// corruption, the severity), so reruns give the same numbers and a pair's score does not depend
/// on which other corruptions are listed; a random corruption's score does depend on batch_size,
/// the noise being drawn batch by batch. An empty split scores 0.
/// Throws std::invalid_argument when batch_size < 1.
[[nodiscard]] std::vector<CorruptionScore> corruption_accuracies(
    ResNet& model, const ImageSplit& split, const ChannelStats& stats, torch::Device device,
    int64_t batch_size, const std::vector<Corruption>& corruptions, uint64_t seed);

}  // namespace sizesel
