// A solver-neutral linear or mixed-integer program, and the check that makes it safe to hand to a solver.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace sizesel {

/// A missing bound: a lower bound of -kLpInfinity or an upper bound of kLpInfinity means "none".
inline constexpr double kLpInfinity = std::numeric_limits<double>::infinity();

/// Longest column, row or problem name accepted, in bytes (GLPK's limit).
inline constexpr std::size_t kMaxLpNameLength = 255;

/// Most columns, and most rows, accepted (GLPK's limit).
inline constexpr std::size_t kMaxLpDimension = 100'000'000;

/// Most terms over all rows accepted (GLPK's limit on constraint coefficients).
inline constexpr std::size_t kMaxLpNonZeros = 500'000'000;

/// Magnitudes a non-zero coefficient or bound may have: GLPK's automatic scaling aborts the
/// process on factors it cannot represent (it squares entries: seen from about 1e155, and on
/// denormal values).
inline constexpr double kMaxLpMagnitude = 1e100;
inline constexpr double kMinLpMagnitude = 1e-100;

/// Whether the objective is maximised or minimised.
enum class LpSense { kMaximize, kMinimize };

/// kInteger and kBinary columns make the program a MIP. A binary column is an integer column
/// whose bounds must lie within [0,1].
enum class LpColumnKind { kContinuous, kInteger, kBinary };

/// One variable: bounds, objective coefficient and kind.
struct LpColumn {
  std::string name;  ///< for messages and solver logs; may be empty
  double lower = 0;
  double upper = kLpInfinity;
  double objective = 0;  ///< coefficient in the objective
  LpColumnKind kind = LpColumnKind::kContinuous;
};

/// One non-zero of a row: `value` times column `column` (0-based index into LinearProgram::columns).
struct LpTerm {
  std::size_t column = 0;
  double value = 0;
};

/// One constraint: lower <= Σ terms <= upper. Each column appears at most once in `terms`.
struct LpRow {
  std::string name;
  std::vector<LpTerm> terms;
  double lower = -kLpInfinity;
  double upper = kLpInfinity;
};

/// Optimise Σ columns[j].objective · x_j subject to every row and every column's bounds.
struct LinearProgram {
  std::string name;  ///< may be empty
  LpSense sense = LpSense::kMaximize;
  std::vector<LpColumn> columns;
  std::vector<LpRow> rows;
};

/// Whether any column is integer or binary.
[[nodiscard]] inline bool is_mip(const LinearProgram& lp) {
  for (const LpColumn& column : lp.columns) {
    if (column.kind != LpColumnKind::kContinuous) return true;
  }
  return false;
}

/// A binary column (bounds [0,1]) with this objective coefficient.
[[nodiscard]] inline LpColumn binary_column(std::string name, double objective) {
  return LpColumn{std::move(name), 0.0, 1.0, objective, LpColumnKind::kBinary};
}

/// The non-zeros of a dense coefficient vector, coefficient j applying to column j.
[[nodiscard]] inline std::vector<LpTerm> dense_terms(const std::vector<double>& coefficients) {
  std::vector<LpTerm> terms;
  for (std::size_t j = 0; j < coefficients.size(); ++j) {
    if (coefficients[j] != 0.0) terms.push_back(LpTerm{j, coefficients[j]});
  }
  return terms;
}

/// The row Σ terms >= limit.
[[nodiscard]] inline LpRow at_least(std::string name, std::vector<LpTerm> terms, double limit) {
  return LpRow{std::move(name), std::move(terms), limit, kLpInfinity};
}

/// The row Σ terms <= limit.
[[nodiscard]] inline LpRow at_most(std::string name, std::vector<LpTerm> terms, double limit) {
  return LpRow{std::move(name), std::move(terms), -kLpInfinity, limit};
}

/// The row Σ terms = value.
[[nodiscard]] inline LpRow equal_to(std::string name, std::vector<LpTerm> terms, double value) {
  return LpRow{std::move(name), std::move(terms), value, value};
}

/// `name` made acceptable to validate(): control characters replaced by '_', cut to
/// kMaxLpNameLength bytes.
[[nodiscard]] std::string lp_name(std::string name);

/// Checks everything a solver would abort or misbehave on, before it sees the program:
/// at least one column; at most kMaxLpDimension columns and rows and kMaxLpNonZeros terms; names at most
/// kMaxLpNameLength bytes without control characters; objective coefficients and row values
/// finite, and every non-zero coefficient and finite bound within kMinLpMagnitude to
/// kMaxLpMagnitude; no bound NaN, no lower bound +inf, no upper bound -inf, lower <= upper; integer
/// and binary columns with integral finite bounds, binary ones within [0,1]; every term's
/// column in range and no column twice in one row.
/// Throws SolverError naming the offending column or row.
void validate(const LinearProgram& lp);

}  // namespace sizesel
