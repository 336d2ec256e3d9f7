#include "sizesel/decision/recommendation.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/pareto.hpp"

namespace sizesel {
namespace {

[[noreturn]] void invalid(const std::string& what) { throw InputError("decision problem: " + what); }

/// One group per column, each the column alone: a table given by hand.
std::vector<CriterionGroup> one_group_per_column(const CriteriaTable& table) {
  std::vector<CriterionGroup> groups;
  for (const auto& criterion : table.criteria) {
    groups.push_back(CriterionGroup{criterion.name, criterion.method, {{criterion.name, 1.0}}});
  }
  return groups;
}

std::size_t column_index(const CriteriaTable& table, const std::string& name) {
  for (std::size_t j = 0; j < table.criteria.size(); ++j) {
    if (table.criteria[j].name == name) return j;
  }
  invalid("a criterion names the unknown column '" + name + "'");
}

void check_groups(const CriteriaTable& table, const std::vector<CriterionGroup>& groups) {
  std::set<std::string> names;
  for (const auto& group : groups) {
    if (group.name.empty()) invalid("a criterion has an empty name");
    if (!names.insert(group.name).second) invalid("criterion '" + group.name + "' is listed twice");
    double total = 0;
    for (const auto& part : group.parts) {
      (void)column_index(table, part.column);
      if (!std::isfinite(part.weight) || part.weight < 0) {
        invalid(fmt::format("criterion '{}', sub-criterion '{}': sub-weight must be finite and >= 0 (got {})",
                            group.name, part.column, part.weight));
      }
      total += part.weight;
    }
    if (total <= 0) invalid("criterion '" + group.name + "': at least one sub-weight must be > 0");
  }
}

/// The table restricted to the columns some group gives a positive sub-weight.
CriteriaTable counted_columns(const CriteriaTable& table, const std::vector<CriterionGroup>& groups) {
  std::vector<bool> counted(table.criteria.size(), false);
  for (const auto& group : groups) {
    for (const auto& part : group.parts) {
      if (part.weight > 0) counted[column_index(table, part.column)] = true;
    }
  }
  CriteriaTable result;
  result.options = table.options;
  result.values.assign(table.values.size(), {});
  for (std::size_t j = 0; j < table.criteria.size(); ++j) {
    if (!counted[j]) continue;
    result.criteria.push_back(table.criteria[j]);
    for (std::size_t i = 0; i < table.values.size(); ++i) result.values[i].push_back(table.values[i][j]);
  }
  return result;
}

}  // namespace

Recommendation decide(const DecisionProblem& problem) {
  const CriteriaTable& table = problem.table;
  validate(table);
  if (!problem.extra.empty() && problem.extra.size() != table.options.size()) {
    invalid(fmt::format("{} rows of extra metrics for {} options", problem.extra.size(), table.options.size()));
  }
  Recommendation recommendation;
  recommendation.mode = problem.mode;
  recommendation.normalization = problem.normalization;
  recommendation.groups = problem.groups.empty() ? one_group_per_column(table) : problem.groups;
  const auto& groups = recommendation.groups;
  check_groups(table, groups);
  for (const auto& weight : problem.weights) {
    bool known = false;
    for (const auto& group : groups) known = known || group.name == weight.first;
    if (!known) invalid("weight for unknown criterion '" + weight.first + "'");
  }

  recommendation.normalized = normalize(table, problem.normalization);
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    std::vector<double> values;
    for (const auto& group : groups) {
      double sum = 0;
      double total = 0;
      for (const auto& part : group.parts) {
        sum += part.weight * recommendation.normalized.values[i][column_index(table, part.column)];
        total += part.weight;
      }
      values.push_back(sum / total);
    }
    recommendation.criterion_values.push_back(std::move(values));
  }

  SelectionInput input;
  input.options = table.options;
  for (const auto& group : groups) {
    input.criteria.push_back(group.name);
    const auto weight = problem.weights.find(group.name);
    input.weights.push_back(weight == problem.weights.end() ? 0.0 : weight->second);
  }
  input.normalized = recommendation.criterion_values;
  input.constraints = problem.constraints;
  // A constraint checked against a bound reads it under its own key (bound_key); the results
  // name the metric again below.
  if (!problem.constraint_values.empty()) {
    for (auto& constraint : input.constraints) {
      if (problem.constraint_values.front().count(bound_key(constraint)) > 0) constraint.metric = bound_key(constraint);
    }
  }
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    std::map<std::string, double> raw = problem.extra.empty() ? std::map<std::string, double>{} : problem.extra[i];
    for (std::size_t j = 0; j < table.criteria.size(); ++j) raw[table.criteria[j].name] = table.values[i][j];
    if (!problem.constraint_values.empty()) {
      for (const auto& [name, value] : problem.constraint_values.at(i)) raw[name] = value;
    }
    input.raw.push_back(std::move(raw));
  }
  recommendation.weights = input.weights;
  // The solver sees weights scaled to sum 1, so that ties, tolerances and GLPK's numerics do
  // not depend on the weights' units (1e-10 and 1e10 mean the same choice); every score,
  // shadow price and weight range is scaled back.
  double total = 0;
  for (double weight : input.weights) {
    if (!std::isfinite(weight) || weight < 0) {
      invalid(fmt::format("weights must be finite and >= 0 (got {})", weight));
    }
    total += weight;
  }
  if (!(total > 0) || !std::isfinite(total)) invalid("at least one weight must be > 0, and their sum finite");
  for (double& weight : input.weights) weight /= total;
  Selection selection = problem.mode == DecisionMode::kSingle ? select_one(input) : select_mixture(input);
  Stability stability = weight_stability(input, selection);
  const auto unbound = [](Constraint& constraint) { constraint.metric = constraint.metric.substr(0, constraint.metric.find('\x1f')); };
  for (auto& option : selection.options) {
    for (auto& exclusion : option.excluded_by) unbound(exclusion.constraint);
  }
  if (selection.mixture) {
    for (auto& activity : selection.mixture->constraints) unbound(activity.constraint);
  }
  for (auto& option : selection.options) option.score *= total;
  selection.objective *= total;
  if (selection.mixture) {
    for (auto& activity : selection.mixture->constraints) {
      activity.shadow_price *= total;
      activity.shadow_price_lowering *= total;
    }
  }
  for (auto& range : stability.ranges) {
    range.weight = recommendation.weights[range.criterion];
    range.low = std::min(range.low * total, range.weight);
    range.high = std::max(range.high * total, range.weight);
  }
  if (stability.smallest_flip) {
    WeightFlip& flip = *stability.smallest_flip;
    const WeightRange& range = stability.ranges[flip.range];
    flip.to = flip.rise ? range.high : range.low;
    flip.change = flip.to - range.weight;
  }
  recommendation.selection = std::move(selection);
  recommendation.stability = std::move(stability);
  recommendation.dominated_by = dominated_by(counted_columns(table, groups));
  return recommendation;
}

}  // namespace sizesel
