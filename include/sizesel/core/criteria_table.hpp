// The decision table: one row per option (candidate size), one column per criterion (P, C, E, R, M, ...).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sizesel {

/// Whether more of a criterion is better (kMax) or worse (kMin, a cost).
enum class Direction { kMax, kMin };

/// The raw values that `reference` normalisation maps to 0 (worst) and 1 (best).
struct ReferenceRange {
  double worst = 0;
  double best = 1;
};

struct Criterion {
  std::string name;       ///< "P", "C", ... or any name a table declares
  Direction direction = Direction::kMax;
  std::string unit;       ///< unit of the raw values, "" when dimensionless
  std::string method;     ///< how the raw value is obtained, one sentence
  std::optional<ReferenceRange> reference;  ///< required by `reference` normalisation only
};

/// Raw (unnormalised) values. values[i][j] is option i's value of criterion j.
struct CriteriaTable {
  std::vector<Criterion> criteria;
  std::vector<std::string> options;
  std::vector<std::vector<double>> values;
};

/// Checks the table's shape (one row per option, one value per criterion, unique non-empty
/// option and criterion names) and that every value is finite. Throws InputError naming the
/// option and criterion.
void validate(const CriteriaTable& table);

[[nodiscard]] std::string to_string(Direction direction);

}  // namespace sizesel
