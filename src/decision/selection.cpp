#include "sizesel/decision/selection.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"

namespace sizesel {
namespace {

/// GLPK accepts a row violated by up to about 1e-7 relative (its tol_bnd); a violation up to
/// this relative band is GLPK's tolerance, not a disagreement with the direct check.
constexpr double kGlpkFeasibilityBand = 1e-6;

/// GLPK's branch-and-cut stops within 1e-7 relative of the optimum (its tol_obj).
constexpr double kObjectiveAgreement = 1e-6;

double scale(double x) { return tolerance_scale(x); }

std::string describe(const Constraint& constraint) {
  return fmt::format("{} {} {}", constraint.metric,
                     constraint.kind == BoundKind::kMin ? ">=" : "<=", constraint.limit);
}

[[noreturn]] void input_error(const std::string& what) {
  throw InputError("selection: " + what);
}

[[noreturn]] void solver_error(const std::string& what) {
  throw SolverError("selection: " + what);
}

void validate_shape(const SelectionInput& input) {
  const std::size_t options = input.options.size();
  if (options == 0) input_error("there are no options to choose from");
  if (input.normalized.size() != options) {
    input_error(fmt::format("{} options but {} rows of normalized values", options,
                            input.normalized.size()));
  }
  if (input.raw.size() != options) {
    input_error(fmt::format("{} options but {} sets of raw values", options, input.raw.size()));
  }
  if (input.weights.size() != input.criteria.size()) {
    input_error(fmt::format("{} criteria but {} weights", input.criteria.size(),
                            input.weights.size()));
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < options; ++i) {
    const std::string& name = input.options[i];
    if (name.empty()) input_error(fmt::format("option {} has an empty name", i));
    if (!names.insert(name).second) input_error(fmt::format("option '{}' is listed twice", name));
    if (input.normalized[i].size() != input.criteria.size()) {
      input_error(fmt::format("option '{}' has {} normalized values, expected {} (one per "
                              "criterion)",
                              name, input.normalized[i].size(), input.criteria.size()));
    }
  }
}

void validate_values(const SelectionInput& input) {
  bool any_weight = false;
  for (std::size_t j = 0; j < input.weights.size(); ++j) {
    const double weight = input.weights[j];
    if (!std::isfinite(weight) || weight < 0.0) {
      input_error(fmt::format("weight of criterion '{}' must be finite and >= 0 (got {})",
                              input.criteria[j], weight));
    }
    any_weight = any_weight || weight > 0.0;
  }
  if (!any_weight) input_error("every weight is zero; at least one criterion must count");
  for (std::size_t i = 0; i < input.options.size(); ++i) {
    for (std::size_t j = 0; j < input.criteria.size(); ++j) {
      if (!std::isfinite(input.normalized[i][j])) {
        input_error(fmt::format("option '{}', criterion '{}': normalized value is not finite "
                                "(got {})",
                                input.options[i], input.criteria[j], input.normalized[i][j]));
      }
    }
  }
  for (const Constraint& constraint : input.constraints) {
    if (constraint.metric.empty()) input_error("a constraint has an empty metric name");
    if (!std::isfinite(constraint.limit)) {
      input_error(fmt::format("constraint on '{}': limit is not finite (got {})",
                              constraint.metric, constraint.limit));
    }
    for (std::size_t i = 0; i < input.options.size(); ++i) {
      const auto found = input.raw[i].find(constraint.metric);
      if (found == input.raw[i].end()) {
        input_error(fmt::format("option '{}' has no raw value for constrained metric '{}'",
                                input.options[i], constraint.metric));
      }
      if (!std::isfinite(found->second)) {
        input_error(fmt::format("option '{}', metric '{}': raw value is not finite (got {})",
                                input.options[i], constraint.metric, found->second));
      }
    }
  }
}

}  // namespace

std::vector<OptionResult> evaluate_options(const SelectionInput& input) {
  std::vector<OptionResult> results;
  for (std::size_t i = 0; i < input.options.size(); ++i) {
    OptionResult result;
    result.name = input.options[i];
    for (std::size_t j = 0; j < input.criteria.size(); ++j) {
      result.score += input.weights[j] * input.normalized[i][j];
    }
    if (!std::isfinite(result.score)) {
      input_error(fmt::format("option '{}': score is not finite (got {}); weights too large",
                              result.name, result.score));
    }
    for (const Constraint& constraint : input.constraints) {
      const double value = input.raw[i].at(constraint.metric);
      if (!satisfies(constraint, value)) {
        result.excluded_by.push_back(Exclusion{constraint, value, shortfall(constraint, value)});
      }
    }
    result.feasible = result.excluded_by.empty();
    result.eligible = std::none_of(result.excluded_by.begin(), result.excluded_by.end(), [](const Exclusion& e) {
      return e.constraint.scope == ConstraintScope::kEachOption;
    });
    results.push_back(std::move(result));
  }
  return results;
}

namespace {

LinearProgram build_program(const SelectionInput& input, const std::vector<OptionResult>& options) {
  LinearProgram lp;
  lp.name = "sizesel_selection";
  lp.sense = LpSense::kMaximize;
  for (const OptionResult& option : options) {
    lp.columns.push_back(binary_column(lp_name("x_" + option.name), option.score));
  }
  lp.rows.push_back(equal_to("choose_one", dense_terms(std::vector<double>(options.size(), 1.0)),
                             1.0));
  for (const Constraint& constraint : input.constraints) {
    std::vector<double> coefficients;
    for (const auto& raw : input.raw) coefficients.push_back(raw.at(constraint.metric));
    const bool minimum = constraint.kind == BoundKind::kMin;
    const std::string name = lp_name((minimum ? "min_" : "max_") + constraint.metric);
    lp.rows.push_back(minimum ? at_least(name, dense_terms(coefficients), relaxed_limit(constraint))
                              : at_most(name, dense_terms(coefficients), relaxed_limit(constraint)));
  }
  return lp;
}

/// The one option GLPK set to 1; throws SolverError unless exactly one is 1 and the rest 0.
std::size_t chosen_option(const LpSolution& solution, const std::vector<OptionResult>& options) {
  if (solution.column_values.size() != options.size()) {
    solver_error(fmt::format("GLPK returned {} column values for {} options",
                             solution.column_values.size(), options.size()));
  }
  std::optional<std::size_t> chosen;
  for (std::size_t i = 0; i < solution.column_values.size(); ++i) {
    const double x = solution.column_values[i];
    if (std::abs(x - 1.0) <= 1e-6 && !chosen) {
      chosen = i;
    } else if (std::abs(x) > 1e-6) {
      solver_error(fmt::format("GLPK set x_{} = {}, expected exactly one option at 1 and the "
                               "rest at 0",
                               options[i].name, x));
    }
  }
  if (!chosen) {
    solver_error("GLPK's solution chooses no option");
  }
  return *chosen;
}

/// Whether every constraint the option violates is violated by no more than GLPK tolerates.
bool within_glpk_tolerance(const OptionResult& option) {
  return std::all_of(option.excluded_by.begin(), option.excluded_by.end(),
                     [](const Exclusion& exclusion) {
                       return exclusion.shortfall <=
                              kGlpkFeasibilityBand * scale(exclusion.constraint.limit);
                     });
}

/// Solves the model, re-solving without any option GLPK accepted only within its own
/// tolerance. Returns the final solution and, when optimal, the option it chose.
std::pair<LpSolution, std::optional<std::size_t>> solve_model(
    LinearProgram lp, const std::vector<OptionResult>& options) {
  while (true) {
    LpSolution solution = solve_with_glpk(lp);
    if (solution.status == LpStatus::kInfeasible) return {std::move(solution), std::nullopt};
    if (solution.status != LpStatus::kOptimal) {
      solver_error(fmt::format("GLPK {}: {}", to_string(solution.status), solution.message));
    }
    const std::size_t chosen = chosen_option(solution, options);
    const OptionResult& option = options[chosen];
    if (option.feasible) return {std::move(solution), chosen};
    const Exclusion& first = option.excluded_by.front();
    if (!within_glpk_tolerance(option) || lp.columns[chosen].upper == 0.0) {
      solver_error(fmt::format("GLPK chose option '{}', which violates {} (value {}, short by {})",
                               option.name, describe(first.constraint), first.value,
                               first.shortfall));
    }
    lp.columns[chosen].upper = 0.0;
  }
}

}  // namespace

double relaxed_limit(const Constraint& constraint) {
  const double tolerance = kConstraintTolerance * scale(constraint.limit);
  return constraint.kind == BoundKind::kMin ? constraint.limit - tolerance
                                            : constraint.limit + tolerance;
}

bool satisfies(const Constraint& constraint, double value) {
  return constraint.kind == BoundKind::kMin ? value >= relaxed_limit(constraint)
                                            : value <= relaxed_limit(constraint);
}

double shortfall(const Constraint& constraint, double value) {
  return constraint.kind == BoundKind::kMin ? constraint.limit - value : value - constraint.limit;
}

void validate(const SelectionInput& input) {
  validate_shape(input);
  validate_values(input);
}

LinearProgram selection_program(const SelectionInput& input) {
  validate(input);
  return build_program(input, evaluate_options(input));
}

Selection select_one(const SelectionInput& input) {
  validate(input);
  Selection selection;
  selection.options = evaluate_options(input);
  const auto [solution, chosen] = solve_model(build_program(input, selection.options),
                                              selection.options);
  selection.solver_status = to_string(solution.status);

  std::optional<double> best;
  for (const OptionResult& option : selection.options) {
    if (option.feasible && (!best || option.score > *best)) best = option.score;
  }
  if (!chosen) {
    if (best) {
      const auto feasible = std::find_if(selection.options.begin(), selection.options.end(),
                                         [](const OptionResult& o) { return o.feasible; });
      solver_error(fmt::format("GLPK found no feasible option, but '{}' satisfies every "
                               "constraint",
                               feasible->name));
    }
    return selection;
  }
  // An option GLPK chose is feasible (solve_model ensures it), so `best` is set.
  const double agreement = kObjectiveAgreement * scale(*best);
  const double chosen_score = selection.options[*chosen].score;
  if (std::abs(solution.objective - *best) > agreement || std::abs(chosen_score - *best) > agreement) {
    solver_error(fmt::format("GLPK's optimum {} (option '{}', score {}) differs from the best "
                             "feasible score {}",
                             solution.objective, selection.options[*chosen].name, chosen_score,
                             *best));
  }
  selection.objective = *best;
  for (std::size_t i = 0; i < selection.options.size(); ++i) {
    const OptionResult& option = selection.options[i];
    if (!option.feasible || option.score < *best - kTieTolerance) continue;
    if (!selection.recommended) {
      selection.recommended = i;
    } else {
      selection.tied.push_back(i);
    }
  }
  return selection;
}

}  // namespace sizesel
