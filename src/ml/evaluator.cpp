#include "sizesel/ml/evaluator.hpp"

#include <torch/torch.h>

namespace sizesel {

Quality quality_of(const torch::Tensor& predicted, const torch::Tensor& labels, int64_t num_classes) {
  const auto truth = labels.to(torch::kLong).cpu();
  const auto guess = predicted.to(torch::kLong).cpu();
  // confusion[t][p] counts images of true class t predicted as p.
  const auto confusion = torch::bincount(truth * num_classes + guess, {}, num_classes * num_classes)
                             .view({num_classes, num_classes})
                             .to(torch::kDouble);
  const auto tp = confusion.diagonal();
  const auto actual = confusion.sum(1);
  const auto predicted_count = confusion.sum(0);

  Quality quality;
  const int64_t n = truth.size(0);
  quality.accuracy = n > 0 ? tp.sum().item<double>() / static_cast<double>(n) : 0.0;
  int64_t present = 0;
  double precision_sum = 0;
  double recall_sum = 0;
  double f1_sum = 0;
  for (int64_t c = 0; c < num_classes; ++c) {
    const double t = tp[c].item<double>();
    const double a = actual[c].item<double>();
    const double p = predicted_count[c].item<double>();
    const double recall = a > 0 ? t / a : 0.0;
    quality.per_class_accuracy.push_back(recall);
    if (a == 0) continue;
    const double precision = p > 0 ? t / p : 0.0;
    ++present;
    precision_sum += precision;
    recall_sum += recall;
    f1_sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
  }
  if (present > 0) {
    quality.precision_macro = precision_sum / static_cast<double>(present);
    quality.recall_macro = recall_sum / static_cast<double>(present);
    quality.f1_macro = f1_sum / static_cast<double>(present);
  }
  return quality;
}

torch::Tensor predict(ResNet& model, const ImageSplit& split, const ChannelStats& stats, torch::Device device,
                      int64_t batch_size, double noise_sigma, uint64_t noise_seed) {
  torch::InferenceMode inference;
  model->eval();
  auto generator = at::make_generator<at::CPUGeneratorImpl>(noise_seed);
  const int64_t n = split.images.size(0);
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < n; begin += batch_size) {
    const auto images = split.images.narrow(0, begin, std::min(batch_size, n - begin));
    const auto inputs = to_model_input(images, stats, noise_sigma, &generator).to(device);
    parts.push_back(model->forward(inputs).argmax(1).cpu());
  }
  return parts.empty() ? torch::empty({0}, torch::kLong) : torch::cat(parts);
}

}  // namespace sizesel
