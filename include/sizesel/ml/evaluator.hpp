// Measures a trained model's quality on a split: accuracy, macro precision/recall/F1, per-class accuracy.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/resnet.hpp"

namespace sizesel {

/// Classification quality; fractions in [0,1].
struct Quality {
  double accuracy = 0;
  double precision_macro = 0;  ///< mean over classes of TP / (TP + FP); a class never predicted counts 0
  double recall_macro = 0;     ///< mean over classes of TP / (TP + FN)
  double f1_macro = 0;         ///< mean over classes of 2PR / (P + R); 0 where P + R = 0
  std::vector<double> per_class_accuracy;  ///< recall of each class
};

/// Quality of `predicted` against `labels` (both int64 [N]) over `num_classes` classes.
/// Classes absent from `labels` are left out of the macro averages.
[[nodiscard]] Quality quality_of(const torch::Tensor& predicted, const torch::Tensor& labels,
                                 int64_t num_classes);

/// Predicted class of every image of `split` (int64 [N]), in eval mode without gradients,
/// `batch_size` images at a time. With noise_sigma > 0 the inputs get seeded Gaussian noise
/// (see to_model_input).
[[nodiscard]] torch::Tensor predict(ResNet& model, const ImageSplit& split, const ChannelStats& stats,
                                    torch::Device device, int64_t batch_size, double noise_sigma = 0,
                                    uint64_t noise_seed = 0);

}  // namespace sizesel
