#include "sizesel/scenario/scenario.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "sizesel/core/criteria.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/scenario/decision_reader.hpp"
#include "sizesel/scenario/json_reader.hpp"

namespace sizesel {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();
constexpr double kDoubleMax = std::numeric_limits<double>::max();

DatasetSpec read_dataset(ObjectReader& reader, const std::filesystem::path& scenario_file,
                         const ScenarioOverrides& overrides) {
  DatasetSpec spec;
  const std::string format = reader.choice("format", {"cifar10-bin", "idx"});
  spec.format = format == "idx" ? DatasetFormat::kIdx : DatasetFormat::kCifar10Bin;
  if (overrides.data_dir) {
    if (reader.has("root")) (void)reader.string("root");  // still checked, though replaced
    if (overrides.data_dir->empty()) throw InputError("--data-dir: needs a folder (got \"\")");
    spec.root = std::filesystem::absolute(*overrides.data_dir);
  } else {
    const std::string root = reader.string("root");
    if (root.empty()) reader.fail("root", "must not be empty");
    spec.root = root;
    if (spec.root.is_relative()) spec.root = scenario_file.parent_path() / spec.root;
  }
  spec.root = spec.root.lexically_normal();
  spec.train_limit = reader.integer("train_limit", 0, kIntMax, 0);
  spec.test_limit = reader.integer("test_limit", 0, kIntMax, 0);
  return spec;
}

TrainingSpec read_training(ObjectReader& reader) {
  TrainingSpec spec;
  spec.epochs = reader.integer("epochs", 1, 100000, spec.epochs);
  spec.batch_size = reader.integer("batch_size", 1, 1 << 20, spec.batch_size);
  spec.learning_rate = reader.positive_number("learning_rate", 100, spec.learning_rate);
  spec.momentum = reader.number("momentum", 0, 0.999999, spec.momentum);
  spec.weight_decay = reader.number("weight_decay", 0, 1, spec.weight_decay);
  const std::string schedule =
      reader.choice("schedule", {"onecycle", "cosine", "constant"}, to_string(spec.schedule));
  spec.schedule = schedule == "onecycle" ? Schedule::kOneCycle
                  : schedule == "cosine" ? Schedule::kCosine
                                         : Schedule::kConstant;
  spec.augment = reader.boolean("augment", spec.augment);
  spec.seed = static_cast<uint64_t>(reader.integer("seed", 0, kIntMax, static_cast<int64_t>(spec.seed)));
  spec.threads = reader.integer("threads", 0, 1024, spec.threads);
  spec.device = reader.choice("device", {"cpu", "cuda"}, spec.device);
  return spec;
}

std::vector<int64_t> read_stages(ObjectReader& reader) {
  const nlohmann::ordered_json& stages = reader.require("stages");
  if (!stages.is_array() || stages.empty()) {
    reader.fail("stages", "must be a non-empty array of block counts (got " + short_dump(stages) + ")");
  }
  if (stages.size() > 12) reader.fail("stages", "at most 12 stages are supported (got " + std::to_string(stages.size()) + ")");
  std::vector<int64_t> counts;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& count = stages[i];
    if (!count.is_number_integer() || count.get<int64_t>() < 1 || count.get<int64_t>() > 200) {
      fail_at(reader.file(), reader.pointer("stages") + "/" + std::to_string(i),
              "must be an integer in [1, 200] (got " + short_dump(count) + ")");
    }
    counts.push_back(count.get<int64_t>());
  }
  return counts;
}

CandidateSpec read_candidate(ObjectReader& reader) {
  const std::string name = reader.name("name");
  CandidateSpec spec;
  if (reader.has("preset")) {
    const std::string preset = reader.string("preset");
    const auto found = find_preset(preset);
    if (!found) {
      std::string list;
      for (const auto& known : preset_names()) list += (list.empty() ? "" : ", ") + known;
      const std::string suggestion = closest_match(preset, preset_names());
      reader.fail("preset", "unknown preset \"" + preset + "\"" +
                                (suggestion.empty() ? "" : "; did you mean \"" + suggestion + "\"?") +
                                " (presets: " + list + ")");
    }
    for (const char* key : {"block", "stages", "width", "max_width", "shortcut"}) {
      if (reader.has(key)) reader.fail(key, "cannot be combined with \"preset\"; give either a preset or an architecture");
    }
    spec = *found;
  } else {
    if (!reader.has("stages")) reader.fail("stages", "is required when no \"preset\" is given");
    spec.block = reader.choice("block", {"basic", "bottleneck"}, "basic") == "basic" ? BlockType::kBasic
                                                                                    : BlockType::kBottleneck;
    spec.stages = read_stages(reader);
    spec.width = reader.integer("width", 1, 4096, 16);
    spec.max_width = reader.integer("max_width", 1, 65536, std::max<int64_t>(512, spec.width));
    if (spec.max_width < spec.width) {
      reader.fail("max_width", "must be >= width (" + std::to_string(spec.width) + ") (got " +
                                   std::to_string(spec.max_width) + ")");
    }
    spec.shortcut = reader.choice("shortcut", {"pad", "projection"}, "projection") == "pad"
                        ? ShortcutType::kPad
                        : ShortcutType::kProjection;
  }
  spec.name = name;
  return spec;
}

std::vector<CandidateSpec> read_candidates(ObjectReader& root) {
  const nlohmann::ordered_json& list = root.require("candidates");
  if (!list.is_array()) root.fail("candidates", "must be an array (got " + short_dump(list) + ")");
  if (list.empty()) root.fail("candidates", "must list at least one candidate");
  std::vector<CandidateSpec> candidates;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader reader(list[i], root.file(), root.pointer("candidates") + "/" + std::to_string(i),
                        {"name", "preset", "block", "stages", "width", "max_width", "shortcut"});
    CandidateSpec spec = read_candidate(reader);
    if (!names.insert(spec.name).second) reader.fail("name", "duplicate candidate name \"" + spec.name + "\"");
    candidates.push_back(std::move(spec));
  }
  return candidates;
}

std::vector<std::string> criterion_names() {
  std::vector<std::string> names;
  for (const auto& criterion : standard_criteria()) names.push_back(criterion.name);
  return names;
}

std::vector<std::string> constrainable_names() {
  std::vector<std::string> names = criterion_names();
  for (const auto& info : metric_infos()) names.push_back(info.name);
  return names;
}

bool is_fraction(const std::string& name) {
  if (name == "P") return true;
  for (const auto& info : metric_infos()) {
    if (info.name == name) return info.fraction;
  }
  return false;
}

// Every metric and criterion is >= 0; fractions lie in [0, 1].
std::pair<double, double> limit_range(const std::string& metric) {
  return is_fraction(metric) ? std::pair<double, double>{0.0, 1.0} : std::pair<double, double>{0.0, kDoubleMax};
}

void read_decision(ObjectReader& reader, Scenario& scenario) {
  scenario.mode = read_mode(reader, "mode");
  scenario.normalization = read_normalization(reader, "normalization");
  if (const auto* references = reader.optional("reference")) {
    ObjectReader ranges(*references, reader.file(), reader.pointer("reference"), criterion_names());
    for (const auto& item : references->items()) {
      ObjectReader range(item.value(), reader.file(), ranges.pointer(item.key()), {"worst", "best"});
      scenario.references[item.key()] = read_reference(range);
    }
  }
  std::vector<Criterion> criteria = standard_criteria();
  for (auto& criterion : criteria) {
    const auto found = scenario.references.find(criterion.name);
    if (found != scenario.references.end()) criterion.reference = found->second;
  }
  check_references(reader.file(), criteria, scenario.normalization,
                   [&](std::size_t j) { return reader.pointer("reference") + "/" + criteria[j].name; });
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& file, const ScenarioOverrides& overrides) {
  const nlohmann::ordered_json document = read_json_file(file);
  const std::string name = file.string();
  ObjectReader root(document, name, "",
                    {"name", "dataset", "training", "candidates", "deployment", "measurement", "weights",
                     "constraints", "decision"});

  Scenario scenario;
  scenario.file = file;
  scenario.name = root.name("name", file.stem().string());

  ObjectReader dataset(root.require("dataset"), name, root.pointer("dataset"),
                       {"format", "root", "train_limit", "test_limit"});
  scenario.dataset = read_dataset(dataset, file, overrides);

  if (const auto* training = root.optional("training")) {
    ObjectReader reader(*training, name, root.pointer("training"),
                        {"epochs", "batch_size", "learning_rate", "momentum", "weight_decay", "schedule",
                         "augment", "seed", "threads", "device"});
    scenario.training = read_training(reader);
  }

  scenario.candidates = read_candidates(root);

  if (const auto* deployment = root.optional("deployment")) {
    ObjectReader reader(*deployment, name, root.pointer("deployment"), {"target_rate", "batch_size"});
    scenario.deployment.target_rate = reader.positive_number("target_rate", 1e12, scenario.deployment.target_rate);
    scenario.deployment.batch_size = reader.integer("batch_size", 1, 1 << 16, scenario.deployment.batch_size);
  }

  if (const auto* measurement = root.optional("measurement")) {
    ObjectReader reader(*measurement, name, root.pointer("measurement"),
                        {"warmup_runs", "latency_runs", "throughput_runs"});
    auto& spec = scenario.measurement;
    spec.warmup_runs = reader.integer("warmup_runs", 0, 10000, spec.warmup_runs);
    spec.latency_runs = reader.integer("latency_runs", 1, 100000, spec.latency_runs);
    spec.throughput_runs = reader.integer("throughput_runs", 1, 10000, spec.throughput_runs);
  }

  ObjectReader weights(root.require("weights"), name, root.pointer("weights"), criterion_names());
  scenario.weights = read_weights(weights, criterion_names());

  if (const auto* constraints = root.optional("constraints")) {
    ObjectReader reader(*constraints, name, root.pointer("constraints"), {"min", "max", "per_option"});
    scenario.constraints = read_constraints(reader, constrainable_names(), limit_range);
  }

  if (const auto* decision = root.optional("decision")) {
    ObjectReader reader(*decision, name, root.pointer("decision"), {"mode", "normalization", "reference"});
    read_decision(reader, scenario);
  }
  return scenario;
}

}  // namespace sizesel
