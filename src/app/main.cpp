// sizesel's entry point: parses the command line, runs a subcommand, maps errors to exit codes.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "sizesel/app/cli_options.hpp"
#include "sizesel/app/recommend_command.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/ml/runtime.hpp"

namespace {

// OpenMP reads OMP_WAIT_POLICY when libtorch is loaded, before main() runs. Its default
// spin-waiting made two threads 4x slower next to another busy process, which would corrupt
// every timing sizesel reports, so the process restarts itself once with the passive policy
// unless the user chose a policy explicitly.
void ensure_passive_openmp(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);
  // execv only returns on failure; the run goes on with the default policy.
}

std::string version_text() {
  return std::string("sizesel ") + SIZESEL_VERSION + " (libtorch " + sizesel::torch_version() +
         (sizesel::torch_has_cuda() ? ", CUDA" : ", CPU only") + "; GLPK " + sizesel::glpk_version() + ")";
}

}  // namespace

int main(int argc, char** argv) {
  ensure_passive_openmp(argv);
  using namespace sizesel;

  CLI::App app{"sizesel: choose a model size from measurements.\n"
               "Trains candidate ResNets, measures performance, cost, interpretability, robustness and\n"
               "maintainability, and picks one with a weighted linear program (GLPK)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());

  CliOptions options;
  auto* recommend = app.add_subcommand("recommend", "Train and measure the scenario's candidates, then recommend one");
  recommend->add_option("scenario", options.scenario, "Scenario file (JSON), e.g. configs/quickstart.json")
      ->required();
  std::string format = "text";
  recommend->add_option("--format", format, "Output format")->check(CLI::IsMember({"text", "json"}));
  recommend->add_option("--data-dir", options.data_dir, "Dataset folder, replacing the scenario's dataset.root");
  recommend->add_option("--threads", options.threads, "Intra-op threads, replacing training.threads (0 = all cores)")
      ->check(CLI::Range(0, 1024));
  recommend->add_option("--output,-o", options.output, "Write the result to this file (atomically) instead of stdout");
  recommend->add_flag("--quiet,-q", options.quiet, "No progress lines on stderr");
  recommend->footer(
      "Exit codes: 0 recommended, 1 usage or scenario error, 2 runtime error (data, training, solver),\n"
      "3 no candidate satisfies the constraints.\n"
      "Example: sizesel recommend configs/quickstart.json --format json -o result.json");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitRecommended : kExitInputError;
  }
  options.format = format == "json" ? OutputFormat::kJson : OutputFormat::kText;

  try {
    return run_recommend_command(options);
  } catch (const InputError& error) {
    std::cerr << "sizesel: error: " << error.what() << '\n';
    return kExitInputError;
  } catch (const std::exception& error) {
    std::cerr << "sizesel: error: " << error.what() << '\n';
    return kExitRuntimeError;
  }
}
