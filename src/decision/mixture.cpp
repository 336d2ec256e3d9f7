// select_mixture(): the article's LP over a share vector x, with GLPK, and a documented tie rule.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

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

/// The dual solutions that prove `mixture` optimal (complementary slackness): y for Σ x = 1 and
/// mu_b >= 0 for each binding constraint in "<=" form (a minimum negated), with
/// y + Σ_b ã_bi mu_b = score_i for every option with a share and >= for every other eligible one.
LinearProgram dual_face(const SelectionInput& input, const std::vector<OptionResult>& options,
                        const MixtureProgram& program, const MixtureResult& mixture, std::vector<std::size_t>& binding) {
  LinearProgram lp;
  lp.name = "sizesel_dual_face";
  lp.columns.push_back(LpColumn{"y", -kLpInfinity, kLpInfinity, 0.0, LpColumnKind::kContinuous});
  for (std::size_t r = 0; r < mixture.constraints.size(); ++r) {
    if (!mixture.constraints[r].binding) continue;
    binding.push_back(r);
    lp.columns.push_back(LpColumn{fmt::format("mu_{}", r), 0.0, kLpInfinity, 0.0, LpColumnKind::kContinuous});
  }
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (!options[i].eligible) continue;
    std::vector<LpTerm> terms = {LpTerm{0, 1.0}};
    for (std::size_t b = 0; b < binding.size(); ++b) {
      const Constraint& constraint = input.constraints[program.constraint_rows[binding[b]].constraint];
      const double a = (constraint.kind == BoundKind::kMin ? -1.0 : 1.0) * input.raw[i].at(constraint.metric);
      if (a != 0.0) terms.push_back(LpTerm{1 + b, a});
    }
    const std::string name = lp_name(fmt::format("dual_{}", i));
    lp.rows.push_back(mixture.shares[i] > 0 ? equal_to(name, terms, options[i].score)
                                            : at_least(name, terms, options[i].score));
  }
  return lp;
}

/// The rates at which the optimal score changes as constraint r's limit rises, just above and
/// just below it: the smallest and largest dual value over the dual solutions that prove the
/// mixture optimal (for a minimum, whose row is negated, the negated largest and smallest).
void set_shadow_prices(const SelectionInput& input, const std::vector<OptionResult>& options,
                       const MixtureProgram& program, MixtureResult& mixture, std::size_t r) {
  std::vector<std::size_t> binding;
  LinearProgram lp = dual_face(input, options, program, mixture, binding);
  const std::size_t column = 1 + static_cast<std::size_t>(std::find(binding.begin(), binding.end(), r) - binding.begin());
  lp.columns[column].objective = 1.0;
  auto extreme = [&](LpSense sense) {
    lp.sense = sense;
    const LpSolution solution = solve_with_glpk(lp);
    if (solution.status == LpStatus::kUnbounded) return kLpInfinity;
    if (solution.status != LpStatus::kOptimal) {
      throw SolverError(fmt::format("mixture: GLPK {} on the dual face: {}", to_string(solution.status), solution.message));
    }
    return std::abs(solution.objective) < 1e-12 ? 0.0 : solution.objective;
  };
  const double low = extreme(LpSense::kMinimize);
  const double high = extreme(LpSense::kMaximize);
  ConstraintActivity& activity = mixture.constraints[r];
  if (activity.constraint.kind == BoundKind::kMax) {
    activity.shadow_price = low;
    activity.shadow_price_lowering = high;
  } else {
    activity.shadow_price = -high;
    activity.shadow_price_lowering = -low;
  }
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

  // Other optimal mixtures: the first solve's optimal face holds them all; when it is a single
  // point there are none, else the most each option can get on it tells who could share.
  const LinearProgram face = optimal_face(program.lp, first);
  if (!face_is_point(face, first)) {
    for (std::size_t i = 0; i < selection.options.size(); ++i) {
      if (face.columns[i].upper == 0.0) continue;  // kept at 0 on the face (or not eligible)
      LinearProgram favour = face;
      for (std::size_t j = 0; j < favour.columns.size(); ++j) favour.columns[j].objective = j == i ? 1.0 : 0.0;
      const LpSolution most = solve_with_glpk(favour);
      if (most.status != LpStatus::kOptimal) {
        throw SolverError(fmt::format("mixture: GLPK {} on the optimal face: {}", to_string(most.status), most.message));
      }
      if (most.column_values[i] > mixture.shares[i] + kShareChange) {
        mixture.unique = false;
        if (mixture.shares[i] == 0.0) selection.tied.push_back(i);
      }
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
    mixture.constraints.push_back(activity);
  }
  for (std::size_t r = 0; r < mixture.constraints.size(); ++r) {
    if (mixture.constraints[r].binding) set_shadow_prices(input, selection.options, program, mixture, r);
  }
  selection.mixture = std::move(mixture);
  return selection;
}

}  // namespace sizesel
