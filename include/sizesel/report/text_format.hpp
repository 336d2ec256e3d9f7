// Small formatting helpers shared by the reports: constraints, counts, fixed-width tables.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"

namespace sizesel {

/// "accuracy >= 0.8" / "latency_ms_p50 <= 10"; a kEachOption constraint ends in " (each option)".
[[nodiscard]] std::string constraint_text(const Constraint& constraint);

/// The columns `text` (UTF-8) takes in a terminal: two for East Asian wide characters, one for others.
[[nodiscard]] std::size_t display_width(const std::string& text);

/// A count with a k/M/G suffix and three significant digits: 75290 -> "75.3k".
[[nodiscard]] std::string short_count(double value);

/// A whole number in full; any other number with up to `digits` significant digits.
[[nodiscard]] std::string short_number(double value, int digits = 4);

/// Prints rows as left-aligned columns separated by two spaces; the first row is the header,
/// underlined with dashes; every line starts with `indent`.
void write_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out, const std::string& indent = "");

}  // namespace sizesel
