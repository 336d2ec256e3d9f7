#include "sizesel/report/text_format.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace sizesel {

std::string constraint_text(const Constraint& constraint) {
  return fmt::format("{} {} {}", constraint.metric, constraint.kind == BoundKind::kMin ? ">=" : "<=",
                     short_number(constraint.limit, 6));
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

void write_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t j = 0; j < row.size(); ++j) widths[j] = std::max(widths[j], row[j].size());
  }
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line;
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      line += rows[i][j];
      if (j + 1 < rows[i].size()) line += std::string(widths[j] - rows[i][j].size() + 2, ' ');
    }
    out << line << '\n';
    if (i == 0) {
      std::size_t total = 0;
      for (std::size_t j = 0; j < widths.size(); ++j) total += widths[j] + (j + 1 < widths.size() ? 2 : 0);
      out << std::string(total, '-') << '\n';
    }
  }
}

}  // namespace sizesel
