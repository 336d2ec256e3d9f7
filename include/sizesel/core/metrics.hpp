// What sizesel measures on one trained candidate, and the names and units under which it reports them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sizesel {

/// Measurements of one trained candidate. Every field is measured or computed, never assumed.
struct Metrics {
  // Test split quality (fractions in [0,1]).
  double accuracy = 0;
  double precision_macro = 0;   ///< unweighted mean over classes of per-class precision
  double recall_macro = 0;      ///< unweighted mean over classes of per-class recall
  double f1_macro = 0;          ///< unweighted mean over classes of per-class F1
  std::vector<double> per_class_accuracy;  ///< recall of each class, in class order
  double noise_accuracy = 0;    ///< test accuracy with Gaussian noise (sigma 0.08 of the pixel range)
  double train_accuracy = 0;    ///< accuracy on the training subset, no augmentation

  // Structure (computed from layer shapes).
  int64_t params = 0;  ///< trainable parameters
  int64_t macs = 0;    ///< multiply-accumulates per image in convolutions and the classifier
  int64_t depth = 0;   ///< weighted layers on the deepest path

  // Serving cost (measured on the device).
  double latency_ms_p50 = 0;      ///< batch-1 inference latency, median, ms
  double latency_ms_p90 = 0;      ///< batch-1 inference latency, 90th percentile, ms
  double throughput = 0;          ///< images/s at the deployment batch size
  double inference_memory_mib = 0;  ///< peak tensor memory of one inference batch, MiB
  int64_t devices = 0;            ///< ceil(target_rate / throughput)

  // Training cost (measured).
  double train_seconds = 0;        ///< wall time of the training loop, s
  double train_images_per_s = 0;   ///< training images processed per second
  double final_train_loss = 0;     ///< mean cross-entropy over the last epoch
};

/// One reportable number: its name (usable in constraints), unit and meaning.
struct MetricInfo {
  std::string name;
  std::string unit;         ///< "" for dimensionless counts and fractions
  std::string description;
  bool fraction = false;    ///< a fraction in [0,1] (accuracies), so limits must lie in [0,1]
  bool integer = false;     ///< a whole count (parameters, MACs, depth, devices)
};

/// Every scalar metric, in report order.
[[nodiscard]] const std::vector<MetricInfo>& metric_infos();

/// The value of the named scalar metric; throws std::out_of_range for an unknown name.
[[nodiscard]] double metric_value(const Metrics& metrics, const std::string& name);

}  // namespace sizesel
