// A scenario: the dataset, training recipe, candidate sizes, deployment load, weights and constraints.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/decision_problem.hpp"
#include "sizesel/core/dataset_spec.hpp"
#include "sizesel/core/deployment_spec.hpp"
#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/core/training_spec.hpp"

namespace sizesel {

/// Successive halving over the candidates (docs/scenario.md#early_stopping).
struct EarlyStopping {
  /// Shares of the training (of its optimiser steps; increasing, each in (0, 1)) after which
  /// the candidates still racing are ranked and only the best `keep` share of them trains on.
  /// None by default: only the exact cost screen runs.
  std::vector<double> rungs;
  double keep = 1.0 / 3.0;
};

struct Scenario {
  std::string name;
  std::filesystem::path file;  ///< the file it was read from
  DatasetSpec dataset;
  TrainingSpec training;
  std::vector<CandidateSpec> candidates;
  DeploymentSpec deployment;
  MeasurementSpec measurement;
  std::map<std::string, double> weights;  ///< criterion name (P, C, E, R, M) -> weight >= 0
  std::vector<CriterionGroup> criteria;   ///< P, C, E, R, M with their sub-weights
  std::vector<Constraint> constraints;    ///< on raw metric values (or a one-metric criterion)
  /// When set, a minimum is checked against the mean's lower confidence bound at this level and
  /// a maximum against its upper one (Student's t over training.repeats seeds); else the mean.
  std::optional<double> confidence;
  DecisionMode mode = DecisionMode::kSingle;
  Normalization normalization = Normalization::kMinMax;
  std::map<std::string, ReferenceRange> references;  ///< metric -> range, for reference normalisation
  /// When set, candidates that cannot meet a cost constraint are not trained, and the others
  /// race by successive halving; absent: every candidate is trained and measured in full.
  std::optional<EarlyStopping> early_stopping;
};

/// Options that change how a scenario file is read.
struct ScenarioOverrides {
  std::optional<std::filesystem::path> data_dir;  ///< replaces dataset.root
};

/// The keys each object of a scenario may hold, by the object's JSON pointer, "*" standing for
/// any array index or metric name: "" (the top level), "/training", "/candidates/*",
/// "/criteria/P", "/constraints/per_option/max", "/decision/reference/*", .... load_scenario
/// rejects any other key; docs/scenario.schema.json allows exactly these (tests/schema).
[[nodiscard]] const std::map<std::string, std::vector<std::string>>& scenario_keys();

/// Reads and validates a scenario file strictly: unknown keys, wrong types and out-of-range values
/// throw InputError "FILE: /json/pointer: what (got X)". A relative dataset.root resolves against
/// the scenario file's folder.
[[nodiscard]] Scenario load_scenario(const std::filesystem::path& file,
                                     const ScenarioOverrides& overrides = {});

}  // namespace sizesel
