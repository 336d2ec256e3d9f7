#include "sizesel/decision/recommendation.hpp"

#include "sizesel/core/error.hpp"
#include "sizesel/decision/pareto.hpp"

namespace sizesel {

Recommendation decide(const DecisionProblem& problem) {
  const CriteriaTable& table = problem.table;
  if (!problem.extra.empty() && problem.extra.size() != table.options.size()) {
    throw InputError("decision problem: " + std::to_string(problem.extra.size()) + " rows of extra metrics for " +
                     std::to_string(table.options.size()) + " options");
  }
  for (const auto& weight : problem.weights) {
    bool known = false;
    for (const auto& criterion : table.criteria) known = known || criterion.name == weight.first;
    if (!known) throw InputError("decision problem: weight for unknown criterion '" + weight.first + "'");
  }

  Recommendation recommendation;
  recommendation.mode = problem.mode;
  recommendation.normalization = problem.normalization;
  recommendation.normalized = normalize(table, problem.normalization);

  SelectionInput input;
  input.options = table.options;
  for (const auto& criterion : table.criteria) {
    input.criteria.push_back(criterion.name);
    const auto weight = problem.weights.find(criterion.name);
    input.weights.push_back(weight == problem.weights.end() ? 0.0 : weight->second);
  }
  input.normalized = recommendation.normalized.values;
  input.constraints = problem.constraints;
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    std::map<std::string, double> raw = problem.extra.empty() ? std::map<std::string, double>{} : problem.extra[i];
    for (std::size_t j = 0; j < table.criteria.size(); ++j) raw[table.criteria[j].name] = table.values[i][j];
    input.raw.push_back(std::move(raw));
  }
  recommendation.weights = input.weights;
  recommendation.selection = problem.mode == DecisionMode::kSingle ? select_one(input) : select_mixture(input);
  recommendation.dominated_by = dominated_by(table);
  recommendation.stability = weight_stability(input, recommendation.selection);
  return recommendation;
}

}  // namespace sizesel
