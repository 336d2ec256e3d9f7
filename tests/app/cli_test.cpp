// End-to-end tests of the sizesel binary: real data, real training, JSON output and exit codes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli_support.hpp"

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
    for (const char* criterion : {"P", "C", "E", "R", "M"}) {
      CHECK(candidate["criteria"].contains(criterion));
      CHECK(candidate["normalized"][criterion].get<double>() >= 0.0);
      CHECK(candidate["normalized"][criterion].get<double>() <= 1.0);
    }
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
  CHECK_THAT(run.err, Catch::Contains("[1/2 r8] epoch 1/1"));
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
  CHECK_THAT(run.out, Catch::Contains("P max"));
  CHECK_THAT(run.out, Catch::Contains("C min devices"));
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

TEST_CASE("recommend in mixture mode shares the load among trained candidates with the same decision core",
          "[cli][real]") {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  std::string text = tiny_scenario(R"({"max": {"devices": 2}, "per_option": {"max": {"latency_ms_p50": 1000}}})");
  text.replace(text.find(R"("name": "tiny",)"), 15, R"("name": "tiny", "decision": {"mode": "mixture", "normalization": "vector"},)");
  const auto scenario = dir.write("s.json", text);
  const Run run = sizesel(dir, "recommend '" + scenario.string() + "' --format json -q");
  INFO(run.err);
  REQUIRE((run.exit_code == 0 || run.exit_code == 3));
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["mode"] == "mixture");
  CHECK(json["normalization"] == "vector");
  CHECK(json["constraints"][1]["scope"] == "option");
  if (run.exit_code == 0) {
    double total = 0;
    for (const auto& candidate : json["candidates"]) total += candidate["share"].get<double>();
    CHECK(total == Approx(1.0));
    CHECK(json["mixture"]["constraints"][0]["constraint"] == "devices <= 2");
    CHECK(json["stability"]["weights"].size() == 5);
  }
}
