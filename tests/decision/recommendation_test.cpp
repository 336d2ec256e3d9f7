// Tests of decide(): normalisation, weighting and constrained selection from a raw criteria table.
#include <catch2/catch.hpp>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/recommendation.hpp"

using namespace sizesel;

namespace {

// The article's case study, numerically: P in %, C in GPUs, E/R/M on low 0, medium 0.5, high 1.
DecisionProblem case_study() {
  DecisionProblem problem;
  problem.table.criteria = {{"P", Direction::kMax, "%", ""},
                            {"C", Direction::kMin, "GPU", ""},
                            {"E", Direction::kMax, "", ""},
                            {"R", Direction::kMax, "", ""},
                            {"M", Direction::kMax, "", ""}};
  problem.table.options = {"s1", "s2", "s3", "s4", "s5"};
  problem.table.values = {{95, 5, 1, 0.5, 0},
                          {97, 10, 1, 1, 0.5},
                          {98, 20, 0.5, 1, 0},
                          {99, 50, 0.5, 1, 0},
                          {99.5, 100, 0, 0.5, 0}};
  problem.weights = {{"P", 0.8}, {"C", 0.2}, {"E", 0.1}, {"R", 0.1}, {"M", 0.1}};
  problem.constraints = {{"P", BoundKind::kMin, 95}, {"C", BoundKind::kMax, 20}};
  return problem;
}

}  // namespace

TEST_CASE("the case study under min-max normalisation recommends s3 and excludes s4 and s5 by the budget",
          "[decision]") {
  const Recommendation result = decide(case_study());
  // Hand computation: P norm = (P-95)/4.5, C norm = (100-C)/95.
  // s1: 0.8*0 + 0.2*1 + 0.1*1 + 0.1*0 + 0 = 0.3
  // s2: 0.8*(2/4.5) + 0.2*(90/95) + 0.1*1 + 0.1*1 + 0.1*1 = 0.84503...
  // s3: 0.8*(3/4.5) + 0.2*(80/95) + 0.1*0.5 + 0.1*1 + 0 = 0.85175...  (not the article's s2)
  REQUIRE(result.selection.recommended == 2u);
  CHECK(result.selection.options[0].score == Approx(0.3));
  CHECK(result.selection.options[1].score == Approx(0.8 * 2 / 4.5 + 0.2 * 90 / 95 + 0.3));
  CHECK(result.selection.options[2].score == Approx(0.8 * 3 / 4.5 + 0.2 * 80 / 95 + 0.15));
  CHECK_FALSE(result.selection.options[3].feasible);
  CHECK_FALSE(result.selection.options[4].feasible);
  REQUIRE(result.selection.options[4].excluded_by.size() == 1);
  CHECK(result.selection.options[4].excluded_by[0].value == 100);
  CHECK(result.selection.options[4].excluded_by[0].shortfall == 80);
  CHECK(result.weights == std::vector<double>{0.8, 0.2, 0.1, 0.1, 0.1});
}

TEST_CASE("constraints may name extra raw metrics that are not criteria", "[decision]") {
  DecisionProblem problem = case_study();
  problem.constraints = {{"latency_ms", BoundKind::kMax, 3}};
  problem.extra = {{{"latency_ms", 1}}, {{"latency_ms", 4}}, {{"latency_ms", 2}}, {{"latency_ms", 5}}, {{"latency_ms", 9}}};
  const Recommendation result = decide(problem);
  REQUIRE(result.selection.recommended == 2u);  // s3: best score among s1 and s3
  CHECK_FALSE(result.selection.options[1].feasible);
}

TEST_CASE("a weight for a criterion the table lacks is an input error", "[decision]") {
  DecisionProblem problem = case_study();
  problem.weights["Z"] = 1;
  CHECK_THROWS_AS(decide(problem), InputError);
}

TEST_CASE("a criterion without a weight counts zero", "[decision]") {
  DecisionProblem problem = case_study();
  problem.weights = {{"C", 1}};
  problem.constraints.clear();
  const Recommendation result = decide(problem);
  CHECK(result.selection.recommended == 0u);  // cheapest
  CHECK(result.weights == std::vector<double>{0, 1, 0, 0, 0});
}
