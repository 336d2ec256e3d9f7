#include <cmath>

#include "sizesel/report/decision_report.hpp"
#include "sizesel/report/metrics_json.hpp"
#include "sizesel/report/run_report.hpp"
#include "sizesel/report/text_format.hpp"

namespace sizesel {
namespace {

nlohmann::json architecture_json(const CandidateSpec& spec) {
  return {{"preset", spec.preset.empty() ? nlohmann::json() : nlohmann::json(spec.preset)},
          {"block", to_string(spec.block)},
          {"stages", spec.stages},
          {"width", spec.width},
          {"max_width", spec.max_width},
          {"shortcut", to_string(spec.shortcut)}};
}

}  // namespace

nlohmann::json json_report(const RunReport& report) {
  const Selection* selection = report.recommendation ? &report.recommendation->selection : nullptr;

  nlohmann::json json;
  json["schema_version"] = 1;
  json["scenario"] = {{"name", report.scenario_name}, {"file", report.scenario_file}};
  nlohmann::json decision;
  if (report.recommendation) {
    decision = decision_json(report.problem, *report.recommendation);
  } else {
    // Nothing was trained: no table to decide on. Early stopping's cost screen stopping every
    // candidate means nothing satisfies the constraints; otherwise every candidate failed.
    bool screened_out = !report.candidates.empty();
    for (const auto& c : report.candidates) screened_out = screened_out && !c.stopped.empty();
    decision = {{"status", screened_out ? "infeasible" : "failed"}, {"recommended", nullptr}, {"tied_with", nlohmann::json::array()},
                {"objective", nullptr}, {"mixture", nullptr}, {"stability", nullptr}};
  }
  const nlohmann::json decided = decision.value("candidates", nlohmann::json::array());
  for (auto& [key, value] : decision.items()) {
    if (key != "candidates") json[key] = value;
  }

  json["candidates"] = nlohmann::json::array();
  for (const auto& candidate : report.candidates) {
    nlohmann::json entry = candidate.row ? decided.at(*candidate.row)
                                         : nlohmann::json{{"name", candidate.spec.name},
                                                          {"feasible", false},
                                                          {"eligible", false},
                                                          {"excluded_by", nlohmann::json::array()},
                                                          {"criteria", nullptr},
                                                          {"normalized", nullptr},
                                                          {"score", nullptr}};
    entry["architecture"] = architecture_json(candidate.spec);
    entry["trained"] = candidate.metrics.has_value();
    entry["failure"] = candidate.failure.empty() ? nlohmann::json() : nlohmann::json(candidate.failure);
    entry["stopped"] = candidate.stopped.empty()
                           ? nlohmann::json()
                           : nlohmann::json{{"after", candidate.stopped_after}, {"reason", candidate.stopped}};
    entry["warnings"] = candidate.warnings;
    entry["metrics"] = candidate.metrics ? metrics_to_json(*candidate.metrics) : nlohmann::json();
    entry["metrics_std"] = candidate.metrics ? nlohmann::json(candidate.metrics_std) : nlohmann::json();
    entry["runs"] = nlohmann::json::array();
    for (const auto& run : candidate.runs) {
      entry["runs"].push_back({{"seed", run.seed},
                               {"cached", run.cached},
                               {"metrics", run.measured ? metrics_to_json(run.metrics) : nlohmann::json()}});
    }
    json["candidates"].push_back(entry);
  }

  const RunInfo& info = report.info;
  json["run"] = {{"sizesel_version", info.sizesel_version},
                 {"libtorch_version", info.torch_version},
                 {"glpk_version", info.glpk_version},
                 {"device", info.device},
                 {"threads", info.threads},
                 {"seeds", info.seeds},
                 {"scenario_sha256", info.scenario_sha256.empty() ? nlohmann::json() : nlohmann::json(info.scenario_sha256)},
                 {"omp_wait_policy", info.omp_wait_policy.empty() ? nlohmann::json() : nlohmann::json(info.omp_wait_policy)},
                 {"dataset", {{"format", info.dataset_format},
                              {"root", info.dataset_root},
                              {"train_images", info.train_images},
                              {"test_images", info.test_images},
                              {"classes", info.num_classes},
                              {"input_shape", info.input_shape}}},
                 {"deployment", {{"target_rate", info.target_rate},
                                 {"batch_size", info.deployment_batch},
                                 {"device_speedup", info.device_speedup},
                                 {"device_name", info.device_name}}},
                 {"repeats", info.repeats},
                 {"confidence", info.confidence ? nlohmann::json(*info.confidence) : nlohmann::json()},
                 {"cache", {{"dir", info.cache_dir.empty() ? nlohmann::json() : nlohmann::json(info.cache_dir)},
                            {"hits", info.cache_hits},
                            {"misses", info.cache_misses},
                            {"trained", info.trained}}},
                 {"early_stopping",
                  info.early_stopping
                      ? nlohmann::json{{"rungs", info.rungs},
                                       {"keep", info.keep},
                                       {"training_macs", info.training_macs},
                                       {"full_training_macs", info.full_training_macs},
                                       {"training_seconds", info.training_seconds},
                                       {"full_training_seconds", info.full_training_seconds}}
                      : nlohmann::json()},
                 {"executor", info.executor ? nlohmann::json{{"name", info.executor->name},
                                                             {"job_id", info.executor->job_id.empty()
                                                                            ? nlohmann::json()
                                                                            : nlohmann::json(info.executor->job_id)},
                                                             {"jobs", info.executor->jobs},
                                                             {"threads", info.executor->threads},
                                                             {"evaluated", info.executor->evaluated},
                                                             {"failed", info.executor->failed},
                                                             {"wall_seconds", info.executor->wall_seconds}}
                                           : nlohmann::json()},
                 {"solver_status", selection != nullptr ? nlohmann::json(selection->solver_status) : nlohmann::json()},
                 {"wall_seconds", info.wall_seconds}};
  return json;
}

}  // namespace sizesel
