// Options of the sizesel command line, filled by CLI11 and passed down explicitly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sizesel {

enum class OutputFormat { kText, kJson, kMarkdown, kCsv };

/// How the SLURM job array is asked for.
struct SlurmOptions {
  int64_t cpus = 1;                ///< --cpus-per-task, and each evaluation's intra-op threads
  int64_t gpus = 0;                ///< --gpus-per-task (0: none asked for)
  std::string partition;           ///< --partition ("" : the cluster's default)
  std::string time;                ///< --time ("" : the partition's default)
  std::vector<std::string> extra;  ///< more sbatch arguments, as given
};

struct CliOptions {
  std::filesystem::path scenario;                 ///< the scenario file of `recommend`
  std::filesystem::path table;                    ///< the table file of `solve` (JSON or CSV)
  OutputFormat format = OutputFormat::kText;
  std::optional<std::filesystem::path> data_dir;  ///< replaces the scenario's dataset.root
  std::optional<int64_t> threads;                 ///< replaces training.threads
  std::optional<std::filesystem::path> output;    ///< write the result here (atomically), not stdout
  std::optional<std::filesystem::path> report;    ///< also write a report with plots here (.html or .md)
  bool quiet = false;                             ///< no progress on stderr
  std::optional<std::filesystem::path> cache_dir;  ///< the results cache (default: default_cache_dir())
  bool no_cache = false;                          ///< neither read nor write the cache
  std::string candidate;                          ///< `evaluate`: the candidate to train and measure
  std::optional<int64_t> seed;                    ///< `evaluate`: the seed (default: training.seed), >= 0
  int64_t jobs = 1;                               ///< `recommend`: evaluations at a time, as processes
  std::string executor = "local";                 ///< `recommend`: "local" or "slurm"
  SlurmOptions slurm;                             ///< `recommend --executor slurm`

  // `solve` settings that replace the table file's, as written on the command line.
  std::optional<std::string> mode;            ///< "single" or "mixture"
  std::optional<std::string> normalization;   ///< one of normalization_names()
  std::vector<std::string> weights;           ///< "NAME=WEIGHT"
  std::vector<std::string> minimums;          ///< "NAME=LIMIT", on the mixture
  std::vector<std::string> maximums;          ///< "NAME=LIMIT", on the mixture
  std::vector<std::string> minimums_each;     ///< "NAME=LIMIT", on every option used
  std::vector<std::string> maximums_each;     ///< "NAME=LIMIT", on every option used
  std::vector<std::string> directions;        ///< "NAME=max" or "NAME=min"
  std::vector<std::string> levels;            ///< "LEVEL=VALUE"
};

/// Exit codes of the sizesel binary.
enum ExitCode : int {
  kExitRecommended = 0,  ///< a candidate was recommended
  kExitInputError = 1,   ///< bad command line, scenario or table file
  kExitRuntimeError = 2,  ///< data, training or solver failure
  kExitInfeasible = 3,   ///< no candidate satisfies the constraints
};

}  // namespace sizesel
