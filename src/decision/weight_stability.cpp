#include "sizesel/decision/weight_stability.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/decision/mixture_program.hpp"
#include "sizesel/decision/sequential_solve.hpp"

namespace sizesel {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Two crossing points this close (relative) are the same point.
constexpr double kSamePoint = 1e-12;

double score_at(const SelectionInput& input, std::size_t option, std::size_t k, double weight) {
  double score = 0;
  for (std::size_t j = 0; j < input.weights.size(); ++j) {
    score += (j == k ? weight : input.weights[j]) * input.normalized[option][j];
  }
  return score;
}

/// Single mode: every feasible option's crossing with the recommended one, in closed form.
WeightRange single_range(const SelectionInput& input, const Selection& selection, std::size_t k) {
  const std::size_t r = *selection.recommended;
  const double w0 = input.weights[k];
  WeightRange range;
  range.criterion = k;
  range.weight = w0;
  double low = -kInfinity;
  double high = kInfinity;
  double below_slope = 0;
  double above_slope = 0;
  for (std::size_t i = 0; i < selection.options.size(); ++i) {
    if (i == r || !selection.options[i].feasible) continue;
    const double gap = std::max(0.0, selection.options[r].score - selection.options[i].score);
    const double slope = input.normalized[r][k] - input.normalized[i][k];
    if (slope > 0) {
      // Below w0 - gap/slope, option i scores higher.
      const double bound = w0 - gap / slope;
      const bool same = std::abs(bound - low) <= kSamePoint * tolerance_scale(bound);
      if ((!same && bound > low) || (same && slope > below_slope)) {
        low = bound;
        range.below = i;
        below_slope = slope;
      }
    } else if (slope < 0) {
      const double bound = w0 + gap / -slope;
      const bool same = std::abs(bound - high) <= kSamePoint * tolerance_scale(bound);
      if ((!same && bound < high) || (same && -slope > above_slope)) {
        high = bound;
        range.above = i;
        above_slope = -slope;
      }
    }
  }
  if (low <= 0) {
    low = 0;
    range.below.reset();
  }
  range.low = low;
  range.high = high;
  return range;
}

/// The LP over (y, mu, t) whose feasible t are the weights at which `shares` is an optimal
/// mixture, by complementary slackness with the mixture LP's dual (y for Σ x = 1, mu_r >= 0
/// for each binding constraint, in "<=" form, so minima are negated; a constraint with slack
/// has mu_r = 0 and no column): y + Σ_r ã_ri mu_r = c_i(t) for every option with a share, >= for
/// every other eligible option, where c_i(t) = score_i + (t - w_k) n_ik.
LinearProgram certificate_program(const SelectionInput& input, const Selection& selection,
                                  const MixtureProgram& program, std::size_t k) {
  const MixtureResult& mixture = *selection.mixture;
  const double w0 = input.weights[k];
  LinearProgram lp;
  lp.name = "sizesel_weight_range";
  lp.columns.push_back(LpColumn{"y", -kLpInfinity, kLpInfinity, 0.0, LpColumnKind::kContinuous});
  std::vector<std::size_t> binding;  // indices into program.constraint_rows
  for (std::size_t r = 0; r < program.constraint_rows.size(); ++r) {
    if (!mixture.constraints[r].binding) continue;
    binding.push_back(r);
    lp.columns.push_back(LpColumn{fmt::format("mu_{}", r), 0.0, kLpInfinity, 0.0, LpColumnKind::kContinuous});
  }
  const std::size_t t = lp.columns.size();
  lp.columns.push_back(LpColumn{"w", 0.0, kLpInfinity, 1.0, LpColumnKind::kContinuous});

  for (std::size_t i = 0; i < selection.options.size(); ++i) {
    if (!selection.options[i].eligible) continue;
    std::vector<LpTerm> terms = {LpTerm{0, 1.0}};
    for (std::size_t b = 0; b < binding.size(); ++b) {
      const Constraint& constraint = input.constraints[program.constraint_rows[binding[b]].constraint];
      const double a = (constraint.kind == BoundKind::kMin ? -1.0 : 1.0) * input.raw[i].at(constraint.metric);
      if (a != 0.0) terms.push_back(LpTerm{1 + b, a});
    }
    const double n_ik = input.normalized[i][k];
    if (n_ik != 0.0) terms.push_back(LpTerm{t, -n_ik});
    const double rhs = selection.options[i].score - w0 * n_ik;
    const std::string name = lp_name(fmt::format("dual_{}", i));
    lp.rows.push_back(mixture.shares[i] > 0 ? equal_to(name, terms, rhs) : at_least(name, terms, rhs));
  }
  return lp;
}

/// One end of the range: the extreme weight at which `shares` stays optimal (nullopt when
/// unbounded), from the certificate LP.
std::optional<double> range_end(LinearProgram lp, LpSense sense) {
  lp.sense = sense;
  const LpSolution solution = solve_with_glpk(lp);
  if (solution.status == LpStatus::kUnbounded) return std::nullopt;
  if (solution.status != LpStatus::kOptimal) {
    throw SolverError(fmt::format("weight stability: GLPK {} on the range LP: {}", to_string(solution.status),
                                  solution.message));
  }
  return std::max(0.0, solution.objective);
}

/// The mixture that takes over beyond weight `end` (going up when `upward`): among the optima
/// at `end`, the one that gains most from moving further, then the tie rule.
std::vector<double> mixture_beyond(const SelectionInput& input, const MixtureProgram& program,
                                   const Selection& selection, std::size_t k, double end, bool upward) {
  std::vector<double> at_end;
  std::vector<double> further;
  for (std::size_t i = 0; i < selection.options.size(); ++i) {
    at_end.push_back(score_at(input, i, k, end));
    further.push_back((upward ? 1.0 : -1.0) * input.normalized[i][k]);
  }
  const auto shares = preferred_mixture(program.lp, {at_end, further});
  if (!shares) throw SolverError("weight stability: the mixture LP became infeasible");
  return *shares;
}

bool same_mixture(const std::vector<double>& a, const std::vector<double>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::abs(a[i] - b[i]) > 1e-7) return false;
  }
  return true;
}

WeightRange mixture_range(const SelectionInput& input, const Selection& selection, const MixtureProgram& program,
                          std::size_t k) {
  const std::vector<double>& shares = selection.mixture->shares;
  WeightRange range;
  range.criterion = k;
  range.weight = input.weights[k];
  const LinearProgram certificate = certificate_program(input, selection, program, k);
  const auto low = range_end(certificate, LpSense::kMinimize);
  const auto high = range_end(certificate, LpSense::kMaximize);
  range.low = low ? std::min(*low, range.weight) : 0.0;
  range.high = high ? std::max(*high, range.weight) : kLpInfinity;
  if (range.low > 0) {
    range.shares_below = mixture_beyond(input, program, selection, k, range.low, false);
    if (same_mixture(range.shares_below, shares)) {
      range.shares_below.clear();
    } else {
      range.below = largest_share(range.shares_below);
    }
  }
  if (high) {
    range.shares_above = mixture_beyond(input, program, selection, k, range.high, true);
    if (same_mixture(range.shares_above, shares)) {
      range.shares_above.clear();
    } else {
      range.above = largest_share(range.shares_above);
    }
  }
  return range;
}

}  // namespace

Stability weight_stability(const SelectionInput& input, const Selection& selection) {
  Stability stability;
  if (!selection.recommended) return stability;
  std::optional<MixtureProgram> program;
  if (selection.mixture) program = mixture_program(input, selection.options, selection.mixture->relaxed_limits);
  for (std::size_t k = 0; k < input.criteria.size(); ++k) {
    stability.ranges.push_back(program ? mixture_range(input, selection, *program, k)
                                       : single_range(input, selection, k));
  }
  for (std::size_t k = 0; k < stability.ranges.size(); ++k) {
    const WeightRange& range = stability.ranges[k];
    auto consider = [&](const std::optional<std::size_t>& winner, double to, bool rise) {
      if (!winner) return;
      const double change = to - range.weight;
      if (!stability.smallest_flip || std::abs(change) < std::abs(stability.smallest_flip->change)) {
        stability.smallest_flip = WeightFlip{k, to, change, *winner, rise};
      }
    };
    consider(range.below, range.low, false);
    consider(range.above, range.high, true);
  }
  return stability;
}

}  // namespace sizesel
