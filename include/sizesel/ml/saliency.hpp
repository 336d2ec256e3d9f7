// Interpretability of a trained model: vanilla-gradient saliency and how faithful it is (deletion AUC).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/resnet.hpp"

namespace sizesel {

/// Normalised model inputs [B, C, H, W] -> logits [B, classes]; lets any module stand in for a
/// ResNet (adversarial.hpp declares the same alias).
using LogitsFunction = std::function<torch::Tensor(const torch::Tensor&)>;

/// Vanilla-gradient saliency of a batch of images and what the model predicted for them.
struct SaliencyMaps {
  torch::Tensor saliency;     ///< float [B, H, W]: max over channels of |d logit_c / d x|, per [0,1] pixel unit
  torch::Tensor predicted;    ///< int64 [B]: c, the class with the largest logit on the clean image
  torch::Tensor probability;  ///< float [B]: softmax probability of c on the clean image, in (0,1]
};

/// Vanilla gradient saliency (Simonyan, Vedaldi & Zisserman, "Deep Inside Convolutional Networks:
/// Visualising Image Classification Models and Saliency Maps", ICLR workshop 2014):
/// s(p) = max over channels of |d logit_c / d x_p| at every pixel position p, where c is the
/// predicted class and x the image in [0,1] pixel units (uint8 / 255), before the per-channel
/// normalisation of to_model_input, through which the gradient flows (so channels are compared
/// in the same units). `images` is uint8 [B, C, H, W].
/// The model runs in eval mode (batch norm uses its running statistics, images do not interact);
/// each module's training mode is restored on return, only the input's gradient is taken, so no
/// parameter's .grad is created or changed, and no buffer is updated. The model must already be
/// on `device`; the results are on the CPU. Throws InputError when `images` is not uint8
/// [B, C, H, W] with B >= 1 and C matching `stats`.
[[nodiscard]] SaliencyMaps gradient_saliency(ResNet& model, const torch::Tensor& images,
                                             const ChannelStats& stats, torch::Device device = torch::kCPU);

/// gradient_saliency() for any module: `forward` maps normalised inputs to logits, `module` is
/// what is put into eval mode and left without parameter gradients.
[[nodiscard]] SaliencyMaps gradient_saliency(torch::nn::Module& module, const LogitsFunction& forward,
                                             const torch::Tensor& images, const ChannelStats& stats,
                                             torch::Device device = torch::kCPU);

/// The order in which a deletion curve removes pixel positions.
enum class DeletionOrder {
  kSaliency,  ///< most salient first (gradient_saliency; ties in position order)
  kRandom,    ///< a seeded uniformly random permutation per image, the baseline
};

/// Mean probability of the clean prediction as more and more pixel positions are removed.
struct DeletionCurve {
  std::vector<double> removed_fraction;  ///< steps + 1 fractions of the H x W positions removed, 0 first, 1 last
  std::vector<double> mean_probability;  ///< softmax probability of the clean image's predicted class, mean over images
  double auc = 0;  ///< trapezoid area under mean_probability over removed_fraction, in [0,1]; lower = faster fall
};

/// A saliency-order deletion curve next to its random-order baseline.
struct DeletionResult {
  DeletionCurve saliency;
  DeletionCurve random;
  double auc_ratio = 0;  ///< saliency.auc / random.auc; below 1 when the saliency is faithful
  int64_t images = 0;    ///< images the curves average over
  int64_t steps = 0;     ///< removal steps (each curve has steps + 1 points)
};

/// Deletion curve (pixel flipping, most relevant first: Samek et al., "Evaluating the
/// visualization of what a deep neural network has learned", IEEE TNNLS 2017; deletion AUC:
/// Petsiuk, Das & Saenko, "RISE", BMVC 2018) of every image in `images` (uint8 [B, C, H, W]).
/// Pixel positions are ranked in `order` and removed in `steps` nearly equal chunks
/// (after step t, floor(t * H * W / steps) positions are gone), all channels of a position at
/// once. A removed pixel is set to the per-channel mean of `stats` (the training mean), i.e. to
/// 0 after normalisation: the value the model's inputs average to, which carries no evidence of
/// its own. After each step the softmax probability of the class predicted on the clean image is
/// recorded; one batched forward pass per step (at most 256 images at a time). `seed` drives
/// kRandom only. Same side-effect guarantees as gradient_saliency().
/// Throws InputError when `images` is empty or malformed, or when steps is not in [1, H * W].
[[nodiscard]] DeletionCurve deletion_curve(torch::nn::Module& module, const LogitsFunction& forward,
                                           const torch::Tensor& images, const ChannelStats& stats,
                                           torch::Device device, int64_t steps, DeletionOrder order,
                                           uint64_t seed);

/// Faithfulness of gradient saliency on a seeded sample of `sample_images` images of `split`
/// (drawn without replacement from `seed`; all images, in split order, when sample_images is at
/// least the split's size): the saliency-order and random-order deletion curves of
/// deletion_curve() and the ratio of their AUCs. The random order's seed is derived from `seed`.
/// Cost: one forward and backward pass for the saliency plus 2 * steps + 1 forward passes of the
/// sample. Same side-effect guarantees as gradient_saliency().
/// Throws InputError when sample_images is below 1, the split is empty, or steps is not in
/// [1, H * W].
[[nodiscard]] DeletionResult deletion_faithfulness(ResNet& model, const ImageSplit& split,
                                                   const ChannelStats& stats, torch::Device device,
                                                   int64_t sample_images, int64_t steps, uint64_t seed);

/// deletion_faithfulness() for any module (see the gradient_saliency() overload).
[[nodiscard]] DeletionResult deletion_faithfulness(torch::nn::Module& module, const LogitsFunction& forward,
                                                   const ImageSplit& split, const ChannelStats& stats,
                                                   torch::Device device, int64_t sample_images,
                                                   int64_t steps, uint64_t seed);

}  // namespace sizesel
