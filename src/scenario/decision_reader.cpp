#include "sizesel/scenario/decision_reader.hpp"

#include <limits>

#include <fmt/format.h>

namespace sizesel {
namespace {

void read_bounds(ObjectReader& reader, BoundKind kind, ConstraintScope scope, const std::vector<std::string>& metrics,
                 const LimitRange& limits, std::vector<Constraint>& constraints) {
  const std::string key = kind == BoundKind::kMin ? "min" : "max";
  const nlohmann::ordered_json& bounds = reader.require(key);
  ObjectReader bounds_reader(bounds, reader.file(), reader.pointer(key), metrics);
  for (const auto& item : bounds.items()) {
    const auto [lo, hi] = limits(item.key());
    constraints.push_back({item.key(), kind, bounds_reader.number(item.key(), lo, hi), scope});
  }
}

void read_min_max(ObjectReader& reader, ConstraintScope scope, const std::vector<std::string>& metrics,
                  const LimitRange& limits, std::vector<Constraint>& constraints) {
  if (reader.has("min")) read_bounds(reader, BoundKind::kMin, scope, metrics, limits, constraints);
  if (reader.has("max")) read_bounds(reader, BoundKind::kMax, scope, metrics, limits, constraints);
}

}  // namespace

std::map<std::string, double> read_weights(ObjectReader& reader, const std::vector<std::string>& criteria,
                                           bool require_positive) {
  std::map<std::string, double> weights;
  double total = 0;
  for (const auto& criterion : criteria) {
    weights[criterion] = reader.number(criterion, 0, kMaxWeight, 0.0) + 0.0;  // + 0.0: no -0
    if (const std::string problem = magnitude_problem(weights[criterion]); !problem.empty()) {
      reader.fail(criterion, problem);
    }
    total += weights[criterion];
  }
  if (require_positive && total <= 0) fail_at(reader.file(), reader.pointer(), "at least one weight must be > 0 (all are 0)");
  return weights;
}

void check_contradictions(const std::string& file, const std::vector<Constraint>& constraints,
                          const std::function<std::string(const Constraint&)>& where) {
  for (const Constraint& low : constraints) {
    for (const Constraint& high : constraints) {
      if (low.kind != BoundKind::kMin || high.kind != BoundKind::kMax || low.metric != high.metric ||
          low.scope != high.scope) {
        continue;
      }
      if (low.limit > high.limit) {
        fail_at(file, where(low),
                fmt::format("minimum {} exceeds the maximum {} of {}: no value can satisfy both", low.limit, high.limit,
                            low.metric));
      }
    }
  }
}

std::vector<Constraint> read_constraints(ObjectReader& reader, const std::vector<std::string>& metrics,
                                         const LimitRange& limits) {
  std::vector<Constraint> constraints;
  read_min_max(reader, ConstraintScope::kMixture, metrics, limits, constraints);
  if (const auto* per_option = reader.optional("per_option")) {
    ObjectReader inner(*per_option, reader.file(), reader.pointer("per_option"), per_option_keys());
    read_min_max(inner, ConstraintScope::kEachOption, metrics, limits, constraints);
  }
  check_contradictions(reader.file(), constraints, [&](const Constraint& c) {
    return c.scope == ConstraintScope::kEachOption ? reader.pointer("per_option") + "/min/" + pointer_escape(c.metric)
                                                   : reader.pointer("min") + "/" + pointer_escape(c.metric);
  });
  return constraints;
}

const std::vector<std::string>& per_option_keys() {
  static const std::vector<std::string> kKeys = {"min", "max"};
  return kKeys;
}

const std::vector<std::string>& reference_keys() {
  static const std::vector<std::string> kKeys = {"worst", "best"};
  return kKeys;
}

DecisionMode read_mode(ObjectReader& reader, const std::string& key) {
  return reader.choice(key, {"single", "mixture"}, "single") == "single" ? DecisionMode::kSingle
                                                                         : DecisionMode::kMixture;
}

Normalization read_normalization(ObjectReader& reader, const std::string& key) {
  return normalization_from_string(reader.choice(key, normalization_names(), "minmax"));
}

ReferenceRange read_reference(ObjectReader& reader) {
  constexpr double kMax = std::numeric_limits<double>::max();
  ReferenceRange range;
  range.worst = reader.number("worst", -kMax, kMax);
  range.best = reader.number("best", -kMax, kMax);
  return range;
}

void check_references(const std::string& file, const std::vector<Criterion>& criteria, Normalization normalization,
                      const std::function<std::string(std::size_t)>& pointer_of) {
  for (std::size_t j = 0; j < criteria.size(); ++j) {
    const Criterion& criterion = criteria[j];
    if (normalization != Normalization::kReference) continue;
    if (!criterion.reference) {
      fail_at(file, pointer_of(j), "is required by \"normalization\": \"reference\" (give {\"worst\": ..., \"best\": ...})");
    }
    const bool up = criterion.reference->best > criterion.reference->worst;
    if (criterion.reference->best == criterion.reference->worst || up != (criterion.direction == Direction::kMax)) {
      fail_at(file, pointer_of(j),
              "\"best\" must be " + std::string(criterion.direction == Direction::kMax ? "greater" : "smaller") +
                  " than \"worst\" for a criterion with direction \"" + to_string(criterion.direction) + "\"");
    }
  }
}

}  // namespace sizesel
