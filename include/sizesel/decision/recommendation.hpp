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
  NormalizedTable normalized;   ///< higher better, by `normalization`
  std::vector<double> weights;  ///< aligned with table.criteria
  Selection selection;          ///< feasibility, exclusions, scores, the choice (and the mixture)
  std::vector<std::vector<std::size_t>> dominated_by;  ///< per option (see pareto.hpp)
  Stability stability;          ///< empty when nothing is recommended
};

/// Normalises the table, scores every option by Σ weight × normalised value, and decides
/// under the constraints, which apply to raw values: select_one (single) or select_mixture
/// (mixture), both with GLPK; then Pareto dominance and weight stability.
/// Throws InputError on an invalid problem, SolverError when the solver fails.
[[nodiscard]] Recommendation decide(const DecisionProblem& problem);

}  // namespace sizesel
