#include "sizesel/core/criteria_table.hpp"

#include <algorithm>
#include <cmath>

#include "sizesel/core/error.hpp"

namespace sizesel {

NormalizedTable normalize_minmax(const CriteriaTable& table) {
  const std::size_t columns = table.criteria.size();
  if (table.values.size() != table.options.size()) {
    throw InputError("criteria table: " + std::to_string(table.options.size()) + " options but " +
                     std::to_string(table.values.size()) + " rows of values");
  }
  for (std::size_t i = 0; i < table.values.size(); ++i) {
    if (table.values[i].size() != columns) {
      throw InputError("criteria table: option '" + table.options[i] + "' has " +
                       std::to_string(table.values[i].size()) + " values, expected " +
                       std::to_string(columns));
    }
    for (std::size_t j = 0; j < columns; ++j) {
      if (!std::isfinite(table.values[i][j])) {
        throw InputError("criteria table: option '" + table.options[i] + "', criterion '" +
                         table.criteria[j].name + "': value is not finite");
      }
    }
  }
  NormalizedTable normalized;
  normalized.values.assign(table.values.size(), std::vector<double>(columns, 1.0));
  for (std::size_t j = 0; j < columns; ++j) {
    if (table.values.empty()) break;
    double lo = table.values[0][j];
    double hi = lo;
    for (const auto& row : table.values) {
      lo = std::min(lo, row[j]);
      hi = std::max(hi, row[j]);
    }
    if (hi == lo) continue;
    for (std::size_t i = 0; i < table.values.size(); ++i) {
      const double v = table.values[i][j];
      normalized.values[i][j] =
          table.criteria[j].direction == Direction::kMax ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo);
    }
  }
  return normalized;
}

std::string to_string(Direction direction) { return direction == Direction::kMax ? "max" : "min"; }

}  // namespace sizesel
