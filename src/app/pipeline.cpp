#include "sizesel/app/pipeline.hpp"

#include <chrono>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sizesel/core/criteria.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/ml/candidate_evaluator.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/memory_tracker.hpp"
#include "sizesel/ml/resnet.hpp"
#include "sizesel/ml/runtime.hpp"

namespace sizesel {
namespace {

/// A test accuracy within this of 1/classes counts as chance level.
constexpr double kChanceMargin = 0.02;

}  // namespace

DecisionProblem decision_problem(const Scenario& scenario, std::vector<CandidateResult>& candidates) {
  DecisionProblem problem;
  problem.table.criteria = standard_criteria();
  for (auto& criterion : problem.table.criteria) {
    const auto reference = scenario.references.find(criterion.name);
    if (reference != scenario.references.end()) criterion.reference = reference->second;
  }
  problem.weights = scenario.weights;
  problem.constraints = scenario.constraints;
  problem.mode = scenario.mode;
  problem.normalization = scenario.normalization;
  for (auto& candidate : candidates) {
    if (!candidate.metrics) continue;
    candidate.row = problem.table.options.size();
    problem.table.options.push_back(candidate.spec.name);
    std::vector<double> values;
    for (const auto& criterion : problem.table.criteria) values.push_back(criterion_value(*candidate.metrics, criterion.name));
    problem.table.values.push_back(values);
    std::map<std::string, double> extra;
    for (const auto& info : metric_infos()) extra[info.name] = metric_value(*candidate.metrics, info.name);
    problem.extra.push_back(extra);
  }
  return problem;
}

RunReport run_recommend(const Scenario& scenario, std::ostream* log) {
  const auto start = std::chrono::steady_clock::now();
  install_memory_tracker();
  EvaluationPlan plan;
  plan.training = scenario.training;
  plan.deployment = scenario.deployment;
  plan.measurement = scenario.measurement;
  try {
    plan.device = select_device(scenario.training.device);
  } catch (const TrainingError& error) {
    throw TrainingError(located_message(scenario.file.string(), "/training/device", error.what()));
  }

  RunReport report;
  report.scenario_name = scenario.name;
  report.scenario_file = scenario.file.string();
  RunInfo& info = report.info;
  info.sizesel_version = SIZESEL_VERSION;
  info.torch_version = torch_version();
  info.glpk_version = glpk_version();
  info.device = scenario.training.device;
  info.threads = configure_threads(scenario.training.threads);
  info.target_rate = scenario.deployment.target_rate;
  info.deployment_batch = scenario.deployment.batch_size;

  const Dataset dataset = [&] {
    try {
      return load_dataset(scenario.dataset);
    } catch (const DataError& error) {
      throw DataError(located_message(scenario.file.string(), "/dataset", error.what()));
    }
  }();
  info.dataset_format = to_string(scenario.dataset.format);
  info.dataset_root = scenario.dataset.root.string();
  info.train_images = dataset.train.images.size(0);
  info.test_images = dataset.test.images.size(0);
  info.num_classes = dataset.num_classes;
  info.input_shape = {dataset.channels, dataset.height, dataset.width};
  if (log != nullptr) {
    fmt::print(*log, "sizesel: {}: {} training / {} test images, {} candidates, {}, threads: {}\n", scenario.name,
               info.train_images, info.test_images, scenario.candidates.size(), info.device, info.threads);
    if (info.threads > available_cores()) {
      fmt::print(*log, "sizesel: warning: {} threads on {} available cores: the threads compete, and every timing "
                       "(latency, throughput, training time) comes out worse than the machine can do\n",
                 info.threads, available_cores());
    }
  }

  // Every architecture is built once before any training, so that an impossible one stops the
  // run at once as a scenario error rather than after hours of training.
  for (std::size_t i = 0; i < scenario.candidates.size(); ++i) {
    const std::string where = "/candidates/" + std::to_string(i);
    try {
      (void)ResNet(scenario.candidates[i], dataset.channels, dataset.num_classes);
    } catch (const InputError& error) {
      throw InputError(located_message(scenario.file.string(), where, error.what()));
    } catch (const c10::Error& error) {
      throw InputError(located_message(scenario.file.string(), where,
                                       std::string("cannot be built: libtorch: ") + error.what_without_backtrace()));
    } catch (const std::bad_alloc&) {
      throw InputError(located_message(scenario.file.string(), where, "cannot be built: out of memory"));
    }
  }

  const std::size_t count = scenario.candidates.size();
  for (std::size_t i = 0; i < count; ++i) {
    const CandidateSpec& spec = scenario.candidates[i];
    CandidateResult result;
    result.spec = spec;
    const auto on_epoch = [&](const EpochReport& epoch) {
      if (log == nullptr) return;
      fmt::print(*log, "[{}/{} {}] epoch {}/{}: loss {:.4f}, train acc {:.3f}, {:.0f} images/s, {:.1f} s\n", i + 1, count,
                 spec.name, epoch.epoch, epoch.epochs, epoch.mean_loss, epoch.train_accuracy, epoch.images_per_s,
                 epoch.seconds);
      log->flush();
    };
    try {
      const CandidateEvaluation evaluation = evaluate_candidate(spec, dataset, plan, on_epoch);
      result.metrics = evaluation.metrics;
      const double chance = 1.0 / static_cast<double>(dataset.num_classes);
      if (result.metrics->accuracy <= chance + kChanceMargin) {
        result.warnings.push_back(fmt::format("test accuracy {:.4f} is at chance level ({:.4f} for {} classes): the "
                                              "model learnt nothing (diverged, or too little training?)",
                                              result.metrics->accuracy, chance, dataset.num_classes));
      }
      if (log != nullptr) {
        fmt::print(*log, "[{}/{} {}] test accuracy {:.4f}, latency p50 {:.3f} ms, {:.0f} images/s at batch {}\n", i + 1,
                   count, spec.name, result.metrics->accuracy, result.metrics->latency_ms_p50,
                   result.metrics->throughput, scenario.deployment.batch_size);
        for (const auto& warning : result.warnings) fmt::print(*log, "[{}/{} {}] warning: {}\n", i + 1, count, spec.name, warning);
      }
    } catch (const TrainingError& error) {
      result.failure = error.what();
    } catch (const c10::Error& error) {
      result.failure = std::string("libtorch: ") + error.what_without_backtrace();
    } catch (const std::bad_alloc&) {
      result.failure = "out of memory";
    }
    if (!result.failure.empty() && log != nullptr) {
      fmt::print(*log, "[{}/{} {}] failed: {}\n", i + 1, count, spec.name, result.failure);
    }
    report.candidates.push_back(std::move(result));
  }

  report.problem = decision_problem(scenario, report.candidates);
  if (!report.problem.table.options.empty()) report.recommendation = decide(report.problem);
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace sizesel
