#include "sizesel/core/criteria.hpp"

#include <stdexcept>

namespace sizesel {

const std::vector<Criterion>& standard_criteria() {
  static const std::vector<Criterion> kCriteria = {
      {"P", Direction::kMax, "", "performance: (test accuracy + macro F1) / 2", std::nullopt},
      {"C", Direction::kMin, "devices",
       "compute cost: devices needed to serve the target rate, ceil(target_rate / throughput)", std::nullopt},
      {"E", Direction::kMin, "layers",
       "interpretability proxy: weighted depth, fewer layers are easier to inspect", std::nullopt},
      {"R", Direction::kMax, "",
       "robustness: accuracy under Gaussian noise (sigma 0.08) divided by clean accuracy", std::nullopt},
      {"M", Direction::kMin, "s", "maintainability proxy: training wall time of the recipe", std::nullopt},
  };
  return kCriteria;
}

bool is_criterion(const std::string& name) {
  for (const auto& criterion : standard_criteria()) {
    if (criterion.name == name) return true;
  }
  return false;
}

double criterion_value(const Metrics& metrics, const std::string& name) {
  if (name == "P") return (metrics.accuracy + metrics.f1_macro) / 2;
  if (name == "C") return static_cast<double>(metrics.devices);
  if (name == "E") return static_cast<double>(metrics.depth);
  if (name == "R") return metrics.accuracy > 0 ? metrics.noise_accuracy / metrics.accuracy : 0.0;
  if (name == "M") return metrics.train_seconds;
  throw std::out_of_range("unknown criterion '" + name + "'");
}

}  // namespace sizesel
