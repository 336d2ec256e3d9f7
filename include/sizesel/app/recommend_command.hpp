// The `recommend` and `solve` subcommands: read an input, decide, render; and what one run produced.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "sizesel/app/cli_options.hpp"
#include "sizesel/app/pipeline.hpp"
#include "sizesel/scenario/scenario.hpp"
#include "sizesel/report/report_document.hpp"

namespace sizesel {

/// One decision, rendered: the exit code it earns and its report as JSON, as a document (for
/// text and Markdown) and as text; and the --report file's text when one was asked for.
struct Outcome {
  int exit_code = kExitRecommended;  ///< kExitRecommended or kExitInfeasible (errors throw)
  nlohmann::json json;
  ReportDocument document;
  std::string text;
  std::string report_file;  ///< "" without --report
};

/// A scenario read with the command line's overrides (data dir, threads), and how the pipeline
/// is to run it (cache, progress), as `recommend` and `evaluate` share them.
struct PreparedRun {
  Scenario scenario;
  PipelineOptions pipeline;
};
/// Reads `file` and checks -o up front. Throws InputError.
[[nodiscard]] PreparedRun prepare_run(const std::filesystem::path& file, const CliOptions& options);
/// Before training: checks that the cache can be written, and restarts the process with
/// OMP_WAIT_POLICY=PASSIVE unless a policy is set (ensure_passive_openmp).
void ready_to_train(const PreparedRun& run);
/// ready_to_train, when `run` will train (some evaluation is not in the cache).
void prepare_to_train(const PreparedRun& run);

/// Runs the recommend pipeline on `scenario` with these options (cache, data dir, threads,
/// quiet, report). Checks -o and --report before any training. Throws sizesel::Error subclasses for input, data, training and solver errors, and
/// TrainingError after rendering when every candidate failed (the outcome is then in `failed`).
[[nodiscard]] Outcome recommend_outcome(const std::filesystem::path& scenario, const CliOptions& options,
                                        Outcome* failed = nullptr);

/// Decides the table `table` with these options' what-ifs (and renders --report). Throws
/// InputError for a bad table or flag, SolverError when GLPK fails, Error when gnuplot does.
[[nodiscard]] Outcome solve_outcome(const std::filesystem::path& table, const CliOptions& options);

/// `sizesel recommend`: recommend_outcome, printed or written (-o), and its --report file
/// written. Returns the exit code.
[[nodiscard]] int run_recommend_command(const CliOptions& options);

/// `sizesel solve`: solve_outcome, printed or written (-o), and its --report file written.
/// Returns the exit code.
[[nodiscard]] int run_solve_command(const CliOptions& options);

}  // namespace sizesel
