// Reading the decision settings that scenarios and tables share: weights, constraints, mode, normalisation.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/decision_problem.hpp"
#include "sizesel/scenario/json_reader.hpp"

namespace sizesel {

/// The [lo, hi] a limit on the named metric must lie in.
using LimitRange = std::function<std::pair<double, double>(const std::string& metric)>;

/// Largest weight accepted (in a file or on the command line).
inline constexpr double kMaxWeight = 1e6;

/// Reads a "weights" object: keys among `criteria`, each a number in [0, kMaxWeight]; a
/// criterion left out weighs 0; with `require_positive`, at least one must be > 0.
[[nodiscard]] std::map<std::string, double> read_weights(ObjectReader& reader, const std::vector<std::string>& criteria,
                                                         bool require_positive = true);

/// Throws InputError at where(c) when a minimum exceeds a maximum of the same metric and scope.
void check_contradictions(const std::string& file, const std::vector<Constraint>& constraints,
                          const std::function<std::string(const Constraint&)>& where);

/// Reads a "constraints" object: "min" and "max" map metric names (among `metrics`) to limits
/// (scope kMixture), and "per_option" holds "min" and "max" again (scope kEachOption).
[[nodiscard]] std::vector<Constraint> read_constraints(ObjectReader& reader, const std::vector<std::string>& metrics,
                                                       const LimitRange& limits);

/// The keys of a "per_option" object of constraints: "min" and "max".
[[nodiscard]] const std::vector<std::string>& per_option_keys();

/// The keys of a reference range: "worst" and "best".
[[nodiscard]] const std::vector<std::string>& reference_keys();

/// Reads `key` as "single" or "mixture" (default single).
[[nodiscard]] DecisionMode read_mode(ObjectReader& reader, const std::string& key);

/// Reads `key` as one of normalization_names() (default minmax).
[[nodiscard]] Normalization read_normalization(ObjectReader& reader, const std::string& key);

/// Reads a reference range object {"worst": number, "best": number}, both finite.
[[nodiscard]] ReferenceRange read_reference(ObjectReader& reader);

/// Under reference normalisation, throws InputError at `pointer_of(j)` when criterion j has no
/// reference range or one that points against its direction; other normalisations ignore ranges.
void check_references(const std::string& file, const std::vector<Criterion>& criteria, Normalization normalization,
                      const std::function<std::string(std::size_t)>& pointer_of);

}  // namespace sizesel
