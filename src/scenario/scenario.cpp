#include "sizesel/scenario/scenario.hpp"

#include <algorithm>
#include <string>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "sizesel/core/criteria.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/scenario/decision_reader.hpp"
#include "sizesel/scenario/json_reader.hpp"

namespace sizesel {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int64_t>::max();
constexpr double kDoubleMax = std::numeric_limits<double>::max();

/// The keys the object at `pointer` allows (see scenario_keys()).
const std::vector<std::string>& keys(const std::string& pointer) { return scenario_keys().at(pointer); }

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
  spec.repeats = reader.integer("repeats", 1, 100, spec.repeats);
  // Repeat r trains with seed + r: every one of them must stay in the documented range.
  if (spec.seed > static_cast<uint64_t>(kIntMax) - static_cast<uint64_t>(spec.repeats - 1)) {
    reader.fail("seed", fmt::format("with repeats {} the last seed would be {} + {}, above {} (got {})", spec.repeats,
                                    spec.seed, spec.repeats - 1, kIntMax, spec.seed));
  }
  if (const auto* recipe = reader.optional("full_recipe")) {
    ObjectReader full(*recipe, reader.file(), reader.pointer("full_recipe"), keys("/training/full_recipe"));
    if (full.has("epochs")) spec.full_epochs = full.integer("epochs", 1, 1000000);
    if (full.has("train_images")) spec.full_train_images = full.integer("train_images", 1, kIntMax);
  }
  return spec;
}

/// A JSON array of distinct strings, each one of `allowed`.
std::vector<std::string> read_names(ObjectReader& reader, const std::string& key, const std::vector<std::string>& allowed) {
  const nlohmann::ordered_json& list = reader.require(key);
  if (!list.is_array() || list.empty()) reader.fail(key, "must be a non-empty array of names (got " + short_dump(list) + ")");
  std::vector<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = reader.pointer(key) + "/" + std::to_string(i);
    if (!list[i].is_string()) fail_at(reader.file(), at, "must be a string (got " + short_dump(list[i]) + ")");
    const std::string name = list[i].get<std::string>();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      const std::string suggestion = closest_match(name, allowed);
      fail_at(reader.file(), at, "unknown \"" + name + "\"" + (suggestion.empty() ? "" : "; did you mean \"" + suggestion + "\"?"));
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) fail_at(reader.file(), at, "\"" + name + "\" is listed twice");
    names.push_back(name);
  }
  return names;
}

/// A JSON array of distinct integers in [lo, hi].
std::vector<int> read_integers(ObjectReader& reader, const std::string& key, int lo, int hi) {
  const nlohmann::ordered_json& list = reader.require(key);
  if (!list.is_array() || list.empty()) reader.fail(key, "must be a non-empty array of integers (got " + short_dump(list) + ")");
  std::vector<int> values;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = reader.pointer(key) + "/" + std::to_string(i);
    if (!list[i].is_number_integer() || list[i].get<int64_t>() < lo || list[i].get<int64_t>() > hi) {
      fail_at(reader.file(), at, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "] (got " +
                                     short_dump(list[i]) + ")");
    }
    const int value = static_cast<int>(list[i].get<int64_t>());
    if (std::find(values.begin(), values.end(), value) != values.end()) fail_at(reader.file(), at, "is listed twice");
    values.push_back(value);
  }
  return values;
}

MeasurementSpec read_measurement(ObjectReader& reader) {
  MeasurementSpec spec;
  spec.warmup_runs = reader.integer("warmup_runs", 0, 10000, spec.warmup_runs);
  spec.latency_runs = reader.integer("latency_runs", 1, 100000, spec.latency_runs);
  spec.throughput_runs = reader.integer("throughput_runs", 1, 10000, spec.throughput_runs);
  spec.robustness_images = reader.integer("robustness_images", 0, kIntMax, spec.robustness_images);
  if (reader.has("corruptions")) spec.corruptions = read_names(reader, "corruptions", known_corruptions());
  if (reader.has("severities")) spec.severities = read_integers(reader, "severities", 1, 5);
  spec.saliency_images = reader.integer("saliency_images", 1, 100000, spec.saliency_images);
  spec.deletion_steps = reader.integer("deletion_steps", 1, 1024, spec.deletion_steps);
  return spec;
}

/// "early_stopping": {"rungs": [0.1, 0.3], "keep": 0.34}; defaults: no rungs (the cost screen only), keep 1/3.
EarlyStopping read_early_stopping(ObjectReader& reader) {
  EarlyStopping spec;
  if (reader.has("rungs")) {
    spec.rungs.clear();
    const nlohmann::ordered_json& list = reader.require("rungs");
    if (!list.is_array()) reader.fail("rungs", "must be an array of shares of the training (got " + short_dump(list) + ")");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = reader.pointer("rungs") + "/" + std::to_string(i);
      const double previous = spec.rungs.empty() ? 0.0 : spec.rungs.back();
      if (!list[i].is_number() || !(list[i].get<double>() > previous) || !(list[i].get<double>() < 1.0)) {
        fail_at(reader.file(), at,
                fmt::format("must be a share of the training above {} and below 1 (got {})", previous,
                            short_dump(list[i])));
      }
      spec.rungs.push_back(list[i].get<double>());
    }
  }
  if (reader.has("keep")) {
    const double keep = reader.number("keep", -1e300, 1e300);
    if (!(keep > 0) || keep > 1) reader.fail("keep", fmt::format("must be in (0, 1] (got {})", keep));
    spec.keep = keep;
  }
  return spec;
}

/// "criteria": {"R": {"corruption_robustness": 0.6, ...}} replaces a criterion's sub-weights.
std::vector<CriterionGroup> read_criteria(ObjectReader& reader) {
  std::vector<CriterionGroup> groups = default_criteria();
  for (auto& group : groups) {
    const auto* value = reader.optional(group.name);
    if (value == nullptr) continue;
    ObjectReader parts(*value, reader.file(), reader.pointer(group.name), keys("/criteria/" + group.name));
    group.parts.clear();
    double total = 0;
    for (const auto& item : value->items()) {
      const double weight = parts.number(item.key(), 0, 1e6);
      group.parts.push_back({item.key(), weight});
      total += weight;
    }
    if (total <= 0) fail_at(reader.file(), reader.pointer(group.name), "at least one sub-weight must be > 0");
    if (group.name == "E") {
      double behaviour = 0;
      for (const auto& part : group.parts) {
        if (part.column == "faithfulness" || part.column == "deletion_auc") behaviour += part.weight;
      }
      if (behaviour <= 0) {
        fail_at(reader.file(), reader.pointer(group.name),
                "interpretability needs faithfulness or deletion_auc with a sub-weight > 0: depth and params "
                "describe the structure, never alone how interpretable a model is");
      }
    }
  }
  return groups;
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
                        keys("/candidates/*"));
    CandidateSpec spec = read_candidate(reader);
    if (!names.insert(spec.name).second) reader.fail("name", "duplicate candidate name \"" + spec.name + "\"");
    candidates.push_back(std::move(spec));
  }
  return candidates;
}

std::vector<std::string> criterion_names() {
  std::vector<std::string> names;
  for (const auto& criterion : default_criteria()) names.push_back(criterion.name);
  return names;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (const auto& info : metric_infos()) names.push_back(info.name);
  return names;
}

std::vector<std::string> constrainable_names() {
  std::vector<std::string> names = criterion_names();
  for (const auto& info : metric_infos()) names.push_back(info.name);
  return names;
}

bool is_fraction(const std::string& name) {
  const MetricInfo* info = find_metric(name);
  return info != nullptr && info->fraction;
}

// Fractions lie in [0, 1]; the gap (train - test accuracy) in [-1, 1]; every other metric is >= 0.
std::pair<double, double> limit_range(const std::string& metric) {
  if (metric == "generalization_gap") return {-1.0, 1.0};
  return is_fraction(metric) ? std::pair<double, double>{0.0, 1.0} : std::pair<double, double>{0.0, kDoubleMax};
}

/// The metric columns the criteria combine, in criteria order.
std::vector<Criterion> decision_columns(const std::vector<CriterionGroup>& groups) {
  std::vector<Criterion> columns;
  for (const auto& group : groups) {
    for (const auto& part : group.parts) {
      const bool seen = std::any_of(columns.begin(), columns.end(), [&](const Criterion& c) { return c.name == part.column; });
      if (!seen) columns.push_back(metric_column(part.column));
    }
  }
  return columns;
}

void read_decision(ObjectReader& reader, Scenario& scenario) {
  scenario.mode = read_mode(reader, "mode");
  scenario.normalization = read_normalization(reader, "normalization");
  if (const auto* references = reader.optional("reference")) {
    ObjectReader ranges(*references, reader.file(), reader.pointer("reference"), keys("/decision/reference"));
    for (const auto& item : references->items()) {
      ObjectReader range(item.value(), reader.file(), ranges.pointer(item.key()), keys("/decision/reference/*"));
      scenario.references[item.key()] = read_reference(range);
    }
  }
  std::vector<Criterion> columns = decision_columns(scenario.criteria);
  for (auto& column : columns) {
    const auto found = scenario.references.find(column.name);
    if (found != scenario.references.end()) column.reference = found->second;
  }
  check_references(reader.file(), columns, scenario.normalization,
                   [&](std::size_t j) { return reader.pointer("reference") + "/" + columns[j].name; });
}

/// A constraint naming a criterion (P, C, E, R, M) means its one measured column, when it has one.
void check_criterion_constraints(const ObjectReader& reader, const Scenario& scenario) {
  for (const auto& constraint : scenario.constraints) {
    for (const auto& group : scenario.criteria) {
      if (group.name != constraint.metric) continue;
      std::vector<std::string> counted;
      for (const auto& part : group.parts) {
        if (part.weight > 0) counted.push_back(part.column);
      }
      if (counted.size() == 1) continue;
      std::string list;
      for (const auto& column : counted) list += (list.empty() ? "" : ", ") + column;
      const std::string scope = constraint.scope == ConstraintScope::kEachOption ? "per_option/" : "";
      fail_at(reader.file(), reader.pointer(scope + (constraint.kind == BoundKind::kMin ? "min" : "max")) + "/" + group.name,
              group.name + " combines several measurements (" + list + "); constrain one of them instead");
    }
  }
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& scenario_keys() {
  static const std::map<std::string, std::vector<std::string>> kKeys = [] {
    std::map<std::string, std::vector<std::string>> keys = {
        {"",
         {"$schema", "name", "dataset", "training", "candidates", "deployment", "measurement", "weights", "criteria",
          "constraints", "decision", "early_stopping"}},
        {"/dataset", {"format", "root", "train_limit", "test_limit"}},
        {"/training",
         {"epochs", "batch_size", "learning_rate", "momentum", "weight_decay", "schedule", "augment", "seed", "threads",
          "device", "repeats", "full_recipe"}},
        {"/training/full_recipe", {"epochs", "train_images"}},
        {"/candidates/*", {"name", "preset", "block", "stages", "width", "max_width", "shortcut"}},
        {"/deployment", {"target_rate", "batch_size", "device_speedup", "device_name"}},
        {"/measurement",
         {"warmup_runs", "latency_runs", "throughput_runs", "robustness_images", "corruptions", "severities",
          "saliency_images", "deletion_steps"}},
        {"/weights", criterion_names()},
        {"/criteria", criterion_names()},
        {"/constraints", {"min", "max", "per_option", "confidence"}},
        {"/constraints/per_option", per_option_keys()},
        {"/decision", {"mode", "normalization", "reference"}},
        {"/decision/reference", metric_names()},
        {"/decision/reference/*", reference_keys()},
        {"/early_stopping", {"rungs", "keep"}},
    };
    for (const auto& criterion : criterion_names()) keys["/criteria/" + criterion] = allowed_sub_criteria(criterion);
    for (const char* limits : {"/constraints/min", "/constraints/max", "/constraints/per_option/min",
                               "/constraints/per_option/max"}) {
      keys[limits] = constrainable_names();
    }
    return keys;
  }();
  return kKeys;
}

Scenario load_scenario(const std::filesystem::path& file, const ScenarioOverrides& overrides) {
  const nlohmann::ordered_json document = read_json_file(file);
  const std::string name = file.string();
  ObjectReader root(document, name, "", keys(""));

  (void)root.string("$schema", "");  // where an editor finds docs/scenario.schema.json; sizesel ignores it

  Scenario scenario;
  scenario.file = file;
  scenario.name = root.name("name", file.stem().string());

  ObjectReader dataset(root.require("dataset"), name, root.pointer("dataset"), keys("/dataset"));
  scenario.dataset = read_dataset(dataset, file, overrides);

  if (const auto* training = root.optional("training")) {
    ObjectReader reader(*training, name, root.pointer("training"), keys("/training"));
    scenario.training = read_training(reader);
  }

  scenario.candidates = read_candidates(root);

  if (const auto* deployment = root.optional("deployment")) {
    ObjectReader reader(*deployment, name, root.pointer("deployment"), keys("/deployment"));
    scenario.deployment.target_rate = reader.positive_number("target_rate", 1e12, scenario.deployment.target_rate);
    scenario.deployment.batch_size = reader.integer("batch_size", 1, 1 << 16, scenario.deployment.batch_size);
    scenario.deployment.device_speedup = reader.positive_number("device_speedup", 1e6, scenario.deployment.device_speedup);
    scenario.deployment.device_name = reader.name("device_name", scenario.deployment.device_name);
  }

  if (const auto* measurement = root.optional("measurement")) {
    ObjectReader reader(*measurement, name, root.pointer("measurement"), keys("/measurement"));
    scenario.measurement = read_measurement(reader);
  }

  ObjectReader weights(root.require("weights"), name, root.pointer("weights"), keys("/weights"));
  scenario.weights = read_weights(weights, keys("/weights"));

  scenario.criteria = default_criteria();
  if (const auto* criteria = root.optional("criteria")) {
    ObjectReader reader(*criteria, name, root.pointer("criteria"), keys("/criteria"));
    scenario.criteria = read_criteria(reader);
  }

  if (const auto* constraints = root.optional("constraints")) {
    ObjectReader reader(*constraints, name, root.pointer("constraints"), keys("/constraints"));
    scenario.constraints = read_constraints(reader, keys("/constraints/min"), limit_range);
    check_criterion_constraints(reader, scenario);
    if (reader.has("confidence")) {
      scenario.confidence = reader.number("confidence", 0.5, 0.9999);
      if (scenario.training.repeats < 2) {
        reader.fail("confidence", "needs training.repeats >= 2 to estimate a spread (got " +
                                      std::to_string(scenario.training.repeats) + ")");
      }
    }
  }

  if (const auto* decision = root.optional("decision")) {
    ObjectReader reader(*decision, name, root.pointer("decision"), keys("/decision"));
    read_decision(reader, scenario);
  }

  if (const auto* early = root.optional("early_stopping")) {
    ObjectReader reader(*early, name, root.pointer("early_stopping"), keys("/early_stopping"));
    scenario.early_stopping = read_early_stopping(reader);
  }
  return scenario;
}

}  // namespace sizesel
