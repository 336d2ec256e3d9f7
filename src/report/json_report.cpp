#include <cmath>

#include "sizesel/report/run_report.hpp"
#include "sizesel/report/text_format.hpp"

namespace sizesel {
namespace {

nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

nlohmann::json architecture_json(const CandidateSpec& spec) {
  return {{"preset", spec.preset.empty() ? nlohmann::json() : nlohmann::json(spec.preset)},
          {"block", to_string(spec.block)},
          {"stages", spec.stages},
          {"width", spec.width},
          {"max_width", spec.max_width},
          {"shortcut", to_string(spec.shortcut)}};
}

nlohmann::json metrics_json(const Metrics& metrics) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& info : metric_infos()) {
    const double value = metric_value(metrics, info.name);
    json[info.name] = info.integer ? nlohmann::json(static_cast<int64_t>(value)) : number_or_null(value);
  }
  json["per_class_accuracy"] = metrics.per_class_accuracy;
  return json;
}

nlohmann::json constraint_json(const Constraint& constraint) {
  return {{"constraint", constraint_text(constraint)},
          {"metric", constraint.metric},
          {"kind", constraint.kind == BoundKind::kMin ? "min" : "max"},
          {"limit", constraint.limit}};
}

}  // namespace

nlohmann::json json_report(const RunReport& report) {
  const auto& problem = report.problem;
  const Selection* selection = report.recommendation ? &report.recommendation->selection : nullptr;
  const bool recommended = selection != nullptr && selection->recommended.has_value();

  nlohmann::json json;
  json["schema_version"] = 1;
  json["scenario"] = {{"name", report.scenario_name}, {"file", report.scenario_file}};
  json["status"] = recommended ? "recommended" : selection != nullptr ? "infeasible" : "failed";
  json["recommended"] = recommended ? nlohmann::json(problem.table.options[*selection->recommended]) : nlohmann::json();
  nlohmann::json tied = nlohmann::json::array();
  if (selection != nullptr) {
    for (std::size_t index : selection->tied) tied.push_back(problem.table.options[index]);
  }
  json["tied_with"] = tied;
  json["objective"] = recommended ? nlohmann::json(selection->objective) : nlohmann::json();

  json["criteria"] = nlohmann::json::array();
  for (const auto& criterion : problem.table.criteria) {
    json["criteria"].push_back({{"name", criterion.name},
                                {"direction", to_string(criterion.direction)},
                                {"unit", criterion.unit},
                                {"method", criterion.method}});
  }
  json["weights"] = problem.weights;
  json["constraints"] = nlohmann::json::array();
  for (const auto& constraint : problem.constraints) json["constraints"].push_back(constraint_json(constraint));

  json["candidates"] = nlohmann::json::array();
  for (const auto& candidate : report.candidates) {
    nlohmann::json entry;
    entry["name"] = candidate.spec.name;
    entry["architecture"] = architecture_json(candidate.spec);
    entry["trained"] = candidate.metrics.has_value();
    entry["failure"] = candidate.failure.empty() ? nlohmann::json() : nlohmann::json(candidate.failure);
    entry["excluded_by"] = nlohmann::json::array();
    if (!candidate.row || selection == nullptr) {
      entry["feasible"] = false;
      entry["metrics"] = candidate.metrics ? metrics_json(*candidate.metrics) : nlohmann::json();
      entry["criteria"] = nullptr;
      entry["normalized"] = nullptr;
      entry["score"] = nullptr;
      json["candidates"].push_back(entry);
      continue;
    }
    const std::size_t row = *candidate.row;
    const OptionResult& option = selection->options[row];
    entry["feasible"] = option.feasible;
    for (const auto& exclusion : option.excluded_by) {
      nlohmann::json excluded = constraint_json(exclusion.constraint);
      excluded["value"] = exclusion.value;
      excluded["shortfall"] = exclusion.shortfall;
      entry["excluded_by"].push_back(excluded);
    }
    entry["metrics"] = metrics_json(*candidate.metrics);
    entry["criteria"] = nlohmann::json::object();
    entry["normalized"] = nlohmann::json::object();
    for (std::size_t j = 0; j < problem.table.criteria.size(); ++j) {
      entry["criteria"][problem.table.criteria[j].name] = problem.table.values[row][j];
      entry["normalized"][problem.table.criteria[j].name] = report.recommendation->normalized.values[row][j];
    }
    entry["score"] = option.score;
    json["candidates"].push_back(entry);
  }

  const RunInfo& info = report.info;
  json["run"] = {{"sizesel_version", info.sizesel_version},
                 {"libtorch_version", info.torch_version},
                 {"glpk_version", info.glpk_version},
                 {"device", info.device},
                 {"threads", info.threads},
                 {"dataset", {{"format", info.dataset_format},
                              {"root", info.dataset_root},
                              {"train_images", info.train_images},
                              {"test_images", info.test_images},
                              {"classes", info.num_classes},
                              {"input_shape", info.input_shape}}},
                 {"deployment", {{"target_rate", info.target_rate}, {"batch_size", info.deployment_batch}}},
                 {"solver_status", selection != nullptr ? nlohmann::json(selection->solver_status) : nlohmann::json()},
                 {"wall_seconds", info.wall_seconds}};
  return json;
}

}  // namespace sizesel
