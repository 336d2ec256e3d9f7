// Tests of strict scenario parsing: valid files, defaults, and one located error per kind of mistake.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "sizesel/core/error.hpp"
#include "sizesel/scenario/scenario.hpp"
#include "sizesel/scenario/table_file.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using sizesel::InputError;
using sizesel::load_scenario;

namespace {

// A scenario file s.json in a fresh temporary folder.
class TempScenario {
 public:
  explicit TempScenario(const std::string& text) : path_(dir_.write("s.json", text)) {}
  const fs::path& path() const { return path_; }
  const fs::path& dir() const { return dir_.path(); }

 private:
  test_support::TempDir dir_;
  fs::path path_;
};

const char* kValid = R"({
  "name": "t",
  "dataset": {"format": "idx", "root": "data/fm", "train_limit": 100, "test_limit": 50},
  "training": {"epochs": 1, "batch_size": 32},
  "candidates": [{"name": "a", "preset": "resnet8"},
                 {"name": "b", "block": "bottleneck", "stages": [1, 2], "width": 8}],
  "deployment": {"target_rate": 100, "batch_size": 16},
  "weights": {"P": 1, "C": 0.5},
  "constraints": {"min": {"accuracy": 0.5}, "max": {"latency_ms_p50": 20, "C": 4}}
})";

// Replaces the first occurrence of `from` in kValid by `to`.
std::string valid_with(const std::string& from, const std::string& to) {
  std::string text = kValid;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  TempScenario file(text);
  try {
    (void)load_scenario(file.path());
  } catch (const InputError& error) {
    const std::string message = error.what();
    CHECK(message.rfind(file.path().string(), 0) == 0);  // names the file first
    CHECK(message.find('\n') == std::string::npos);      // one line
    return message;
  }
  FAIL("no InputError for: " << text);
  return "";
}

}  // namespace

TEST_CASE("a valid scenario is read with its values, defaults and resolved paths", "[scenario]") {
  TempScenario file(kValid);
  const auto scenario = load_scenario(file.path());
  CHECK(scenario.name == "t");
  CHECK(scenario.dataset.format == sizesel::DatasetFormat::kIdx);
  CHECK(scenario.dataset.root == (file.dir() / "data/fm").lexically_normal());
  CHECK(scenario.dataset.train_limit == 100);
  CHECK(scenario.training.epochs == 1);
  CHECK(scenario.training.batch_size == 32);
  CHECK(scenario.training.learning_rate == Approx(0.1));  // default
  CHECK(scenario.training.schedule == sizesel::Schedule::kOneCycle);
  REQUIRE(scenario.candidates.size() == 2);
  CHECK(scenario.candidates[0].preset == "resnet8");
  CHECK(scenario.candidates[0].stages == std::vector<int64_t>{1, 1, 1});
  CHECK(scenario.candidates[1].block == sizesel::BlockType::kBottleneck);
  CHECK(scenario.candidates[1].stages == std::vector<int64_t>{1, 2});
  CHECK(scenario.candidates[1].width == 8);
  CHECK(scenario.deployment.batch_size == 16);
  CHECK(scenario.weights.at("P") == 1);
  CHECK(scenario.weights.at("E") == 0);
  REQUIRE(scenario.constraints.size() == 3);
  CHECK(scenario.constraints[0].metric == "accuracy");
  CHECK(scenario.constraints[0].kind == sizesel::BoundKind::kMin);
  CHECK(scenario.constraints[1].metric == "latency_ms_p50");  // bounds keep the file's order
  CHECK(scenario.constraints[1].kind == sizesel::BoundKind::kMax);
  CHECK(scenario.constraints[1].limit == 20);
  CHECK(scenario.constraints[2].metric == "C");
  CHECK(scenario.constraints[2].limit == 4);
  CHECK(scenario.constraints[2].scope == sizesel::ConstraintScope::kMixture);
  CHECK(scenario.mode == sizesel::DecisionMode::kSingle);
  CHECK(scenario.normalization == sizesel::Normalization::kMinMax);
}

TEST_CASE("the --data-dir override replaces the scenario's dataset root", "[scenario]") {
  TempScenario file(kValid);
  sizesel::ScenarioOverrides overrides;
  overrides.data_dir = fs::path("/elsewhere/cifar");
  CHECK(load_scenario(file.path(), overrides).dataset.root == fs::path("/elsewhere/cifar"));
  overrides.data_dir = fs::path("relative/cifar");  // resolved against the current folder
  CHECK(load_scenario(file.path(), overrides).dataset.root == fs::current_path() / "relative/cifar");
  overrides.data_dir = fs::path();
  CHECK_THROWS_WITH(load_scenario(file.path(), overrides), Catch::Contains("--data-dir: needs a folder"));
}

TEST_CASE("a width above 512 raises the default channel cap with it", "[scenario]") {
  TempScenario file(valid_with(R"("width": 8)", R"("width": 1024)"));
  CHECK(load_scenario(file.path()).candidates[1].max_width == 1024);
}

TEST_CASE("the decision section sets the mode, the normalisation and reference ranges", "[scenario]") {
  TempScenario file(valid_with(R"("name": "t")", R"("name": "t", "decision": {"mode": "mixture", "normalization": "reference",
      "reference": {"accuracy": {"worst": 0.5, "best": 1}, "f1_macro": {"worst": 0.5, "best": 1},
                    "devices": {"worst": 10, "best": 1}, "faithfulness": {"worst": 0, "best": 1},
                    "corruption_robustness": {"worst": 0, "best": 1}, "fgsm_robustness": {"worst": 0, "best": 1},
                    "generalization_gap": {"worst": 0.2, "best": 0}, "retrain_device_hours": {"worst": 10, "best": 0},
                    "checkpoint_mib": {"worst": 100, "best": 0}, "accuracy_std": {"worst": 0.05, "best": 0}}},
      "criteria": {"R": {"corruption_robustness": 1, "fgsm_robustness": 1, "generalization_gap": 1}})"));
  const auto scenario = load_scenario(file.path());
  CHECK(scenario.mode == sizesel::DecisionMode::kMixture);
  CHECK(scenario.normalization == sizesel::Normalization::kReference);
  CHECK(scenario.references.at("devices").worst == 10);
  REQUIRE(scenario.criteria.size() == 5);
  CHECK(scenario.criteria[3].name == "R");
  CHECK(scenario.criteria[3].parts.size() == 3);
  CHECK(scenario.criteria[3].parts[2].weight == 1);
}

TEST_CASE("every file in configs/ is a valid scenario or a valid table", "[scenario]") {
  int scenarios = 0;
  int tables = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(SIZESEL_SOURCE_DIR) / "configs")) {
    if (entry.path().extension() != ".json") continue;
    INFO(entry.path());
    // A table has "options" (what `solve` decides among), a scenario "candidates" (what `recommend` trains).
    std::ifstream in(entry.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("\"options\"") != std::string::npos) {
      CHECK_NOTHROW(sizesel::load_table(entry.path()));
      ++tables;
    } else {
      CHECK_NOTHROW(load_scenario(entry.path()));
      ++scenarios;
    }
  }
  CHECK(scenarios >= 2);
  CHECK(tables >= 1);
}

TEST_CASE("each kind of mistake is reported with the file, the JSON pointer and what was wrong", "[scenario]") {
  struct Case {
    std::string from, to, expected;
  };
  const std::vector<Case> cases = {
      {R"("epochs": 1)", R"("epochs": 0)", "/training/epochs: must be in [1, 100000] (got 0)"},
      {R"("batch_size": 32)", R"("batch_size": 0)", "/training/batch_size: must be in"},
      {R"("epochs": 1)", R"("epochs": "1")", "/training/epochs: must be an integer (got \"1\")"},
      {R"("epochs": 1)", R"("epochs": 1.5)", "/training/epochs: must be an integer (got 1.5)"},
      {R"("epochs": 1)", R"("epocs": 1)", "/training/epocs: unknown key; did you mean \"epochs\"?"},
      {R"("name": "t")", R"("name": "t", "wieghts2": 1)", "/wieghts2: unknown key"},
      {R"("accuracy": 0.5)", R"("accuracy": 95)", "/constraints/min/accuracy: must be in [0, 1] (got 95)"},
      {R"("accuracy": 0.5)", R"("acuracy": 0.5)", "/constraints/min/acuracy: unknown key; did you mean \"accuracy\"?"},
      {R"("accuracy": 0.5)", R"("acc": 0.5)", "/constraints/min/acc: unknown key; did you mean \"accuracy\"?"},
      {R"("P": 1, "C": 0.5)", R"("P": -1)", "/weights/P: must be in [0, 1000000] (got -1)"},
      {R"("P": 1, "C": 0.5)", R"("P": 0)", "/weights: at least one weight must be > 0"},
      {R"("P": 1, "C": 0.5)", R"("P": 1, "X": 1)", "/weights/X: unknown key"},
      {R"("preset": "resnet8")", R"("preset": "resnet9")", "/candidates/0/preset: unknown preset \"resnet9\""},
      {R"({"name": "a", "preset": "resnet8"},)", R"({"name": "b", "preset": "resnet8"},)",
       "/candidates/1/name: duplicate candidate name \"b\""},
      {R"("stages": [1, 2])", R"("stages": [1, 0])", "/candidates/1/stages/1: must be an integer in [1, 200] (got 0)"},
      {R"("stages": [1, 2])", R"("stages": [])", "/candidates/1/stages: must be a non-empty array"},
      {R"("width": 8)", R"("width": 8, "preset": "resnet8")", "/candidates/1/block: cannot be combined with \"preset\""},
      {R"("format": "idx")", R"("format": "png")", "/dataset/format: must be one of cifar10-bin, idx (got \"png\")"},
      {R"("target_rate": 100)", R"("target_rate": 0)", "/deployment/target_rate: must be > 0"},
      {R"("train_limit": 100)", R"("train_limit": -5)", "/dataset/train_limit: must be >= 0 (got -5)"},
      {R"("epochs": 1)", R"("epochs": 0, "epochs": 1)", "/training/epochs: duplicate key \"epochs\""},
      {R"({"name": "a", "preset": "resnet8"})", R"({"name": "a", "name": "z", "preset": "resnet8"})",
       "/candidates/0/name: duplicate key \"name\""},
      {R"("epochs": 1)", R"("epochs": 1e400)", "malformed JSON: number 1e400 is too large"},
      {R"("epochs": 1)", R"("epochs": 99999999999999999999999)", "/training/epochs: must be an integer in [1, 100000]"},
      {R"("batch_size": 32)", R"("batch_size": 32, "seed": 9223372036854775808)",
       "/training/seed: must be <= 9223372036854775807"},
      {R"("target_rate": 100)", R"("target_rate": -5)", "/deployment/target_rate: must be > 0 and <= 1000000000000 (got -5)"},
      {R"("batch_size": 32)", R"("batch_size": 32, "learning_rate": 0)", "/training/learning_rate: must be > 0 and <= 100"},
      {R"({"name": "a", "preset": "resnet8"})", R"({"name": "  ", "preset": "resnet8"})",
       "/candidates/0/name: must not be blank"},
      {R"({"name": "a", "preset": "resnet8"})", R"({"name": "a\tb", "preset": "resnet8"})",
       "/candidates/0/name: must not contain control characters"},
      {R"("accuracy": 0.5})", R"("accuracy": 0.5, "latency_ms_p50": 30})",
       "/constraints/min/latency_ms_p50: minimum 30 exceeds the maximum 20"},
      {R"("max": {"latency_ms_p50": 20, "C": 4})", R"("max": {"devices": -1})",
       "/constraints/max/devices: must be >= 0 (got -1)"},
      {R"("max": {"latency_ms_p50": 20, "C": 4})", R"("per_option": {"max": {"latency_ms_p50": 20}})", ""},
      {R"("name": "t")", R"("name": "t", "decision": {"mode": "mixture", "normalization": "reference"})",
       "/decision/reference/accuracy: is required by \"normalization\": \"reference\""},
      {R"("name": "t")", R"("name": "t", "criteria": {"R": {"fgsm_robustness": 1, "speed": 2}})",
       "/criteria/R/speed: unknown key"},
      {R"("name": "t")", R"("name": "t", "criteria": {"R": {"fgsm_robustness": 0}})",
       "/criteria/R: at least one sub-weight must be > 0"},
      {R"("name": "t")", R"("name": "t", "criteria": {"E": {"depth": 1}})",
       "/criteria/E: interpretability needs faithfulness or deletion_auc"},
      {R"("name": "t")", R"("name": "t", "criteria": {"X": {}})", "/criteria/X: unknown key"},
      {R"("accuracy": 0.5})", R"("accuracy": 0.5, "R": 0.5})", "/constraints/min/R: R combines several measurements"},
      {R"("accuracy": 0.5})", R"("accuracy": 0.5}, "confidence": 0.95)",
       "/constraints/confidence: needs training.repeats >= 2"},
      {R"("batch_size": 32)", R"("batch_size": 32, "repeats": 0)", "/training/repeats: must be in [1, 100]"},
      {R"("batch_size": 32)", R"("batch_size": 32, "full_recipe": {"epochs": 0})", "/training/full_recipe/epochs: must be in"},
      {R"("target_rate": 100)", R"("target_rate": 100, "device_speedup": 0)", "/deployment/device_speedup: must be > 0"},
      {R"("name": "t")", R"("name": "t", "measurement": {"corruptions": ["fog"]})",
       "/measurement/corruptions/0: unknown \"fog\""},
      {R"("name": "t")", R"("name": "t", "measurement": {"severities": [1, 6]})",
       "/measurement/severities/1: must be an integer in [1, 5]"},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    if (c.expected.empty()) {  // a valid variant
      TempScenario file(valid_with(c.from, c.to));
      CHECK_NOTHROW(load_scenario(file.path()));
      continue;
    }
    CHECK_THAT(error_of(valid_with(c.from, c.to)), Catch::Contains(c.expected));
  }
  CHECK_THAT(error_of(valid_with(R"("batch_size": 32)", R"("batch_size": 32, "device": "tpu")")),
             Catch::Contains("/training/device: must be one of cpu, cuda (got \"tpu\")"));
  CHECK_THAT(error_of(valid_with(R"("candidates": [)", R"("candidates": [], "x": [)")), Catch::Contains("/x: unknown key"));
  CHECK_THAT(error_of(R"({"dataset": {"format": "idx", "root": "x"}, "candidates": [], "weights": {"P": 1}})"),
             Catch::Contains("/candidates: must list at least one candidate"));
  CHECK_THAT(error_of(R"({"dataset": {"format": "idx", "root": "x"}, "weights": {"P": 1}})"),
             Catch::Contains("/candidates: is required"));
}

TEST_CASE("malformed JSON is reported with line and column", "[scenario]") {
  CHECK_THAT(error_of("{\n  \"name\": \"t\",\n}"), Catch::Contains(": 3:1: malformed JSON"));
  CHECK_THAT(error_of("{\"name\": \"t\" /* never closed\n}"), Catch::Contains(": 2:2: malformed JSON"));
  CHECK_THAT(error_of(std::string(kValid).substr(0, 40)), Catch::Contains("malformed JSON"));
  CHECK_THAT(error_of("{\"name\": \"\xff\"}"), Catch::Contains("malformed JSON"));
  CHECK_THAT(error_of("   \n"), Catch::Contains(": file is empty"));
  CHECK_THAT(error_of("[1, 2]"), Catch::Contains(": /: must be an object (got an array)"));
}

TEST_CASE("comments are ignored, brackets in them included", "[scenario]") {
  // Deeper than kMaxJsonDepth inside comments: neither nests.
  const std::string deep(400, '[');
  TempScenario file("// starter\n" + valid_with(R"("epochs": 1,)", R"("epochs": 1, /* )" + deep + R"( */)") + " // " + deep);
  CHECK(load_scenario(file.path()).training.epochs == 1);
}

TEST_CASE("a top-level $schema string, for editors, is accepted and ignored", "[scenario]") {
  TempScenario file(valid_with(R"("name": "t",)", R"("$schema": "../docs/scenario.schema.json", "name": "t",)"));
  CHECK(load_scenario(file.path()).name == "t");
  CHECK_THAT(error_of(valid_with(R"("name": "t",)", R"("$schema": 1, "name": "t",)")),
             Catch::Contains("/$schema: must be a string (got an integer)"));
  CHECK_THAT(error_of(valid_with(R"("batch_size": 32)", R"("batch_size": 32, "$schema": "x")")),
             Catch::Contains("/training/$schema: unknown key"));
}

TEST_CASE("a missing file or a directory is an input error naming the path", "[scenario]") {
  TempScenario file(kValid);
  CHECK_THROWS_WITH(load_scenario(file.dir() / "nope.json"), Catch::Contains("nope.json: cannot be opened"));
  CHECK_THROWS_WITH(load_scenario(file.dir()), Catch::Contains("is a directory"));
}
