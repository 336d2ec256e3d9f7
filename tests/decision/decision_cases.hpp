// A catalogue of tiny named decision problems with hand-computed answers, shared by the decision tests.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sizesel/decision/selection.hpp"

namespace sizesel::testing {

/// One problem and its answer worked out by hand. Values are exact binary fractions where
/// scores are compared, so the expected scores are exact.
struct DecisionCase {
  std::string name;
  SelectionInput input;
  std::optional<std::size_t> recommended;
  std::vector<std::size_t> tied;
  double objective = 0;
  std::vector<bool> feasible;                   ///< per option
  std::vector<std::vector<double>> shortfalls;  ///< per option, one per excluding constraint
};

/// Raw values of one option: metric -> value.
using RawValues = std::map<std::string, double>;

inline Constraint at_least_limit(std::string metric, double limit) {
  return Constraint{std::move(metric), BoundKind::kMin, limit};
}

inline Constraint at_most_limit(std::string metric, double limit) {
  return Constraint{std::move(metric), BoundKind::kMax, limit};
}

inline std::vector<DecisionCase> decision_cases() {
  std::vector<DecisionCase> cases;

  {
    // Scores with weights 0.75, 0.25: small 0.1875 + 0.25 = 0.4375, medium 1, large 0.375.
    DecisionCase c;
    c.name = "a dominant option is recommended";
    c.input.options = {"small", "medium", "large"};
    c.input.criteria = {"P", "C"};
    c.input.weights = {0.75, 0.25};
    c.input.normalized = {{0.25, 1.0}, {1.0, 1.0}, {0.5, 0.0}};
    c.input.raw = {{}, {}, {}};
    c.recommended = 1;
    c.objective = 1.0;
    c.feasible = {true, true, true};
    c.shortfalls = {{}, {}, {}};
    cases.push_back(c);
  }
  {
    // Scores with weights 0.5, 0.5: r20 0.5, r56 0.625, r110 0.75; r110 needs 6 devices, 2 over.
    DecisionCase c;
    c.name = "a budget excludes the best-scoring option";
    c.input.options = {"r20", "r56", "r110"};
    c.input.criteria = {"P", "C"};
    c.input.weights = {0.5, 0.5};
    c.input.normalized = {{0.0, 1.0}, {0.75, 0.5}, {1.0, 0.5}};
    c.input.constraints = {at_most_limit("devices", 4)};
    c.input.raw = {RawValues{{"devices", 1}}, RawValues{{"devices", 3}}, RawValues{{"devices", 6}}};
    c.recommended = 1;
    c.objective = 0.625;
    c.feasible = {true, true, false};
    c.shortfalls = {{}, {}, {2.0}};
    cases.push_back(c);
  }
  {
    // Scores: a 0.5, b 0.75, c 0.75 (b's row repeated), d 0.25 + 0.5 = 0.75 by another sum.
    DecisionCase c;
    c.name = "a tie goes to the first listed option and the others are reported";
    c.input.options = {"a", "b", "c", "d"};
    c.input.criteria = {"P", "C"};
    c.input.weights = {0.5, 0.5};
    c.input.normalized = {{0.5, 0.5}, {1.0, 0.5}, {1.0, 0.5}, {0.5, 1.0}};
    c.input.raw = {{}, {}, {}, {}};
    c.recommended = 1;
    c.tied = {2, 3};
    c.objective = 0.75;
    c.feasible = {true, true, true, true};
    c.shortfalls = {{}, {}, {}, {}};
    cases.push_back(c);
  }
  {
    // accuracy >= 0.99 and latency_ms <= 5: a is 0.09 short on accuracy; b 0.04 short on
    // accuracy and 3 ms over; c 0.5 ms over.
    DecisionCase c;
    c.name = "when every option is infeasible each one says which constraints and by how much";
    c.input.options = {"a", "b", "c"};
    c.input.criteria = {"P"};
    c.input.weights = {1.0};
    c.input.normalized = {{0.0}, {0.5}, {1.0}};
    c.input.constraints = {at_least_limit("accuracy", 0.99), at_most_limit("latency_ms", 5)};
    c.input.raw = {RawValues{{"accuracy", 0.90}, {"latency_ms", 4}},
                   RawValues{{"accuracy", 0.95}, {"latency_ms", 8}},
                   RawValues{{"accuracy", 0.995}, {"latency_ms", 5.5}}};
    c.recommended = std::nullopt;
    c.objective = 0.0;
    c.feasible = {false, false, false};
    c.shortfalls = {{0.09}, {0.04, 3.0}, {0.5}};
    cases.push_back(c);
  }
  {
    DecisionCase c;
    c.name = "a single feasible candidate is recommended";
    c.input.options = {"only"};
    c.input.criteria = {"P", "C", "E"};
    c.input.weights = {0.5, 0.25, 0.25};
    c.input.normalized = {{1.0, 1.0, 1.0}};
    c.input.constraints = {at_least_limit("accuracy", 0.5)};
    c.input.raw = {RawValues{{"accuracy", 0.75}}};
    c.recommended = 0;
    c.objective = 1.0;
    c.feasible = {true};
    c.shortfalls = {{}};
    cases.push_back(c);
  }
  {
    DecisionCase c;
    c.name = "a single infeasible candidate leaves nothing to recommend";
    c.input.options = {"only"};
    c.input.criteria = {"P"};
    c.input.weights = {1.0};
    c.input.normalized = {{1.0}};
    c.input.constraints = {at_least_limit("accuracy", 0.875)};
    c.input.raw = {RawValues{{"accuracy", 0.75}}};
    c.recommended = std::nullopt;
    c.feasible = {false};
    c.shortfalls = {{0.125}};
    cases.push_back(c);
  }
  {
    // fast scores 1 with accuracy exactly 0.95; slow scores 0.5 with 0.97.
    DecisionCase c;
    c.name = "accuracy exactly at its minimum is feasible";
    c.input.options = {"fast", "slow"};
    c.input.criteria = {"P"};
    c.input.weights = {1.0};
    c.input.normalized = {{1.0}, {0.5}};
    c.input.constraints = {at_least_limit("accuracy", 0.95)};
    c.input.raw = {RawValues{{"accuracy", 0.95}}, RawValues{{"accuracy", 0.97}}};
    c.recommended = 0;
    c.objective = 1.0;
    c.feasible = {true, true};
    c.shortfalls = {{}, {}};
    cases.push_back(c);
  }
  {
    // 0.1 + 0.2 is 0.30000000000000004 in binary floating point: at the limit, not over it.
    DecisionCase c;
    c.name = "a cost at its maximum up to rounding is feasible";
    c.input.options = {"cheap", "rounded"};
    c.input.criteria = {"P"};
    c.input.weights = {1.0};
    c.input.normalized = {{0.5}, {1.0}};
    c.input.constraints = {at_most_limit("cost", 0.3)};
    c.input.raw = {RawValues{{"cost", 0.1}}, RawValues{{"cost", 0.1 + 0.2}}};
    c.recommended = 1;
    c.objective = 1.0;
    c.feasible = {true, true};
    c.shortfalls = {{}, {}};
    cases.push_back(c);
  }
  {
    // 3e-8 short: beyond our 1e-9 relative tolerance, within GLPK's own 1e-7.
    DecisionCase c;
    c.name = "accuracy a hair below its minimum is excluded even where GLPK would accept it";
    c.input.options = {"hair_short", "safe"};
    c.input.criteria = {"P"};
    c.input.weights = {1.0};
    c.input.normalized = {{1.0}, {0.5}};
    c.input.constraints = {at_least_limit("accuracy", 0.95)};
    c.input.raw = {RawValues{{"accuracy", 0.95 - 3e-8}}, RawValues{{"accuracy", 0.96}}};
    c.recommended = 1;
    c.objective = 0.5;
    c.feasible = {false, true};
    c.shortfalls = {{3e-8}, {}};
    cases.push_back(c);
  }
  {
    // With C's weight 0, only P counts: b (P 1) beats a (P 0.5, C 1).
    DecisionCase c;
    c.name = "a criterion with zero weight does not affect the choice";
    c.input.options = {"a", "b"};
    c.input.criteria = {"P", "C"};
    c.input.weights = {2.0, 0.0};
    c.input.normalized = {{0.5, 1.0}, {1.0, 0.0}};
    c.input.raw = {RawValues{{"unused", 1}}, RawValues{{"unused", 2}}};
    c.recommended = 1;
    c.objective = 2.0;
    c.feasible = {true, true};
    c.shortfalls = {{}, {}};
    cases.push_back(c);
  }
  return cases;
}

}  // namespace sizesel::testing
