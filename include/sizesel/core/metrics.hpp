// What sizesel measures on one trained candidate, and the names, units and directions it reports them under.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sizesel/core/criteria_table.hpp"

namespace sizesel {

/// Test accuracy under one common corruption of CIFAR-10-C at one severity.
struct CorruptionAccuracy {
  std::string corruption;  ///< CIFAR-10-C's name: "gaussian_noise", "contrast", ...
  int severity = 0;        ///< 1..5
  double accuracy = 0;     ///< fraction in [0,1]
};

/// Test accuracy under FGSM at one perturbation size.
struct AdversarialAccuracy {
  double epsilon = 0;   ///< max-norm of the perturbation, in [0,1] pixel units (1/255 = one grey level)
  double accuracy = 0;  ///< fraction in [0,1]
};

/// One epoch of training, as the trainer measured it.
struct TrainingEpoch {
  int64_t epoch = 0;          ///< 1-based
  double loss = 0;            ///< mean cross-entropy over the epoch's batches
  double train_accuracy = 0;  ///< fraction correct on the (augmented) training batches
  double seconds = 0;         ///< wall time, s
};

/// Measurements of one trained candidate (one seed). Every field is measured or computed,
/// never assumed; units are in the field's comment and in metric_infos().
struct Metrics {
  // P: test split quality (fractions in [0,1]).
  double accuracy = 0;
  double precision_macro = 0;   ///< unweighted mean over classes of per-class precision
  double recall_macro = 0;      ///< unweighted mean over classes of per-class recall
  double f1_macro = 0;          ///< unweighted mean over classes of per-class F1
  std::vector<double> per_class_accuracy;  ///< recall of each class, in class order
  double train_accuracy = 0;    ///< accuracy on the training subset, no augmentation

  // R: robustness.
  std::vector<CorruptionAccuracy> corruptions;  ///< per corruption and severity
  double mean_corruption_accuracy = 0;  ///< mean of `corruptions`' accuracies
  double corruption_robustness = 0;     ///< mean_corruption_accuracy / accuracy (0 when accuracy is 0)
  std::vector<AdversarialAccuracy> adversarial;  ///< FGSM, per epsilon
  double fgsm_accuracy_1 = 0;           ///< FGSM accuracy at epsilon 1/255
  double fgsm_accuracy_2 = 0;           ///< FGSM accuracy at epsilon 2/255
  double fgsm_robustness = 0;           ///< fgsm_accuracy_2 / accuracy (0 when accuracy is 0)
  double generalization_gap = 0;        ///< train_accuracy - accuracy

  // E: interpretability, and structure alongside.
  double deletion_auc = 0;         ///< area under the deletion curve, saliency order, in [0,1]
  double deletion_auc_random = 0;  ///< the same with a random order
  double faithfulness = 0;         ///< 1 - deletion_auc / deletion_auc_random
  int64_t params = 0;  ///< trainable parameters
  int64_t macs = 0;    ///< multiply-accumulates per image in convolutions and the classifier
  int64_t depth = 0;   ///< weighted layers on the deepest path

  // C: serving and training cost (measured on the device).
  double latency_ms_p50 = 0;        ///< batch-1 inference latency, median, ms
  double latency_ms_p90 = 0;        ///< 90th percentile, ms
  double latency_ms_p99 = 0;        ///< 99th percentile, ms
  double throughput = 0;            ///< images/s at the deployment batch size, on this device
  double inference_memory_mib = 0;  ///< peak tensor memory of one inference batch, MiB
  double training_memory_mib = 0;   ///< peak tensor memory while training, MiB
  int64_t devices = 0;              ///< ceil(target_rate / (throughput · device speed-up))
  double train_device_hours = 0;    ///< this run's training wall time on one device, h

  // M: maintainability.
  double train_seconds = 0;         ///< wall time of the training loop, s
  double train_images_per_s = 0;    ///< training images processed per second
  double final_train_loss = 0;      ///< mean cross-entropy over the last epoch
  double retrain_device_hours = 0;  ///< the full training recipe, extrapolated, on one device, h
  double checkpoint_mib = 0;        ///< size of the saved model file, MiB
  double accuracy_std = 0;          ///< sample standard deviation of accuracy over the seeds (0 for one)
  std::vector<TrainingEpoch> training_curve;  ///< per epoch, in order
};

/// One reportable number: its name (usable in constraints and sub-criteria), unit, meaning,
/// and which way is better.
struct MetricInfo {
  std::string name;
  std::string unit;         ///< "" for dimensionless counts and fractions
  std::string description;
  Direction direction = Direction::kMax;  ///< kMax: more is better
  bool fraction = false;    ///< a fraction in [0,1] (accuracies), so limits must lie in [0,1]
  bool integer = false;     ///< a whole count (parameters, MACs, depth, devices)
};

/// Every scalar metric, in report order.
[[nodiscard]] const std::vector<MetricInfo>& metric_infos();

/// The info of the named metric, or nullptr.
[[nodiscard]] const MetricInfo* find_metric(const std::string& name);

/// The value of the named scalar metric; throws std::out_of_range for an unknown name.
[[nodiscard]] double metric_value(const Metrics& metrics, const std::string& name);

/// Sets the named scalar metric (integer metrics are rounded); throws std::out_of_range.
void set_metric(Metrics& metrics, const std::string& name, double value);

/// Metrics over several seeds: each scalar's mean and sample standard deviation (0 for one run).
struct MetricSummary {
  Metrics mean;                         ///< scalar means; lists averaged entry by entry
  std::map<std::string, double> std;    ///< per scalar metric name
  int64_t runs = 0;
};

/// Summarises runs of the same candidate with different seeds (at least one). Integer metrics
/// keep their rounded mean; accuracy_std is set from the runs' accuracies.
[[nodiscard]] MetricSummary summarize(const std::vector<Metrics>& runs);

}  // namespace sizesel
