// The five criteria P, C, E, R, M that sizesel derives from a candidate's measured metrics.
#pragma once

#include <string>
#include <vector>

#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/metrics.hpp"

namespace sizesel {

/// P, C, E, R and M in that order, each with its direction, unit and method:
///   P performance      = (accuracy + f1_macro) / 2                       max, fraction
///   C compute cost     = devices = ceil(target_rate / throughput)         min, devices
///   E interpretability = weighted depth (proxy: shallower is easier to inspect)  min, layers
///   R robustness       = noise_accuracy / accuracy (relative robustness)  max, ratio
///   M maintainability  = train_seconds (proxy: cost of retraining)        min, s
[[nodiscard]] const std::vector<Criterion>& standard_criteria();

/// Whether `name` is one of the standard criteria.
[[nodiscard]] bool is_criterion(const std::string& name);

/// The raw value of criterion `name` for these metrics; throws std::out_of_range when unknown.
[[nodiscard]] double criterion_value(const Metrics& metrics, const std::string& name);

}  // namespace sizesel
