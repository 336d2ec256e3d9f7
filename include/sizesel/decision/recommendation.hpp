// From a raw criteria table, weights and constraints to a recommendation: normalise, score, select, analyse.
#pragma once

#include <cstddef>
#include <vector>

#include "sizesel/core/decision_problem.hpp"
#include "sizesel/core/normalization.hpp"
#include "sizesel/decision/selection.hpp"
#include "sizesel/decision/weight_stability.hpp"

namespace sizesel {

struct Recommendation {
  DecisionMode mode = DecisionMode::kSingle;
  Normalization normalization = Normalization::kMinMax;
  NormalizedTable normalized;   ///< per table column, higher better, by `normalization`
  /// The criteria the weights multiply: the problem's groups, or one per column when it has none.
  std::vector<CriterionGroup> groups;
  /// [option][group]: Σ_s w_s · normalized[option][column_s] / Σ_s w_s.
  std::vector<std::vector<double>> criterion_values;
  std::vector<double> weights;  ///< aligned with `groups`
  Selection selection;          ///< feasibility, exclusions, scores, the choice (and the mixture)
  std::vector<std::vector<std::size_t>> dominated_by;  ///< per option (see pareto.hpp)
  Stability stability;          ///< empty when nothing is recommended
};

/// Normalises the table, combines columns into the criteria (groups), scores every option by
/// Σ weight × criterion value, and decides under the constraints, which apply to raw values: select_one (single) or select_mixture
/// (mixture), both with GLPK; then Pareto dominance and weight stability.
/// Pareto dominance is taken over the columns that count (a part with weight > 0).
/// Throws InputError on an invalid problem (including a group naming an unknown column, a
/// negative or non-finite sub-weight, or a group whose sub-weights are all 0), SolverError when
/// the solver fails.
[[nodiscard]] Recommendation decide(const DecisionProblem& problem);

}  // namespace sizesel
