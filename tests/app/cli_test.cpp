// End-to-end tests of the sizesel binary: real data, real training, JSON output and exit codes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli_support.hpp"
#include "support/report_check.hpp"

namespace fs = std::filesystem;

namespace {

using cli_support::read_file;
using cli_support::Run;
using cli_support::sizesel;
using cli_support::TempDir;

bool have_fashion_mnist() { return fs::exists(fs::path(SIZESEL_FASHION_MNIST_DIR) / "train-images-idx3-ubyte.gz"); }

// Ends the test case, visibly, when the Fashion-MNIST package is not installed.
#define SKIP_WITHOUT_FASHION_MNIST()                                                                   \
  if (!have_fashion_mnist()) {                                                                         \
    WARN("skipped: Fashion-MNIST not found at " SIZESEL_FASHION_MNIST_DIR                              \
         " (apt-get install dataset-fashion-mnist)");                                                  \
    return;                                                                                            \
  }

// A tiny real-data scenario: 300 Fashion-MNIST training images, 100 test images, one epoch.
std::string tiny_scenario(const std::string& constraints, const std::string& root = SIZESEL_FASHION_MNIST_DIR) {
  return R"({
  "name": "tiny",
  "dataset": {"format": "idx", "root": ")" + root + R"(", "train_limit": 300, "test_limit": 100},
  "training": {"epochs": 1, "batch_size": 50, "learning_rate": 0.05, "threads": 2},
  "candidates": [{"name": "r8", "preset": "resnet8"},
                 {"name": "mini", "block": "basic", "stages": [1], "width": 4}],
  "deployment": {"target_rate": 2000, "batch_size": 16},
  "measurement": {"warmup_runs": 1, "latency_runs": 5, "throughput_runs": 2},
  "weights": {"P": 0.8, "C": 0.2, "E": 0.1, "R": 0.1, "M": 0.1},
  "constraints": )" + constraints + "\n}";
}

}  // namespace

TEST_CASE("recommend trains real candidates on Fashion-MNIST and prints a complete JSON decision", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario(R"({"min": {"accuracy": 0.0}, "max": {"devices": 1000}})"));
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --format json");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["status"] == "recommended");
  REQUIRE(json["recommended"].is_string());
  REQUIRE(json["candidates"].size() == 2);
  for (const auto& candidate : json["candidates"]) {
    INFO(candidate.dump());
    CHECK(candidate["trained"] == true);
    CHECK(candidate["feasible"] == true);
    CHECK(candidate["excluded_by"].empty());
    const auto& m = candidate["metrics"];
    CHECK(m["accuracy"].get<double>() >= 0.0);
    CHECK(m["accuracy"].get<double>() <= 1.0);
    CHECK(m["f1_macro"].get<double>() <= 1.0);
    CHECK(m["per_class_accuracy"].size() == 10);
    CHECK(m["latency_ms_p50"].get<double>() > 0);
    CHECK(m["latency_ms_p90"].get<double>() >= m["latency_ms_p50"].get<double>());
    CHECK(m["throughput"].get<double>() > 0);
    CHECK(m["devices"].get<double>() == std::ceil(2000 / m["throughput"].get<double>()));
    CHECK(m["train_seconds"].get<double>() > 0);
    CHECK(m["inference_memory_mib"].get<double>() > 0);
    CHECK(m["latency_ms_p99"].get<double>() >= m["latency_ms_p90"].get<double>());
    CHECK(m["corruptions"].size() == 50);  // 10 corruptions x 5 severities
    CHECK(m["adversarial"].size() == 2);
    CHECK(m["fgsm_accuracy_2"].get<double>() <= 1.0);
    CHECK(m["checkpoint_mib"].get<double>() > 0);
    CHECK(m["training_memory_mib"].get<double>() > 0);
    CHECK(m["generalization_gap"].get<double>() ==
          Approx(m["train_accuracy"].get<double>() - m["accuracy"].get<double>()));
    // The full recipe defaults to this run's 1 epoch over the whole 60,000-image training split.
    CHECK(m["retrain_device_hours"].get<double>() ==
          Approx(m["train_seconds"].get<double>() / 300 * 60000 / 3600).epsilon(1e-9));
    CHECK(m["training_curve"].size() == 1);
    for (const char* criterion : {"P", "C", "E", "R", "M"}) {
      CHECK(candidate["criterion_values"][criterion].get<double>() >= 0.0);
      CHECK(candidate["criterion_values"][criterion].get<double>() <= 1.0);
    }
    for (const char* column : {"accuracy", "f1_macro", "devices", "faithfulness", "corruption_robustness",
                               "fgsm_robustness", "generalization_gap", "retrain_device_hours", "checkpoint_mib",
                               "accuracy_std"}) {
      CHECK(candidate["criteria"].contains(column));
      CHECK(candidate["normalized"][column].get<double>() >= 0.0);
    }
    CHECK(candidate["runs"].size() == 1);
    CHECK(candidate["runs"][0]["cached"] == false);
    CHECK(candidate["score"].is_number());
  }
  // resnet8 on 1x28x28: He et al.'s 75,290 parameters less 2*16*9 stem weights for 1 input channel.
  CHECK(json["candidates"][0]["metrics"]["params"] == 75002);
  CHECK(json["candidates"][0]["metrics"]["depth"] == 8);
  // The recommendation is the feasible candidate with the highest score.
  const auto& a = json["candidates"][0];
  const auto& b = json["candidates"][1];
  const auto expected = a["score"].get<double>() >= b["score"].get<double>() ? a["name"] : b["name"];
  CHECK(json["recommended"] == expected);
  CHECK(json["run"]["dataset"]["train_images"] == 300);
  CHECK(json["run"]["dataset"]["test_images"] == 100);
  CHECK(json["run"]["omp_wait_policy"] == "PASSIVE");  // restarted for honest timings before training
  CHECK(json["run"]["scenario_sha256"] == cli_support::sha256sum(dir, scenario));
  CHECK(json["run"]["seeds"] == nlohmann::json::array({json["candidates"][0]["runs"][0]["seed"]}));
  // stderr is a file: whole lines only, each epoch and measurement with the run's timing.
  CHECK_THAT(run.err, Catch::Matches(R"([\s\S]*\[1/2 r8\] epoch 1/1: loss [0-9.]+, train acc [0-9.]+, [0-9]+ images/s, )"
                                     R"([0-9.]+ s \| elapsed [0-9]+ s, over [0-9]+ s left\n[\s\S]*)"));
  CHECK_THAT(run.err, Catch::Contains("[1/2 r8] measuring: test accuracy"));
  CHECK_THAT(run.err, Catch::Matches(R"([\s\S]*\[2/2 mini\] test accuracy [^\n]* \| elapsed [0-9]+ s, about 0 s left\n[\s\S]*)"));
  CHECK(run.err.find('\r') == std::string::npos);
  // The same decision from the cache, as CSV: the JSON's numbers, row by row.
  const Run csv = sizesel(dir, "recommend '" + scenario.string() + "' --format csv -q");
  REQUIRE(csv.exit_code == 0);
  cli_support::check_csv_matches_json(csv.out, json);
  CHECK(cli_support::csv_rows(csv.out)[1][1] == "measured");
  // A policy the user chose is kept.
  const Run active = sizesel(dir, "recommend '" + scenario.string() + "' --format json --no-cache -q", "OMP_WAIT_POLICY=ACTIVE ");
  REQUIRE(active.exit_code == 0);
  CHECK(nlohmann::json::parse(active.out)["run"]["omp_wait_policy"] == "ACTIVE");
}

TEST_CASE("on a terminal, progress also keeps a live line that follows every step, cleared at the end", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario(R"({"min": {"accuracy": 0.0}})"));
  const auto output = dir.path() / "result.json";
  const auto typescript = dir.path() / "typescript";
  // script(1) (util-linux) runs the command on a pseudo-terminal and records what it shows.
  const std::string command = "recommend '" + scenario.string() + "' --no-cache -o '" + output.string() + "'";
  const Run run = sizesel(dir, "", "TERM=xterm script -qec \"'" + std::string(SIZESEL_BINARY) + "' " + command +
                                       "\" '" + typescript.string() + "' >/dev/null; : ");
  REQUIRE(fs::exists(output));
  const std::string shown = read_file(typescript);
  INFO(shown);
  // The first step of an epoch is always shown (later ones at most every 250 ms).
  CHECK_THAT(shown, Catch::Matches(R"([\s\S]*\r\x1b\[K\[1/2 r8\] epoch 1/1 [0-9]+%: loss [\s\S]*)"));
  CHECK_THAT(shown, Catch::Contains("\r\x1b[K[1/2 r8] epoch 1/1: loss"));  // cleared, then the epoch's line
  CHECK_THAT(shown, Catch::Contains("\r\x1b[K[2/2 mini] measuring: "));
}

TEST_CASE("no feasible candidate exits 3 and names the constraint and the shortfall of each", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario(R"({"min": {"accuracy": 1.0}})"));
  const auto output = dir.path() / "result.json";
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --format json --quiet -o '" + output.string() + "'");
  INFO(run.err);
  CHECK(run.exit_code == 3);
  CHECK(run.err.empty());  // --quiet
  CHECK(run.out.empty());  // the result went to the file
  const auto json = nlohmann::json::parse(read_file(output));
  CHECK(json["status"] == "infeasible");
  CHECK(json["recommended"].is_null());
  for (const auto& candidate : json["candidates"]) {
    CHECK(candidate["feasible"] == false);
    REQUIRE(candidate["excluded_by"].size() == 1);
    const auto& exclusion = candidate["excluded_by"][0];
    CHECK(exclusion["metric"] == "accuracy");
    CHECK(exclusion["limit"] == 1.0);
    CHECK(exclusion["shortfall"].get<double>() == Approx(1.0 - exclusion["value"].get<double>()));
  }
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".tmp") == std::string::npos);
  }
}

TEST_CASE("the text report shows the table, the exclusions and the recommendation", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario(R"({"max": {"params": 10000}})"));
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --quiet");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.out, Catch::Contains("Recommendation: mini"));
  CHECK_THAT(run.out, Catch::Contains("excluded: params <= 10000 (got 75002, over by 65002)"));
  CHECK_THAT(run.out, Catch::Contains("Criteria (each the sub-weighted mean of its normalised sub-criteria"));
  CHECK_THAT(run.out, Catch::Contains("C: devices min [1]"));
  CHECK_THAT(run.out, Catch::Contains("Accuracy under CIFAR-10-C corruptions"));
}

TEST_CASE("scenario errors exit 1 with one line naming the file and the field", "[cli]") {
  TempDir dir;
  const auto scenario = dir.write("bad.json", R"({"dataset": {"format": "idx", "root": "x"},
    "training": {"epochs": 0}, "candidates": [{"name": "a", "preset": "resnet8"}], "weights": {"P": 1}})");
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "'");
  CHECK(run.exit_code == 1);
  CHECK(run.err == "sizesel: error: " + scenario.string() + ": /training/epochs: must be in [1, 100000] (got 0)\n");
  CHECK(run.out.empty());
}

TEST_CASE("a missing dataset exits 2 naming the file, and usage errors exit 1", "[cli]") {
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario("{}", (dir.path() / "nowhere").string()));
  const Run missing = sizesel(dir, "recommend '" + scenario.string() + "'");
  CHECK(missing.exit_code == 2);
  CHECK_THAT(missing.err, Catch::Contains(scenario.string() + ": /dataset: "));  // the scenario's field first
  CHECK_THAT(missing.err, Catch::Contains("nowhere"));
  CHECK_THAT(missing.err, Catch::Contains("not found"));
  const Run usage = sizesel(dir, "recommend");
  CHECK(usage.exit_code == 1);
  CHECK_THAT(usage.err, Catch::StartsWith("sizesel: error: "));
  CHECK(usage.err.find('\n') == usage.err.size() - 1);
  const Run unwritable = sizesel(dir, "recommend '" + scenario.string() + "' -o '" + (dir.path() / "no/such/dir/r.json").string() + "'");
  CHECK(unwritable.exit_code == 1);
  CHECK_THAT(unwritable.err, Catch::Contains("r.json: --output cannot be written"));
  CHECK(sizesel(dir, "frobnicate").exit_code == 1);
  CHECK(sizesel(dir, "recommend '" + scenario.string() + "' --format yaml").exit_code == 1);
  const Run version = sizesel(dir, "--version");
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::Contains("libtorch"));
}

TEST_CASE("recommend runs on the real CIFAR-10 binary files", "[cli][real]") {
  const fs::path root = SIZESEL_CIFAR10_DIR;
  if (!fs::exists(root / "test_batch.bin")) {
    WARN("skipped: CIFAR-10 not found at " SIZESEL_CIFAR10_DIR);
    return;
  }
  TempDir dir;
  const auto scenario = dir.write("s.json", R"({
    "dataset": {"format": "cifar10-bin", "root": ")" + root.string() + R"(", "train_limit": 200, "test_limit": 100},
    "training": {"epochs": 1, "batch_size": 50},
    "candidates": [{"name": "mini", "block": "basic", "stages": [1, 1], "width": 4}],
    "measurement": {"warmup_runs": 1, "latency_runs": 3, "throughput_runs": 1},
    "weights": {"P": 1}})");
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --format json --quiet");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["recommended"] == "mini");
  CHECK(json["run"]["dataset"]["input_shape"] == nlohmann::json::array({3, 32, 32}));
  CHECK(json["run"]["dataset"]["classes"] == 10);
}

TEST_CASE("device cuda on a CPU-only libtorch exits 2 naming the field and the build", "[cli]") {
  TempDir dir;
  if (sizesel(dir, "--version").out.find("CPU only") == std::string::npos) {
    WARN("skipped: this sizesel was built with CUDA");
    return;
  }
  std::string text = tiny_scenario("{}");
  text.replace(text.find(R"("threads": 2)"), 12, R"("threads": 2, "device": "cuda")");
  const auto scenario = dir.write("s.json", text);
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "'");
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Catch::Contains(scenario.string() + ": /training/device: device \"cuda\": this sizesel was built"));
  CHECK(run.out.empty());
}

TEST_CASE("an architecture too large to build is a scenario error naming the candidate, not a stack trace", "[cli]") {
  SKIP_WITHOUT_FASHION_MNIST();
  SKIP_UNDER_ADDRESS_SPACE_LIMIT();
  TempDir dir;
  std::string text = tiny_scenario("{}");
  text.replace(text.find(R"({"name": "mini")"), 15,
               R"({"name": "huge", "stages": [1, 1, 1], "width": 4096, "max_width": 65536}, {"name": "mini")");
  const auto scenario = dir.write("s.json", text);
  // 16384-channel 3x3 convolutions need about 10 GB; a 4 GB address-space limit makes that fail at once.
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' -q", "ulimit -v 4000000; ");
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains(scenario.string() + ": /candidates/1: cannot be built"));
  CHECK(run.err.find("frame #") == std::string::npos);
  CHECK(run.err.find('\n') == run.err.size() - 1);
}

TEST_CASE("a candidate that runs out of memory while training fails alone, in one line, and the rest decide",
          "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  SKIP_UNDER_ADDRESS_SPACE_LIMIT();
  TempDir dir;
  // One batch of all 6000 images: huge's first convolution output, 6000 x 1024 x 28 x 28
  // floats, is 19 GB; its 75 MB of weights are built before any training without trouble.
  // mini needs well under 2 GB, so an 8 GB address-space limit fails only huge's training.
  const auto scenario = dir.write("s.json", R"({"name": "oom",
  "dataset": {"format": "idx", "root": ")" SIZESEL_FASHION_MNIST_DIR R"(", "train_limit": 6000, "test_limit": 100},
  "training": {"epochs": 1, "batch_size": 6000, "learning_rate": 0.05, "threads": 2},
  "candidates": [{"name": "huge", "block": "basic", "stages": [1], "width": 1024, "max_width": 1024},
                 {"name": "mini", "block": "basic", "stages": [1], "width": 4}],
  "deployment": {"target_rate": 2000, "batch_size": 16},
  "measurement": {"warmup_runs": 1, "latency_runs": 5, "throughput_runs": 2, "robustness_images": 20,
                  "saliency_images": 4, "deletion_steps": 2, "corruptions": ["contrast"], "severities": [1]},
  "weights": {"P": 1}})");
  // In this process, and as two `sizesel evaluate` jobs (each under the same limit).
  for (const std::string jobs : {"", " --jobs 2"}) {
    INFO(jobs);
    TempDir cache;
    // The failed job's log stays: in this test's folder.
    const std::string limit = "export TMPDIR='" + cache.path().string() + "'; ulimit -v 8000000; ";
    const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --format json --cache-dir '" +
                                     cache.path().string() + "'" + jobs, limit);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);  // a recommendation was made: one failed candidate is not an error
    const auto json = nlohmann::json::parse(run.out);
    const auto& huge = json["candidates"][0];
    CHECK(huge["trained"] == false);
    const std::string failure = huge["failure"].get<std::string>();
    CHECK_THAT(failure, Catch::StartsWith("out of memory: libtorch could not allocate"));
    CHECK(failure.find('\n') == std::string::npos);
    CHECK(json["candidates"][1]["trained"] == true);
    CHECK(json["recommended"] == "mini");
    CHECK(json["status"] == "recommended");
    CHECK_THAT(run.err, Catch::Contains("[1/2 huge] failed: out of memory: libtorch could not allocate "));
    CHECK(run.err.find("enforce fail") == std::string::npos);
    CHECK(run.err.find("frame #") == std::string::npos);
    if (jobs.empty()) {
      CHECK(json["run"]["executor"].is_null());
      continue;
    }
    const auto& executor = json["run"]["executor"];
    CHECK(executor["name"] == "local");
    CHECK(executor["jobs"] == 2);
    CHECK(executor["threads"] == 1);  // training.threads 2, split between two jobs
    CHECK(executor["evaluated"] == 1);
    CHECK(executor["failed"] == 1);
    CHECK(json["run"]["threads"] == 1);  // the keys the jobs stored under
    CHECK(json["run"]["cache"]["hits"] == 1);
    // The failed job's log stays, named in the first line; the rerun submits only what is missing.
    CHECK_THAT(run.err, Catch::Contains("2 evaluations to run, 2 at a time x 1 thread (logs in " + cache.path().string()));
    CHECK_THAT(run.err, Catch::Contains("1 from the cache, 0 to train, 1 failed in other processes"));
    const Run again = sizesel(dir, "recommend '" + scenario.string() + "' --format json -q --cache-dir '" +
                                       cache.path().string() + "'" + jobs, limit);
    REQUIRE(again.exit_code == 0);
    CHECK(nlohmann::json::parse(again.out)["run"]["executor"]["evaluated"] == 0);
    CHECK(nlohmann::json::parse(again.out)["run"]["executor"]["failed"] == 1);
  }
}

TEST_CASE("deletion steps beyond the image's pixels stop the run before any training", "[cli]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::string text = tiny_scenario("{}");
  text.replace(text.find(R"("throughput_runs": 2)"), 20, R"("throughput_runs": 2, "deletion_steps": 785)");
  const auto scenario = dir.write("s.json", text);
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "'");
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains(scenario.string() + ": /measurement/deletion_steps: must be at most the image's H*W = 784 (got 785)"));
  CHECK(run.err.find("epoch") == std::string::npos);
}

TEST_CASE("recommend in mixture mode shares the load among trained candidates with the same decision core",
          "[cli][real]") {
  SKIP_SLOW_UNDER_SANITIZERS();
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::string text = tiny_scenario(R"({"max": {"devices": 2}, "per_option": {"max": {"latency_ms_p50": 1000}}})");
  text.replace(text.find(R"("name": "tiny",)"), 15, R"("name": "tiny", "decision": {"mode": "mixture", "normalization": "raw"},)");
  const auto scenario = dir.write("s.json", text);
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --format json -q");
  INFO(run.err);
  REQUIRE((run.exit_code == 0 || run.exit_code == 3));
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["mode"] == "mixture");
  CHECK(json["normalization"] == "raw");
  CHECK(json["constraints"][1]["scope"] == "option");
  if (run.exit_code == 0) {
    double total = 0;
    for (const auto& candidate : json["candidates"]) total += candidate["share"].get<double>();
    CHECK(total == Approx(1.0));
    CHECK(json["mixture"]["constraints"][0]["constraint"] == "devices <= 2");
    CHECK(json["stability"]["weights"].size() == 5);
  }
}

TEST_CASE("a second recommend changing only weights or constraints decides from the cache without training",
          "[cli][real][cache]") {
  SKIP_SLOW_UNDER_SANITIZERS();
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto first_file = dir.write("first.json", tiny_scenario(R"({"max": {"devices": 100}})"));
  const Run first = sizesel(dir, "recommend '" + first_file.string() + "' --format json");
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.err, Catch::Contains("0 from the cache, 2 to train"));

  std::string changed = tiny_scenario(R"({"min": {"accuracy": 0.01}})");
  changed.replace(changed.find(R"("P": 0.8)"), 8, R"("P": 0.1)");
  const auto second_file = dir.write("second.json", changed);
  const Run second = sizesel(dir, "recommend '" + second_file.string() + "' --format json");
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.err, Catch::Contains("2 from the cache, 0 to train"));
  CHECK(second.err.find("epoch") == std::string::npos);
  const auto a = nlohmann::json::parse(first.out);
  const auto b = nlohmann::json::parse(second.out);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(b["candidates"][i]["runs"][0]["cached"] == true);
    CHECK(a["candidates"][i]["metrics"] == b["candidates"][i]["metrics"]);  // exactly the stored numbers
  }
  CHECK(b["run"]["cache"]["hits"] == 2);
  CHECK(b["run"]["dataset"]["train_images"] == 300);  // known without loading the data

  // A setting that changes the measurements misses.
  std::string longer = tiny_scenario(R"({"max": {"devices": 100}})");
  longer.replace(longer.find(R"("epochs": 1)"), 11, R"("epochs": 2)");
  const Run third = sizesel(dir, "recommend '" + dir.write("third.json", longer).string() + "' -q --format json");
  REQUIRE(third.exit_code == 0);
  CHECK(nlohmann::json::parse(third.out)["run"]["cache"]["misses"] == 2);

  // A damaged entry is noticed, retrained and stored whole again.
  const Run list = sizesel(dir, "cache list");
  CHECK_THAT(list.out, Catch::Contains("4 entries"));
  std::filesystem::path entry;
  for (const auto& item : std::filesystem::recursive_directory_iterator(dir.path() / "cache")) {
    if (item.path().extension() == ".json") entry = item.path();
  }
  std::ofstream(entry, std::ios::trunc) << "{\"cache_format\": 1, \"key\": \"trunc";
  const Run damaged = sizesel(dir, "cache list");
  CHECK_THAT(damaged.out, Catch::Contains("DAMAGED"));
  const Run again = sizesel(dir, "recommend '" + first_file.string() + "' --format json");
  const Run again_longer = sizesel(dir, "recommend '" + dir.path().string() + "/third.json' --format json");
  CHECK((again.exit_code == 0 && again_longer.exit_code == 0));
  CHECK_THAT(again.err + again_longer.err, Catch::Contains("damaged cache entry"));
  CHECK(sizesel(dir, "cache list").out.find("DAMAGED") == std::string::npos);
  const Run cleared = sizesel(dir, "cache clear");
  CHECK_THAT(cleared.out, Catch::Contains("removed 4 entries"));
  const Run uncached = sizesel(dir, "recommend '" + first_file.string() + "' --no-cache -q --format json");
  CHECK(nlohmann::json::parse(uncached.out)["run"]["cache"]["dir"].is_null());
  CHECK_THAT(sizesel(dir, "cache list").out, Catch::Contains("0 entries"));
}

TEST_CASE("repeats train each candidate with successive seeds and report means, spreads and bounds",
          "[cli][real]") {
  SKIP_SLOW_UNDER_SANITIZERS();
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::string text = tiny_scenario(R"({"min": {"accuracy": 0.01}, "confidence": 0.9})");
  text.replace(text.find(R"("threads": 2)"), 12, R"("threads": 2, "repeats": 3, "seed": 7)");
  const Run run = sizesel(dir, "recommend '" + dir.write("s.json", text).string() + "' --format json");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["run"]["repeats"] == 3);
  CHECK(json["run"]["confidence"] == 0.9);
  for (const auto& candidate : json["candidates"]) {
    REQUIRE(candidate["runs"].size() == 3);
    double sum = 0;
    for (std::size_t r = 0; r < 3; ++r) {
      CHECK(candidate["runs"][r]["seed"] == 7 + r);
      sum += candidate["runs"][r]["metrics"]["accuracy"].get<double>();
    }
    CHECK(candidate["metrics"]["accuracy"].get<double>() == Approx(sum / 3));
    CHECK(candidate["metrics"]["accuracy_std"].get<double>() == Approx(candidate["metrics_std"]["accuracy"].get<double>()));
    CHECK(candidate["metrics_std"].contains("latency_ms_p50"));
  }
  CHECK_THAT(run.err, Catch::Contains("seed 8] epoch 1/1"));
}

TEST_CASE("batch decides scenarios and tables in one go: JSON Lines, a summary, the worst exit code", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "ci");
  dir.write("ci/a_tiny.json", tiny_scenario(R"({"max": {"devices": 100}})"));
  std::ifstream study(std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json");
  std::string table((std::istreambuf_iterator<char>(study)), std::istreambuf_iterator<char>());
  dir.write("ci/b_table.json", table);
  table.replace(table.find(R"("min": {"P": 95})"), 16, R"("min": {"P": 99.9})");
  dir.write("ci/c_infeasible.json", table);
  const Run run = sizesel(dir, "batch '" + (dir.path() / "ci").string() + "' --format json -q");
  INFO(run.err);
  CHECK(run.exit_code == 3);
  std::istringstream lines(run.out);
  std::vector<nlohmann::json> results;
  for (std::string line; std::getline(lines, line);) results.push_back(nlohmann::json::parse(line));
  REQUIRE(results.size() == 3);
  CHECK(results[0]["status"] == "recommended");
  CHECK(results[0]["candidates"].size() == 2);
  CHECK(results[1]["recommended"] == "s3");
  CHECK(results[2]["status"] == "infeasible");
  CHECK(results[2]["exit_code"] == 3);
  CHECK_THAT(results[2]["file"].get<std::string>(), Catch::EndsWith("c_infeasible.json"));
  CHECK_THAT(run.err, Catch::Contains("3 files: 2 recommended, 1 infeasible, 0 failed; exit 3"));

  dir.write("ci/d_broken.json", "{");
  const Run broken = sizesel(dir, "batch '" + (dir.path() / "ci").string() + "' -q");
  CHECK(broken.exit_code == 1);
  CHECK_THAT(broken.out, Catch::Contains("d_broken.json"));
  CHECK_THAT(broken.out, Catch::Contains("4 files: 2 recommended, 1 infeasible, 1 failed; exit 1"));
}

TEST_CASE("scripts/ci-example.sh passes on configs/ci and fails a folder with an infeasible scenario", "[cli][real]") {
  SKIP_SLOW_UNDER_SANITIZERS();
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const std::string script = std::string(SIZESEL_SOURCE_DIR) + "/scripts/ci-example.sh";
  const std::string env = "SIZESEL_CACHE_DIR='" + (dir.path() / "cache").string() + "' ";
  const std::string results = (dir.path() / "results.jsonl").string();
  const int ok = std::system((env + "'" + script + "' '" + SIZESEL_SOURCE_DIR + "/configs/ci' '" + results +
                              "' > /dev/null 2>&1").c_str());
  CHECK(WEXITSTATUS(ok) == 0);
  CHECK_THAT(read_file(results), Catch::Contains("\"exit_code\":0"));
  std::ifstream study(std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json");
  std::string table((std::istreambuf_iterator<char>(study)), std::istreambuf_iterator<char>());
  table.replace(table.find(R"("min": {"P": 95})"), 16, R"("min": {"P": 99.9})");
  std::filesystem::create_directories(dir.path() / "bad");
  dir.write("bad/infeasible.json", table);
  const int failed = std::system((env + "'" + script + "' '" + (dir.path() / "bad").string() + "' '" + results +
                                  "' > /dev/null 2>&1").c_str());
  CHECK(WEXITSTATUS(failed) == 3);
}

namespace {

// Four candidates over 3 epochs (36 steps) on 600 Fashion-MNIST images; `wide` (about 103 M
// MACs) breaks the MACs limit of 20 M.
std::string racing_scenario(const std::string& early_stopping) {
  return R"({
  "name": "race",
  "dataset": {"format": "idx", "root": ")" SIZESEL_FASHION_MNIST_DIR R"(", "train_limit": 600, "test_limit": 200},
  "training": {"epochs": 3, "batch_size": 50, "learning_rate": 0.05, "threads": 2},
  "candidates": [{"name": "r8", "preset": "resnet8"}, {"name": "r14", "preset": "resnet14"},
                 {"name": "mini", "block": "basic", "stages": [1], "width": 4},
                 {"name": "wide", "block": "basic", "stages": [1, 1], "width": 64}],
  "deployment": {"target_rate": 2000, "batch_size": 16},
  "measurement": {"warmup_runs": 1, "latency_runs": 10, "throughput_runs": 3, "robustness_images": 100,
                  "saliency_images": 20, "deletion_steps": 8, "corruptions": ["gaussian_noise", "contrast"]},
  "weights": {"P": 0.8, "C": 0.2, "E": 0.1, "R": 0.1, "M": 0.1},
  "constraints": {"min": {"accuracy": 0.1}, "max": {"macs": 20000000}})" +
         early_stopping + "\n}";
}

}  // namespace

TEST_CASE("early stopping skips what breaks a cost limit, races the rest, and finishes survivors exactly",
          "[cli][real][early]") {
  SKIP_SLOW_UNDER_SANITIZERS();
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto raced_file = dir.write("raced.json", racing_scenario(R"(, "early_stopping": {"rungs": [0.34, 0.67], "keep": 0.5})"));
  const Run raced = sizesel(dir, "recommend '" + raced_file.string() + "' --format json");
  INFO(raced.err);
  REQUIRE(raced.exit_code == 0);
  const auto a = nlohmann::json::parse(raced.out);
  CHECK(a["candidates"][3]["stopped"]["after"] == 0);
  CHECK_THAT(a["candidates"][3]["stopped"]["reason"].get<std::string>(),
             Catch::Contains("macs = 1.03213e+08 exceeds the maximum 2e+07"));
  CHECK(raced.err.find("[4/4 wide] epoch") == std::string::npos);  // never trained
  // Three raced: after 12 of the 36 steps the best two go on, after 24 the best one.
  int stopped_after_1 = 0, stopped_after_2 = 0;
  std::size_t survivor = 99;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& stopped = a["candidates"][i]["stopped"];
    if (stopped.is_null()) {
      survivor = i;
    } else {
      stopped_after_1 += stopped["after"].get<double>() == Approx(12.0 / 36);
      stopped_after_2 += stopped["after"].get<double>() == Approx(24.0 / 36);
      CHECK(a["candidates"][i]["trained"] == false);
      CHECK(a["candidates"][i]["runs"][0]["metrics"].is_null());  // nothing measured in full
    }
  }
  CHECK(stopped_after_1 == 1);
  CHECK(stopped_after_2 == 1);
  REQUIRE(survivor < 3);
  CHECK(a["recommended"] == a["candidates"][survivor]["name"]);
  const auto& early = a["run"]["early_stopping"];
  CHECK(early["rungs"] == nlohmann::json::array({0.34, 0.67}));
  CHECK(early["training_macs"].get<double>() < 0.5 * early["full_training_macs"].get<double>());

  // Rerun: the survivor is cached and holds the one place; nothing more is trained.
  const Run again = sizesel(dir, "recommend '" + raced_file.string() + "' --format json -q");
  REQUIRE(again.exit_code == 0);
  const auto rerun = nlohmann::json::parse(again.out);
  CHECK(rerun["recommended"] == a["recommended"]);
  CHECK(rerun["run"]["cache"]["trained"] == 0);

  // The same scenario in full: the survivor comes from the cache, because resumed training
  // gives exactly what training in one go gives; the others are trained now.
  const auto full_file = dir.write("full.json", racing_scenario(""));
  const Run full = sizesel(dir, "recommend '" + full_file.string() + "' --format json");
  INFO(full.err);
  REQUIRE(full.exit_code == 0);
  const auto b = nlohmann::json::parse(full.out);
  CHECK(b["run"]["cache"]["hits"] == 1);
  CHECK(b["candidates"][survivor]["runs"][0]["cached"] == true);
  CHECK(b["run"]["early_stopping"].is_null());
  CHECK(b["candidates"][3]["trained"] == true);

  // Without the cache, the survivor trained in one go measures the same quality.
  const Run fresh = sizesel(dir, "recommend '" + full_file.string() + "' --format json --no-cache -q");
  REQUIRE(fresh.exit_code == 0);
  const auto c = nlohmann::json::parse(fresh.out);
  for (const char* metric : {"accuracy", "f1_macro", "final_train_loss", "mean_corruption_accuracy", "faithfulness"}) {
    INFO(metric);
    CHECK(c["candidates"][survivor]["metrics"][metric] == a["candidates"][survivor]["metrics"][metric]);
  }
}

TEST_CASE("early stopping with every candidate over a cost limit trains nothing and exits 3", "[cli][real][early]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::string text = racing_scenario(R"(, "early_stopping": {})");
  text.replace(text.find("20000000"), 8, "10");
  const Run run = sizesel(dir, "recommend '" + dir.write("s.json", text).string() + "'");
  INFO(run.err);
  CHECK(run.exit_code == 3);
  CHECK(run.err.find("epoch") == std::string::npos);
  CHECK_THAT(run.out, Catch::Contains("STOPPED r8 before training: macs = "));
  CHECK_THAT(run.out, Catch::Contains("No candidate meets the cost constraints"));
  const Run json = sizesel(dir, "recommend '" + (dir.path() / "s.json").string() + "' --format json -q");
  CHECK(json.exit_code == 3);
  CHECK(nlohmann::json::parse(json.out)["status"] == "infeasible");
}

TEST_CASE("a model that measures a non-finite value fails as a candidate, not the run", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  // A learning rate of 100 wrecks r8 without a non-finite loss: its deletion test measures NaN.
  const auto file = dir.write("s.json", R"({"name": "wrecked",
  "dataset": {"format": "idx", "root": ")" SIZESEL_FASHION_MNIST_DIR R"(", "train_limit": 300, "test_limit": 100},
  "training": {"epochs": 2, "batch_size": 64, "augment": false, "threads": 2, "learning_rate": 100, "schedule": "constant"},
  "candidates": [{"name": "r8", "preset": "resnet8"}, {"name": "narrow", "block": "basic", "stages": [1, 1], "width": 8}],
  "deployment": {"target_rate": 5000, "batch_size": 32},
  "measurement": {"latency_runs": 10, "throughput_runs": 3, "robustness_images": 100, "saliency_images": 20,
                  "deletion_steps": 8, "corruptions": ["gaussian_noise"]},
  "weights": {"P": 0.8, "C": 0.2, "E": 0.1, "R": 0.1, "M": 0.1}})");
  const Run run = sizesel(dir, "recommend '" + file.string() + "' --format json -q");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto report = nlohmann::json::parse(run.out);
  CHECK(report["candidates"][0]["trained"] == false);
  CHECK_THAT(report["candidates"][0]["failure"].get<std::string>(), Catch::Contains("after training: the model diverged"));
  CHECK(report["recommended"] == "narrow");
}
TEST_CASE("early_stopping settings are checked: increasing rungs below 1 and a keep share above 0 up to 1", "[cli]") {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"rungs": [0.5, 0.25]})", "/early_stopping/rungs/1: must be a share of the training above 0.5 and below 1 (got 0.25)"},
      {R"({"rungs": [1]})", "/early_stopping/rungs/0: must be a share of the training above 0 and below 1 (got 1)"},
      {R"({"rungs": 0.5})", "/early_stopping/rungs: must be an array of shares of the training (got 0.5)"},
      {R"({"keep": 0})", "/early_stopping/keep: must be in (0, 1] (got 0)"},
      {R"({"keep": 1.5})", "/early_stopping/keep: must be in (0, 1] (got 1.5)"},
      {R"({"kep": 0.5})", "/early_stopping/kep: unknown key; did you mean \"keep\"?"},
  };
  for (const auto& [setting, message] : cases) {
    const auto file = dir.write("s.json", racing_scenario(", \"early_stopping\": " + setting));
    const Run run = sizesel(dir, "recommend '" + file.string() + "'");
    INFO(setting);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains(file.string() + ": " + message));
  }
}

namespace {

// Starts `recommend SCENARIO` in the background, waits until its progress shows epoch 1 done,
// sends `signal`, and returns the exit status the shell saw.
int interrupted_run(const TempDir& dir, const fs::path& scenario, const std::string& signal) {
  const std::string e = (dir.path() / "interrupted.err").string();
  const std::string script = "SIZESEL_CACHE_DIR='" + (dir.path() / "cache").string() + "' '" + SIZESEL_BINARY +
                             "' recommend '" + scenario.string() + "' > /dev/null 2> '" + e + "' & pid=$!; " +
                             "for i in $(seq 1200); do grep -q 'epoch 1/3' '" + e + "' && break; sleep 0.05; done; " +
                             "kill -" + signal + " $pid; wait $pid; exit $?";
  const fs::path file = dir.path() / "interrupt.sh";
  std::ofstream(file) << script << '\n';
  const int status = std::system(("bash '" + file.string() + "'").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::size_t checkpoints_in(const fs::path& folder) {
  std::size_t count = 0;
  if (!fs::exists(folder)) return 0;
  for (const auto& item : fs::recursive_directory_iterator(folder)) count += item.path().extension() == ".ckpt";
  return count;
}

}  // namespace

TEST_CASE("a run killed mid-training resumes from its last epoch and gives the uninterrupted result",
          "[cli][real][resume]") {
  SKIP_SLOW_UNDER_SANITIZERS();
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", R"({"name": "resume",
  "dataset": {"format": "idx", "root": ")" SIZESEL_FASHION_MNIST_DIR R"(", "train_limit": 3000, "test_limit": 200},
  "training": {"epochs": 3, "batch_size": 100, "learning_rate": 0.05, "threads": 2},
  "candidates": [{"name": "r8", "preset": "resnet8"}],
  "deployment": {"target_rate": 1000, "batch_size": 16},
  "measurement": {"warmup_runs": 1, "latency_runs": 5, "throughput_runs": 2, "robustness_images": 100,
                  "saliency_images": 10, "deletion_steps": 4, "corruptions": ["contrast"]},
  "weights": {"P": 1}})");
  const Run reference = sizesel(dir, "recommend '" + scenario.string() + "' --format json --no-cache -q");
  REQUIRE(reference.exit_code == 0);

  // kill -9 after the first epoch: its checkpoint survives, and a rerun resumes from it.
  const int killed = interrupted_run(dir, scenario, "9");
  CHECK(killed == 128 + 9);
  CHECK(checkpoints_in(dir.path() / "cache") == 1);
  const Run resumed = sizesel(dir, "recommend '" + scenario.string() + "' --format json");
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Catch::Contains("resumed from its checkpoint after epoch"));
  const auto a = nlohmann::json::parse(reference.out)["candidates"][0]["metrics"];
  const auto b = nlohmann::json::parse(resumed.out)["candidates"][0]["metrics"];
  for (const char* metric : {"accuracy", "f1_macro", "final_train_loss", "train_accuracy", "faithfulness"}) {
    INFO(metric);
    CHECK(a[metric] == b[metric]);
  }
  for (std::size_t epoch = 0; epoch < 3; ++epoch) CHECK(a["training_curve"][epoch]["loss"] == b["training_curve"][epoch]["loss"]);
  CHECK(checkpoints_in(dir.path() / "cache") == 0);  // the finished entry supersedes it

  // SIGTERM: a clear message, exit 130, the checkpoint kept.
  TempDir other;
  const int terminated = interrupted_run(other, scenario, "TERM");
  CHECK(terminated == 130);
  CHECK_THAT(read_file(other.path() / "interrupted.err"), Catch::Contains("sizesel: interrupted (interrupted at epoch"));
  CHECK(checkpoints_in(other.path() / "cache") == 1);

  // That checkpoint damaged by one flipped byte: refused by its checksum, training starts over
  // and still gives the uninterrupted result.
  for (const auto& item : fs::recursive_directory_iterator(other.path() / "cache")) {
    if (item.path().extension() != ".ckpt") continue;
    std::fstream file(item.path(), std::ios::binary | std::ios::in | std::ios::out);
    const auto middle = static_cast<std::streamoff>(fs::file_size(item.path()) / 2);
    file.seekg(middle);
    const char byte = static_cast<char>(file.get() ^ 0x01);
    file.seekp(middle);
    file.put(byte);
  }
  const Run restarted = sizesel(other, "recommend '" + scenario.string() + "' --format json");
  INFO(restarted.err);
  REQUIRE(restarted.exit_code == 0);
  CHECK_THAT(restarted.err, Catch::Contains("ignored its checkpoint, training from the start: ") &&
                                Catch::Contains("fails its checksum"));
  CHECK_THAT(restarted.err, !Catch::Contains("resumed from its checkpoint"));
  const auto c = nlohmann::json::parse(restarted.out)["candidates"][0]["metrics"];
  CHECK(a["accuracy"] == c["accuracy"]);
  CHECK(a["final_train_loss"] == c["final_train_loss"]);
}

TEST_CASE("a full disk or an unwritable folder gives a one-line error, and nothing half-written", "[cli]") {
  TempDir dir;
  const std::string table = std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json";
  const Run full = sizesel(dir, "solve '" + table + "' -o /dev/full");
  CHECK(full.exit_code == 2);
  CHECK(full.err == "sizesel: error: /dev/full: write failed (disk full?)\n");
  const Run unwritable = sizesel(dir, "solve '" + table + "' -o /proc/sizesel-result.json");
  CHECK(unwritable.exit_code == 1);
  CHECK_THAT(unwritable.err, Catch::Contains("/proc/sizesel-result.json: --output cannot be written"));
  CHECK(unwritable.err.find('\n') == unwritable.err.size() - 1);
}

TEST_CASE("a results cache folder no one can write stops recommend before the data is loaded, in one line",
          "[cli][cache]") {
  TempDir dir;
  // The dataset is not there: reaching it would be a different error.
  const auto scenario = dir.write("s.json", tiny_scenario("{}", (dir.path() / "nowhere").string()));
  const std::string file = dir.write("a-file", "x").string();
  for (const std::string& folder : {std::string("/proc/sizesel-cache"), file + "/cache"}) {
    INFO(folder);
    const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --cache-dir '" + folder + "'");
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::StartsWith("sizesel: error: " + folder + ": the results cache folder cannot be written ("));
    CHECK_THAT(run.err, Catch::EndsWith("or pass --no-cache\n"));
    CHECK(run.err.find('\n') == run.err.size() - 1);  // nothing before it: no progress, no data loaded
    CHECK(run.out.empty());
  }
  // SIZESEL_CACHE_DIR the same; --no-cache goes past it, to the missing dataset.
  const auto err = dir.path() / "env.err";
  const std::string command = "SIZESEL_CACHE_DIR=/proc/sizesel-cache '" SIZESEL_BINARY "' recommend '" +
                              scenario.string() + "'";
  const int status = std::system((command + " > /dev/null 2> '" + err.string() + "'").c_str());
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(read_file(err) == "sizesel: error: /proc/sizesel-cache: the results cache folder cannot be written (No such "
                          "file or directory); give a writable one with --cache-dir or SIZESEL_CACHE_DIR, or pass "
                          "--no-cache\n");
  const int uncached = std::system((command + " --no-cache -q > /dev/null 2> '" + err.string() + "'").c_str());
  CHECK(WEXITSTATUS(uncached) == 2);
  CHECK_THAT(read_file(err), Catch::Contains(scenario.string() + ": /dataset: "));
  // batch reports it for the scenario and goes on with the next file.
  const Run batch = sizesel(dir, "batch '" + scenario.string() + "' '" + std::string(SIZESEL_SOURCE_DIR) +
                                     "/configs/paper_case_study.json' --cache-dir /proc/sizesel-cache");
  CHECK(batch.exit_code == 2);
  CHECK_THAT(batch.err, Catch::Contains("/proc/sizesel-cache: the results cache folder cannot be written"));
  CHECK_THAT(batch.out, Catch::Contains("2 files: 1 recommended, 0 infeasible, 1 failed; exit 2"));
}

TEST_CASE("an output file in a folder no one can write stops recommend and solve before any work, exit 1", "[cli]") {
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario("{}", (dir.path() / "nowhere").string()));
  const std::string table = std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json";
  const std::string file = dir.write("a-file", "x").string();
  std::vector<std::string> outputs = {"/proc/sizesel-result.json", file + "/result.json"};
  fs::create_directory(dir.path() / "read-only");
  fs::permissions(dir.path() / "read-only", fs::perms::owner_read | fs::perms::owner_exec);
  if (::geteuid() == 0) {
    WARN("skipped the mode-0555 folder: running as root, which writes into it all the same");
  } else {
    outputs.push_back((dir.path() / "read-only" / "result.json").string());
  }
  for (const auto& output : outputs) {
    INFO(output);
    for (const std::string& command : {"recommend '" + scenario.string() + "'", "solve '" + table + "'"}) {
      const Run run = sizesel(dir, command + " -o '" + output + "'");
      CHECK(run.exit_code == 1);
      CHECK(run.err == "sizesel: error: " + output + ": --output cannot be written (is the folder there and writable?)\n");
      CHECK(run.out.empty());
    }
  }
  fs::permissions(dir.path() / "read-only", fs::perms::owner_all);
  CHECK(fs::is_empty(dir.path() / "read-only"));  // not even the temporary file
}

TEST_CASE("two recommends sharing one cache at the same time both finish and leave only whole entries",
          "[cli][real][cache]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario("{}"));
  const std::string run = "SIZESEL_CACHE_DIR='" + (dir.path() / "cache").string() + "' '" + SIZESEL_BINARY +
                          "' recommend '" + scenario.string() + "' --format json -q";
  const fs::path script = dir.path() / "both.sh";
  std::ofstream(script) << run << " > '" << (dir.path() / "a.json").string() << "' & a=$!\n"
                        << run << " > '" << (dir.path() / "b.json").string() << "' & b=$!\n"
                        << "wait $a || exit 10\nwait $b || exit 11\n";
  const int status = std::system(("bash '" + script.string() + "'").c_str());
  REQUIRE(WEXITSTATUS(status) == 0);
  const auto a = nlohmann::json::parse(read_file(dir.path() / "a.json"));
  const auto b = nlohmann::json::parse(read_file(dir.path() / "b.json"));
  CHECK(a["recommended"] == b["recommended"]);
  CHECK(a["candidates"][0]["metrics"]["accuracy"] == b["candidates"][0]["metrics"]["accuracy"]);
  const Run list = sizesel(dir, "cache list");
  CHECK_THAT(list.out, Catch::Contains("2 entries"));
  CHECK(list.out.find("DAMAGED") == std::string::npos);
  std::size_t leftovers = 0;
  for (const auto& item : fs::recursive_directory_iterator(dir.path() / "cache")) {
    leftovers += item.path().filename().string().find(".tmp-") != std::string::npos;
  }
  CHECK(leftovers == 0);
}

TEST_CASE("batch checks -o before any work and never writes over one of its inputs", "[cli]") {
  TempDir dir;
  const std::string original = read_file(std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json");
  const auto table = dir.write("table.json", original);
  const Run over = sizesel(dir, "batch '" + table.string() + "' -o '" + table.string() + "'");
  CHECK(over.exit_code == 1);
  CHECK_THAT(over.err, Catch::Contains("--output would overwrite the input file"));
  CHECK(read_file(table) == original);
  const Run nowhere = sizesel(dir, "batch '" + table.string() + "' -o /proc/sizesel-batch.jsonl");
  CHECK(nowhere.exit_code == 1);
  CHECK(nowhere.out.empty());
}

TEST_CASE("evaluate trains one candidate and seed into the cache, under the key recommend then finds", "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario(R"({"min": {"accuracy": 0.0}})"));
  const std::string file = "'" + scenario.string() + "'";
  std::map<std::string, nlohmann::json> evaluated;
  for (const std::string name : {"r8", "mini"}) {
    const Run run = sizesel(dir, "evaluate " + file + " --candidate " + name + " --format json -q");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto json = nlohmann::json::parse(run.out);
    CHECK(json["candidate"] == name);
    CHECK(json["seed"] == 1);
    CHECK(json["cached"] == false);
    CHECK(json["cache_key"].get<std::string>().size() == 64);
    evaluated[name] = json["metrics"];
  }
  // Again: found, nothing trained.
  const Run again = sizesel(dir, "evaluate " + file + " --candidate mini");
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("mini seed 1: already in the cache (cache key "));
  // recommend decides from the two evaluations without training, with their very metrics.
  const Run run = sizesel(dir, "recommend " + file + " --format json -q");
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["run"]["cache"]["hits"] == 2);
  CHECK(json["run"]["cache"]["misses"] == 0);
  for (const auto& candidate : json["candidates"]) {
    CHECK(candidate["runs"][0]["metrics"] == evaluated.at(candidate["name"]));
  }

  const Run unknown = sizesel(dir, "evaluate " + file + " --candidate r9");
  CHECK(unknown.exit_code == 1);
  CHECK_THAT(unknown.err, Catch::Contains("/candidates: no candidate named \"r9\" (the scenario has r8, mini)"));
  const Run seed = sizesel(dir, "evaluate " + file + " --candidate r8 --seed 2");
  CHECK(seed.exit_code == 1);
  CHECK_THAT(seed.err, Catch::Contains("/training/seed: --seed 2 is not one of the scenario's seeds (1)"));
  CHECK(sizesel(dir, "evaluate " + file + " --candidate r8 --no-cache").exit_code == 1);
  for (const char* bad : {"-1", "99999999999999999999", "x"}) {
    const Run wrong = sizesel(dir, "evaluate " + file + " --candidate r8 --seed " + bad);
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.err.find("18446744073709551615") == std::string::npos);  // never a wrapped value
    CHECK_THAT(wrong.err, Catch::Contains("--seed"));
  }
  CHECK(sizesel(dir, "evaluate " + file).exit_code == 1);  // --candidate is required
}

TEST_CASE("recommend --report draws accuracy against cost and the training curves, and --format markdown prints the tables",
          "[cli][real][report]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const auto scenario = dir.write("s.json", tiny_scenario(R"({"max": {"params": 10000}})"));
  const fs::path html = dir.path() / "review.html";
  const fs::path markdown = dir.path() / "decision.md";
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' -q --format markdown -o '" + markdown.string() +
                                   "' --report '" + html.string() + "'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.empty());

  const std::string page = read_file(html);
  for (const char* section : {"<h1>sizesel recommend: tiny (", "<h2>Plot: Test accuracy against cost (C: devices)</h2>",
                              "<h2>Plot: Training curves</h2>", "<h2>Quality, robustness and interpretability (test split)</h2>",
                              "<h2>Cost (latency at batch 1", "<h2>Criteria (each the sub-weighted mean",
                              "<h2>Sub-criteria (raw -&gt; normalised)", "<h2>Recommendation: mini (score",
                              "<h2>Weight stability ("}) {
    CHECK_THAT(page, Catch::Contains(section));
  }
  CHECK(test_support::occurrences(page, "<svg") == 2);
  CHECK_THAT(page, Catch::Contains("<td>RECOMMENDED</td>"));
  CHECK_THAT(page, Catch::Contains("<td>excluded: params &lt;= 10000 (got 75002, over by 65002)</td>"));
  CHECK_THAT(page, Catch::Contains("<th>p50 ms</th><th>p99 ms</th>"));
  for (const char* name : {"<td>r8</td>", "<td>mini</td>", "<text>r8</text>", "<text>mini</text>"}) CHECK_THAT(page, Catch::Contains(name));

  const std::string md = read_file(markdown);
  CHECK(md.rfind("# sizesel recommend: tiny (", 0) == 0);
  CHECK(md.find("data:image") == std::string::npos);  // --format markdown has the tables, not the plots
  CHECK_THAT(md, Catch::Contains("| mini |"));
  CHECK_THAT(md, Catch::Contains("\n## Recommendation: mini (score "));
  const auto shape = test_support::markdown_table_shape(md);
  CHECK(shape.tables >= 6);  // quality, corruptions, cost, criteria, sub-criteria, weight stability
  CHECK(shape.problems.empty());
}

TEST_CASE("recommend checks --report before training: without gnuplot it stops at once, exit 2, nothing trained",
          "[cli][report]") {
  TempDir dir;
  const fs::path empty = dir.path() / "empty-bin";
  fs::create_directory(empty);
  const auto scenario = dir.write("s.json", tiny_scenario("{}"));
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --report '" + (dir.path() / "r.html").string() + "'",
                          "PATH='" + empty.string() + "' ");
  CHECK(run.exit_code == 2);
  CHECK(run.err == "sizesel: error: gnuplot: not found on PATH; --report draws its plots with it (Debian: apt-get install "
                   "gnuplot-nox)\n");
  CHECK(!fs::exists(dir.path() / "r.html"));
  CHECK(!fs::exists(dir.path() / "cache"));
  const Run bad = sizesel(dir, "recommend '" + scenario.string() + "' --report '" + (dir.path() / "r.txt").string() + "'");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("r.txt: --report must end in .html (or .htm) or .md (or .markdown)"));
  CHECK(!fs::exists(dir.path() / "cache"));
}

TEST_CASE("when every candidate fails, each format still writes the report listing the failures, then exits 2", "[cli]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::string text = tiny_scenario("{}");
  text.replace(text.find(R"("train_limit": 300)"), 18, R"("train_limit": 1)");
  const auto scenario = dir.write("fail.json", text);
  for (const std::string format : {"text", "json", "markdown", "csv"}) {
    INFO(format);
    const auto output = dir.path() / ("report." + format);
    const Run run = sizesel(dir, "recommend '" + scenario.string() + "' -q --format " + format + " -o '" +
                                     output.string() + "'");
    CHECK(run.exit_code == 2);
    CHECK(run.err == "sizesel: error: " + scenario.string() + ": every candidate failed; see the report for the reasons\n");
    REQUIRE(fs::exists(output));
    const std::string report = read_file(output);
    CHECK_THAT(report, Catch::Contains("training needs at least 2 images (got 1)"));
    if (format == "csv") {
      const auto rows = cli_support::csv_rows(report);
      REQUIRE(rows.size() == 3);
      CHECK(rows[1][0] == "r8");
      CHECK(rows[1][1] == "failed");
      CHECK(rows[2][1] == "failed");
    }
  }
}
