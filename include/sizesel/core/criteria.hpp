// The five criteria P, C, E, R, M that `recommend` decides on, each a sub-weighted group of measured metrics.
#pragma once

#include <string>
#include <vector>

#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/decision_problem.hpp"

namespace sizesel {

/// P, C, E, R, M in that order with their default sub-criteria and sub-weights (docs/metrics.md):
///   P performance      accuracy 0.5, f1_macro 0.5
///   C compute cost     devices 1
///   E interpretability faithfulness 1 (depth and params may be added, never alone)
///   R robustness       corruption_robustness 0.5, fgsm_robustness 0.3, generalization_gap 0.2
///   M maintainability  retrain_device_hours 0.5, checkpoint_mib 0.25, accuracy_std 0.25
[[nodiscard]] const std::vector<CriterionGroup>& default_criteria();

/// The metrics criterion `name` may combine; empty for a name that is not P, C, E, R or M.
[[nodiscard]] const std::vector<std::string>& allowed_sub_criteria(const std::string& name);

/// Whether `name` is one of P, C, E, R, M.
[[nodiscard]] bool is_criterion(const std::string& name);

/// The table column of metric `name`: its direction, unit and description from metric_infos().
/// Throws std::out_of_range for an unknown metric.
[[nodiscard]] Criterion metric_column(const std::string& name);

}  // namespace sizesel
