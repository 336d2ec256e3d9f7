#include "sizesel/ml/candidate_evaluator.hpp"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <torch/torch.h>

#include "sizesel/core/error.hpp"
#include "sizesel/ml/adversarial.hpp"
#include "sizesel/ml/corruptions.hpp"
#include "sizesel/ml/cost_meter.hpp"
#include "sizesel/ml/evaluator.hpp"
#include "sizesel/ml/memory_tracker.hpp"
#include "sizesel/ml/saliency.hpp"

namespace sizesel {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr int64_t kEvalBatch = 256;

double ratio(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

std::vector<Corruption> corruptions_of(const MeasurementSpec& spec) {
  if (spec.corruptions.empty()) return all_corruptions();
  std::vector<Corruption> chosen;
  for (const auto& name : spec.corruptions) {
    const auto corruption = corruption_from_string(name);
    if (!corruption) throw InputError("measurement.corruptions: unknown corruption \"" + name + "\"");
    chosen.push_back(*corruption);
  }
  return chosen;
}

/// The class-balanced robustness subset of the test split.
ImageSplit robustness_split(const Dataset& dataset, int64_t images) {
  const int64_t available = dataset.test.images.size(0);
  if (images <= 0 || images >= available) return dataset.test;
  return balanced_subset(dataset.test, images, dataset.num_classes, "robustness subset of the test split");
}

void measure_robustness(ResNet& model, const Dataset& dataset, const ChannelStats& stats, const EvaluationPlan& plan,
                        uint64_t seed, Metrics& m) {
  const MeasurementSpec& spec = plan.measurement;
  const ImageSplit subset = robustness_split(dataset, spec.robustness_images);
  const double clean = quality_of(predict(model, subset, stats, plan.device, kEvalBatch), subset.labels,
                                  dataset.num_classes)
                           .accuracy;
  const auto scores = corruption_accuracies(model, subset, stats, plan.device, kEvalBatch, corruptions_of(spec), seed);
  double sum = 0;
  int64_t counted = 0;
  for (const auto& score : scores) {
    if (std::find(spec.severities.begin(), spec.severities.end(), score.severity) == spec.severities.end()) continue;
    m.corruptions.push_back({to_string(score.corruption), score.severity, score.accuracy});
    sum += score.accuracy;
    ++counted;
  }
  m.mean_corruption_accuracy = counted > 0 ? sum / static_cast<double>(counted) : 0.0;
  m.corruption_robustness = ratio(m.mean_corruption_accuracy, clean);

  for (const auto& score : fgsm_accuracies(model, subset, stats, plan.device, kEvalBatch / 2)) {
    m.adversarial.push_back({score.epsilon, score.accuracy});
  }
  m.fgsm_accuracy_1 = m.adversarial.at(0).accuracy;
  m.fgsm_accuracy_2 = m.adversarial.at(1).accuracy;
  m.fgsm_robustness = ratio(m.fgsm_accuracy_2, clean);
  m.generalization_gap = m.train_accuracy - m.accuracy;
}

/// `model` saved with torch::save to a fresh file in the system's temporary folder, removed
/// again when this goes (also when reloading it throws).
class SavedModel {
 public:
  explicit SavedModel(ResNet& model) {
    static std::atomic<int64_t> counter{0};
    file_ = std::filesystem::temp_directory_path() / fmt::format("sizesel-checkpoint-{}-{}.pt", ::getpid(), counter++);
    torch::save(model, file_.string());
  }
  ~SavedModel() {
    std::error_code ec;
    std::filesystem::remove(file_, ec);
  }
  SavedModel(const SavedModel&) = delete;
  SavedModel& operator=(const SavedModel&) = delete;
  const std::filesystem::path& file() const { return file_; }
  double size_mib() const { return static_cast<double>(std::filesystem::file_size(file_)) / kMiB; }

 private:
  std::filesystem::path file_;
};

/// Size in MiB of the file torch::save writes for `model` (it depends on the architecture, not
/// on the weights' values).
double checkpoint_size_mib(ResNet& model) { return SavedModel(model).size_mib(); }

/// Saves the model, reloads it into a fresh one and requires identical predictions; returns
/// the file's size in MiB.
double checkpoint_round_trip(ResNet& model, const CandidateSpec& spec, const Dataset& dataset,
                             const ChannelStats& stats, torch::Device device) {
  ResNet reloaded(spec, dataset.channels, dataset.num_classes);
  double size = 0;
  {
    const SavedModel saved(model);
    size = saved.size_mib();
    torch::load(reloaded, saved.file().string());
  }
  reloaded->to(device);
  const int64_t n = std::min<int64_t>(dataset.test.images.size(0), kEvalBatch);
  const ImageSplit sample{dataset.test.images.narrow(0, 0, n), dataset.test.labels.narrow(0, 0, n)};
  const auto before = predict(model, sample, stats, device, kEvalBatch);
  const auto after = predict(reloaded, sample, stats, device, kEvalBatch);
  if (!torch::equal(before, after)) {
    throw TrainingError("the checkpoint, saved and reloaded, predicts differently on the test images");
  }
  return size;
}

}  // namespace

namespace {

ResNet seeded_model(const CandidateSpec& spec, const Dataset& dataset, uint64_t seed) {
  torch::manual_seed(seed);
  return ResNet(spec, dataset.channels, dataset.num_classes);
}

TrainingSpec with_seed(TrainingSpec training, uint64_t seed) {
  training.seed = seed;
  return training;
}

void set_serving_cost(ResNet& model, const Dataset& dataset, const EvaluationPlan& plan, const CandidateSpec& spec,
                      Metrics& m) {
  m.params = count_parameters(*model);
  m.macs = count_macs(model, dataset.height, dataset.width);
  m.depth = weighted_depth(spec);
  const ServingCost cost = measure_serving_cost(model, dataset.channels, dataset.height, dataset.width,
                                                plan.deployment.batch_size, plan.measurement, plan.device);
  m.latency_ms_p50 = cost.latency_ms_p50;
  m.latency_ms_p90 = cost.latency_ms_p90;
  m.latency_ms_p99 = cost.latency_ms_p99;
  m.throughput = cost.throughput;
  m.inference_memory_mib = cost.inference_memory_mib;
}

}  // namespace

CandidateTraining::CandidateTraining(const CandidateSpec& spec, const Dataset& dataset, const EvaluationPlan& plan,
                                     uint64_t seed, EpochCallback on_epoch, const std::filesystem::path& checkpoint)
    : spec_(spec),
      dataset_(dataset),
      plan_(plan),
      seed_(seed),
      model_(seeded_model(spec, dataset, seed)),
      stats_(channel_stats(dataset.train.images)),
      training_(with_seed(plan.training, seed)),
      session_(model_, dataset.train, stats_, training_, plan.device, std::move(on_epoch)) {
  if (checkpoint.empty()) return;
  std::error_code ec;
  if (std::filesystem::exists(checkpoint, ec)) {
    // Tried on a scratch model first: a damaged, truncated or mismatched checkpoint could
    // leave a model half-loaded. Such a file is ignored, and overwritten after the first epoch.
    try {
      ResNet scratch = seeded_model(spec, dataset, seed);
      TrainingSession probe(scratch, dataset.train, stats_, training_, plan.device);
      (void)probe.resume(checkpoint);
    } catch (const c10::Error& error) {
      ignored_checkpoint_ = checkpoint.string() + ": " + error.what_without_backtrace();
    } catch (const std::exception& error) {
      ignored_checkpoint_ = error.what();
    }
    if (ignored_checkpoint_.empty()) resumed_epochs_ = session_.resume(checkpoint);
  }
  session_.checkpoint_to(checkpoint);
}

int64_t CandidateTraining::steps_for(double fraction) const {
  const auto total = static_cast<double>(session_.total_steps());
  return std::max<int64_t>(1, std::llround(std::clamp(fraction, 0.0, 1.0) * total));
}

void CandidateTraining::train_to(double fraction) {
  const int64_t step = steps_for(fraction);
  // Measured per stretch, so that other candidates held in memory in between are not counted.
  reset_tracked_peak();
  const int64_t before = tracked_bytes();
  session_.run_to_step(step);
  training_peak_bytes_ = std::max(training_peak_bytes_, tracked_peak_bytes() - before);
}

Quality CandidateTraining::test_quality() {
  return quality_of(predict(model_, dataset_.test, stats_, plan_.device, kEvalBatch), dataset_.test.labels,
                    dataset_.num_classes);
}

CandidateEvaluation CandidateTraining::finish() {
  train_to(1.0);
  const Dataset& dataset = dataset_;
  const EvaluationPlan& plan = plan_;
  ResNet& model = model_;
  const ChannelStats& stats = stats_;
  CandidateEvaluation evaluation;
  evaluation.training = session_.result();
  Metrics& m = evaluation.metrics;
  m.training_memory_mib = static_cast<double>(std::max<int64_t>(0, training_peak_bytes_)) / kMiB;

  const Quality test = test_quality();
  m.accuracy = test.accuracy;
  m.precision_macro = test.precision_macro;
  m.recall_macro = test.recall_macro;
  m.f1_macro = test.f1_macro;
  m.per_class_accuracy = test.per_class_accuracy;
  m.train_accuracy =
      quality_of(predict(model, dataset.train, stats, plan.device, kEvalBatch), dataset.train.labels, dataset.num_classes)
          .accuracy;

  measure_robustness(model, dataset, stats, plan, seed_, m);

  const DeletionResult deletion = deletion_faithfulness(model, dataset.test, stats, plan.device,
                                                        plan.measurement.saliency_images,
                                                        plan.measurement.deletion_steps, seed_);
  m.deletion_auc = deletion.saliency.auc;
  m.deletion_auc_random = deletion.random.auc;
  m.faithfulness = 1.0 - deletion.auc_ratio;

  set_serving_cost(model, dataset, plan, spec_, m);
  m.checkpoint_mib = checkpoint_round_trip(model, spec_, dataset, stats, plan.device);

  m.train_seconds = evaluation.training.seconds;
  m.train_images_per_s = evaluation.training.images_per_s;
  m.final_train_loss = evaluation.training.final_loss;
  m.train_device_hours = m.train_seconds / 3600.0;
  for (const auto& epoch : evaluation.training.epochs) {
    m.training_curve.push_back({epoch.epoch, epoch.mean_loss, epoch.train_accuracy, epoch.seconds});
  }
  m.retrain_device_hours = retrain_device_hours(m.train_seconds, dataset, plan.training);
  return evaluation;
}

double retrain_device_hours(double train_seconds, const Dataset& dataset, const TrainingSpec& training) {
  // Time per image per epoch as measured, times the full recipe's images and epochs.
  const double trained = static_cast<double>(dataset.train.images.size(0) * training.epochs);
  const double full_images = static_cast<double>(training.full_train_images.value_or(dataset.full_train_images));
  const double full_epochs = static_cast<double>(training.full_epochs.value_or(training.epochs));
  return train_seconds / trained * full_images * full_epochs / 3600.0;
}

Metrics untrained_cost_metrics(const CandidateSpec& spec, const Dataset& dataset, const EvaluationPlan& plan,
                               uint64_t seed) {
  ResNet model = seeded_model(spec, dataset, seed);
  Metrics m;
  set_serving_cost(model, dataset, plan, spec, m);
  m.checkpoint_mib = checkpoint_size_mib(model);
  return m;
}

CandidateEvaluation evaluate_candidate(const CandidateSpec& spec, const Dataset& dataset, const EvaluationPlan& plan,
                                       uint64_t seed, const EpochCallback& on_epoch) {
  return CandidateTraining(spec, dataset, plan, seed, on_epoch).finish();
}

}  // namespace sizesel
