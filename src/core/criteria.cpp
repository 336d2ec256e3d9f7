#include "sizesel/core/criteria.hpp"

#include <map>
#include <stdexcept>

#include "sizesel/core/metrics.hpp"

namespace sizesel {

const std::vector<CriterionGroup>& default_criteria() {
  static const std::vector<CriterionGroup> kCriteria = {
      {"P", "performance: test accuracy and macro F1", {{"accuracy", 0.5}, {"f1_macro", 0.5}}},
      {"C", "compute cost: devices needed to serve the target rate", {{"devices", 1.0}}},
      {"E", "interpretability: faithfulness of gradient saliency (deletion test)", {{"faithfulness", 1.0}}},
      {"R", "robustness: common corruptions, FGSM, generalisation gap",
       {{"corruption_robustness", 0.5}, {"fgsm_robustness", 0.3}, {"generalization_gap", 0.2}}},
      {"M", "maintainability: retraining cost, checkpoint size, stability across seeds",
       {{"retrain_device_hours", 0.5}, {"checkpoint_mib", 0.25}, {"accuracy_std", 0.25}}},
  };
  return kCriteria;
}

const std::vector<std::string>& allowed_sub_criteria(const std::string& name) {
  static const std::map<std::string, std::vector<std::string>> kAllowed = {
      {"P", {"accuracy", "f1_macro", "precision_macro", "recall_macro"}},
      {"C",
       {"devices", "latency_ms_p50", "latency_ms_p90", "latency_ms_p99", "inference_memory_mib",
        "training_memory_mib", "macs", "train_device_hours"}},
      {"E", {"faithfulness", "deletion_auc", "depth", "params"}},
      {"R",
       {"corruption_robustness", "mean_corruption_accuracy", "fgsm_robustness", "fgsm_accuracy_1", "fgsm_accuracy_2",
        "generalization_gap"}},
      {"M", {"retrain_device_hours", "checkpoint_mib", "accuracy_std", "train_seconds"}},
  };
  static const std::vector<std::string> kNone;
  const auto found = kAllowed.find(name);
  return found == kAllowed.end() ? kNone : found->second;
}

bool is_criterion(const std::string& name) { return !allowed_sub_criteria(name).empty(); }

Criterion metric_column(const std::string& name) {
  const MetricInfo* info = find_metric(name);
  if (info == nullptr) throw std::out_of_range("unknown metric '" + name + "'");
  return Criterion{info->name, info->direction, info->unit, info->description, std::nullopt};
}

}  // namespace sizesel
