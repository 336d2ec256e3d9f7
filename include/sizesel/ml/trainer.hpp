// Trains one candidate with SGD on the training split, reporting each epoch.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <filesystem>
#include <random>

#include <torch/optim/sgd.h>
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

/// Where training stands after one optimiser step: the epoch in progress, so far.
struct StepReport {
  int64_t epoch = 0;          ///< 1-based, the epoch in progress
  int64_t epochs = 0;
  int64_t batch = 0;          ///< 1-based, the batch just trained
  int64_t batches = 0;        ///< per epoch
  double mean_loss = 0;       ///< over the epoch's batches so far
  double train_accuracy = 0;  ///< over the epoch's batches so far
  double images_per_s = 0;    ///< over the epoch so far (since the last resume)
};

using StepCallback = std::function<void(const StepReport&)>;

/// Makes the first SIGINT or SIGTERM set a flag that training checks after every step (a
/// second one ends the process at once). Idempotent.
void install_interrupt_handler();
/// Whether SIGINT or SIGTERM arrived since install_interrupt_handler().
[[nodiscard]] bool interrupt_requested();

/// Learning rate at optimiser step `step` (0-based) of `total_steps` under spec.schedule.
[[nodiscard]] double learning_rate_at(const TrainingSpec& spec, int64_t step, int64_t total_steps);

/// One training run that can be paused after any epoch and resumed: it owns the optimiser, the
/// shuffling and augmentation generators and the step count, so that training to epoch a and
/// then on to epoch b gives exactly the weights of training to b in one go. The learning-rate
/// schedule always spans all spec.epochs. `model` and `train` must outlive it.
class TrainingSession {
 public:
  TrainingSession(ResNet& model, const ImageSplit& train, const ChannelStats& stats, const TrainingSpec& spec,
                  torch::Device device, EpochCallback on_epoch = {});

  /// Trains on up to `epoch` (1-based, clamped to spec.epochs); does nothing when already there.
  /// Leaves the model in eval mode. Throws TrainingError when the loss becomes NaN or infinite.
  void run_to(int64_t epoch) { run_to_step(epoch * batches_); }
  /// The same, up to optimiser step `step` (clamped to total_steps()), possibly mid-epoch.
  void run_to_step(int64_t step);

  [[nodiscard]] int64_t epochs_done() const { return epochs_done_; }
  [[nodiscard]] int64_t epochs() const { return spec_.epochs; }
  [[nodiscard]] int64_t steps_done() const { return step_; }
  /// After every completed epoch, save the whole training state to `file` (atomically:
  /// a temporary file, then rename), so that resume() can go on from there.
  void checkpoint_to(std::filesystem::path file) { checkpoint_ = std::move(file); }
  /// Calls `callback` after every optimiser step but an epoch's last (on_epoch reports that one).
  void on_step(StepCallback callback) { on_step_ = std::move(callback); }
  /// Restores the state a checkpoint saved: weights, batch-norm statistics, optimiser
  /// momentum, both random generators, the step and the epochs' reports, so that training on
  /// gives exactly what uninterrupted training gives. Returns the epochs restored. Throws
  /// TrainingError when the file fails its CRC-32 (damaged or truncated) or does not fit this
  /// training (another recipe or model).
  int64_t resume(const std::filesystem::path& file);
  /// Seconds spent training so far, the epoch in progress included.
  [[nodiscard]] double seconds_so_far() const { return result_.seconds + epoch_seconds_; }
  [[nodiscard]] int64_t total_steps() const { return total_steps_; }
  /// The epochs trained so far; seconds and images/s count only time spent training.
  [[nodiscard]] const TrainingResult& result() const { return result_; }

 private:
  ResNet& model_;
  const ImageSplit& train_;
  ChannelStats stats_;  // a copy: two small tensors, shared
  TrainingSpec spec_;
  torch::Device device_;
  EpochCallback on_epoch_;
  StepCallback on_step_;
  torch::optim::SGD optimizer_;
  at::Generator generator_;
  std::mt19937_64 rng_;
  int64_t batch_size_ = 0;
  int64_t batches_ = 0;
  int64_t total_steps_ = 0;
  int64_t step_ = 0;
  int64_t epochs_done_ = 0;
  int64_t images_ = 0;
  TrainingResult result_;
  std::filesystem::path checkpoint_;
  void save(const std::filesystem::path& file) const;
  // The epoch in progress when paused mid-epoch.
  torch::Tensor order_;
  double epoch_seconds_ = 0;
  double loss_sum_ = 0;
  int64_t correct_ = 0;
  int64_t seen_ = 0;
};

/// Trains `model` in place: SGD (momentum, weight decay) on shuffled batches of `train`,
/// augmented when spec.augment, learning rate from learning_rate_at() at every step.
/// Shuffling and augmentation are seeded from spec.seed (seed the model's initialisation
/// separately, with torch::manual_seed, before building it).
/// Throws TrainingError when the loss becomes NaN or infinite.
TrainingResult train_model(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                           const TrainingSpec& spec, torch::Device device,
                           const EpochCallback& on_epoch = {});

}  // namespace sizesel
