// Trains one candidate size and measures every metric sizesel reports for it.
#pragma once

#include <torch/types.h>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/deployment_spec.hpp"
#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/core/training_spec.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/trainer.hpp"

namespace sizesel {

/// Standard deviation of the Gaussian noise behind `noise_accuracy`, in [0,1] pixel units
/// (CIFAR-10-C gaussian_noise, severity 1).
inline constexpr double kNoiseSigma = 0.08;

/// Everything that decides how a candidate is trained and measured.
struct EvaluationPlan {
  TrainingSpec training;
  DeploymentSpec deployment;
  MeasurementSpec measurement;
  torch::Device device = torch::kCPU;
};

struct CandidateEvaluation {
  Metrics metrics;
  TrainingResult training;
};

/// Builds the candidate (seeded with plan.training.seed), trains it on dataset.train, then
/// measures quality on dataset.test (clean and with Gaussian noise), quality on the training
/// subset, structure (parameters, MACs, depth) and serving cost. Throws TrainingError when
/// training diverges, InputError when the architecture is invalid.
[[nodiscard]] CandidateEvaluation evaluate_candidate(const CandidateSpec& spec, const Dataset& dataset,
                                                     const EvaluationPlan& plan,
                                                     const EpochCallback& on_epoch = {});

}  // namespace sizesel
