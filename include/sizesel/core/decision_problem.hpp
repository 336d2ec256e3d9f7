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

/// A criterion made of several table columns (its sub-criteria): its normalised value is
/// Σ_s w_s · n_s / Σ_s w_s over its columns' normalised values n_s, so it stays on their scale.
struct CriterionGroup {
  std::string name;         ///< "R"
  std::string description;  ///< one sentence
  struct Part {
    std::string column;     ///< a column of the table
    double weight = 0;      ///< sub-weight >= 0; the parts' weights need not sum to 1
  };
  std::vector<Part> parts;  ///< at least one with weight > 0
};

/// The key of constraint_values for this constraint: its metric and which side it bounds.
[[nodiscard]] inline std::string bound_key(const Constraint& constraint) {
  return constraint.metric + (constraint.kind == BoundKind::kMin ? "\x1flower" : "\x1fupper");
}

/// The same for a table given by hand (`solve`) and for measured candidates (`recommend`).
struct DecisionProblem {
  CriteriaTable table;                           ///< raw values per option, one column per (sub-)criterion
  /// The criteria the weights apply to, each combining columns of `table`. Empty: every column
  /// is a criterion of its own (a table given by hand).
  std::vector<CriterionGroup> groups;
  std::map<std::string, double> weights;         ///< by criterion (group) name; one left out weighs 0
  std::vector<Constraint> constraints;           ///< on raw criterion values or on `extra` values
  std::vector<std::map<std::string, double>> extra;  ///< per option: further raw metrics constraints may name
  /// Per option: the value a constraint is checked against when it is not the table's or
  /// `extra`'s (a confidence bound of a mean over seeds), keyed by bound_key(constraint), so
  /// that a minimum and a maximum on one metric each get their own bound; empty for none.
  std::vector<std::map<std::string, double>> constraint_values;
  DecisionMode mode = DecisionMode::kSingle;
  Normalization normalization = Normalization::kMinMax;
};

}  // namespace sizesel
