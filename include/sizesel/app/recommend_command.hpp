// The `sizesel recommend` subcommand: read a scenario, run the pipeline, print or write the result.
#pragma once

#include "sizesel/app/cli_options.hpp"

namespace sizesel {

/// Runs `recommend` with these options and returns the exit code (kExitRecommended or
/// kExitInfeasible). Throws sizesel::Error subclasses for input, data, training and solver errors.
[[nodiscard]] int run_recommend_command(const CliOptions& options);

}  // namespace sizesel
