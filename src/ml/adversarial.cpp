#include "sizesel/ml/adversarial.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

#include "sizesel/core/error.hpp"
#include "sizesel/ml/eval_mode.hpp"

namespace sizesel {
namespace {

void check_epsilon(double epsilon) {
  if (!std::isfinite(epsilon) || epsilon < 0) {
    throw InputError(fmt::format("FGSM: epsilon must be a finite number >= 0 in [0,1] pixel units (got {})",
                                 epsilon));
  }
}

/// Per-channel normalisation, the same operations in the same order as to_model_input(), so that
/// epsilon 0 feeds the model bit-identical inputs.
torch::Tensor normalise(const torch::Tensor& images01, const torch::Tensor& mean, const torch::Tensor& std) {
  return images01.sub(mean).div(std);
}

struct DeviceStats {
  torch::Tensor mean;  ///< float [1, C, 1, 1] on the device
  torch::Tensor std;   ///< float [1, C, 1, 1] on the device
};

DeviceStats stats_on(const ChannelStats& stats, torch::Device device) {
  const int64_t channels = stats.mean.size(0);
  return {stats.mean.to(device, torch::kFloat).view({1, channels, 1, 1}),
          stats.std.to(device, torch::kFloat).view({1, channels, 1, 1})};
}

/// sign(grad_x CE(forward(norm(x)), labels)) for x = images01 on the device. The loss is summed
/// over the batch (each image's gradient is its own in eval mode, and no 1/B factor can underflow).
/// Only the input's gradient is asked for, so no parameter's .grad is touched.
torch::Tensor loss_gradient_sign(const LogitsFunction& forward, const torch::Tensor& images01,
                                 const torch::Tensor& labels, const DeviceStats& stats) {
  torch::AutoGradMode grad_mode(true);
  const auto x = images01.detach().clone().requires_grad_(true);
  const auto logits = forward(normalise(x, stats.mean, stats.std));
  const auto loss = torch::nn::functional::cross_entropy(
      logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  return torch::autograd::grad({loss}, {x})[0].sign();
}

/// x_adv = clip(x + epsilon * sign, 0, 1), the one place both entry points perturb.
torch::Tensor step_and_clip(const torch::Tensor& images01, const torch::Tensor& sign, double epsilon) {
  return (images01 + epsilon * sign).clamp_(0.0, 1.0);
}

void check_batch(const torch::Tensor& images01, const torch::Tensor& labels, const ChannelStats& stats) {
  if (images01.dim() != 4 || labels.dim() != 1 || labels.size(0) != images01.size(0) ||
      images01.size(1) != stats.mean.size(0)) {
    throw InputError(fmt::format(
        "FGSM: expected images [B, C, H, W] with C = {} channels and labels [B] (got images {} and labels {})",
        stats.mean.size(0), fmt::join(images01.sizes(), "x"), fmt::join(labels.sizes(), "x")));
  }
}

}  // namespace

std::vector<double> default_fgsm_epsilons() { return {1.0 / 255, 2.0 / 255}; }

torch::Tensor fgsm_perturb(torch::nn::Module& module, const LogitsFunction& forward, const torch::Tensor& images01,
                           const torch::Tensor& labels, const ChannelStats& stats, double epsilon,
                           torch::Device device) {
  check_epsilon(epsilon);
  check_batch(images01, labels, stats);
  EvalModeScope eval(module);
  const DeviceStats on_device = stats_on(stats, device);
  const auto x = images01.to(device, torch::kFloat);
  const auto sign = loss_gradient_sign(forward, x, labels.to(device, torch::kLong), on_device);
  torch::NoGradGuard no_grad;
  return step_and_clip(x, sign, epsilon).cpu();
}

torch::Tensor fgsm_perturb(ResNet& model, const torch::Tensor& images01, const torch::Tensor& labels,
                           const ChannelStats& stats, double epsilon, torch::Device device) {
  return fgsm_perturb(*model, [&](const torch::Tensor& x) { return model->forward(x); }, images01, labels,
                      stats, epsilon, device);
}

std::vector<AdversarialScore> fgsm_accuracies(torch::nn::Module& module, const LogitsFunction& forward,
                                              const ImageSplit& split, const ChannelStats& stats,
                                              torch::Device device, int64_t batch_size,
                                              const std::vector<double>& epsilons) {
  if (batch_size < 1) throw InputError(fmt::format("FGSM: batch size must be >= 1 (got {})", batch_size));
  for (const double epsilon : epsilons) check_epsilon(epsilon);
  EvalModeScope eval(module);
  const DeviceStats on_device = stats_on(stats, device);
  std::vector<int64_t> correct(epsilons.size(), 0);
  const int64_t n = split.images.size(0);
  for (int64_t begin = 0; begin < n; begin += batch_size) {
    const int64_t count = std::min(batch_size, n - begin);
    // uint8 / 255 on the CPU, as to_model_input() does.
    const auto x = split.images.narrow(0, begin, count).to(torch::kFloat).div_(255.0).to(device);
    const auto labels = split.labels.narrow(0, begin, count).to(device, torch::kLong);
    const auto sign = loss_gradient_sign(forward, x, labels, on_device);
    torch::NoGradGuard no_grad;
    for (std::size_t e = 0; e < epsilons.size(); ++e) {
      const auto adversarial = step_and_clip(x, sign, epsilons[e]);
      const auto predicted = forward(normalise(adversarial, on_device.mean, on_device.std)).argmax(1);
      correct[e] += predicted.eq(labels).sum().item<int64_t>();
    }
  }
  std::vector<AdversarialScore> scores;
  for (std::size_t e = 0; e < epsilons.size(); ++e) {
    scores.push_back({epsilons[e], n > 0 ? static_cast<double>(correct[e]) / static_cast<double>(n) : 0.0});
  }
  return scores;
}

std::vector<AdversarialScore> fgsm_accuracies(ResNet& model, const ImageSplit& split, const ChannelStats& stats,
                                              torch::Device device, int64_t batch_size,
                                              const std::vector<double>& epsilons) {
  return fgsm_accuracies(*model, [&](const torch::Tensor& x) { return model->forward(x); }, split, stats, device,
                         batch_size, epsilons);
}

}  // namespace sizesel
