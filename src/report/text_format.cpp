#include "sizesel/report/text_format.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace sizesel {

std::string constraint_text(const Constraint& constraint) {
  return fmt::format("{} {} {}{}", constraint.metric, constraint.kind == BoundKind::kMin ? ">=" : "<=",
                     short_number(constraint.limit, 6),
                     constraint.scope == ConstraintScope::kEachOption ? " (each option)" : "");
}

std::size_t display_width(const std::string& text) {
  // UTF-8 continuation bytes (10xxxxxx) do not start a character.
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string short_count(double value) {
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e9) return fmt::format("{:.3g}G", value / 1e9);
  if (magnitude >= 1e6) return fmt::format("{:.3g}M", value / 1e6);
  if (magnitude >= 1e3) return fmt::format("{:.3g}k", value / 1e3);
  return fmt::format("{:g}", value);
}

std::string short_number(double value, int digits) {
  if (!std::isfinite(value)) return fmt::format("{}", value);
  // Whole numbers up to 10^15 print in full rather than in exponent form.
  if (std::fabs(value) >= 1 && std::fabs(value) < 1e15 && value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.{}g}", value, digits);
}

void write_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out, const std::string& indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t j = 0; j < row.size(); ++j) widths[j] = std::max(widths[j], display_width(row[j]));
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line;
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      line += rows[i][j];
      if (j + 1 < rows[i].size()) line += std::string(widths[j] - display_width(rows[i][j]) + 2, ' ');
    }
    out << indent << line << '\n';
    if (i == 0) {
      std::size_t total = 0;
      for (std::size_t j = 0; j < widths.size(); ++j) total += widths[j] + (j + 1 < widths.size() ? 2 : 0);
      out << indent << std::string(total, '-') << '\n';
    }
  }
}

}  // namespace sizesel
