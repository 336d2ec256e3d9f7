// Trains one candidate with SGD on the training split, reporting each epoch.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "sizesel/core/training_spec.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/resnet.hpp"

namespace sizesel {

/// What one epoch of training did.
struct EpochReport {
  int64_t epoch = 0;             ///< 1-based
  int64_t epochs = 0;            ///< total epochs of the run
  double mean_loss = 0;          ///< mean cross-entropy over the epoch's batches
  double train_accuracy = 0;     ///< fraction correct on the (augmented) training batches
  double seconds = 0;            ///< wall time of the epoch, s
  double images_per_s = 0;       ///< training images per second in this epoch
};

struct TrainingResult {
  std::vector<EpochReport> epochs;
  double seconds = 0;       ///< wall time of all epochs, s
  double images_per_s = 0;  ///< images trained per second over the whole run
  double final_loss = 0;    ///< mean loss of the last epoch
};

using EpochCallback = std::function<void(const EpochReport&)>;

/// Learning rate at optimiser step `step` (0-based) of `total_steps` under spec.schedule.
[[nodiscard]] double learning_rate_at(const TrainingSpec& spec, int64_t step, int64_t total_steps);

/// Trains `model` in place: SGD (momentum, weight decay) on shuffled batches of `train`,
/// augmented when spec.augment, learning rate from learning_rate_at() at every step.
/// Shuffling and augmentation are seeded from spec.seed (seed the model's initialisation
/// separately, with torch::manual_seed, before building it).
/// Throws TrainingError when the loss becomes NaN or infinite.
TrainingResult train_model(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                           const TrainingSpec& spec, torch::Device device,
                           const EpochCallback& on_epoch = {});

}  // namespace sizesel
