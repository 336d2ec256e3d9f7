// `sizesel evaluate`: one (candidate, seed) evaluation of a scenario as a unit of work: trained,
// measured and stored in the results cache under the key `recommend` looks it up by.
#pragma once

#include <cstdint>
#include <string>

#include "sizesel/app/cli_options.hpp"
#include "sizesel/scenario/scenario.hpp"

namespace sizesel {

/// Evaluates options.candidate of options.scenario with options.seed (one of the scenario's
/// seeds; the first by default), or finds it in the cache, and prints what it stored: the cache
/// key and the metrics (text or JSON). Early stopping does not apply: the evaluation is the full
/// one. Returns 0; throws InputError for an unknown candidate or seed, and
/// TrainingError with the reason when the evaluation fails.
int run_evaluate_command(const CliOptions& options);

/// What starts evaluate's error line when the evaluation fails, before the reason:
/// "FILE: candidate NAME seed S: " (the executors read the reason back from a job's log).
[[nodiscard]] std::string evaluation_error_prefix(const Scenario& scenario, const std::string& candidate, uint64_t seed);

}  // namespace sizesel
