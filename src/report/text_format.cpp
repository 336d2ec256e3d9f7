#include "sizesel/report/text_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace sizesel {

std::string constraint_text(const Constraint& constraint) {
  return fmt::format("{} {} {}{}", constraint.metric, constraint.kind == BoundKind::kMin ? ">=" : "<=",
                     short_number(constraint.limit, 6),
                     constraint.scope == ConstraintScope::kEachOption ? " (each option)" : "");
}

std::size_t display_width(const std::string& text) {
  // Decodes UTF-8; East Asian wide and fullwidth characters take two columns, the rest one.
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    uint32_t code = length == 1 ? c : c & (0x7F >> length);
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    const bool wide = (code >= 0x1100 && code <= 0x115F) || (code >= 0x2E80 && code <= 0xA4CF) ||
                      (code >= 0xAC00 && code <= 0xD7A3) || (code >= 0xF900 && code <= 0xFAFF) ||
                      (code >= 0xFE30 && code <= 0xFE4F) || (code >= 0xFF00 && code <= 0xFF60) ||
                      (code >= 0xFFE0 && code <= 0xFFE6) || (code >= 0x1F300 && code <= 0x1F64F) ||
                      (code >= 0x20000 && code <= 0x3FFFD);
    width += wide ? 2 : 1;
    i += length;
  }
  return width;
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
