// Executors: the missing evaluations of a scenario run as `sizesel evaluate` processes, handing
// their results over through the cache: N at a time on this machine (`recommend --jobs N`), or
// as a SLURM job array (`recommend --executor slurm`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

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

/// The sbatch script of one array task per evaluation in `missing`: each task runs `sizesel
/// evaluate` on its candidate and seed with slurm.cpus threads, logging to `logs`/task-N.log.
[[nodiscard]] std::string slurm_script(const PreparedRun& run, const CliOptions& options, const SlurmOptions& slurm,
                                       const std::vector<MissingEvaluation>& missing, const std::filesystem::path& logs);

/// `sizesel plan --slurm`: a bash script that submits what run_slurm_jobs would (the evaluations
/// the cache lacks, as one array of options.slurm's tasks) and then the decision as a job that
/// depends on the array (afterany, --kill-on-invalid-dep=yes) and writes the JSON result next to
/// the tasks' logs; for users who submit by hand. Reads the cache, writes nothing. Throws
/// InputError when early stopping is on or the cache is off.
[[nodiscard]] std::string slurm_plan(PreparedRun& run, const CliOptions& options);

/// Submits every evaluation the cache lacks as one SLURM job array (`sbatch --parsable`; the
/// script and the tasks' logs in CACHE/slurm/run-XXXXXX, which the nodes must share), waits for it
/// with squeue, printing a line when the tasks' states change, and records in run.pipeline.failed
/// each evaluation a task did not store, with the reason from its log or from `scontrol show job`
/// (cancelled, time limit). On SIGINT or SIGTERM it cancels the job (scancel) and throws
/// Interrupted. Throws InputError when early stopping is on or the cache is off, Error when
/// sbatch or squeue fail.
void run_slurm_jobs(PreparedRun& run, const CliOptions& options);

}  // namespace sizesel
