// Reports to render in the report tests: the article's case study, and a recommend run made up by hand.
#pragma once

#include <string>
#include <vector>

#include "sizesel/core/criteria.hpp"
#include "sizesel/decision/recommendation.hpp"
#include "sizesel/report/decision_report.hpp"
#include "sizesel/report/run_report.hpp"
#include "sizesel/scenario/table_file.hpp"
#include "support/table_report.hpp"

namespace report_cases {

using namespace sizesel;

/// configs/paper_case_study.json decided as `sizesel solve` does, with these what-ifs.
inline TableReport case_study(const TableOverrides& overrides = {}) {
  return test_support::decided_table_report(
      load_table(std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json", overrides));
}

inline CandidateResult measured(const std::string& name, double accuracy, int64_t devices, std::vector<double> losses) {
  CandidateResult c;
  c.spec.name = name;
  c.spec.preset = "resnet8";
  Metrics m;
  m.accuracy = accuracy;
  m.devices = devices;
  for (std::size_t e = 0; e < losses.size(); ++e) {
    m.training_curve.push_back({static_cast<int64_t>(e + 1), losses[e], 0.3 + 0.1 * static_cast<double>(e), 1.0});
  }
  c.runs.push_back({1, false, true, m});
  c.metrics = m;
  return c;
}

/// A recommend run made up by hand: "small" (accuracy 0.8, 2 devices) and "<b>&x" (0.9, 5
/// devices, excluded by C <= 4) measured; "broken" failed and "slow" was stopped by early
/// stopping. P is accuracy alone, C devices alone.
inline RunReport made_up_run() {
  RunReport report;
  report.scenario_name = "made-up <b>&x";
  report.scenario_file = "made/up.json";
  report.info.device = "cpu";
  report.info.device_name = "the measuring device";
  report.info.target_rate = 2000;
  report.info.deployment_batch = 16;
  report.info.input_shape = {1, 28, 28};
  report.candidates.push_back(measured("small", 0.8, 2, {2.0, 1.5, 1.2}));
  report.candidates.push_back(measured("<b>&x", 0.9, 5, {2.1, 1.1, 0.7}));
  CandidateResult broken;
  broken.spec.name = "broken";
  broken.failure = "non-finite loss at epoch 2";
  report.candidates.push_back(broken);
  CandidateResult slow;
  slow.spec.name = "slow";
  slow.stopped = "accuracy 0.1 at the first rung, below the kept half";
  slow.stopped_after = 0.5;
  report.candidates.push_back(slow);

  DecisionProblem& problem = report.problem;
  problem.table.criteria = {metric_column("accuracy"), metric_column("devices")};
  problem.groups = {{"P", "performance: test accuracy", {{"accuracy", 1.0}}}, {"C", "compute cost: devices", {{"devices", 1.0}}}};
  problem.weights = {{"P", 0.8}, {"C", 0.2}};
  // C rests on devices alone, so a limit on C is one on devices (and drawn on that axis).
  problem.constraints = {{"C", BoundKind::kMax, 4, ConstraintScope::kMixture},
                         {"accuracy", BoundKind::kMin, 0.5, ConstraintScope::kMixture}};
  for (std::size_t i = 0; i < 2; ++i) {
    CandidateResult& c = report.candidates[i];
    c.row = i;
    problem.table.options.push_back(c.spec.name);
    problem.table.values.push_back({c.metrics->accuracy, static_cast<double>(c.metrics->devices)});
    problem.extra.push_back({{"C", static_cast<double>(c.metrics->devices)}});
  }
  report.recommendation = decide(problem);
  return report;
}

}  // namespace report_cases
