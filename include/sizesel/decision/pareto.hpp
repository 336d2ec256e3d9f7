// Pareto dominance among the options of a criteria table.
#pragma once

#include <cstddef>
#include <vector>

#include "sizesel/core/criteria_table.hpp"

namespace sizesel {

/// For each option, the options that dominate it: at least as good on every criterion of the
/// table (raw values, each in its own direction, whatever its weight) and strictly better on
/// one. An option nobody dominates is Pareto-optimal. Constraints play no part.
[[nodiscard]] std::vector<std::vector<std::size_t>> dominated_by(const CriteriaTable& table);

}  // namespace sizesel
