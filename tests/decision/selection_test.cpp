#include "sizesel/decision/selection.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "decision/decision_cases.hpp"
#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

using testing::at_least_limit;
using testing::at_most_limit;
using testing::DecisionCase;
using testing::decision_cases;
using testing::RawValues;

/// The message of the InputError `select_one(input)` throws; fails the test when none is thrown.
std::string input_error_message(const SelectionInput& input) {
  try {
    static_cast<void>(select_one(input));
  } catch (const InputError& error) {
    return error.what();
  }
  FAIL("select_one did not throw InputError");
  return "";
}

/// Two options, two criteria, one constraint on "accuracy": valid, to be broken by each test.
SelectionInput valid_input() {
  SelectionInput input;
  input.options = {"r20", "r56"};
  input.criteria = {"P", "C"};
  input.weights = {0.5, 0.5};
  input.normalized = {{0.0, 1.0}, {1.0, 0.0}};
  input.constraints = {at_least_limit("accuracy", 0.9)};
  input.raw = {RawValues{{"accuracy", 0.91}}, RawValues{{"accuracy", 0.93}}};
  return input;
}

/// The answer by enumeration, with exact comparisons and none of select_one's machinery.
struct OracleAnswer {
  std::vector<bool> feasible;
  std::vector<std::size_t> violations;  ///< per option, how many constraints it violates
  std::optional<double> best;
  std::vector<std::size_t> best_options;  ///< feasible options scoring exactly `best`, in order
};

OracleAnswer brute_force(const SelectionInput& input) {
  OracleAnswer answer;
  std::vector<double> scores;
  for (std::size_t i = 0; i < input.options.size(); ++i) {
    double score = 0;
    for (std::size_t j = 0; j < input.weights.size(); ++j) {
      score += input.weights[j] * input.normalized[i][j];
    }
    scores.push_back(score);
    std::size_t violated = 0;
    for (const Constraint& constraint : input.constraints) {
      const double value = input.raw[i].at(constraint.metric);
      const bool ok = constraint.kind == BoundKind::kMin ? value >= constraint.limit
                                                          : value <= constraint.limit;
      if (!ok) ++violated;
    }
    answer.violations.push_back(violated);
    answer.feasible.push_back(violated == 0);
    if (violated == 0 && (!answer.best || score > *answer.best)) answer.best = score;
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (answer.feasible[i] && scores[i] == answer.best) answer.best_options.push_back(i);
  }
  return answer;
}

/// A random small table. On the "grid" half, every value is a small binary fraction or an
/// integer, so scores are exact and equal raw values and limits are common; on the other half
/// values are continuous, with ties only from repeated rows.
SelectionInput random_input(std::mt19937& rng) {
  auto uniform_int = [&rng](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(rng);
  };
  auto uniform_real = [&rng](double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(rng);
  };
  const bool grid = uniform_int(0, 1) == 0;
  const auto options = static_cast<std::size_t>(uniform_int(1, 6));
  const auto criteria = static_cast<std::size_t>(uniform_int(1, 5));
  const auto constraints = static_cast<std::size_t>(uniform_int(0, 3));
  const std::vector<std::string> metrics = {"m0", "m1", "m2"};

  SelectionInput input;
  for (std::size_t j = 0; j < criteria; ++j) {
    input.criteria.push_back("c" + std::to_string(j));
    input.weights.push_back(grid ? 0.25 * uniform_int(0, 4) : uniform_real(0.0, 1.0));
  }
  if (uniform_int(0, 9) == 0) input.weights.assign(criteria, 0.0);
  if (std::all_of(input.weights.begin(), input.weights.end(), [](double w) { return w == 0; })) {
    input.weights[static_cast<std::size_t>(uniform_int(0, static_cast<int>(criteria) - 1))] = 1.0;
  }
  for (std::size_t i = 0; i < options; ++i) {
    input.options.push_back("o" + std::to_string(i));
    if (i > 0 && uniform_int(0, 3) == 0) {
      const auto copy = static_cast<std::size_t>(uniform_int(0, static_cast<int>(i) - 1));
      input.normalized.push_back(input.normalized[copy]);
      input.raw.push_back(input.raw[copy]);
      continue;
    }
    std::vector<double> row;
    for (std::size_t j = 0; j < criteria; ++j) {
      row.push_back(grid ? 0.125 * uniform_int(0, 8) : uniform_real(0.0, 1.0));
    }
    input.normalized.push_back(row);
    RawValues raw;
    for (const std::string& metric : metrics) {
      raw[metric] = grid ? uniform_int(0, 10) : uniform_real(-50.0, 100.0);
    }
    input.raw.push_back(raw);
  }
  for (std::size_t k = 0; k < constraints; ++k) {
    const std::string& metric = metrics[static_cast<std::size_t>(uniform_int(0, 2))];
    double limit = 0;
    if (uniform_int(0, 2) == 0) {
      limit = input.raw[static_cast<std::size_t>(uniform_int(0, static_cast<int>(options) - 1))]
                  .at(metric);
    } else {
      limit = grid ? uniform_int(0, 10) : uniform_real(-50.0, 100.0);
    }
    input.constraints.push_back(uniform_int(0, 1) == 0 ? at_least_limit(metric, limit)
                                                       : at_most_limit(metric, limit));
  }
  return input;
}

}  // namespace

TEST_CASE("Each catalogued decision problem gets its hand-computed answer", "[decision]") {
  for (const DecisionCase& c : decision_cases()) {
    DYNAMIC_SECTION(c.name) {
      const Selection selection = select_one(c.input);
      CHECK(selection.recommended == c.recommended);
      CHECK(selection.tied == c.tied);
      CHECK(selection.objective == Approx(c.objective).margin(1e-12));
      CHECK(selection.solver_status == (c.recommended ? "optimal" : "infeasible"));
      REQUIRE(selection.options.size() == c.input.options.size());
      for (std::size_t i = 0; i < c.input.options.size(); ++i) {
        const OptionResult& option = selection.options[i];
        INFO("option " << option.name);
        CHECK(option.name == c.input.options[i]);
        CHECK(option.feasible == c.feasible[i]);
        REQUIRE(option.excluded_by.size() == c.shortfalls[i].size());
        for (std::size_t k = 0; k < c.shortfalls[i].size(); ++k) {
          CHECK(option.excluded_by[k].shortfall == Approx(c.shortfalls[i][k]).margin(1e-12));
          CHECK(option.excluded_by[k].shortfall > 0);
        }
      }
    }
  }
}

TEST_CASE("Scores are the weighted sums of normalized values", "[decision]") {
  const Selection selection = select_one(valid_input());
  CHECK(selection.options[0].score == 0.5);
  CHECK(selection.options[1].score == 0.5);
  // Equal scores: the first listed wins and the second is reported as tied.
  CHECK(selection.recommended == std::optional<std::size_t>(0));
  CHECK(selection.tied == std::vector<std::size_t>{1});
}

TEST_CASE("An exclusion records the constraint, the raw value and the shortfall", "[decision]") {
  SelectionInput input = valid_input();
  input.constraints.push_back(at_most_limit("latency_ms", 2.0));
  input.raw[1]["latency_ms"] = 3.5;
  input.raw[0]["latency_ms"] = 1.0;
  input.raw[1]["accuracy"] = 0.8;
  const Selection selection = select_one(input);
  REQUIRE(selection.recommended == std::optional<std::size_t>(0));
  const std::vector<Exclusion>& excluded = selection.options[1].excluded_by;
  REQUIRE(excluded.size() == 2);
  CHECK(excluded[0].constraint.metric == "accuracy");
  CHECK(excluded[0].constraint.kind == BoundKind::kMin);
  CHECK(excluded[0].value == 0.8);
  CHECK(excluded[0].shortfall == Approx(0.1));
  CHECK(excluded[1].constraint.metric == "latency_ms");
  CHECK(excluded[1].value == 3.5);
  CHECK(excluded[1].shortfall == Approx(1.5));
}

TEST_CASE("Constraint satisfaction tolerates only relative rounding of 1e-9", "[decision]") {
  const Constraint min_accuracy = at_least_limit("accuracy", 0.95);
  CHECK(satisfies(min_accuracy, 0.95));
  CHECK(satisfies(min_accuracy, 0.95 - 0.5e-9));
  CHECK_FALSE(satisfies(min_accuracy, 0.95 - 2e-9));
  CHECK(shortfall(min_accuracy, 0.9) == Approx(0.05));
  CHECK(shortfall(min_accuracy, 0.97) < 0);

  // Relative to the limit's magnitude when it exceeds 1: 1e-9 of 1e6 is 1e-3.
  const Constraint max_params = at_most_limit("params", 1e6);
  CHECK(satisfies(max_params, 1e6 + 0.5e-3));
  CHECK_FALSE(satisfies(max_params, 1e6 + 2e-3));
  CHECK(shortfall(max_params, 1e6 + 10) == Approx(10));
}

TEST_CASE("The model given to GLPK keeps the selection formulation visible", "[decision]") {
  SelectionInput input = valid_input();
  input.constraints.push_back(at_most_limit("latency_ms", 2.0));
  input.raw[0]["latency_ms"] = 1.0;
  input.raw[1]["latency_ms"] = 3.0;
  const LinearProgram lp = selection_program(input);
  CHECK(lp.sense == LpSense::kMaximize);
  REQUIRE(lp.columns.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(lp.columns[i].kind == LpColumnKind::kBinary);
    CHECK(lp.columns[i].objective == 0.5);
  }
  CHECK(lp.columns[0].name == "x_r20");
  REQUIRE(lp.rows.size() == 3);
  CHECK(lp.rows[0].lower == 1);
  CHECK(lp.rows[0].upper == 1);
  CHECK(lp.rows[0].terms.size() == 2);

  CHECK(lp.rows[1].name == "min_accuracy");
  CHECK(lp.rows[1].lower == 0.9 - 1e-9);  // the limit less the tolerance of satisfies()
  CHECK(lp.rows[1].upper == kLpInfinity);
  REQUIRE(lp.rows[1].terms.size() == 2);
  CHECK(lp.rows[1].terms[0].value == 0.91);
  CHECK(lp.rows[1].terms[1].value == 0.93);

  CHECK(lp.rows[2].name == "max_latency_ms");
  CHECK(lp.rows[2].lower == -kLpInfinity);
  CHECK(lp.rows[2].upper == 2.0 + 2e-9);
  REQUIRE_NOTHROW(validate(lp));
}

TEST_CASE("Option names GLPK would refuse are made safe in the model", "[decision]") {
  SelectionInput input = valid_input();
  input.options[0] = "tab\there";
  input.options[1] = std::string(400, 'n');
  const LinearProgram lp = selection_program(input);
  CHECK(lp.columns[0].name == "x_tab_here");
  CHECK(lp.columns[1].name.size() == kMaxLpNameLength);
  const Selection selection = select_one(input);
  CHECK(selection.options[0].name == "tab\there");
  CHECK(selection.recommended.has_value());
}

TEST_CASE("Select_one agrees with a brute-force enumeration on random small tables",
          "[decision]") {
  std::mt19937 rng(20240603);
  int infeasible = 0;
  int ties = 0;
  int constrained = 0;
  constexpr int kTrials = 1500;
  for (int trial = 0; trial < kTrials; ++trial) {
    const SelectionInput input = random_input(rng);
    const OracleAnswer oracle = brute_force(input);
    const Selection selection = select_one(input);
    INFO("trial " << trial << ": " << input.options.size() << " options, "
                  << input.criteria.size() << " criteria, " << input.constraints.size()
                  << " constraints");
    REQUIRE(selection.options.size() == input.options.size());
    for (std::size_t i = 0; i < input.options.size(); ++i) {
      REQUIRE(selection.options[i].feasible == oracle.feasible[i]);
      REQUIRE(selection.options[i].excluded_by.size() == oracle.violations[i]);
    }
    if (!oracle.best) {
      REQUIRE_FALSE(selection.recommended.has_value());
      REQUIRE(selection.tied.empty());
      ++infeasible;
      continue;
    }
    REQUIRE(selection.objective == Approx(*oracle.best).margin(1e-9));
    REQUIRE(selection.recommended == oracle.best_options.front());
    const std::vector<std::size_t> others(oracle.best_options.begin() + 1,
                                          oracle.best_options.end());
    REQUIRE(selection.tied == others);
    if (!others.empty()) ++ties;
    if (!input.constraints.empty()) ++constrained;
  }
  // The random tables must exercise every outcome, not only the easy one.
  CHECK(infeasible > 100);
  CHECK(ties > 100);
  CHECK(constrained > 300);
}

TEST_CASE("Invalid selection input is rejected with an InputError naming the culprit",
          "[decision]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_NOTHROW(select_one(valid_input()));

  SECTION("no options") {
    SelectionInput input = valid_input();
    input.options.clear();
    input.normalized.clear();
    input.raw.clear();
    CHECK(input_error_message(input) == "selection: there are no options to choose from");
  }
  SECTION("fewer rows of normalized values than options") {
    SelectionInput input = valid_input();
    input.normalized.pop_back();
    CHECK(input_error_message(input) == "selection: 2 options but 1 rows of normalized values");
  }
  SECTION("fewer sets of raw values than options") {
    SelectionInput input = valid_input();
    input.raw.pop_back();
    CHECK(input_error_message(input) == "selection: 2 options but 1 sets of raw values");
  }
  SECTION("fewer weights than criteria") {
    SelectionInput input = valid_input();
    input.weights.pop_back();
    CHECK(input_error_message(input) == "selection: 2 criteria but 1 weights");
  }
  SECTION("a ragged row of normalized values") {
    SelectionInput input = valid_input();
    input.normalized[1].push_back(0.5);
    CHECK(input_error_message(input) ==
          "selection: option 'r56' has 3 normalized values, expected 2 (one per criterion)");
  }
  SECTION("a duplicate option name") {
    SelectionInput input = valid_input();
    input.options[1] = "r20";
    CHECK(input_error_message(input) == "selection: option 'r20' is listed twice");
  }
  SECTION("an empty option name") {
    SelectionInput input = valid_input();
    input.options[1] = "";
    CHECK(input_error_message(input) == "selection: option 1 has an empty name");
  }
  SECTION("a negative weight") {
    SelectionInput input = valid_input();
    input.weights[1] = -0.5;
    CHECK(input_error_message(input) ==
          "selection: weight of criterion 'C' must be finite and >= 0 (got -0.5)");
  }
  SECTION("a NaN weight") {
    SelectionInput input = valid_input();
    input.weights[0] = nan;
    CHECK(input_error_message(input) ==
          "selection: weight of criterion 'P' must be finite and >= 0 (got nan)");
  }
  SECTION("every weight zero") {
    SelectionInput input = valid_input();
    input.weights = {0.0, 0.0};
    CHECK(input_error_message(input) ==
          "selection: every weight is zero; at least one criterion must count");
  }
  SECTION("a NaN normalized value") {
    SelectionInput input = valid_input();
    input.normalized[1][0] = nan;
    CHECK(input_error_message(input) ==
          "selection: option 'r56', criterion 'P': normalized value is not finite (got nan)");
  }
  SECTION("weights so large the score overflows") {
    SelectionInput input = valid_input();
    input.weights = {1e308, 1e308};
    input.normalized[0] = {1.0, 1.0};
    CHECK(input_error_message(input) ==
          "selection: option 'r20': score is not finite (got inf); weights too large");
  }
  SECTION("a constraint without a metric") {
    SelectionInput input = valid_input();
    input.constraints[0].metric = "";
    CHECK(input_error_message(input) == "selection: a constraint has an empty metric name");
  }
  SECTION("a NaN limit") {
    SelectionInput input = valid_input();
    input.constraints[0].limit = nan;
    CHECK(input_error_message(input) ==
          "selection: constraint on 'accuracy': limit is not finite (got nan)");
  }
  SECTION("a constrained metric missing from an option's raw values") {
    SelectionInput input = valid_input();
    input.raw[1].erase("accuracy");
    input.raw[1]["acc"] = 0.93;
    CHECK(input_error_message(input) ==
          "selection: option 'r56' has no raw value for constrained metric 'accuracy'");
  }
  SECTION("a NaN raw value of a constrained metric") {
    SelectionInput input = valid_input();
    input.raw[0]["accuracy"] = nan;
    CHECK(input_error_message(input) ==
          "selection: option 'r20', metric 'accuracy': raw value is not finite (got nan)");
  }
  SECTION("an infinite raw value of a constrained metric") {
    SelectionInput input = valid_input();
    input.raw[0]["accuracy"] = std::numeric_limits<double>::infinity();
    CHECK(input_error_message(input) ==
          "selection: option 'r20', metric 'accuracy': raw value is not finite (got inf)");
  }
}

TEST_CASE("Raw values of metrics no constraint mentions are ignored", "[decision]") {
  SelectionInput input = valid_input();
  input.raw[0]["unconstrained"] = std::numeric_limits<double>::quiet_NaN();
  const Selection selection = select_one(input);
  CHECK(selection.recommended.has_value());
}

TEST_CASE("Normalized values outside [0, 1] are used as given", "[decision]") {
  SelectionInput input = valid_input();
  input.normalized = {{1.5, 0.0}, {1.0, 0.0}};
  const Selection selection = select_one(input);
  CHECK(selection.recommended == std::optional<std::size_t>(0));
  CHECK(selection.objective == 0.75);
}

}  // namespace sizesel
