// How every candidate is trained: optimiser, schedule, augmentation, seed, threads, device.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sizesel {

enum class Schedule {
  kOneCycle,  ///< linear warm-up from learning_rate/25 to learning_rate over the first 30 % of steps, then cosine down to 0
  kCosine,    ///< cosine from learning_rate down to 0
  kConstant,  ///< learning_rate throughout
};

struct TrainingSpec {
  int64_t epochs = 2;
  int64_t batch_size = 128;
  double learning_rate = 0.1;  ///< peak learning rate of SGD
  double momentum = 0.9;
  double weight_decay = 5e-4;
  Schedule schedule = Schedule::kOneCycle;
  bool augment = true;  ///< random crop (pad 4) and horizontal flip on each training batch
  uint64_t seed = 1;
  int64_t threads = 0;       ///< intra-op threads; 0 = every core this process may run on
  std::string device = "cpu";  ///< "cpu" or "cuda"
  int64_t repeats = 1;         ///< trainings per candidate, with seeds seed, seed+1, ...
  /// The full training recipe that retraining in production would run, for
  /// retrain_device_hours: epochs (default: `epochs`) over training images (default: the whole
  /// training split, not the subset trained on here).
  std::optional<int64_t> full_epochs;
  std::optional<int64_t> full_train_images;
};

[[nodiscard]] std::string to_string(Schedule schedule);

}  // namespace sizesel
