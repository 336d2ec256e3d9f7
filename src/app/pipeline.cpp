#include "sizesel/app/pipeline.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/criteria.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/decision/recommendation.hpp"
#include "sizesel/ml/candidate_evaluator.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/memory_tracker.hpp"
#include "sizesel/ml/resnet.hpp"
#include "sizesel/ml/runtime.hpp"

namespace sizesel {
namespace {

using Json = nlohmann::json;

/// A test accuracy within this of 1/classes counts as chance level.
constexpr double kChanceMargin = 0.02;

Json architecture_inputs(const CandidateSpec& spec) {
  return {{"block", to_string(spec.block)}, {"stages", spec.stages}, {"width", spec.width},
          {"max_width", spec.max_width},   {"shortcut", to_string(spec.shortcut)}};
}

/// The dataset facts a report needs, kept with every cached evaluation.
Json dataset_context(const Dataset& dataset) {
  return {{"train_images", dataset.train.images.size(0)},
          {"test_images", dataset.test.images.size(0)},
          {"classes", dataset.num_classes},
          {"input_shape", {dataset.channels, dataset.height, dataset.width}}};
}

void set_dataset_info(RunInfo& info, const Json& context) {
  info.train_images = context.at("train_images").get<int64_t>();
  info.test_images = context.at("test_images").get<int64_t>();
  info.num_classes = context.at("classes").get<int64_t>();
  info.input_shape = context.at("input_shape").get<std::vector<int64_t>>();
}

struct Pending {
  std::size_t candidate = 0;
  std::size_t run = 0;
  Json inputs;
};

/// The one-sided Student's t quantile for `confidence` with runs - 1 degrees of freedom.
double t_quantile(double confidence, int64_t runs) {
  const boost::math::students_t distribution(static_cast<double>(runs - 1));
  return boost::math::quantile(distribution, confidence);
}

void summarise(CandidateResult& result, const Scenario& scenario, int64_t classes) {
  std::vector<Metrics> runs;
  for (const auto& run : result.runs) runs.push_back(run.metrics);
  const MetricSummary summary = summarize(runs);
  Metrics mean = summary.mean;
  const double capacity = mean.throughput * scenario.deployment.device_speedup;
  mean.devices = static_cast<int64_t>(std::ceil(scenario.deployment.target_rate / capacity));
  result.metrics = mean;
  result.metrics_std = summary.std;
  const double chance = 1.0 / static_cast<double>(classes);
  if (mean.accuracy <= chance + kChanceMargin) {
    result.warnings.push_back(fmt::format("test accuracy {:.4f} is at chance level ({:.4f} for {} classes): the model "
                                          "learnt nothing (diverged, or too little training?)",
                                          mean.accuracy, chance, classes));
  }
}

}  // namespace

Json evaluation_inputs(const Scenario& scenario, const CandidateSpec& spec, uint64_t seed, int64_t threads) {
  const TrainingSpec& t = scenario.training;
  const MeasurementSpec& m = scenario.measurement;
  const DatasetSpec& d = scenario.dataset;
  return {{"cache_format", 1},
          {"method", kMeasurementMethod},
          {"sizesel", SIZESEL_VERSION},
          {"libtorch", torch_version()},
          {"device", t.device},
          {"threads", threads},
          {"candidate", architecture_inputs(spec)},
          {"dataset",
           {{"format", to_string(d.format)},
            {"root", std::filesystem::absolute(d.root).lexically_normal().string()},
            {"files", folder_fingerprint(d.root)},
            {"train_limit", d.train_limit},
            {"test_limit", d.test_limit}}},
          {"training",
           {{"epochs", t.epochs},
            {"batch_size", t.batch_size},
            {"learning_rate", t.learning_rate},
            {"momentum", t.momentum},
            {"weight_decay", t.weight_decay},
            {"schedule", to_string(t.schedule)},
            {"augment", t.augment},
            {"seed", seed},
            {"full_epochs", t.full_epochs ? Json(*t.full_epochs) : Json()},
            {"full_train_images", t.full_train_images ? Json(*t.full_train_images) : Json()}}},
          {"measurement",
           {{"warmup_runs", m.warmup_runs},
            {"latency_runs", m.latency_runs},
            {"throughput_runs", m.throughput_runs},
            {"robustness_images", m.robustness_images},
            {"corruptions", m.corruptions},
            {"severities", m.severities},
            {"saliency_images", m.saliency_images},
            {"deletion_steps", m.deletion_steps},
            {"deployment_batch", scenario.deployment.batch_size}}}};
}

bool needs_training(const Scenario& scenario, const PipelineOptions& options) {
  if (!options.cache_dir) return true;
  const ResultCache cache(*options.cache_dir);
  const int64_t threads = configure_threads(scenario.training.threads);
  for (const auto& spec : scenario.candidates) {
    for (int64_t r = 0; r < scenario.training.repeats; ++r) {
      const uint64_t seed = scenario.training.seed + static_cast<uint64_t>(r);
      if (!cache.find(evaluation_inputs(scenario, spec, seed, threads))) return true;
    }
  }
  return false;
}

void ensure_passive_openmp() {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::vector<std::string> arguments;
  for (std::string argument; std::getline(in, argument, '\0');) arguments.push_back(argument);
  if (arguments.empty()) return;
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  std::cout.flush();
  std::cerr.flush();
  ::execv("/proc/self/exe", argv.data());
  // execv only returns on failure; the run goes on with the default policy.
}

DecisionProblem decision_problem(const Scenario& scenario, std::vector<CandidateResult>& candidates) {
  DecisionProblem problem;
  problem.groups = scenario.criteria;
  for (const auto& group : scenario.criteria) {
    for (const auto& part : group.parts) {
      bool seen = false;
      for (const auto& column : problem.table.criteria) seen = seen || column.name == part.column;
      if (seen) continue;
      Criterion column = metric_column(part.column);
      const auto reference = scenario.references.find(part.column);
      if (reference != scenario.references.end()) column.reference = reference->second;
      problem.table.criteria.push_back(column);
    }
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
    for (const auto& column : problem.table.criteria) values.push_back(metric_value(*candidate.metrics, column.name));
    problem.table.values.push_back(values);
    std::map<std::string, double> extra;
    for (const auto& info : metric_infos()) extra[info.name] = metric_value(*candidate.metrics, info.name);
    // A criterion resting on one measurement may be constrained by its name (C: devices).
    for (const auto& group : scenario.criteria) {
      std::vector<std::string> counted;
      for (const auto& part : group.parts) {
        if (part.weight > 0) counted.push_back(part.column);
      }
      if (counted.size() == 1) extra[group.name] = extra.at(counted.front());
    }
    problem.extra.push_back(extra);
    if (scenario.confidence) {
      const int64_t runs = static_cast<int64_t>(candidate.runs.size());
      const double t = t_quantile(*scenario.confidence, runs);
      std::map<std::string, double> bounds;
      for (const auto& constraint : scenario.constraints) {
        const double mean = extra.at(constraint.metric);
        const auto spread = candidate.metrics_std.find(constraint.metric);
        const double half_width = spread == candidate.metrics_std.end()
                                      ? 0.0
                                      : t * spread->second / std::sqrt(static_cast<double>(runs));
        // A minimum must hold for the lower bound, a maximum for the upper one; a metric
        // bounded both ways keeps the stricter bound for each, so both are stored by kind.
        if (constraint.kind == BoundKind::kMin) bounds[constraint.metric] = mean - half_width;
        if (constraint.kind == BoundKind::kMax && bounds.count(constraint.metric) == 0) {
          bounds[constraint.metric] = mean + half_width;
        }
      }
      problem.constraint_values.push_back(bounds);
    }
  }
  return problem;
}

RunReport run_recommend(const Scenario& scenario, const PipelineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::ostream* log = options.log;
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
  info.device_speedup = scenario.deployment.device_speedup;
  info.device_name = scenario.deployment.device_name;
  info.repeats = scenario.training.repeats;
  info.confidence = scenario.confidence;
  if (const char* policy = std::getenv("OMP_WAIT_POLICY"); policy != nullptr) info.omp_wait_policy = policy;
  info.dataset_format = to_string(scenario.dataset.format);
  info.dataset_root = scenario.dataset.root.string();
  std::optional<ResultCache> cache;
  if (options.cache_dir) {
    cache.emplace(*options.cache_dir);
    info.cache_dir = options.cache_dir->string();
  }

  // Look every evaluation up before anything is loaded or trained.
  const std::size_t count = scenario.candidates.size();
  std::vector<Pending> pending;
  bool have_context = false;
  for (std::size_t i = 0; i < count; ++i) {
    CandidateResult result;
    result.spec = scenario.candidates[i];
    for (int64_t r = 0; r < scenario.training.repeats; ++r) {
      CandidateRun run;
      run.seed = scenario.training.seed + static_cast<uint64_t>(r);
      Json inputs = evaluation_inputs(scenario, result.spec, run.seed, info.threads);
      std::string problem;
      const auto cached = cache ? cache->find(inputs, &problem) : std::nullopt;
      if (!problem.empty() && log != nullptr) fmt::print(*log, "sizesel: warning: {}\n", problem);
      if (cached) {
        run.cached = true;
        run.metrics = cached->metrics;
        if (!have_context) set_dataset_info(info, cached->context);
        have_context = true;
        ++info.cache_hits;
      } else {
        pending.push_back({i, result.runs.size(), std::move(inputs)});
        ++info.cache_misses;
      }
      result.runs.push_back(std::move(run));
    }
    report.candidates.push_back(std::move(result));
  }
  if (log != nullptr) {
    fmt::print(*log, "sizesel: {}: {} candidates x {} seed(s), {}, threads: {}; {}\n", scenario.name, count,
               scenario.training.repeats, info.device, info.threads,
               cache ? fmt::format("{} from the cache, {} to train", info.cache_hits, info.cache_misses)
                     : std::string("cache off"));
    if (info.threads > available_cores()) {
      fmt::print(*log, "sizesel: warning: {} threads on {} available cores: the threads compete, and every timing "
                       "(latency, throughput, training time) comes out worse than the machine can do\n",
                 info.threads, available_cores());
    }
  }

  int64_t classes = info.num_classes;
  if (!pending.empty()) {
    const Dataset dataset = [&] {
      try {
        return load_dataset(scenario.dataset);
      } catch (const DataError& error) {
        throw DataError(located_message(scenario.file.string(), "/dataset", error.what()));
      }
    }();
    const Json context = dataset_context(dataset);
    set_dataset_info(info, context);
    classes = dataset.num_classes;
    if (log != nullptr) {
      fmt::print(*log, "sizesel: {} training / {} test images, {} classes\n", info.train_images, info.test_images,
                 classes);
    }
    const int64_t positions = dataset.height * dataset.width;
    if (scenario.measurement.deletion_steps > positions) {
      throw InputError(located_message(scenario.file.string(), "/measurement/deletion_steps",
                                       fmt::format("must be at most the image's H*W = {} (got {})", positions,
                                                   scenario.measurement.deletion_steps)));
    }
    // Every architecture is built once before any training, so that an impossible one stops
    // the run at once as a scenario error rather than after hours of training.
    for (std::size_t i = 0; i < count; ++i) {
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

    for (const Pending& job : pending) {
      CandidateResult& result = report.candidates[job.candidate];
      if (!result.failure.empty()) continue;  // an earlier seed failed
      CandidateRun& run = result.runs[job.run];
      const std::string tag = fmt::format("[{}/{} {}{}]", job.candidate + 1, count, result.spec.name,
                                          scenario.training.repeats > 1 ? fmt::format(" seed {}", run.seed) : "");
      const auto on_epoch = [&](const EpochReport& epoch) {
        if (log == nullptr) return;
        fmt::print(*log, "{} epoch {}/{}: loss {:.4f}, train acc {:.3f}, {:.0f} images/s, {:.1f} s\n", tag, epoch.epoch,
                   epoch.epochs, epoch.mean_loss, epoch.train_accuracy, epoch.images_per_s, epoch.seconds);
        log->flush();
      };
      try {
        run.metrics = evaluate_candidate(result.spec, dataset, plan, run.seed, on_epoch).metrics;
        if (cache) {
          cache->store(job.inputs, CachedResult{run.metrics, context},
                       fmt::format("{} / {} / seed {}", scenario.name, result.spec.name, run.seed));
        }
        if (log != nullptr) {
          fmt::print(*log, "{} test accuracy {:.4f}, corruptions {:.4f}, FGSM 2/255 {:.4f}, latency p50 {:.3f} ms, "
                           "{:.0f} images/s\n",
                     tag, run.metrics.accuracy, run.metrics.mean_corruption_accuracy, run.metrics.fgsm_accuracy_2,
                     run.metrics.latency_ms_p50, run.metrics.throughput);
        }
      } catch (const TrainingError& error) {
        result.failure = error.what();
      } catch (const c10::Error& error) {
        result.failure = std::string("libtorch: ") + error.what_without_backtrace();
      } catch (const std::bad_alloc&) {
        result.failure = "out of memory";
      }
      if (!result.failure.empty() && log != nullptr) fmt::print(*log, "{} failed: {}\n", tag, result.failure);
    }
  }

  for (auto& result : report.candidates) {
    if (!result.failure.empty()) continue;
    summarise(result, scenario, classes);
    if (log != nullptr) {
      for (const auto& warning : result.warnings) fmt::print(*log, "[{}] warning: {}\n", result.spec.name, warning);
    }
  }
  report.problem = decision_problem(scenario, report.candidates);
  if (!report.problem.table.options.empty()) {
    try {
      report.recommendation = decide(report.problem);
    } catch (const InputError& error) {
      // The measurements do not suit the decision settings (a negative value under vector
      // normalisation, say): the cache keeps them, so a rerun with other settings is instant.
      throw InputError(located_message(scenario.file.string(), "/decision", error.what()));
    }
  }
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace sizesel
