// Tests of min-max normalisation and of the five criteria derived from measured metrics.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sizesel/core/criteria.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/core/normalization.hpp"
#include "sizesel/core/error.hpp"

using namespace sizesel;

namespace {

CriteriaTable two_criteria(std::vector<std::vector<double>> values) {
  CriteriaTable table;
  table.criteria = {{"acc", Direction::kMax, "", "", std::nullopt}, {"cost", Direction::kMin, "GPU", "", std::nullopt}};
  for (std::size_t i = 0; i < values.size(); ++i) table.options.push_back("s" + std::to_string(i + 1));
  table.values = std::move(values);
  return table;
}

}  // namespace

TEST_CASE("min-max normalisation maps the best value to 1 and the worst to 0 in each direction", "[core]") {
  const auto normalized = normalize(two_criteria({{95, 5}, {97, 10}, {99.5, 100}}), Normalization::kMinMax);
  REQUIRE(normalized.values.size() == 3);
  CHECK(normalized.values[0][0] == Approx(0.0));
  CHECK(normalized.values[1][0] == Approx(2.0 / 4.5));
  CHECK(normalized.values[2][0] == Approx(1.0));
  // cost: lower is better, so 5 GPUs -> 1 and 100 GPUs -> 0
  CHECK(normalized.values[0][1] == Approx(1.0));
  CHECK(normalized.values[1][1] == Approx(90.0 / 95.0));
  CHECK(normalized.values[2][1] == Approx(0.0));
}

TEST_CASE("a column whose values are all equal normalises to 1 for every option", "[core]") {
  const auto normalized = normalize(two_criteria({{0.9, 3}, {0.8, 3}}), Normalization::kMinMax);
  CHECK(normalized.values[0][1] == 1.0);
  CHECK(normalized.values[1][1] == 1.0);
}

TEST_CASE("normalisation rejects non-finite values and ragged rows", "[core]") {
  CHECK_THROWS_AS(normalize(two_criteria({{0.9, std::numeric_limits<double>::quiet_NaN()}}), Normalization::kMinMax), InputError);
  CHECK_THROWS_AS(normalize(two_criteria({{0.9, 1}, {0.8}}), Normalization::kMinMax), InputError);
}

TEST_CASE("the five criteria combine allowed metrics, each column taking its metric's direction", "[core]") {
  const auto& criteria = default_criteria();
  REQUIRE(criteria.size() == 5);
  const std::vector<std::string> names = {"P", "C", "E", "R", "M"};
  for (std::size_t k = 0; k < criteria.size(); ++k) {
    CHECK(criteria[k].name == names[k]);
    double total = 0;
    for (const auto& part : criteria[k].parts) {
      const auto& allowed = allowed_sub_criteria(criteria[k].name);
      CHECK(std::find(allowed.begin(), allowed.end(), part.column) != allowed.end());
      CHECK(find_metric(part.column) != nullptr);
      total += part.weight;
    }
    CHECK(total > 0);
  }
  CHECK(metric_column("accuracy").direction == Direction::kMax);
  CHECK(metric_column("devices").direction == Direction::kMin);
  CHECK(metric_column("generalization_gap").direction == Direction::kMin);
  CHECK(metric_column("faithfulness").direction == Direction::kMax);
  CHECK(metric_column("retrain_device_hours").unit == "h");
  CHECK_FALSE(is_criterion("Q"));
  CHECK_THROWS_AS(metric_column("speed"), std::out_of_range);
}

TEST_CASE("a summary over seeds averages every metric and reports the sample standard deviation", "[core]") {
  Metrics a;
  a.accuracy = 0.8;
  a.params = 100;
  a.per_class_accuracy = {0.7, 0.9};
  a.corruptions = {{"contrast", 1, 0.5}};
  Metrics b = a;
  b.accuracy = 0.9;
  b.per_class_accuracy = {0.8, 1.0};
  b.corruptions[0].accuracy = 0.7;
  const MetricSummary summary = summarize({a, b});
  CHECK(summary.runs == 2);
  CHECK(summary.mean.accuracy == Approx(0.85));
  CHECK(summary.std.at("accuracy") == Approx(std::sqrt(0.005)));
  CHECK(summary.mean.accuracy_std == Approx(std::sqrt(0.005)));
  CHECK(summary.mean.params == 100);
  CHECK(summary.std.at("params") == 0);
  CHECK(summary.mean.per_class_accuracy[1] == Approx(0.95));
  CHECK(summary.mean.corruptions[0].accuracy == Approx(0.6));
  CHECK(summarize({a}).std.at("accuracy") == 0);
}

TEST_CASE("every metric name resolves to its field", "[core]") {
  Metrics m;
  m.latency_ms_p50 = 1.5;
  m.params = 42;
  CHECK(metric_value(m, "latency_ms_p50") == 1.5);
  CHECK(metric_value(m, "params") == 42);
  for (const auto& info : metric_infos()) CHECK_NOTHROW(metric_value(m, info.name));
  CHECK_THROWS_AS(metric_value(m, "speed"), std::out_of_range);
}

TEST_CASE("vector normalisation divides by the column's Euclidean norm and counts a cost as 1 minus that", "[core]") {
  const auto normalized = normalize(two_criteria({{3, 6}, {4, 8}}), Normalization::kVector);
  CHECK(normalized.values[0][0] == Approx(3.0 / 5));
  CHECK(normalized.values[1][0] == Approx(4.0 / 5));
  CHECK(normalized.values[0][1] == Approx(1 - 6.0 / 10));
  CHECK(normalized.values[1][1] == Approx(1 - 8.0 / 10));
  const auto zero = normalize(two_criteria({{0, 1}, {0, 2}}), Normalization::kVector);
  CHECK(zero.values[0][0] == 1.0);  // an all-zero column does not discriminate
  CHECK_THROWS_WITH(normalize(two_criteria({{-1, 1}}), Normalization::kVector),
                    Catch::Contains("vector normalisation needs values >= 0 (got -1)"));
}

TEST_CASE("reference normalisation maps worst to 0 and best to 1, linearly and unclamped", "[core]") {
  CriteriaTable table = two_criteria({{95, 5}, {100, 120}});
  table.criteria[0].reference = ReferenceRange{90, 100};
  table.criteria[1].reference = ReferenceRange{100, 0};
  const auto normalized = normalize(table, Normalization::kReference);
  CHECK(normalized.values[0][0] == Approx(0.5));
  CHECK(normalized.values[1][0] == Approx(1.0));
  CHECK(normalized.values[0][1] == Approx(0.95));
  CHECK(normalized.values[1][1] == Approx(-0.2));  // 120 GPUs: beyond the worst
  table.criteria[1].reference = ReferenceRange{0, 100};  // points the wrong way for a cost
  CHECK_THROWS_WITH(normalize(table, Normalization::kReference), Catch::Contains("must be smaller than worst"));
  table.criteria[1].reference.reset();
  CHECK_THROWS_WITH(normalize(table, Normalization::kReference), Catch::Contains("needs its reference range"));
}

TEST_CASE("raw normalisation keeps values and subtracts a cost", "[core]") {
  const auto normalized = normalize(two_criteria({{95, 5}, {97, 10}}), Normalization::kRaw);
  CHECK(normalized.values[0] == std::vector<double>{95, -5});
  CHECK(normalized.values[1] == std::vector<double>{97, -10});
}

TEST_CASE("a table with a repeated option or criterion name is rejected", "[core]") {
  CriteriaTable table = two_criteria({{1, 2}, {3, 4}});
  table.options[1] = table.options[0];
  CHECK_THROWS_WITH(normalize(table, Normalization::kMinMax), Catch::Contains("listed twice"));
}
