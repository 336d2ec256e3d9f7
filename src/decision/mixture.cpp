// select_mixture(): the article's LP over a share vector x, with GLPK, and a documented tie rule.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/decision/mixture_program.hpp"
#include "sizesel/decision/selection.hpp"
#include "sizesel/decision/sequential_solve.hpp"

namespace sizesel {
namespace {

/// A share below this is reported as 0 (GLPK's solutions carry rounding noise around 1e-12).
constexpr double kShareFloor = 1e-9;

/// Whether a share found by a later LP exceeds the chosen one by more than rounding.
constexpr double kShareChange = 1e-7;

/// A constraint binds when its slack is within GLPK's own feasibility tolerance (1e-7 relative).
constexpr double kBindingTolerance = 1e-7;

std::vector<double> scores_of(const std::vector<OptionResult>& options) {
  std::vector<double> scores;
  for (const OptionResult& option : options) scores.push_back(option.score);
  return scores;
}

}  // namespace

MixtureProgram mixture_program(const SelectionInput& input, const std::vector<OptionResult>& options,
                               bool relaxed) {
  MixtureProgram program;
  LinearProgram& lp = program.lp;
  lp.name = "sizesel_mixture";
  lp.sense = LpSense::kMaximize;
  for (const OptionResult& option : options) {
    lp.columns.push_back(
        LpColumn{lp_name("x_" + option.name), 0.0, option.eligible ? 1.0 : 0.0, option.score, LpColumnKind::kContinuous});
  }
  lp.rows.push_back(equal_to("shares", dense_terms(std::vector<double>(options.size(), 1.0)), 1.0));
  for (std::size_t c = 0; c < input.constraints.size(); ++c) {
    const Constraint& constraint = input.constraints[c];
    if (constraint.scope != ConstraintScope::kMixture) continue;
    std::vector<double> coefficients;
    for (const auto& raw : input.raw) coefficients.push_back(raw.at(constraint.metric));
    const bool minimum = constraint.kind == BoundKind::kMin;
    const std::string name = lp_name((minimum ? "min_" : "max_") + constraint.metric);
    const double limit = relaxed ? relaxed_limit(constraint) : constraint.limit;
    program.constraint_rows.push_back(MixtureRow{c, lp.rows.size()});
    lp.rows.push_back(minimum ? at_least(name, dense_terms(coefficients), limit)
                              : at_most(name, dense_terms(coefficients), limit));
  }
  return program;
}

std::vector<double> clean_shares(const std::vector<double>& values) {
  std::vector<double> shares;
  for (double x : values) shares.push_back(x < kShareFloor ? 0.0 : std::min(x, 1.0));
  const double total = std::accumulate(shares.begin(), shares.end(), 0.0);
  if (total > 0) {
    for (double& x : shares) x /= total;
  }
  return shares;
}

std::size_t largest_share(const std::vector<double>& shares) {
  const double most = *std::max_element(shares.begin(), shares.end());
  std::size_t i = 0;
  while (shares[i] < most - kShareChange) ++i;
  return i;
}

std::optional<std::vector<double>> preferred_mixture(const LinearProgram& lp, std::vector<std::vector<double>> objectives) {
  for (auto& objective : lexicographic_objectives(lp.columns.size())) objectives.push_back(std::move(objective));
  const auto solution = maximize_in_turn(lp, objectives);
  if (!solution) return std::nullopt;
  return clean_shares(solution->column_values);
}

Selection select_mixture(const SelectionInput& input) {
  validate(input);
  Selection selection;
  selection.options = evaluate_options(input);
  bool relaxed = false;
  MixtureProgram program = mixture_program(input, selection.options, relaxed);
  LpSolution first = solve_with_glpk(program.lp);
  if (first.status == LpStatus::kInfeasible) {
    relaxed = true;
    program = mixture_program(input, selection.options, relaxed);
    first = solve_with_glpk(program.lp);
  }
  selection.solver_status = to_string(first.status);
  if (first.status == LpStatus::kInfeasible) return selection;
  if (first.status != LpStatus::kOptimal) {
    throw SolverError(fmt::format("mixture: GLPK {}: {}", to_string(first.status), first.message));
  }

  const std::vector<double> scores = scores_of(selection.options);
  const auto chosen = preferred_mixture(program.lp, {scores});
  if (!chosen) throw SolverError("mixture: GLPK found the LP feasible, then infeasible when breaking ties");
  MixtureResult mixture;
  mixture.shares = *chosen;
  mixture.relaxed_limits = relaxed;
  selection.objective = std::inner_product(scores.begin(), scores.end(), mixture.shares.begin(), 0.0);
  selection.recommended = largest_share(mixture.shares);

  // Other optimal mixtures: the most each option can get while the optimum is kept.
  for (std::size_t i = 0; i < selection.options.size(); ++i) {
    if (!selection.options[i].eligible) continue;
    std::vector<double> favour(selection.options.size(), 0.0);
    favour[i] = 1.0;
    const auto most = maximize_in_turn(program.lp, {scores, favour});
    if (!most) throw SolverError("mixture: GLPK found the LP feasible, then infeasible when looking for ties");
    const double best_share = most->column_values[i];
    if (best_share > mixture.shares[i] + kShareChange) {
      mixture.unique = false;
      if (mixture.shares[i] == 0.0) selection.tied.push_back(i);
    }
  }

  for (const MixtureRow& row : program.constraint_rows) {
    const Constraint& constraint = input.constraints[row.constraint];
    ConstraintActivity activity;
    activity.constraint = constraint;
    for (std::size_t i = 0; i < mixture.shares.size(); ++i) {
      activity.value += mixture.shares[i] * input.raw[i].at(constraint.metric);
    }
    activity.slack = constraint.kind == BoundKind::kMin ? activity.value - constraint.limit
                                                        : constraint.limit - activity.value;
    activity.binding = std::abs(activity.slack) <= kBindingTolerance * tolerance_scale(constraint.limit);
    if (activity.binding) activity.slack = 0.0;
    activity.shadow_price = first.row_duals[row.row];
    if (std::abs(activity.shadow_price) < 1e-12) activity.shadow_price = 0.0;
    mixture.constraints.push_back(activity);
  }
  selection.mixture = std::move(mixture);
  return selection;
}

}  // namespace sizesel
