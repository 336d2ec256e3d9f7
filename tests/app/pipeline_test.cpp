// The decision table recommend builds from measured candidates: confidence bounds.
#include "sizesel/app/pipeline.hpp"

#include <catch2/catch.hpp>

#include "sizesel/core/criteria.hpp"
#include "sizesel/decision/recommendation.hpp"

namespace sizesel {
namespace {

CandidateResult measured(const std::string& name, double accuracy, double spread) {
  CandidateResult result;
  result.spec.name = name;
  result.runs.resize(3);
  Metrics m;
  m.accuracy = accuracy;
  m.f1_macro = accuracy;
  m.devices = 1;
  m.faithfulness = 0.1;
  m.corruption_robustness = 0.5;
  m.fgsm_robustness = 0.5;
  m.retrain_device_hours = 1;
  m.checkpoint_mib = 1;
  result.metrics = m;
  result.metrics_std["accuracy"] = spread;
  return result;
}

}  // namespace

TEST_CASE("a minimum and a maximum on one metric are checked against the lower and the upper bound", "[app][bounds]") {
  Scenario scenario;
  scenario.weights = {{"P", 1.0}};
  scenario.criteria = default_criteria();
  scenario.confidence = 0.9;
  scenario.constraints = {Constraint{"accuracy", BoundKind::kMin, 0.5, ConstraintScope::kMixture},
                          Constraint{"accuracy", BoundKind::kMax, 0.8, ConstraintScope::kMixture}};
  // Means 0.7 and 0.75; with 3 seeds at 90 %, t = 1.886: half-widths 1.886 * s / sqrt(3).
  std::vector<CandidateResult> candidates = {measured("narrow", 0.7, 0.01), measured("spread", 0.75, 0.1)};
  const DecisionProblem problem = decision_problem(scenario, candidates);
  const double t = 1.8856180831641267;
  const auto& narrow = problem.constraint_values.at(0);
  CHECK(narrow.at(bound_key(scenario.constraints[0])) == Approx(0.7 - t * 0.01 / std::sqrt(3.0)));
  CHECK(narrow.at(bound_key(scenario.constraints[1])) == Approx(0.7 + t * 0.01 / std::sqrt(3.0)));

  // spread: lower bound 0.641 meets the minimum, upper bound 0.859 breaks the maximum.
  const Recommendation decision = decide(problem);
  REQUIRE(decision.selection.recommended == 0u);
  const auto& excluded = decision.selection.options.at(1).excluded_by;
  REQUIRE(excluded.size() == 1);
  CHECK(excluded[0].constraint.metric == "accuracy");
  CHECK(excluded[0].constraint.kind == BoundKind::kMax);
  CHECK(excluded[0].value == Approx(0.75 + t * 0.1 / std::sqrt(3.0)));
  CHECK(decision.selection.options.at(0).feasible);
}

}  // namespace sizesel
