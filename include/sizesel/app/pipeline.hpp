// The recommend pipeline: scenario -> (cache or dataset -> train and measure each candidate and seed) -> decision.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sizesel/ml/dataset.hpp"
#include "sizesel/report/run_report.hpp"
#include "sizesel/scenario/scenario.hpp"

namespace sizesel {

/// How a run uses the results cache and where it reports progress.
struct PipelineOptions {
  std::optional<std::filesystem::path> cache_dir;  ///< nullopt: no cache (--no-cache)
  std::ostream* log = nullptr;                     ///< progress lines; nullptr: silent
  bool live = false;                               ///< `log` is a terminal: also a live line (progress.hpp)
  bool decide = true;                              ///< false: evaluate and cache only (`sizesel evaluate`)
  /// Evaluations another process ran and lost ((candidate index, seed) -> why): reported as
  /// failed rather than trained again here.
  std::map<std::pair<std::size_t, uint64_t>, std::string> failed;
  /// How the evaluations were run when not all in this process (the `run.executor` of the report).
  std::optional<ExecutorInfo> executor;
};

/// The scenario's dataset, and each candidate's MACs per image (forward) on it.
struct ScenarioData {
  Dataset dataset;
  std::vector<double> macs;
};

/// Loads the dataset and checks, before any training, what only the data can tell: the
/// deletion steps fit the image, and every candidate builds for its shape. Throws DataError or
/// InputError naming the scenario file and the field.
[[nodiscard]] ScenarioData load_scenario_data(const Scenario& scenario);

/// One (candidate, seed) evaluation the cache lacks.
struct MissingEvaluation {
  std::size_t candidate = 0;  ///< index in scenario.candidates
  uint64_t seed = 0;
};

/// How progress lines name candidate `candidate` (0-based) trained with `seed`: "[2/4 r20]",
/// or "[2/4 r20 seed 3]" when the scenario has several seeds.
[[nodiscard]] std::string evaluation_tag(const Scenario& scenario, std::size_t candidate, uint64_t seed);

/// The evaluations of `scenario` that the cache lacks (all of them without a cache), in the
/// order recommend trains them. Sets libtorch's thread count as the run would.
[[nodiscard]] std::vector<MissingEvaluation> missing_evaluations(const Scenario& scenario,
                                                                 const PipelineOptions& options);

/// Whether running `scenario` would train anything: some (candidate, seed) evaluation is not in
/// the cache (or there is no cache). Sets libtorch's thread count as the run would.
[[nodiscard]] bool needs_training(const Scenario& scenario, const PipelineOptions& options);

/// OpenMP reads OMP_WAIT_POLICY when libtorch is loaded, before main() runs. Its default
/// spin-waiting made two threads 4x slower next to another busy process, which would corrupt
/// every timing sizesel reports, so a run that is about to train and time restarts itself once
/// (same command line, from /proc/self) with the passive policy, unless the user chose a policy.
/// Returns only when no restart is needed or the restart failed.
void ensure_passive_openmp();

/// Walks the whole data flow of DESIGN.md for one scenario. Each (candidate, seed) evaluation
/// is looked up in the cache first and stored there as soon as it is done, so an interrupted
/// run loses at most the evaluation in progress; when every one is cached, the dataset is not
/// even loaded. A candidate whose training fails is reported as failed and left out of the
/// decision. Throws DataError when the dataset cannot be loaded, TrainingError when the device
/// is unusable, SolverError when the solver fails, Error when the cache cannot be written.
[[nodiscard]] RunReport run_recommend(const Scenario& scenario, const PipelineOptions& options);

/// What determines the evaluation of `spec` with `seed` under `scenario` (its cache key's
/// preimage): architecture, dataset (format, resolved root, its files' sizes and times,
/// subset sizes), the training recipe and seed, the measurement settings, the deployment
/// batch, libtorch's version, the device and the thread count. Not the candidate's name, the
/// weights, the constraints, the target rate or the device speed-up: those change the
/// decision, not the measurements.
[[nodiscard]] nlohmann::json evaluation_inputs(const Scenario& scenario, const CandidateSpec& spec, uint64_t seed,
                                               int64_t threads);

/// The criteria table of the candidates that have metrics, in scenario order, with the
/// scenario's criteria (sub-weights), constraints, mode and normalisation; sets each such
/// candidate's `row`. With a confidence level, constraints are checked against bounds.
[[nodiscard]] DecisionProblem decision_problem(const Scenario& scenario, std::vector<CandidateResult>& candidates);

}  // namespace sizesel
