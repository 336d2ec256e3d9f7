// The `sizesel recommend` subcommand: read a scenario, run the pipeline, print or write the result.
#pragma once

#include "sizesel/app/cli_options.hpp"

namespace sizesel {

/// Runs `recommend` with these options and returns the exit code (kExitRecommended or
/// kExitInfeasible). Throws sizesel::Error subclasses for input, data, training and solver errors.
[[nodiscard]] int run_recommend_command(const CliOptions& options);

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename.
/// Throws Error naming the path when it cannot be written.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace sizesel
