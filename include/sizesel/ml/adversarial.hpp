// Adversarial robustness of a trained model: accuracy under the fast gradient sign method (FGSM).
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
/// ResNet (saliency.hpp declares the same alias).
using LogitsFunction = std::function<torch::Tensor(const torch::Tensor&)>;

/// Accuracy on FGSM-perturbed images at one perturbation size.
struct AdversarialScore {
  double epsilon = 0;   ///< max-norm of the perturbation, in [0,1] pixel units (8/255 = 8 grey levels)
  double accuracy = 0;  ///< fraction of the perturbed images classified as their true label, in [0,1]
};

/// The perturbation sizes reported by default: 1/255 and 2/255, in [0,1] pixel units.
[[nodiscard]] std::vector<double> default_fgsm_epsilons();

/// FGSM (Goodfellow, Shlens & Szegedy, "Explaining and Harnessing Adversarial Examples",
/// ICLR 2015) on one batch: x_adv = clip(x + epsilon * sign(grad_x CE(model(norm(x)), y)), 0, 1),
/// where x = `images01` (float [B, C, H, W] in [0,1] pixel units, i.e. uint8 / 255, before the
/// per-channel normalisation of to_model_input, through which the gradient flows), y = `labels`
/// (int64 [B], the true classes) and epsilon is in [0,1] pixel units. Where the gradient of a
/// pixel is exactly 0 its sign is 0 and the pixel is left alone.
/// The model runs in eval mode (batch norm uses its running statistics); its training mode is
/// restored on return, and the gradient is taken with respect to the input only, so no
/// parameter's .grad is created or changed and no buffer is updated. The model must already be
/// on `device`. Returns float [B, C, H, W] on the CPU, in [0,1].
/// Throws InputError when epsilon is negative or not finite, or when the shapes disagree.
[[nodiscard]] torch::Tensor fgsm_perturb(ResNet& model, const torch::Tensor& images01,
                                         const torch::Tensor& labels, const ChannelStats& stats,
                                         double epsilon, torch::Device device = torch::kCPU);

/// fgsm_perturb() for any module: `forward` maps normalised inputs to logits, `module` is what
/// is put into eval mode and left without parameter gradients.
[[nodiscard]] torch::Tensor fgsm_perturb(torch::nn::Module& module, const LogitsFunction& forward,
                                         const torch::Tensor& images01, const torch::Tensor& labels,
                                         const ChannelStats& stats, double epsilon,
                                         torch::Device device = torch::kCPU);

/// Accuracy of `model` on every image of `split` after an FGSM perturbation of each size in
/// `epsilons` (in [0,1] pixel units; 0 gives the clean accuracy, exactly as predict() and
/// quality_of() do with the same batch_size), one AdversarialScore per epsilon, in order.
/// The gradient is computed once per batch of `batch_size` images and reused for every epsilon,
/// so the cost is one forward and backward pass plus one forward pass per epsilon and image.
/// Same side-effect guarantees as fgsm_perturb(): no parameter gradients, mode restored,
/// buffers untouched. Throws InputError when batch_size is below 1 or an epsilon is negative
/// or not finite.
[[nodiscard]] std::vector<AdversarialScore> fgsm_accuracies(ResNet& model, const ImageSplit& split,
                                                            const ChannelStats& stats,
                                                            torch::Device device, int64_t batch_size,
                                                            const std::vector<double>& epsilons =
                                                                default_fgsm_epsilons());

/// fgsm_accuracies() for any module (see the fgsm_perturb() overload).
[[nodiscard]] std::vector<AdversarialScore> fgsm_accuracies(torch::nn::Module& module,
                                                            const LogitsFunction& forward,
                                                            const ImageSplit& split,
                                                            const ChannelStats& stats,
                                                            torch::Device device, int64_t batch_size,
                                                            const std::vector<double>& epsilons);

}  // namespace sizesel
