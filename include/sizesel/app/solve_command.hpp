// The `sizesel solve` subcommand: decide from a table given by hand, without training.
#pragma once

#include "sizesel/app/cli_options.hpp"

namespace sizesel {

/// Runs `solve` with these options and returns the exit code (kExitRecommended or
/// kExitInfeasible). Throws InputError for a bad table or flag, SolverError when GLPK fails.
[[nodiscard]] int run_solve_command(const CliOptions& options);

}  // namespace sizesel
