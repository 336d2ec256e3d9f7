#include "sizesel/app/recommend_command.hpp"

#include <iostream>
#include <sstream>

#include "sizesel/app/output_file.hpp"
#include "sizesel/app/pipeline.hpp"
#include "sizesel/core/error.hpp"

namespace sizesel {

int run_recommend_command(const CliOptions& options) {
  ScenarioOverrides overrides;
  overrides.data_dir = options.data_dir;
  Scenario scenario = load_scenario(options.scenario, overrides);
  if (options.threads) scenario.training.threads = *options.threads;
  if (options.output) check_output_path(*options.output, {options.scenario});

  const RunReport report = run_recommend(scenario, options.quiet ? nullptr : &std::cerr);

  std::ostringstream rendered;
  if (options.format == OutputFormat::kJson) {
    rendered << json_report(report).dump(2) << '\n';
  } else {
    write_text_report(report, rendered);
  }
  deliver(options.output, rendered.str());

  if (!report.recommendation) {
    throw TrainingError(scenario.file.string() + ": every candidate failed; see the report for the reasons");
  }
  return report.recommendation->selection.recommended ? kExitRecommended : kExitInfeasible;
}

}  // namespace sizesel
