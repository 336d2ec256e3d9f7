#include "sizesel/app/init_command.hpp"

#include <system_error>

#include <fmt/format.h>

#include "sizesel/app/output_file.hpp"
#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

struct Starter {
  const char* name;
  const char* format;
  const char* root;
  const char* root_note;
  int train_limit;
  int test_limit;
  int epochs;
  const char* augment;
  const char* candidates;
  double min_accuracy;
  const char* accuracy_note;
};

// Small enough to finish in minutes on two cores, large enough to rank the sizes.
const Starter kFashionMnist{
    "my-fashion-mnist",
    "idx",
    "/usr/share/datasets/fashion-mnist",
    "Debian's dataset-fashion-mnist package puts it here",
    6000,
    2000,
    3,
    "false",
    R"(    {"name": "r8", "preset": "resnet8"},     // 75k parameters
    {"name": "r20", "preset": "resnet20"},   // 0.27M
    {"name": "r32", "preset": "resnet32"},   // 0.46M
    // Or any shape: basic or bottleneck blocks per stage, and the first stage's width.
    {"name": "wide8", "block": "basic", "stages": [1, 1, 1], "width": 32})",
    0.80,
    "3 epochs on 6,000 images gave 0.81 to 0.83 in the README's quick start run"};

const Starter kCifar10{
    "my-cifar10",
    "cifar10-bin",
    "data/cifar-10-batches-bin",
    "scripts/fetch-cifar10 downloads it into data/ of the sizesel checkout; a relative path\n"
    "    // is read from this file's folder, and --data-dir replaces it",
    10000,
    2000,
    4,
    "true",
    R"(    {"name": "r8", "preset": "resnet8"},     // 75k parameters
    {"name": "r20", "preset": "resnet20"},   // 0.27M (He et al.: 8.75% error with the full recipe)
    {"name": "r32", "preset": "resnet32"},   // 0.46M
    // Or any shape: basic or bottleneck blocks per stage, and the first stage's width.
    {"name": "wide8", "block": "basic", "stages": [1, 1, 1], "width": 32})",
    0.35,
    "4 epochs on 10,000 images gave 0.57 for r20 in BENCHMARKS.md; raise it with the epochs"};

std::string render(const Starter& s) {
  return fmt::format(R"(// A sizesel scenario: which model size to deploy, decided from measurements.
// Written by `sizesel init`. Check it with `sizesel validate FILE`, run it with
// `sizesel recommend FILE`. Every key, its unit, default and range: docs/scenario.md.
// Comments (// and /* */) are allowed in scenario files.
{{
  "name": "{name}",

  // The data: "idx" (MNIST layout, .gz or not) or "cifar10-bin" (CIFAR-10's binary batches).
  "dataset": {{
    "format": "{format}",
    // {root_note}.
    "root": "{root}",
    // Class-balanced subsets (images; 0 = the whole split). Larger is slower and surer.
    "train_limit": {train_limit},
    "test_limit": {test_limit}
  }},

  // How each candidate is trained: SGD with momentum, on the training subset.
  "training": {{
    "epochs": {epochs},
    "batch_size": 64,
    "learning_rate": 0.1,
    "schedule": "onecycle",     // or "cosine", "constant"
    "augment": {augment}// random crop and flip per batch
    "seed": 1,
    "repeats": 1,               // seeds per candidate; 3+ gives standard deviations
    "threads": 0                // 0 = every core; set it when the machine is shared
  }},

  // The sizes to choose among. `sizesel models` lists the presets with parameters and MACs.
  "candidates": [
{candidates}
  ],

  // The load the chosen model must serve, which decides the devices it needs.
  "deployment": {{
    "target_rate": 2000,        // images per second
    "batch_size": 64,           // batch at which throughput is measured
    "device_speedup": 1         // the serving device's speed relative to this machine's
  }},

  // How much each criterion counts (any non-negative numbers; they need not sum to 1):
  // P performance, C compute cost, E interpretability, R robustness, M maintainability.
  "weights": {{"P": 0.8, "C": 0.2, "E": 0.1, "R": 0.1, "M": 0.1}},

  // Hard limits, on the raw measurements (docs/metrics.md names them all).
  "constraints": {{
    // {accuracy_note}.
    "min": {{"accuracy": {min_accuracy}}},
    "max": {{"devices": 20, "latency_ms_p50": 20}}   // devices for target_rate; ms at batch 1
  }}

  // More, when you need it: "measurement" (how latency, robustness and saliency are
  // measured), "criteria" (the sub-weights within P, C, E, R, M), "decision" ("mode":
  // "mixture" shares the load among sizes), "early_stopping": {{}} (skip and race candidates
  // to train less). See docs/scenario.md.
}}
)",
                     fmt::arg("name", s.name), fmt::arg("format", s.format), fmt::arg("root", s.root),
                     fmt::arg("root_note", s.root_note), fmt::arg("train_limit", s.train_limit),
                     fmt::arg("test_limit", s.test_limit), fmt::arg("epochs", s.epochs), fmt::arg("augment", fmt::format("{:<17}", std::string(s.augment) + ",")),
                     fmt::arg("candidates", s.candidates), fmt::arg("min_accuracy", s.min_accuracy),
                     fmt::arg("accuracy_note", s.accuracy_note));
}

}  // namespace

std::string starter_scenario(const std::string& dataset) {
  if (dataset == "cifar10") return render(kCifar10);
  if (dataset == "fashion-mnist") return render(kFashionMnist);
  throw InputError("--dataset: must be cifar10 or fashion-mnist (got \"" + dataset + "\")");
}

int run_init_command(const InitOptions& options) {
  const std::string text = starter_scenario(options.dataset);
  if (options.file) {
    check_output_path(*options.file, {}, "init FILE");  // as -o: a name, not a folder, a writable folder
    std::error_code ec;
    if (std::filesystem::is_regular_file(*options.file, ec) && !options.force) {  // /dev/null is written to
      throw InputError(options.file->string() + ": already exists; choose another name, or pass --force to replace it");
    }
  }
  deliver(options.file, text);
  return 0;
}

}  // namespace sizesel
