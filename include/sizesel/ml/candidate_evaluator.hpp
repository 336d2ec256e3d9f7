// Trains one candidate size with one seed and measures every metric sizesel reports for it.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/deployment_spec.hpp"
#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/core/training_spec.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/trainer.hpp"

namespace sizesel {

/// Version of how evaluate_candidate trains and measures, part of every results-cache key:
/// raised whenever a change in the code changes what the same inputs measure, so that no
/// result measured the old way is reused. 2: channels-last weights, served with folded batch norms.
inline constexpr int kMeasurementMethod = 2;

/// Everything that decides how a candidate is trained and measured.
struct EvaluationPlan {
  TrainingSpec training;
  DeploymentSpec deployment;
  MeasurementSpec measurement;
  torch::Device device = torch::kCPU;
};

struct CandidateEvaluation {
  Metrics metrics;  ///< everything but `devices` and `accuracy_std`, which need the deployment and the other seeds
  TrainingResult training;
};

/// Builds the candidate, seeded with `seed`, trains it on dataset.train, then measures on the
/// test split: quality; robustness (CIFAR-10-C corruptions and FGSM on a balanced subset of
/// measurement.robustness_images, relative to the clean accuracy on that subset; the
/// generalisation gap); faithfulness of gradient saliency (deletion test); structure; serving
/// cost; training memory; the checkpoint (saved, reloaded, and required to predict identically);
/// and the retraining cost of the full recipe (docs/metrics.md). Throws TrainingError when
/// training diverges or the reloaded checkpoint predicts differently, InputError when the
/// architecture is invalid.
[[nodiscard]] CandidateEvaluation evaluate_candidate(const CandidateSpec& spec, const Dataset& dataset,
                                                     const EvaluationPlan& plan, uint64_t seed,
                                                     const EpochCallback& on_epoch = {});

}  // namespace sizesel
