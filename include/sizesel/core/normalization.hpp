// Normalising a criteria table so that every criterion counts in the same direction and scale.
#pragma once

#include <string>
#include <vector>

#include "sizesel/core/criteria_table.hpp"

namespace sizesel {

/// How raw criterion values become the numbers the weights multiply. For option i and
/// criterion j with raw value v (columns taken over every option of the table):
///   kMinMax     max: (v - lo) / (hi - lo)      min: (hi - v) / (hi - lo)
///               lo, hi = the column's smallest and largest value; a constant column gives 1.
///   kVector     max: v / ||v||                 min: 1 - v / ||v||
///               ||v|| = sqrt(sum of the column's squares) (TOPSIS); values must be >= 0;
///               an all-zero column gives 1.
///   kReference  (v - worst) / (best - worst) with the criterion's declared reference range;
///               not clamped, so a value beyond `best` scores above 1.
///   kRaw        max: v                         min: -v
///               (the article's literal weighted sum, with the sign a cost needs).
/// Every method makes higher better; minmax and vector give values in [0,1].
enum class Normalization { kMinMax, kVector, kReference, kRaw };

/// "minmax", "vector", "reference", "raw".
[[nodiscard]] std::string to_string(Normalization method);

/// The names above, in that order.
[[nodiscard]] const std::vector<std::string>& normalization_names();

/// The method named `name`; throws std::invalid_argument when the name is unknown.
[[nodiscard]] Normalization normalization_from_string(const std::string& name);

/// Largest magnitude a normalised value may reach (raw and reference normalisation are unbounded).
inline constexpr double kMaxNormalized = 1e15;

/// Normalised values, same shape as the table's values, higher always better.
struct NormalizedTable {
  std::vector<std::vector<double>> values;
};

/// Normalises `table` with `method` (see Normalization). Throws InputError on an invalid
/// table (see validate()), a negative value under kVector, or under kReference a criterion
/// without a reference range, or whose range is empty or points the wrong way for its
/// direction (best must exceed worst for max, lie below it for min).
[[nodiscard]] NormalizedTable normalize(const CriteriaTable& table, Normalization method);

}  // namespace sizesel
