// sizesel's entry point: parses the command line, runs a subcommand, maps errors to exit codes.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <vector>
#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include "sizesel/app/batch_command.hpp"
#include "sizesel/app/bench_command.hpp"
#include "sizesel/app/cli_options.hpp"
#include "sizesel/app/completion.hpp"
#include "sizesel/app/evaluate_command.hpp"
#include "sizesel/app/executor.hpp"
#include "sizesel/app/init_command.hpp"
#include "sizesel/app/models_command.hpp"
#include "sizesel/app/output_file.hpp"
#include "sizesel/app/recommend_command.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/core/normalization.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/ml/runtime.hpp"

namespace {

std::string version_text() {
  return std::string("sizesel ") + SIZESEL_VERSION + " (libtorch " + sizesel::torch_version() +
         (sizesel::torch_has_cuda() ? ", CUDA" : ", CPU only") + "; GLPK " + sizesel::glpk_version() + ")";
}

// The formats a decision (recommend, solve) prints; batch prints text or JSON Lines.
const std::vector<std::string> kDecisionFormats = {"text", "json", "markdown", "csv"};

// --format and -o; recommend and solve (`reports`) also have --report.
void add_output_options(CLI::App& command, std::string& format, sizesel::CliOptions& options,
                        const std::vector<std::string>& formats, bool reports = false) {
  std::string names;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == formats.size() ? " or " : ", ") + formats[i];
  }
  command.add_option("--format", format, "Output format: " + names)->check(CLI::IsMember(formats));
  command.add_option("--output,-o", options.output, "Write the result to this file (atomically) instead of stdout");
  if (reports) {
    command.add_option("--report", options.report,
                       "Also write a report with plots to FILE.html or FILE.md (atomically; needs gnuplot)");
  }
}

const char* kCacheDirHelp =
    "Results cache folder (default $SIZESEL_CACHE_DIR, $XDG_CACHE_HOME/sizesel or ~/.cache/sizesel)";

const char* kExitCodes =
    "Exit codes: 0 recommended, 1 usage, scenario or table error, 2 runtime error (data, training, solver),\n"
    "3 nothing satisfies the constraints.";

}  // namespace

int main(int argc, char** argv) {
  using namespace sizesel;

  CLI::App app{"sizesel: choose a model size from measurements.\n"
               "Trains candidate ResNets, measures performance, cost, interpretability, robustness and\n"
               "maintainability, and picks one with a weighted linear program (GLPK)."};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_text());

  CliOptions options;
  std::string format = "text";
  auto* recommend = app.add_subcommand("recommend", "Train and measure the scenario's candidates, then recommend one");
  recommend->add_option("scenario", options.scenario, "Scenario file (JSON), e.g. configs/quickstart.json")
      ->required();
  add_output_options(*recommend, format, options, kDecisionFormats, true);
  recommend->add_option("--data-dir", options.data_dir, "Dataset folder, replacing the scenario's dataset.root");
  const CLI::Validator thread_count(
      [](const std::string& text) {
        int value = -1;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        const bool ok = ec == std::errc() && end == text.data() + text.size() && value >= 0 && value <= 1024;
        return ok ? std::string() : "must be an integer from 0 to 1024 (got " + text + ")";
      },
      "0..1024");
  recommend->add_option("--threads", options.threads, "Intra-op threads, replacing training.threads (0 = all cores)")
      ->check(thread_count);
  recommend->add_option("--jobs,-j", options.jobs,
                        "Evaluations at a time, each a `sizesel evaluate` process with an equal share of the threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  recommend->add_option("--executor", options.executor, "local (this machine) or slurm (a job array via sbatch)")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  // How the SLURM job array is asked for: recommend --executor slurm and plan --slurm alike.
  const auto add_slurm_options = [&options](CLI::App* command, const std::string& prefix) {
    command->add_option("--slurm-cpus", options.slurm.cpus, prefix + "CPUs per task, also each evaluation's threads")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    command->add_option("--slurm-gpus", options.slurm.gpus, prefix + "GPUs per task (--gpus-per-task)")
        ->check(CLI::Range(0, 64));
    command->add_option("--slurm-partition", options.slurm.partition, prefix + "the partition");
    command->add_option("--slurm-time", options.slurm.time, prefix + "the time limit per task (sbatch --time)");
    command->add_option("--sbatch-arg", options.slurm.extra, prefix + "one more sbatch argument (repeatable)")
        ->allow_extra_args(false);
  };
  add_slurm_options(recommend, "slurm: ");
  recommend->add_flag("--quiet,-q", options.quiet, "No progress lines on stderr");
  recommend->add_option("--cache-dir", options.cache_dir,
                        kCacheDirHelp);
  recommend->add_flag("--no-cache", options.no_cache, "Train everything; neither read nor write the cache");
  recommend->footer(std::string(kExitCodes) +
                    "\nExamples:\n"
                    "  sizesel recommend configs/quickstart.json --format json -o result.json\n"
                    "  sizesel recommend configs/quickstart.json --report review.html   # tables and plots, one file\n"
                    "  sizesel recommend configs/quickstart.json --format markdown > decision.md\n"
                    "  sizesel recommend configs/quickstart.json --jobs 2                # 2 evaluations at a time\n"
                    "  sizesel recommend configs/quickstart.json --executor slurm --slurm-cpus 4 --cache-dir /shared/cache");

  auto* evaluate = app.add_subcommand("evaluate", "Train and measure one candidate with one seed into the results cache");
  evaluate->add_option("scenario", options.scenario, "Scenario file (JSON)")->required();
  evaluate->add_option("--candidate", options.candidate, "The candidate's name in the scenario")->required();
  evaluate->add_option("--seed", options.seed, "One of the scenario's seeds (default training.seed)")
      ->check(CLI::Validator(
          [](const std::string& text) {
            int64_t value = -1;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            const bool ok = ec == std::errc() && end == text.data() + text.size() && value >= 0;
            return ok ? std::string() : "must be an integer from 0 to 2^63-1 (got " + text + ")";
          },
          "SEED"));
  evaluate->add_option("--format", format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
  evaluate->add_option("--output,-o", options.output, "Write the summary to this file (atomically) instead of stdout");
  evaluate->add_option("--data-dir", options.data_dir, "Dataset folder, replacing the scenario's dataset.root");
  evaluate->add_option("--threads", options.threads, "Intra-op threads, replacing training.threads (0 = all cores)")
      ->check(thread_count);
  evaluate->add_flag("--quiet,-q", options.quiet, "No progress lines on stderr");
  evaluate->add_option("--cache-dir", options.cache_dir,
                       kCacheDirHelp);
  evaluate->footer("Stores the evaluation under the key recommend looks it up by (the same scenario, data and threads),\n"
                   "so that many evaluate runs, on one machine or many sharing the cache folder, do recommend's training.\n"
                   "Exit codes: 0 evaluated (or already cached), 1 usage or scenario error, 2 the evaluation failed.\n"
                   "Example: sizesel evaluate configs/quickstart.json --candidate r20 && sizesel recommend configs/quickstart.json");

  auto* solve = app.add_subcommand("solve", "Decide from a criteria table given by hand (JSON or CSV), no training");
  solve->add_option("table", options.table, "Table file: JSON (docs/table.md) or CSV (name,CRITERION,...)")->required();
  add_output_options(*solve, format, options, kDecisionFormats, true);
  solve->add_option("--mode", options.mode, "single (choose one) or mixture (share the load)")
      ->check(CLI::IsMember({"single", "mixture"}));
  solve->add_option("--normalization", options.normalization, "minmax, vector, reference or raw")
      ->check(CLI::IsMember(normalization_names()));
  solve->add_option("--weight", options.weights, "NAME=WEIGHT, replacing the table's weight (repeatable)");
  solve->add_option("--min", options.minimums, "NAME=LIMIT: a minimum (on the mixture in mixture mode)");
  solve->add_option("--max", options.maximums, "NAME=LIMIT: a maximum (on the mixture in mixture mode)");
  solve->add_option("--min-each", options.minimums_each, "NAME=LIMIT: a minimum every option used must meet");
  solve->add_option("--max-each", options.maximums_each, "NAME=LIMIT: a maximum every option used must meet");
  solve->add_option("--direction", options.directions, "NAME=max|min (required for each criterion of a CSV table)");
  solve->add_option("--level", options.levels, "LEVEL=VALUE, a qualitative level's number (e.g. high=1)");
  solve->footer(std::string(kExitCodes) +
                "\nExamples:\n"
                "  sizesel solve configs/paper_case_study.json\n"
                "  sizesel solve configs/paper_case_study.json --mode mixture --max C=7.5 --format json\n"
                "  sizesel solve table.csv --direction P=max --direction C=min --weight P=0.8 --weight C=0.2\n"
                "  sizesel solve configs/paper_case_study.json --report case-study.md   # Markdown with plots");

  std::vector<std::filesystem::path> batch_paths;
  auto* batch = app.add_subcommand("batch", "Decide many scenarios and tables sharing one cache (for CI)");
  batch->add_option("paths", batch_paths, "Scenario or table files, or folders of *.json")->required();
  add_output_options(*batch, format, options, {"text", "json"});
  batch->add_option("--cache-dir", options.cache_dir, "Results cache folder (shared by every scenario)");
  batch->add_flag("--no-cache", options.no_cache, "Train everything; neither read nor write the cache");
  batch->add_option("--data-dir", options.data_dir, "Dataset folder, replacing every scenario's dataset.root");
  batch->add_flag("--quiet,-q", options.quiet, "No progress lines on stderr");
  batch->footer(
      "Exit codes: 0 every file recommended, 2 some file had a runtime error, else 1 some file had an input\n"
      "error, else 3 something is infeasible. --format json prints JSON Lines (one report per file) on stdout\n"
      "and the summary on stderr.\n"
      "Example: sizesel batch configs/ --format json > results.jsonl");

  auto* cache = app.add_subcommand("cache", "List or clear the results cache");
  cache->require_subcommand(1);
  auto* cache_list = cache->add_subcommand("list", "List every cached evaluation");
  auto* cache_clear = cache->add_subcommand("clear", "Remove every cached evaluation");
  for (auto* command : {cache_list, cache_clear}) {
    command->add_option("--cache-dir", options.cache_dir,
                        kCacheDirHelp);
  }
  cache->footer("Examples:\n  sizesel cache list\n  sizesel cache clear --cache-dir /tmp/sizesel-cache");
  cache_list->footer("Example: sizesel cache list --cache-dir /tmp/sizesel-cache");
  cache_clear->footer("Removes every entry, the checkpoints of unfinished trainings and leftover temporary files.\n"
                      "Example: sizesel cache clear --cache-dir /tmp/sizesel-cache");

  auto* bench = app.add_subcommand("bench", "Benchmarks: training and inference speed, the SGEMM peak (BENCHMARKS.md)");
  bench->require_subcommand(1);
  // An integer option in [lo, hi], its default shown in --help.
  const auto add_count = [](CLI::App* command, const char* name, int64_t& value, const char* description, int64_t lo,
                            int64_t hi) {
    command->add_option(name, value, description)->check(CLI::Range(lo, hi))->capture_default_str();
  };
  BenchTrainOptions train_options;
  std::string bench_format = "text";
  auto* bench_train = bench->add_subcommand("train", "Train one preset on a subset as recommend does, and time it");
  bench_train->add_option("--preset", train_options.preset, "Model preset (resnet8 ... resnet110, small ... large2)")
      ->capture_default_str();
  bench_train->add_option("--data-dir", train_options.data_dir, "Dataset folder")->required();
  bench_train->add_option("--dataset-format", train_options.dataset_format, "cifar10-bin or idx")
      ->check(CLI::IsMember({"cifar10-bin", "idx"}))
      ->capture_default_str();
  add_count(bench_train, "--images", train_options.images, "Training images (class-balanced)", 2, 1000000);
  add_count(bench_train, "--test-images", train_options.test_images, "Test images (class-balanced)", 1, 1000000);
  add_count(bench_train, "--epochs", train_options.epochs, "Epochs", 1, 10000);
  add_count(bench_train, "--batch", train_options.batch, "Training batch size", 2, 65536);
  add_count(bench_train, "--threads", train_options.threads, "Intra-op threads (0 = all cores)", 0, 1024);
  bench_train->add_option("--learning-rate", train_options.learning_rate, "Peak learning rate (one-cycle)")
      ->check(CLI::Range(1e-9, 100.0))
      ->capture_default_str();
  bench_train->add_option("--seed", train_options.seed, "Seed")->capture_default_str();
  add_count(bench_train, "--latency-runs", train_options.latency_runs, "Timed batch-1 passes", 1, 100000);
  add_count(bench_train, "--inference-batch", train_options.inference_batch, "Batch of the throughput passes", 1, 65536);
  bench_train->add_option("--format", bench_format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  bench_train->footer("Example: sizesel bench train --data-dir ../shared/data/cifar-10-batches-bin --images 5000 --format json");
  BenchSgemmOptions sgemm_options;
  auto* bench_sgemm = bench->add_subcommand("sgemm", "Time an n x n x n float matrix product: the machine's SGEMM peak");
  add_count(bench_sgemm, "--size", sgemm_options.size, "n", 16, 16384);
  add_count(bench_sgemm, "--runs", sgemm_options.runs, "Timed products", 1, 100000);
  add_count(bench_sgemm, "--threads", sgemm_options.threads, "Intra-op threads (0 = all cores)", 0, 1024);
  bench_sgemm->add_option("--format", bench_format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  bench_sgemm->footer("Example: sizesel bench sgemm --size 1024 --threads 2 --format json");
  bench->footer("Examples (scripts/bench/run runs them against the PyTorch reference):\n"
                "  sizesel bench train --preset resnet20 --data-dir ../shared/data/cifar-10-batches-bin --images 5000\n"
                "  sizesel bench sgemm --size 1024");

  std::vector<std::filesystem::path> validate_paths;
  auto* validate = app.add_subcommand("validate", "Check scenarios and tables without running them (no data, training or solving)");
  validate->add_option("paths", validate_paths, "Scenario or table files, or folders of *.json")->required();
  validate->footer("Exit codes: 0 every file is valid, 1 some file is not (each error on stderr, one line).\n"
                   "Example: sizesel validate configs/ configs/ci/");

  ModelsOptions models_options;
  std::string models_format = "text";
  auto* models = app.add_subcommand("models", "List the architecture presets with depth, parameters and MACs (no training)");
  models->add_option("--dataset", models_options.dataset, "Input shape: cifar10 (3x32x32) or fashion-mnist (1x28x28)")
      ->check(CLI::IsMember({"cifar10", "fashion-mnist"}))
      ->capture_default_str();
  models->add_option("--format", models_format, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
  models->footer("Example: sizesel models --dataset fashion-mnist --format json");

  auto* plan = app.add_subcommand("plan", "Print the sbatch script that would run the scenario on SLURM (--slurm)");
  bool plan_slurm = false;
  plan->add_option("scenario", options.scenario, "Scenario file (JSON)")->required();
  plan->add_flag("--slurm", plan_slurm, "A SLURM job array and the decision after it (the one plan there is)")->required();
  add_slurm_options(plan, "");
  plan->add_option("--data-dir", options.data_dir, "Dataset folder, replacing the scenario's dataset.root");
  plan->add_option("--cache-dir", options.cache_dir,
                   "Results cache folder, shared by the nodes (default $SIZESEL_CACHE_DIR, ...)");
  plan->add_option("--output,-o", options.output, "Write the script to this file (atomically) instead of stdout");
  plan->footer("Only the evaluations the cache lacks become tasks. Nothing is submitted or written but the script.\n"
               "Example: sizesel plan configs/quickstart.json --slurm --slurm-cpus 4 --cache-dir /shared/cache > run.sh && bash run.sh");

  InitOptions init_options;
  auto* init = app.add_subcommand("init", "Write a commented starter scenario to edit (CIFAR-10 or Fashion-MNIST)");
  init->add_option("file", init_options.file, "Where to write it (it must not exist); stdout when omitted");
  init->add_option("--dataset", init_options.dataset, "cifar10 or fashion-mnist")
      ->check(CLI::IsMember({"cifar10", "fashion-mnist"}))
      ->capture_default_str();
  init->add_flag("--force", init_options.force, "Replace the file if it exists");
  init->footer("Examples:\n"
               "  sizesel init my-scenario.json && sizesel validate my-scenario.json\n"
               "  sizesel init --dataset cifar10 cifar.json");

  std::string shell;
  auto* completion = app.add_subcommand("completion", "Print a bash completion script: source <(sizesel completion bash)");
  completion->add_option("shell", shell, "The shell (bash)")->required()->check(CLI::IsMember({"bash"}));
  completion->add_option("--output,-o", options.output, "Write the script to this file (atomically) instead of stdout");
  completion->footer("Example: sizesel completion bash > ~/.local/share/bash-completion/completions/sizesel\n"
                     "(cmake --install installs it for every user.)");

  // A mistyped subcommand would otherwise read as a positional argument of none.
  std::string names;
  bool known = false;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + command->get_name();
    known = known || (argc > 1 && command->get_name() == argv[1]);
  }
  if (argc > 1 && argv[1][0] != '-' && !known) {
    std::cerr << "sizesel: error: unknown subcommand \"" << argv[1] << "\" (subcommands: " << names
              << "; see sizesel --help)\n";
    return kExitInputError;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    std::cerr << "sizesel: error: " << error.what() << " (see sizesel --help)\n";
    return kExitInputError;
  }
  options.format = format == "json"       ? OutputFormat::kJson
                   : format == "csv"      ? OutputFormat::kCsv
                   : format == "markdown" ? OutputFormat::kMarkdown
                                          : OutputFormat::kText;
  if (options.cache_dir && options.cache_dir->empty()) {
    std::cerr << "sizesel: error: --cache-dir: needs a folder (got \"\")\n";
    return kExitInputError;
  }

  const auto run = [&]() {
    if (solve->parsed()) return run_solve_command(options);
    if (validate->parsed()) return run_validate_command(validate_paths);
    if (init->parsed()) return run_init_command(init_options);
    if (evaluate->parsed()) return run_evaluate_command(options);
    if (plan->parsed()) {
      PreparedRun run = prepare_run(options.scenario, options);
      deliver(options.output, slurm_plan(run, options));
      return 0;
    }
    if (completion->parsed()) {
      deliver(options.output, bash_completion(app, SIZESEL_VERSION));
      return 0;
    }
    if (models->parsed()) {
      models_options.format = models_format == "json" ? OutputFormat::kJson : OutputFormat::kText;
      return run_models_command(models_options);
    }
    if (bench_train->parsed() || bench_sgemm->parsed()) {
      const OutputFormat chosen = bench_format == "json" ? OutputFormat::kJson : OutputFormat::kText;
      train_options.format = sgemm_options.format = chosen;
      return bench_train->parsed() ? run_bench_train(train_options) : run_bench_sgemm(sgemm_options);
    }
    if (batch->parsed()) return run_batch_command(options, batch_paths);
    if (cache_list->parsed()) return run_cache_list(options);
    if (cache_clear->parsed()) return run_cache_clear(options);
    return run_recommend_command(options);
  };
  try {
    const int code = run();
    // A result printed to a full disk or a closed pipe is lost: that is a failure, not success.
    if (!std::cout.flush()) {
      std::cerr << "sizesel: error: standard output: write failed (disk full or closed?)\n";
      return kExitRuntimeError;
    }
    return code;
  } catch (const Interrupted& error) {
    std::cerr << "sizesel: interrupted (" << error.what()
              << "); finished evaluations are in the cache and training resumes from its last epoch when you rerun "
                 "the same command\n";
    return 130;
  } catch (const InputError& error) {
    std::cerr << "sizesel: error: " << error.what() << '\n';
    return kExitInputError;
  } catch (const c10::Error& error) {
    std::cerr << "sizesel: error: " << describe_torch_error(error) << '\n';
    return kExitRuntimeError;
  } catch (const std::bad_alloc&) {
    std::cerr << "sizesel: error: out of memory: a memory allocation failed (std::bad_alloc)\n";
    return kExitRuntimeError;
  } catch (const std::exception& error) {
    std::cerr << "sizesel: error: " << error.what() << '\n';
    return kExitRuntimeError;
  }
}
