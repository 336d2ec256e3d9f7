// Tests of decide(): normalisation, weighting and constrained selection from a raw criteria table.
#include <catch2/catch.hpp>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/recommendation.hpp"

using namespace sizesel;

namespace {

// The article's case study, numerically: P in %, C in GPUs, E/R/M on low 0, medium 0.5, high 1.
DecisionProblem case_study() {
  DecisionProblem problem;
  problem.table.criteria = {{"P", Direction::kMax, "%", "", std::nullopt},
                            {"C", Direction::kMin, "GPU", "", std::nullopt},
                            {"E", Direction::kMax, "", "", std::nullopt},
                            {"R", Direction::kMax, "", "", std::nullopt},
                            {"M", Direction::kMax, "", "", std::nullopt}};
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

TEST_CASE("in mixture mode the case study shares traffic 3:1 between s2 and s4, the budget binding", "[decision]") {
  DecisionProblem problem = case_study();
  problem.mode = DecisionMode::kMixture;
  const Recommendation result = decide(problem);
  // Vertices with the 20-GPU budget binding mix one of s1, s2 with one of s4, s5; by hand the
  // best is s2 + s4 with 50a + 10(1-a) = 20, a = 1/4, scoring 0.75 s2 + 0.25 s4 = 0.8754,
  // above s3 alone (0.8518).
  REQUIRE(result.selection.mixture.has_value());
  const auto& shares = result.selection.mixture->shares;
  CHECK(shares[0] == Approx(0.0).margin(1e-9));
  CHECK(shares[1] == Approx(0.75));
  CHECK(shares[2] == Approx(0.0).margin(1e-9));
  CHECK(shares[3] == Approx(0.25));
  CHECK(shares[4] == Approx(0.0).margin(1e-9));
  CHECK(result.selection.recommended == 1u);
  const double s2 = result.selection.options[1].score;
  const double s4 = result.selection.options[3].score;
  CHECK(result.selection.objective == Approx(0.75 * s2 + 0.25 * s4));
  CHECK(result.selection.mixture->unique);
  REQUIRE(result.selection.mixture->constraints.size() == 2);
  const auto& accuracy = result.selection.mixture->constraints[0];
  const auto& budget = result.selection.mixture->constraints[1];
  CHECK_FALSE(accuracy.binding);
  CHECK(accuracy.value == Approx(0.75 * 97 + 0.25 * 99));
  CHECK(accuracy.shadow_price == 0.0);
  CHECK(budget.binding);
  CHECK(budget.value == Approx(20));
  // On the s2-s4 edge a = (B - 10) / 40, so the score grows by (s4 - s2) / 40 per GPU.
  CHECK(budget.shadow_price == Approx((s4 - s2) / 40));
}

TEST_CASE("a shadow price is the score gained per unit the limit moves", "[decision]") {
  DecisionProblem problem = case_study();
  problem.mode = DecisionMode::kMixture;
  const double base = decide(problem).selection.objective;
  const double price = decide(problem).selection.mixture->constraints[1].shadow_price;
  problem.constraints[1].limit += 0.5;
  CHECK(decide(problem).selection.objective - base == Approx(0.5 * price));
}

TEST_CASE("per-option constraints keep options out of the mixture entirely", "[decision]") {
  DecisionProblem problem = case_study();
  problem.mode = DecisionMode::kMixture;
  problem.constraints[1].scope = ConstraintScope::kEachOption;  // every size used needs <= 20 GPUs
  const Recommendation result = decide(problem);
  CHECK_FALSE(result.selection.options[3].eligible);
  CHECK(result.selection.options[2].eligible);
  CHECK(result.selection.mixture->shares[2] == Approx(1.0));  // s3 alone, 0.8518
  CHECK(result.selection.mixture->constraints.size() == 1);
}

TEST_CASE("the article's x* = (0.5, 0.5, 0, 0, 0) is the raw-score mixture under a 7.5-GPU budget", "[decision]") {
  DecisionProblem problem = case_study();
  problem.mode = DecisionMode::kMixture;
  problem.normalization = Normalization::kRaw;
  problem.constraints[1].limit = 7.5;
  const Recommendation result = decide(problem);
  const auto& shares = result.selection.mixture->shares;
  CHECK(shares[0] == Approx(0.5));
  CHECK(shares[1] == Approx(0.5));
  CHECK(shares[2] + shares[3] + shares[4] == Approx(0.0).margin(1e-9));
}

TEST_CASE("weight stability of the case study: s3 wins narrowly and a 0.0067 rise of M's weight hands it to s2",
          "[decision]") {
  const Recommendation result = decide(case_study());
  REQUIRE(result.selection.recommended == 2u);
  const auto& scores = result.selection.options;
  const double gap = scores[2].score - scores[1].score;  // s3 over s2
  const auto& ranges = result.stability.ranges;
  REQUIRE(ranges.size() == 5);
  // P: s3 has the best normalised P among the feasible, so no rise of its weight changes
  // anything; lowering it below 0.8 - gap / (2/3 - 4/9) lets s2 through.
  CHECK(ranges[0].low == Approx(0.8 - gap / (2.0 / 3 - 4.0 / 9)));
  CHECK(ranges[0].below == 1u);
  CHECK(ranges[0].high == kLpInfinity);
  CHECK_FALSE(ranges[0].above);
  // C: s2 is cheaper (90/95 against 80/95 normalised).
  CHECK(ranges[1].low == 0.0);
  CHECK(ranges[1].high == Approx(0.2 + gap / (10.0 / 95)));
  CHECK(ranges[1].above == 1u);
  // R: s2 and s3 are both 'high', s1 'medium' far behind: no single change of R's weight matters.
  CHECK(ranges[3].low == 0.0);
  CHECK(ranges[3].high == kLpInfinity);
  // M: s2 'medium' (1 normalised), s3 'low' (0).
  CHECK(ranges[4].high == Approx(0.1 + gap));
  REQUIRE(result.stability.smallest_flip.has_value());
  CHECK(result.stability.smallest_flip->range == 4u);
  CHECK(result.stability.smallest_flip->change == Approx(gap));
  CHECK(result.stability.smallest_flip->winner == 1u);
}

TEST_CASE("weight stability in mixture mode agrees with re-solving just inside and outside each range",
          "[decision]") {
  DecisionProblem problem = case_study();
  problem.mode = DecisionMode::kMixture;
  const Recommendation result = decide(problem);
  const std::vector<std::string> names = {"P", "C", "E", "R", "M"};
  for (std::size_t k = 0; k < names.size(); ++k) {
    const WeightRange& range = result.stability.ranges[k];
    INFO("weight " << names[k] << " in [" << range.low << ", " << range.high << "]");
    CHECK(range.low <= range.weight);
    CHECK(range.high >= range.weight);
    auto shares_at = [&](double weight) {
      DecisionProblem changed = problem;
      changed.weights[names[k]] = weight;
      return decide(changed).selection.mixture->shares;
    };
    auto same = [&](const std::vector<double>& a) {
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::abs(a[i] - result.selection.mixture->shares[i]) > 1e-6) return false;
      }
      return true;
    };
    const double step = 1e-4;
    if (range.low > 0) {
      CHECK(same(shares_at(range.low + step)));
      const auto below = shares_at(range.low - step);
      CHECK_FALSE(same(below));
      CHECK(below[*range.below] == Approx(range.shares_below[*range.below]).margin(1e-6));
    }
    if (range.high < kLpInfinity) {
      CHECK(same(shares_at(range.high - step)));
      const auto above = shares_at(range.high + step);
      CHECK_FALSE(same(above));
      CHECK(above[*range.above] == Approx(range.shares_above[*range.above]).margin(1e-6));
    } else {
      CHECK(same(shares_at(range.weight * 100 + 10)));
    }
  }
}

TEST_CASE("an option no better anywhere and worse somewhere is dominated; the rest are Pareto-optimal",
          "[decision]") {
  DecisionProblem problem = case_study();
  problem.table.options.push_back("s6");
  problem.table.values.push_back({97, 12, 1, 1, 0.5});  // s2, two GPUs dearer
  const Recommendation result = decide(problem);
  REQUIRE(result.dominated_by.size() == 6);
  for (std::size_t i = 0; i < 5; ++i) CHECK(result.dominated_by[i].empty());
  CHECK(result.dominated_by[5] == std::vector<std::size_t>{1});
}

TEST_CASE("a criterion made of sub-criteria is the sub-weighted mean of their normalised values", "[decision]") {
  DecisionProblem problem;
  problem.table.criteria = {{"acc", Direction::kMax, "", "", std::nullopt},
                            {"f1", Direction::kMax, "", "", std::nullopt},
                            {"gpus", Direction::kMin, "GPU", "", std::nullopt},
                            {"unused", Direction::kMax, "", "", std::nullopt}};
  problem.table.options = {"a", "b", "c"};
  problem.table.values = {{0.9, 0.8, 4, 1}, {0.8, 0.9, 2, 0}, {0.7, 0.7, 1, 0}};
  problem.groups = {{"P", "performance", {{"acc", 3}, {"f1", 1}}}, {"C", "cost", {{"gpus", 1}, {"unused", 0}}}};
  problem.weights = {{"P", 1}, {"C", 0.5}};
  const Recommendation result = decide(problem);
  REQUIRE(result.groups.size() == 2);
  // minmax: acc -> 1, 0.5, 0; f1 -> 0.5, 1, 0; gpus -> 0, 2/3, 1.
  CHECK(result.criterion_values[0][0] == Approx((3 * 1.0 + 1 * 0.5) / 4));
  CHECK(result.criterion_values[1][0] == Approx((3 * 0.5 + 1 * 1.0) / 4));
  CHECK(result.criterion_values[1][1] == Approx(2.0 / 3));
  CHECK(result.selection.options[1].score == Approx(0.625 + 0.5 * 2.0 / 3));
  CHECK(result.weights == std::vector<double>{1, 0.5});
  // "unused" has sub-weight 0, so a is not dominated for being better on it alone: nobody dominates anybody.
  for (const auto& by : result.dominated_by) CHECK(by.empty());
  CHECK(result.stability.ranges.size() == 2);

  DecisionProblem unknown = problem;
  unknown.groups[1].parts[0].column = "gpu";
  CHECK_THROWS_WITH(decide(unknown), Catch::Contains("unknown column 'gpu'"));
  DecisionProblem zero = problem;
  zero.groups[0].parts = {{"acc", 0}};
  CHECK_THROWS_WITH(decide(zero), Catch::Contains("criterion 'P': at least one sub-weight must be > 0"));
}

TEST_CASE("the weights' scale does not matter: 1e-7 times the weights gives the same choice and scaled ranges",
          "[decision]") {
  for (const DecisionMode mode : {DecisionMode::kSingle, DecisionMode::kMixture}) {
    DecisionProblem problem = case_study();
    problem.mode = mode;
    const Recommendation base = decide(problem);
    for (auto& [name, weight] : problem.weights) weight *= 1e-7;
    const Recommendation tiny = decide(problem);
    CHECK(tiny.selection.recommended == base.selection.recommended);
    CHECK(tiny.selection.tied == base.selection.tied);
    CHECK(tiny.selection.objective == Approx(base.selection.objective * 1e-7));
    REQUIRE(tiny.stability.ranges.size() == base.stability.ranges.size());
    for (std::size_t k = 0; k < base.stability.ranges.size(); ++k) {
      CHECK(tiny.stability.ranges[k].low == Approx(base.stability.ranges[k].low * 1e-7));
      if (std::isfinite(base.stability.ranges[k].high)) {
        CHECK(tiny.stability.ranges[k].high == Approx(base.stability.ranges[k].high * 1e-7));
      }
    }
  }
}

TEST_CASE("at a corner of the mixture LP the shadow price differs above and below the limit", "[decision]") {
  DecisionProblem problem = case_study();
  problem.mode = DecisionMode::kMixture;
  problem.constraints[1].limit = 10;  // exactly s2's GPUs: s2 alone, at a corner
  const Recommendation result = decide(problem);
  const auto& budget = result.selection.mixture->constraints[1];
  REQUIRE(budget.binding);
  const double s2 = result.selection.options[1].score;
  const double s4 = result.selection.options[3].score;
  const double s1 = result.selection.options[0].score;
  // Above 10 GPUs s4 comes in: (s4 - s2) / 40 per GPU; below, s1 must: (s2 - s1) / 5 per GPU.
  CHECK(budget.shadow_price == Approx((s4 - s2) / 40));
  CHECK(budget.shadow_price_lowering == Approx((s2 - s1) / 5));
}
