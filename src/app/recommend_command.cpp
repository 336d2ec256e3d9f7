#include "sizesel/app/recommend_command.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "sizesel/app/executor.hpp"
#include "sizesel/app/output_file.hpp"
#include "sizesel/app/pipeline.hpp"
#include "sizesel/app/report_file.hpp"
#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/report/csv_report.hpp"
#include "sizesel/report/markdown_report.hpp"
#include "sizesel/report/plots.hpp"
#include "sizesel/report/run_report.hpp"

namespace sizesel {
namespace {

/// Whether stderr can take a line rewritten in place: a terminal, and not TERM=dumb.
bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) == 1 && (term == nullptr || std::string(term) != "dumb");
}

std::string rendered(const Outcome& outcome, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    return outcome.json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  if (format == OutputFormat::kCsv) return csv_report(outcome.json);
  if (format == OutputFormat::kMarkdown) return markdown_text(outcome.document);
  return outcome.text;
}

/// The --report file first, then the result, each written atomically.
void deliver_all(const Outcome& outcome, const CliOptions& options) {
  if (options.report) write_output(*options.report, outcome.report_file);
  deliver(options.output, rendered(outcome, options.format));
}

}  // namespace

PreparedRun prepare_run(const std::filesystem::path& file, const CliOptions& options) {
  ScenarioOverrides overrides;
  overrides.data_dir = options.data_dir;
  PreparedRun run{load_scenario(file, overrides), {}};
  if (options.threads) run.scenario.training.threads = *options.threads;
  if (options.output) check_output_path(*options.output, {file});
  if (options.report) check_report_path(*options.report, {file}, options.output);
  run.pipeline.log = options.quiet ? nullptr : &std::cerr;
  run.pipeline.live = run.pipeline.log != nullptr && stderr_is_terminal();
  if (!options.no_cache) run.pipeline.cache_dir = options.cache_dir ? *options.cache_dir : default_cache_dir();
  return run;
}

void ready_to_train(const PreparedRun& run) {
  // Not after an hour of training: a cache that cannot take the results stops the run now.
  if (run.pipeline.cache_dir) ResultCache(*run.pipeline.cache_dir).check_writable();
  ensure_passive_openmp();
}

void prepare_to_train(const PreparedRun& run) {
  // A cache that already holds everything may be read-only, since nothing is written to it then.
  if (needs_training(run.scenario, run.pipeline)) ready_to_train(run);
}

Outcome recommend_outcome(const std::filesystem::path& file, const CliOptions& options, Outcome* failed) {
  PreparedRun run = prepare_run(file, options);
  if (options.executor == "slurm") {
    if (options.jobs > 1) throw InputError("--jobs: SLURM decides how many tasks run at once; drop --jobs");
    run_slurm_jobs(run, options);
  } else if (options.jobs > 1) {
    run_local_jobs(run, options, options.jobs);
  }
  const Scenario& scenario = run.scenario;
  // After an executor nothing is left to train here: what its jobs lost is reported as failed.
  if (!run.pipeline.executor) prepare_to_train(run);
  const RunReport report = run_recommend(scenario, run.pipeline);

  Outcome outcome;
  outcome.json = json_report(report);
  outcome.document = run_report_document(report);
  outcome.text = document_text(outcome.document);
  if (options.report) outcome.report_file = report_file_text(*options.report, outcome.document, run_report_plots(report));
  if (!report.recommendation) {
    // Early stopping found, before training, that no candidate can meet the cost constraints.
    bool screened_out = !report.candidates.empty();
    for (const auto& c : report.candidates) screened_out = screened_out && !c.stopped.empty();
    if (screened_out) {
      outcome.exit_code = kExitInfeasible;
      return outcome;
    }
    if (failed != nullptr) *failed = outcome;
    throw TrainingError(scenario.file.string() + ": every candidate failed; see the report for the reasons");
  }
  outcome.exit_code = report.recommendation->selection.recommended ? kExitRecommended : kExitInfeasible;
  return outcome;
}

int run_recommend_command(const CliOptions& options) {
  Outcome failed;
  failed.exit_code = -1;
  try {
    const Outcome outcome = recommend_outcome(options.scenario, options, &failed);
    deliver_all(outcome, options);
    return outcome.exit_code;
  } catch (const TrainingError&) {
    // Every candidate failed: the report listing each failure is still written.
    if (failed.exit_code != -1) deliver_all(failed, options);
    throw;
  }
}

int run_solve_command(const CliOptions& options) {
  const Outcome outcome = solve_outcome(options.table, options);
  deliver_all(outcome, options);
  return outcome.exit_code;
}

}  // namespace sizesel
