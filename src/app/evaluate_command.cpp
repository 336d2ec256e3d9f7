#include "sizesel/app/evaluate_command.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sizesel/app/output_file.hpp"
#include "sizesel/app/pipeline.hpp"
#include "sizesel/app/recommend_command.hpp"
#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/ml/runtime.hpp"
#include "sizesel/report/metrics_json.hpp"

namespace sizesel {

std::string evaluation_error_prefix(const Scenario& scenario, const std::string& candidate, uint64_t seed) {
  return fmt::format("{}: candidate {} seed {}: ", scenario.file.string(), candidate, seed);
}

int run_evaluate_command(const CliOptions& options) {
  PreparedRun run = prepare_run(options.scenario, options);
  Scenario& scenario = run.scenario;
  const std::string file = scenario.file.string();

  const auto spec = std::find_if(scenario.candidates.begin(), scenario.candidates.end(),
                                 [&](const CandidateSpec& c) { return c.name == options.candidate; });
  if (spec == scenario.candidates.end()) {
    std::string names;
    for (const auto& c : scenario.candidates) names += (names.empty() ? "" : ", ") + c.name;
    throw InputError(fmt::format("{}: /candidates: no candidate named \"{}\" (the scenario has {})", file,
                                 options.candidate, names));
  }
  const uint64_t first = scenario.training.seed;
  const uint64_t last = first + static_cast<uint64_t>(scenario.training.repeats) - 1;
  const uint64_t seed = options.seed ? static_cast<uint64_t>(*options.seed) : first;
  if (seed < first || seed > last) {
    throw InputError(fmt::format("{}: /training/seed: --seed {} is not one of the scenario's seeds ({}{}), so "
                                 "recommend would never use it",
                                 file, seed, first, last > first ? fmt::format(" to {}", last) : std::string()));
  }

  // The one evaluation, under the key recommend looks it up by: the key depends on the
  // architecture, the data, the recipe, the seed and the measurement settings, not on the
  // other candidates, the repeats, the weights or the constraints.
  const CandidateSpec candidate = *spec;
  scenario.candidates = {candidate};
  scenario.training.seed = seed;
  scenario.training.repeats = 1;
  scenario.confidence.reset();
  scenario.early_stopping.reset();
  run.pipeline.decide = false;
  prepare_to_train(run);
  const RunReport report = run_recommend(scenario, run.pipeline);
  const CandidateResult& result = report.candidates.front();
  if (!result.failure.empty()) {
    throw TrainingError(evaluation_error_prefix(scenario, candidate.name, seed) + result.failure);
  }
  const CandidateRun& evaluation = result.runs.front();
  const std::string key =
      ResultCache::key_of(evaluation_inputs(scenario, candidate, seed, configure_threads(scenario.training.threads)));

  std::string text;
  if (options.format == OutputFormat::kJson) {
    const nlohmann::json json = {{"schema_version", 1},
                                 {"scenario", {{"name", report.scenario_name}, {"file", report.scenario_file}}},
                                 {"candidate", candidate.name},
                                 {"seed", seed},
                                 {"cached", evaluation.cached},
                                 {"cache_key", key},
                                 {"cache_dir", report.info.cache_dir},
                                 {"metrics", metrics_to_json(evaluation.metrics)},
                                 {"wall_seconds", report.info.wall_seconds}};
    text = json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  } else {
    text = fmt::format("{} seed {}: {} (cache key {} in {}); test accuracy {:.4f}, latency p50 {:.3f} ms, {:.0f} "
                       "images/s, trained in {:.1f} s\n",
                       candidate.name, seed, evaluation.cached ? "already in the cache" : "trained, measured and stored",
                       key, report.info.cache_dir, evaluation.metrics.accuracy, evaluation.metrics.latency_ms_p50,
                       evaluation.metrics.throughput, evaluation.metrics.train_seconds);
  }
  deliver(options.output, text);
  return kExitRecommended;
}

}  // namespace sizesel
