#include "sizesel/app/recommend_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sizesel/app/pipeline.hpp"
#include "sizesel/core/error.hpp"

namespace sizesel {

namespace {

// Fails before any training when the result could not be written at the end.
void check_writable(const std::filesystem::path& path) {
  const std::filesystem::path probe = path.string() + ".tmp-" + std::to_string(::getpid());
  std::ofstream out(probe, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(path.string() + ": --output cannot be written (is the folder there and writable?)");
  out.close();
  std::remove(probe.c_str());
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path temporary =
      path.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path.string() + ": cannot be written (is the folder there and writable?)");
    out << text;
    out.flush();
    if (!out) {
      out.close();
      std::remove(temporary.c_str());
      throw Error(path.string() + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw Error(path.string() + ": cannot be written: " + ec.message());
  }
}

int run_recommend_command(const CliOptions& options) {
  ScenarioOverrides overrides;
  overrides.data_dir = options.data_dir;
  Scenario scenario = load_scenario(options.scenario, overrides);
  if (options.threads) scenario.training.threads = *options.threads;
  if (options.output) check_writable(*options.output);

  const RunReport report = run_recommend(scenario, options.quiet ? nullptr : &std::cerr);

  std::ostringstream rendered;
  if (options.format == OutputFormat::kJson) {
    rendered << json_report(report).dump(2) << '\n';
  } else {
    write_text_report(report, rendered);
  }
  if (options.output) {
    write_file_atomically(*options.output, rendered.str());
  } else {
    std::cout << rendered.str() << std::flush;
  }

  if (!report.recommendation) {
    throw TrainingError(scenario.file.string() + ": every candidate failed; see the report for the reasons");
  }
  return report.recommendation->selection.recommended ? kExitRecommended : kExitInfeasible;
}

}  // namespace sizesel
