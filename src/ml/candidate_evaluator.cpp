#include "sizesel/ml/candidate_evaluator.hpp"

#include <cmath>

#include <torch/torch.h>

#include "sizesel/ml/cost_meter.hpp"
#include "sizesel/ml/evaluator.hpp"

namespace sizesel {

CandidateEvaluation evaluate_candidate(const CandidateSpec& spec, const Dataset& dataset,
                                       const EvaluationPlan& plan, const EpochCallback& on_epoch) {
  torch::manual_seed(plan.training.seed);
  ResNet model(spec, dataset.channels, dataset.num_classes);
  const ChannelStats stats = channel_stats(dataset.train.images);

  CandidateEvaluation evaluation;
  evaluation.training = train_model(model, dataset.train, stats, plan.training, plan.device, on_epoch);

  Metrics& m = evaluation.metrics;
  const int64_t eval_batch = 256;
  const Quality test = quality_of(predict(model, dataset.test, stats, plan.device, eval_batch),
                                  dataset.test.labels, dataset.num_classes);
  m.accuracy = test.accuracy;
  m.precision_macro = test.precision_macro;
  m.recall_macro = test.recall_macro;
  m.f1_macro = test.f1_macro;
  m.per_class_accuracy = test.per_class_accuracy;
  m.noise_accuracy = quality_of(predict(model, dataset.test, stats, plan.device, eval_batch, kNoiseSigma,
                                        plan.training.seed),
                                dataset.test.labels, dataset.num_classes)
                         .accuracy;
  m.train_accuracy =
      quality_of(predict(model, dataset.train, stats, plan.device, eval_batch), dataset.train.labels,
                 dataset.num_classes)
          .accuracy;

  m.params = count_parameters(*model);
  m.macs = count_macs(model, dataset.height, dataset.width);
  m.depth = weighted_depth(spec);

  const ServingCost cost = measure_serving_cost(model, dataset.channels, dataset.height, dataset.width,
                                                plan.deployment.batch_size, plan.measurement, plan.device);
  m.latency_ms_p50 = cost.latency_ms_p50;
  m.latency_ms_p90 = cost.latency_ms_p90;
  m.throughput = cost.throughput;
  m.inference_memory_mib = cost.inference_memory_mib;
  m.devices = static_cast<int64_t>(std::ceil(plan.deployment.target_rate / cost.throughput));

  m.train_seconds = evaluation.training.seconds;
  m.train_images_per_s = evaluation.training.images_per_s;
  m.final_train_loss = evaluation.training.final_loss;
  return evaluation;
}

}  // namespace sizesel
