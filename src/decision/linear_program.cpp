#include "sizesel/decision/linear_program.hpp"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

std::string describe(const char* what, std::size_t index, const std::string& name) {
  if (name.empty()) return fmt::format("{} {}", what, index);
  return fmt::format("{} {} '{}'", what, index, name);
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw SolverError(fmt::format("linear program: {}: {}", where, what));
}

void check_name(const std::string& where, const std::string& name) {
  if (name.size() > kMaxLpNameLength) {
    fail(where, fmt::format("name is {} bytes long, at most {} allowed", name.size(),
                            kMaxLpNameLength));
  }
  for (const char c : name) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      fail(where, "name contains a control character");
    }
  }
}

void check_bounds(const std::string& where, double lower, double upper) {
  if (std::isnan(lower) || std::isnan(upper)) {
    fail(where, fmt::format("bound is NaN (got [{}, {}])", lower, upper));
  }
  if (lower == kLpInfinity) fail(where, "lower bound is +inf");
  if (upper == -kLpInfinity) fail(where, "upper bound is -inf");
  if (lower > upper) {
    fail(where, fmt::format("lower bound exceeds upper bound (got [{}, {}])", lower, upper));
  }
}

/// Whether a finite non-zero number lies where GLPK's scaling can represent its factors.
bool representable(double value) {
  const double magnitude = std::abs(value);
  return value == 0 || std::isinf(value) || (magnitude >= kMinLpMagnitude && magnitude <= kMaxLpMagnitude);
}

void check_magnitude(const std::string& where, const char* what, double value) {
  if (!representable(value)) {
    fail(where, fmt::format("{} {} is outside the magnitudes GLPK can scale ({:g} to {:g})", what, value, kMinLpMagnitude,
                            kMaxLpMagnitude));
  }
}

bool integral_or_infinite(double bound) {
  return std::isinf(bound) || std::floor(bound) == bound;
}

void check_column(std::size_t j, const LpColumn& column) {
  const std::string where = describe("column", j, column.name);
  check_name(where, column.name);
  check_bounds(where, column.lower, column.upper);
  if (!std::isfinite(column.objective)) {
    fail(where, fmt::format("objective coefficient is not finite (got {})", column.objective));
  }
  check_magnitude(where, "objective coefficient", column.objective);
  check_magnitude(where, "lower bound", column.lower);
  check_magnitude(where, "upper bound", column.upper);
  if (column.kind == LpColumnKind::kContinuous) return;
  if (!integral_or_infinite(column.lower) || !integral_or_infinite(column.upper)) {
    fail(where, fmt::format("integer column has a fractional bound (got [{}, {}])", column.lower,
                            column.upper));
  }
  if (column.kind == LpColumnKind::kBinary && (column.lower < 0.0 || column.upper > 1.0)) {
    fail(where, fmt::format("binary column's bounds must lie within [0, 1] (got [{}, {}])",
                            column.lower, column.upper));
  }
}

void check_row(std::size_t i, const LpRow& row, std::size_t columns, std::vector<std::size_t>& seen) {
  const std::string where = describe("row", i, row.name);
  check_name(where, row.name);
  check_bounds(where, row.lower, row.upper);
  check_magnitude(where, "lower bound", row.lower);
  check_magnitude(where, "upper bound", row.upper);
  for (const LpTerm& term : row.terms) {
    if (term.column >= columns) {
      fail(where, fmt::format("term refers to column {}, but there are {} columns", term.column,
                              columns));
    }
    if (!std::isfinite(term.value)) {
      fail(where, fmt::format("coefficient of column {} is not finite (got {})", term.column,
                              term.value));
    }
    check_magnitude(where, "coefficient", term.value);
    // `seen` holds, per column, 1 + the index of the last row that used it.
    if (seen[term.column] == i + 1) {
      fail(where, fmt::format("column {} appears twice", term.column));
    }
    seen[term.column] = i + 1;
  }
}

}  // namespace

std::string lp_name(std::string name) {
  for (char& c : name) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0) c = '_';
  }
  if (name.size() > kMaxLpNameLength) name.resize(kMaxLpNameLength);
  return name;
}

void validate(const LinearProgram& lp) {
  check_name("problem name", lp.name);
  if (lp.columns.empty()) fail("columns", "there are none; at least one is needed");
  if (lp.columns.size() > kMaxLpDimension) {
    fail("columns", fmt::format("{} exceed the limit of {}", lp.columns.size(), kMaxLpDimension));
  }
  if (lp.rows.size() > kMaxLpDimension) {
    fail("rows", fmt::format("{} exceed the limit of {}", lp.rows.size(), kMaxLpDimension));
  }
  std::size_t terms = 0;
  for (const LpRow& row : lp.rows) terms += row.terms.size();
  if (terms > kMaxLpNonZeros) {
    fail("rows", fmt::format("{} terms exceed the limit of {}", terms, kMaxLpNonZeros));
  }
  for (std::size_t j = 0; j < lp.columns.size(); ++j) check_column(j, lp.columns[j]);
  std::vector<std::size_t> seen(lp.columns.size(), 0);
  for (std::size_t i = 0; i < lp.rows.size(); ++i) check_row(i, lp.rows[i], lp.columns.size(), seen);
}

}  // namespace sizesel
