// How a trained candidate is measured: serving cost, robustness, interpretability.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sizesel {

struct MeasurementSpec {
  int64_t warmup_runs = 5;       ///< untimed runs before timing
  int64_t latency_runs = 100;    ///< timed batch-1 runs for the latency percentiles (p99 needs many)
  int64_t throughput_runs = 10;  ///< timed runs at the deployment batch size; throughput from the median
  /// Test images (a class-balanced subset of the test split) on which corruption and FGSM
  /// accuracy are measured; 0 = the whole test subset.
  int64_t robustness_images = 500;
  std::vector<std::string> corruptions;  ///< CIFAR-10-C names; empty = every implemented one
  std::vector<int> severities = {1, 2, 3, 4, 5};
  int64_t saliency_images = 100;  ///< test images of the deletion (faithfulness) test
  int64_t deletion_steps = 16;    ///< pixel-removal steps of the deletion curve
};

/// The corruptions sizesel implements, by CIFAR-10-C's names, in report order.
[[nodiscard]] const std::vector<std::string>& known_corruptions();

}  // namespace sizesel
