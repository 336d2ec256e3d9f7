#include "sizesel/decision/sequential_solve.hpp"

#include <cmath>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

/// Fixes lower and upper at the bound `basis` says is active; leaves a basic or free one alone.
void fix_at_active_bound(double& lower, double& upper, LpBasis basis) {
  if (basis == LpBasis::kAtLower) upper = lower;
  if (basis == LpBasis::kAtUpper) lower = upper;
}

}  // namespace

LinearProgram optimal_face(LinearProgram lp, const LpSolution& solution) {
  double largest = 1.0;
  for (const LpColumn& column : lp.columns) largest = std::max(largest, std::abs(column.objective));
  const double zero = kZeroDual * largest;
  for (std::size_t j = 0; j < lp.columns.size(); ++j) {
    if (std::abs(solution.column_duals[j]) > zero) {
      fix_at_active_bound(lp.columns[j].lower, lp.columns[j].upper, solution.column_basis[j]);
    }
  }
  for (std::size_t i = 0; i < lp.rows.size(); ++i) {
    if (std::abs(solution.row_duals[i]) > zero) {
      fix_at_active_bound(lp.rows[i].lower, lp.rows[i].upper, solution.row_basis[i]);
    }
  }
  return lp;
}

bool face_is_point(const LinearProgram& face, const LpSolution& solution) {
  for (std::size_t j = 0; j < face.columns.size(); ++j) {
    if (solution.column_basis[j] != LpBasis::kBasic && face.columns[j].lower != face.columns[j].upper) return false;
  }
  for (std::size_t i = 0; i < face.rows.size(); ++i) {
    if (solution.row_basis[i] != LpBasis::kBasic && face.rows[i].lower != face.rows[i].upper) return false;
  }
  return true;
}

std::optional<LpSolution> maximize_in_turn(LinearProgram lp, const std::vector<std::vector<double>>& objectives) {
  lp.sense = LpSense::kMaximize;
  std::optional<LpSolution> last;
  for (std::size_t k = 0; k < objectives.size(); ++k) {
    const std::vector<double>& objective = objectives[k];
    if (objective.size() != lp.columns.size()) {
      throw SolverError(fmt::format("sequential solve: objective {} has {} coefficients for {} columns", k,
                                    objective.size(), lp.columns.size()));
    }
    if (last) {
      lp = optimal_face(std::move(lp), *last);
      if (face_is_point(lp, *last)) return last;
    }
    for (std::size_t j = 0; j < objective.size(); ++j) lp.columns[j].objective = objective[j];
    LpSolution solution = solve_with_glpk(lp);
    if (solution.status == LpStatus::kInfeasible && k == 0) return std::nullopt;
    if (solution.status != LpStatus::kOptimal) {
      throw SolverError(fmt::format("sequential solve, objective {}: GLPK {}: {}", k, to_string(solution.status),
                                    solution.message));
    }
    last = std::move(solution);
  }
  return last;
}

std::vector<std::vector<double>> lexicographic_objectives(std::size_t columns) {
  std::vector<std::vector<double>> objectives(columns, std::vector<double>(columns, 0.0));
  for (std::size_t j = 0; j < columns; ++j) objectives[j][j] = 1.0;
  return objectives;
}

}  // namespace sizesel
