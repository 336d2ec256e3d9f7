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

/// Result of one solve.
struct LpSolution {
  LpStatus status = LpStatus::kFailed;
  double objective = 0;               ///< objective value; meaningful only when kOptimal
  std::vector<double> column_values;  ///< one per column when kOptimal, empty otherwise
  std::string message;                ///< one line saying how GLPK ended, for logs and errors
};

/// Validates `lp` (throws SolverError, see validate()) and solves it with GLPK, its terminal
/// output silenced: the primal simplex with presolve for an LP, branch-and-cut with presolve
/// for a MIP. Every GLPK return code and status maps to an LpStatus; infeasibility reported
/// by the presolver is kInfeasible. Does not throw once the program is valid.
[[nodiscard]] LpSolution solve_with_glpk(const LinearProgram& lp);

/// GLPK's version, "5.0" for example.
[[nodiscard]] std::string glpk_version();

/// "optimal", "infeasible", "unbounded" or "failed".
[[nodiscard]] std::string to_string(LpStatus status);

}  // namespace sizesel
