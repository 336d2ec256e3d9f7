// Lexicographic optimisation: several objectives over one LP, each among the optima of those before.
#pragma once

#include <optional>
#include <vector>

#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/decision/linear_program.hpp"

namespace sizesel {

/// A reduced cost or dual value this small (relative to the objective's largest coefficient)
/// counts as zero when the optimal face is described.
inline constexpr double kZeroDual = 1e-9;

/// `lp` cut down to its optimal face, the set of its optimal points, using the dual
/// solution of `solution` (an optimal LP solve of it): by complementary slackness a point is
/// optimal exactly when every column with a non-zero reduced cost sits at the bound it sits
/// at in `solution`, and every row with a non-zero dual value at its active bound. Those
/// columns and rows are fixed there; no tolerance band is added, so the face stays
/// well-conditioned.
[[nodiscard]] LinearProgram optimal_face(LinearProgram lp, const LpSolution& solution);

/// Whether the optimal face of `solution` is a single point: every column and row that is not
/// basic in it is fixed in `face` (= optimal_face(lp, solution)), so the basic values are the
/// unique solution of a square system.
[[nodiscard]] bool face_is_point(const LinearProgram& face, const LpSolution& solution);

/// Maximises objectives[0] over `lp` (its own objective is ignored), then objectives[1] over
/// the optimal face of the first (see optimal_face), and so on; each objective gives one
/// coefficient per column; it stops early once the face is a single point (face_is_point), as
/// later objectives can no longer move it. Returns the last solve, nullopt when `lp` is
/// infeasible. Throws
/// SolverError when GLPK ends without a verdict or an objective is unbounded.
[[nodiscard]] std::optional<LpSolution> maximize_in_turn(LinearProgram lp,
                                                         const std::vector<std::vector<double>>& objectives);

/// The objectives that favour column 0 most, then column 1, and so on (unit vectors e_0, e_1, ...),
/// for a program of `columns` columns: appended to maximize_in_turn's list, they make its
/// answer the lexicographically largest optimum, a documented tie rule.
[[nodiscard]] std::vector<std::vector<double>> lexicographic_objectives(std::size_t columns);

}  // namespace sizesel
