// Solves a LinearProgram with GLPK; the only door to GLPK in sizesel.
#pragma once

#include <string>
#include <vector>

#include "sizesel/decision/linear_program.hpp"

namespace sizesel {

/// What the solver concluded about the program (not whether the call went well: a call
/// that cannot even start throws).
enum class LpStatus {
  kOptimal,     ///< an optimal solution was found
  kInfeasible,  ///< no point satisfies the rows, bounds and integrality
  kUnbounded,   ///< the objective improves without limit (for a MIP: its LP relaxation does,
                ///< so the MIP is unbounded or has no integer solution)
  kFailed,      ///< the solver stopped without a verdict (numerical trouble, limits)
};

/// Where a variable (column) or constraint (row) sits in an optimal basic solution of an LP.
enum class LpBasis { kBasic, kAtLower, kAtUpper, kFree, kFixed };

/// Result of one solve.
struct LpSolution {
  LpStatus status = LpStatus::kFailed;
  double objective = 0;               ///< objective value; meaningful only when kOptimal
  std::vector<double> column_values;  ///< one per column when kOptimal, empty otherwise
  std::vector<double> row_values;     ///< each row's activity Σ terms, when kOptimal
  /// For an LP (not a MIP) when kOptimal: each row's dual value, the rate at which the
  /// optimal objective changes per unit the row's active bound moves (0 for a row whose bounds
  /// are not active); empty for a MIP.
  std::vector<double> row_duals;
  std::vector<double> column_duals;   ///< LP only: reduced costs, one per column
  std::vector<LpBasis> row_basis;     ///< LP only: each row's status in the optimal basis
  std::vector<LpBasis> column_basis;  ///< LP only: each column's status in the optimal basis
  std::string message;                ///< one line saying how GLPK ended, for logs and errors
};

/// Simplex iterations allowed per solve (the LPs sizesel builds need a few per option).
inline constexpr int kMaxSimplexIterations = 1'000'000;

/// Wall time allowed per solve, in ms.
inline constexpr int kSolverTimeLimitMs = 60'000;

/// Validates `lp` (throws SolverError, see validate()) and solves it with GLPK, its terminal
/// output silenced: the primal simplex with presolve for an LP, its optimal basis then polished
/// by GLPK's exact (rational) simplex so that optimality and feasibility hold beyond GLPK's
/// floating-point tolerances; branch-and-cut with presolve
/// for a MIP. Each solve stops after kMaxSimplexIterations simplex iterations or
/// kSolverTimeLimitMs, reporting kFailed, so no input can make it hang. Every GLPK return code and status maps to an LpStatus; infeasibility reported
/// by the presolver is kInfeasible. Does not throw once the program is valid.
[[nodiscard]] LpSolution solve_with_glpk(const LinearProgram& lp);

/// GLPK's version, "5.0" for example.
[[nodiscard]] std::string glpk_version();

/// "optimal", "infeasible", "unbounded" or "failed".
[[nodiscard]] std::string to_string(LpStatus status);

}  // namespace sizesel
