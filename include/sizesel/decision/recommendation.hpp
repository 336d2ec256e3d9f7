// From a raw criteria table, weights and constraints to a recommendation: normalise, score, select.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/decision/selection.hpp"

namespace sizesel {

/// A decision to make: the same for a table given by hand and for measured candidates.
struct DecisionProblem {
  CriteriaTable table;                           ///< raw criterion values per option
  std::map<std::string, double> weights;         ///< by criterion name; a criterion left out weighs 0
  std::vector<Constraint> constraints;           ///< on raw criterion values or on `extra` values
  std::vector<std::map<std::string, double>> extra;  ///< per option: further raw metrics constraints may name
};

struct Recommendation {
  NormalizedTable normalized;   ///< min-max normalised criteria, higher better
  std::vector<double> weights;  ///< aligned with table.criteria
  Selection selection;          ///< feasibility, exclusions, scores and the choice
};

/// Normalises the table (normalize_minmax), scores every option by Σ weight × normalised value,
/// and selects one with select_one (GLPK) under the constraints, which apply to raw values.
/// Throws InputError on an invalid problem, SolverError when the solver fails.
[[nodiscard]] Recommendation decide(const DecisionProblem& problem);

}  // namespace sizesel
