// Options of the sizesel command line, filled by CLI11 and passed down explicitly.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace sizesel {

enum class OutputFormat { kText, kJson };

struct CliOptions {
  std::filesystem::path scenario;                 ///< the scenario file of `recommend`
  OutputFormat format = OutputFormat::kText;
  std::optional<std::filesystem::path> data_dir;  ///< replaces the scenario's dataset.root
  std::optional<int64_t> threads;                 ///< replaces training.threads
  std::optional<std::filesystem::path> output;    ///< write the result here (atomically), not stdout
  bool quiet = false;                             ///< no progress on stderr
};

/// Exit codes of the sizesel binary.
enum ExitCode : int {
  kExitRecommended = 0,  ///< a candidate was recommended
  kExitInputError = 1,   ///< bad command line or scenario file
  kExitRuntimeError = 2,  ///< data, training or solver failure
  kExitInfeasible = 3,   ///< no candidate satisfies the constraints
};

}  // namespace sizesel
