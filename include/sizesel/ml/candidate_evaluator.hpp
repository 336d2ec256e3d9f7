// Trains one candidate size with one seed and measures every metric sizesel reports for it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <torch/types.h>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/deployment_spec.hpp"
#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/core/training_spec.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/evaluator.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/resnet.hpp"
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

/// One candidate with one seed, evaluated in steps: built (seeded) at construction, trained
/// epoch by epoch with train_to, then measured by finish. Training in steps gives exactly the
/// weights, and so the metrics, of evaluate_candidate. `spec`, `dataset` and `plan` must
/// outlive it.
class CandidateTraining {
 public:
  /// With a `checkpoint` file, training saves its state there after every epoch, and starts
  /// from it when it exists (a damaged or mismatched one is ignored and overwritten).
  CandidateTraining(const CandidateSpec& spec, const Dataset& dataset, const EvaluationPlan& plan, uint64_t seed,
                    EpochCallback on_epoch = {}, const std::filesystem::path& checkpoint = {});

  /// Epochs restored from the checkpoint (0 when training started afresh).
  [[nodiscard]] int64_t resumed_epochs() const { return resumed_epochs_; }
  /// Why an existing checkpoint was not used (it fails its checksum, or belongs to another
  /// training); empty when there was none or it was used.
  [[nodiscard]] const std::string& ignored_checkpoint() const { return ignored_checkpoint_; }

  /// Trains on up to `fraction` (in [0, 1]) of plan.training's optimiser steps, rounded to a
  /// step, at least one. Throws TrainingError on divergence.
  void train_to(double fraction);
  /// Quality of the model as trained so far on the test split.
  [[nodiscard]] Quality test_quality();
  /// The optimiser step train_to(fraction) trains to, and the last one.
  [[nodiscard]] int64_t steps_for(double fraction) const;
  [[nodiscard]] int64_t total_steps() const { return session_.total_steps(); }
  /// The share of the optimiser steps trained so far.
  [[nodiscard]] double fraction_done() const {
    return static_cast<double>(session_.steps_done()) / static_cast<double>(session_.total_steps());
  }
  /// Seconds spent training so far.
  [[nodiscard]] double train_seconds() const { return session_.seconds_so_far(); }
  /// Reports every optimiser step but an epoch's last (TrainingSession::on_step).
  void on_step(StepCallback callback) { session_.on_step(std::move(callback)); }
  /// Trains the remaining epochs and measures everything evaluate_candidate measures.
  [[nodiscard]] CandidateEvaluation finish();

 private:
  const CandidateSpec& spec_;
  const Dataset& dataset_;
  const EvaluationPlan& plan_;
  uint64_t seed_;
  ResNet model_{nullptr};
  ChannelStats stats_;
  TrainingSpec training_;
  TrainingSession session_;
  int64_t training_peak_bytes_ = 0;  ///< the most memory any training step added, bytes
  int64_t resumed_epochs_ = 0;
  std::string ignored_checkpoint_;
};

/// Hours of one measuring device that the full training recipe (training.full_recipe, by
/// default this recipe over the whole training split) takes, at the time per image per epoch
/// of `train_seconds` for training.epochs over dataset.train.
[[nodiscard]] double retrain_device_hours(double train_seconds, const Dataset& dataset, const TrainingSpec& training);

/// What a candidate costs to serve, measured before any training (dense convolutions take the
/// same time and memory whatever their weights): latency, throughput and inference memory of
/// the freshly built model, with params, macs, depth and checkpoint_mib (the size of the saved
/// file). Every other field is 0.
[[nodiscard]] Metrics untrained_cost_metrics(const CandidateSpec& spec, const Dataset& dataset,
                                             const EvaluationPlan& plan, uint64_t seed);

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
