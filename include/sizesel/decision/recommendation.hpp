// From a raw criteria table, weights and constraints to a recommendation: normalise, score, select, analyse.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/normalization.hpp"
#include "sizesel/decision/selection.hpp"
#include "sizesel/decision/weight_stability.hpp"

namespace sizesel {

/// single: choose exactly one option (a MIP); mixture: share the load among options (an LP).
enum class DecisionMode { kSingle, kMixture };

/// "single" or "mixture".
[[nodiscard]] std::string to_string(DecisionMode mode);

/// A decision to make: the same for a table given by hand and for measured candidates.
struct DecisionProblem {
  CriteriaTable table;                           ///< raw criterion values per option
  std::map<std::string, double> weights;         ///< by criterion name; a criterion left out weighs 0
  std::vector<Constraint> constraints;           ///< on raw criterion values or on `extra` values
  std::vector<std::map<std::string, double>> extra;  ///< per option: further raw metrics constraints may name
  DecisionMode mode = DecisionMode::kSingle;
  Normalization normalization = Normalization::kMinMax;
};

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
