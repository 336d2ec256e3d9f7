// Everything a `recommend` run produced, in the shape the text and JSON reports print.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/decision/recommendation.hpp"
#include "sizesel/report/report_document.hpp"

namespace sizesel {

/// One training of a candidate with one seed.
struct CandidateRun {
  uint64_t seed = 0;
  bool cached = false;    ///< taken from the results cache rather than trained now
  bool measured = false;  ///< trained and measured in full (or cached); false: metrics are not real
  Metrics metrics;
};

/// One candidate of the scenario: trained and measured (once per seed), or failed with a reason.
struct CandidateResult {
  CandidateSpec spec;
  std::vector<CandidateRun> runs;     ///< every seed, in order
  std::optional<Metrics> metrics;     ///< the mean over the runs; absent when a run failed
  std::map<std::string, double> metrics_std;  ///< sample standard deviation over the runs, per scalar metric
  std::string failure;                ///< why it failed; empty when it did not
  /// Why early stopping left it out of the decision ("" when it was not stopped), and after
  /// which share of its training (0: before any training, by a cost constraint).
  std::string stopped;
  double stopped_after = 0;
  std::vector<std::string> warnings;  ///< doubts about a trained candidate (accuracy at chance level)
  std::optional<std::size_t> row;     ///< its row in the decision table, when it has metrics
};

/// Evaluations run by other processes (`recommend --jobs`): how many at once, how many they
/// ran in this run, and how many of those failed.
struct ExecutorInfo {
  std::string name;        ///< "local" or "slurm"
  std::string job_id;      ///< the SLURM job ("" for local)
  int64_t jobs = 1;        ///< evaluations at a time
  int64_t threads = 0;     ///< intra-op threads of each
  int64_t evaluated = 0;   ///< evaluations they trained and stored
  int64_t failed = 0;      ///< evaluations that failed
  double wall_seconds = 0;  ///< from the first start to the last end
};

/// Where and how the run happened.
struct RunInfo {
  std::string sizesel_version;
  std::string torch_version;
  std::string glpk_version;
  std::string device;
  int64_t threads = 0;
  std::string scenario_sha256;       ///< SHA-256 of the scenario file's bytes, hex ("" without a file)
  std::vector<uint64_t> seeds;       ///< the training seeds, one per repeat
  std::string dataset_format;
  std::string dataset_root;
  int64_t train_images = 0;
  int64_t test_images = 0;
  int64_t num_classes = 0;
  std::vector<int64_t> input_shape;  ///< C, H, W
  double target_rate = 0;            ///< requests/s the deployment must serve
  int64_t deployment_batch = 0;
  double device_speedup = 1;         ///< the serving device's speed relative to the measuring one
  std::string device_name;           ///< the serving device
  int64_t repeats = 1;               ///< seeds per candidate
  std::optional<double> confidence;  ///< level of the bounds constraints are checked against
  std::string cache_dir;             ///< "" when the cache is off
  std::string omp_wait_policy;       ///< OMP_WAIT_POLICY in force ("" when unset: nothing was timed)
  int64_t cache_hits = 0;            ///< evaluations taken from the cache
  int64_t cache_misses = 0;          ///< evaluations not in the cache
  int64_t trained = 0;               ///< evaluations trained and measured in this process (not failed or stopped)
  std::optional<ExecutorInfo> executor;  ///< set when other processes ran the evaluations
  double wall_seconds = 0;           ///< the whole run
  /// With early stopping: its rungs (epochs) and what the evaluations trained in this run cost
  /// against what training all of them in full would have, in multiply-accumulates
  /// (3 x MACs per image: forward and backward) and in measured training seconds.
  bool early_stopping = false;
  std::vector<double> rungs;          ///< shares of the training
  double keep = 0;
  double training_macs = 0;
  double full_training_macs = 0;
  double training_seconds = 0;
  double full_training_seconds = 0;  ///< estimated: each stopped run's seconds per epoch times its epochs
};

struct RunReport {
  std::string scenario_name;
  std::string scenario_file;
  RunInfo info;
  std::vector<CandidateResult> candidates;  ///< every candidate, in scenario order
  DecisionProblem problem;                   ///< over the candidates that have metrics
  std::optional<Recommendation> recommendation;  ///< absent when no candidate has metrics
};

/// Why a candidate took no part in the decision, one line: "STOPPED NAME before training: WHY",
/// "STOPPED NAME after N% of its training: WHY" or "FAILED NAME: WHY"; "" for a measured one.
[[nodiscard]] std::string left_out_reason(const CandidateResult& candidate);

/// The human-readable report as sections: the run, measurements with units, criteria raw and
/// normalised, scores, exclusions with their margins, and the recommendation with its reasons.
[[nodiscard]] ReportDocument run_report_document(const RunReport& report);

/// The JSON document of `recommend --format json` (see docs/output.md).
[[nodiscard]] nlohmann::json json_report(const RunReport& report);

}  // namespace sizesel
