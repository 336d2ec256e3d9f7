// Metrics to JSON and back: the `metrics` object of the reports, and what the results cache stores.
#pragma once

#include <nlohmann/json.hpp>

#include "sizesel/core/metrics.hpp"

namespace sizesel {

/// Every scalar metric by name (integers as JSON integers, a non-finite value as null), plus
/// per_class_accuracy, corruptions [{corruption, severity, accuracy}], adversarial
/// [{epsilon, accuracy}] and training_curve [{epoch, loss, train_accuracy, seconds}].
[[nodiscard]] nlohmann::json metrics_to_json(const Metrics& metrics);

/// The inverse of metrics_to_json. Throws std::runtime_error naming the first missing or
/// mistyped key, so that a damaged cache entry is recomputed rather than trusted.
[[nodiscard]] Metrics metrics_from_json(const nlohmann::json& json);

}  // namespace sizesel
