// `recommend --jobs N`: the missing evaluations of a scenario run as `sizesel evaluate`
// processes, N at a time on this machine, handing their results over through the cache.
#pragma once

#include <cstdint>

#include "sizesel/app/cli_options.hpp"
#include "sizesel/app/recommend_command.hpp"

namespace sizesel {

/// Splits the thread budget (training.threads, or every available core when 0) between `jobs`
/// evaluations at a time, at least one thread each; sets run.scenario.training.threads to it,
/// since the thread count is part of every cache key.
[[nodiscard]] int64_t threads_per_job(PreparedRun& run, int64_t jobs);

/// Runs every evaluation the cache lacks as a child `sizesel evaluate` process (its own process
/// group, stderr to a log file), `jobs` at a time, and waits for them, printing a line as each
/// ends. Records in run.pipeline.failed each evaluation that failed, with the reason from its
/// log, and in run.pipeline.executor what the jobs did. On SIGINT or SIGTERM it passes SIGTERM
/// on to the running jobs (which save their checkpoints), waits for them and throws
/// Interrupted. Throws InputError when early stopping is on or the cache is off, Error when a
/// process cannot be started.
void run_local_jobs(PreparedRun& run, const CliOptions& options, int64_t jobs);

}  // namespace sizesel
