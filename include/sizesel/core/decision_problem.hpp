// A decision to make: raw criteria table, weights, constraints, mode and normalisation.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/normalization.hpp"

namespace sizesel {

/// single: choose exactly one option (a MIP); mixture: share the load among options (an LP).
enum class DecisionMode { kSingle, kMixture };

/// "single" or "mixture".
[[nodiscard]] std::string to_string(DecisionMode mode);

/// The same for a table given by hand (`solve`) and for measured candidates (`recommend`).
struct DecisionProblem {
  CriteriaTable table;                           ///< raw criterion values per option
  std::map<std::string, double> weights;         ///< by criterion name; a criterion left out weighs 0
  std::vector<Constraint> constraints;           ///< on raw criterion values or on `extra` values
  std::vector<std::map<std::string, double>> extra;  ///< per option: further raw metrics constraints may name
  DecisionMode mode = DecisionMode::kSingle;
  Normalization normalization = Normalization::kMinMax;
};

}  // namespace sizesel
