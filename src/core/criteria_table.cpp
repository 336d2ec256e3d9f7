#include "sizesel/core/criteria_table.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"

namespace sizesel {

void validate(const CriteriaTable& table) {
  const std::size_t columns = table.criteria.size();
  if (table.values.size() != table.options.size()) {
    throw InputError(fmt::format("criteria table: {} options but {} rows of values", table.options.size(),
                                 table.values.size()));
  }
  std::set<std::string> criteria;
  for (const auto& criterion : table.criteria) {
    if (criterion.name.empty()) throw InputError("criteria table: a criterion has an empty name");
    if (!criteria.insert(criterion.name).second) {
      throw InputError(fmt::format("criteria table: criterion '{}' is listed twice", criterion.name));
    }
  }
  std::set<std::string> options;
  for (std::size_t i = 0; i < table.values.size(); ++i) {
    if (table.options[i].empty()) throw InputError(fmt::format("criteria table: option {} has an empty name", i + 1));
    if (!options.insert(table.options[i]).second) {
      throw InputError(fmt::format("criteria table: option '{}' is listed twice", table.options[i]));
    }
    if (table.values[i].size() != columns) {
      throw InputError(fmt::format("criteria table: option '{}' has {} values, expected {}", table.options[i],
                                   table.values[i].size(), columns));
    }
    for (std::size_t j = 0; j < columns; ++j) {
      if (!std::isfinite(table.values[i][j])) {
        throw InputError(fmt::format("criteria table: option '{}', criterion '{}': value is not finite (got {})",
                                     table.options[i], table.criteria[j].name, table.values[i][j]));
      }
    }
  }
}

std::string to_string(Direction direction) { return direction == Direction::kMax ? "max" : "min"; }

}  // namespace sizesel
