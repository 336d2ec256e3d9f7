// The decision table: one row per option (candidate size), one column per criterion (P, C, E, R, M, ...).
#pragma once

#include <string>
#include <vector>

namespace sizesel {

/// Whether more of a criterion is better (kMax) or worse (kMin, a cost).
enum class Direction { kMax, kMin };

struct Criterion {
  std::string name;       ///< "P", "C", ... or any name a table declares
  Direction direction = Direction::kMax;
  std::string unit;       ///< unit of the raw values, "" when dimensionless
  std::string method;     ///< how the raw value is obtained, one sentence
};

/// Raw (unnormalised) values. values[i][j] is option i's value of criterion j.
struct CriteriaTable {
  std::vector<Criterion> criteria;
  std::vector<std::string> options;
  std::vector<std::vector<double>> values;
};

/// Normalised values in [0,1], higher always better; same shape as the table's values.
struct NormalizedTable {
  std::vector<std::vector<double>> values;
};

/// Min-max normalisation after applying each criterion's direction:
///   max: (v - min) / (max - min),   min: (max - v) / (max - min),
/// over the given options. A column whose values are all equal does not discriminate and
/// normalises to 1 for every option. Throws InputError on a ragged table or a non-finite value.
[[nodiscard]] NormalizedTable normalize_minmax(const CriteriaTable& table);

[[nodiscard]] std::string to_string(Direction direction);

}  // namespace sizesel
