#include "sizesel/app/pipeline.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "sizesel/app/progress.hpp"
#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/criteria.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/core/input_file.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/decision/recommendation.hpp"
#include "sizesel/decision/selection.hpp"
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

/// Serving devices needed for the target rate at this throughput on the measuring device.
int64_t devices_needed(double throughput, const DeploymentSpec& deployment) {
  return static_cast<int64_t>(std::ceil(deployment.target_rate / (throughput * deployment.device_speedup)));
}

void summarise(CandidateResult& result, const Scenario& scenario, int64_t classes) {
  std::vector<Metrics> runs;
  for (const auto& run : result.runs) runs.push_back(run.metrics);
  const MetricSummary summary = summarize(runs);
  Metrics mean = summary.mean;
  mean.devices = devices_needed(mean.throughput, scenario.deployment);
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

std::vector<MissingEvaluation> missing_evaluations(const Scenario& scenario, const PipelineOptions& options) {
  std::optional<ResultCache> cache;
  if (options.cache_dir) cache.emplace(*options.cache_dir);
  const int64_t threads = configure_threads(scenario.training.threads);
  std::vector<MissingEvaluation> missing;
  for (std::size_t i = 0; i < scenario.candidates.size(); ++i) {
    for (int64_t r = 0; r < scenario.training.repeats; ++r) {
      const uint64_t seed = scenario.training.seed + static_cast<uint64_t>(r);
      if (!cache || !cache->find(evaluation_inputs(scenario, scenario.candidates[i], seed, threads))) {
        missing.push_back({i, seed});
      }
    }
  }
  return missing;
}

std::string evaluation_tag(const Scenario& scenario, std::size_t candidate, uint64_t seed) {
  return fmt::format("[{}/{} {}{}]", candidate + 1, scenario.candidates.size(), scenario.candidates[candidate].name,
                     scenario.training.repeats > 1 ? fmt::format(" seed {}", seed) : "");
}

bool needs_training(const Scenario& scenario, const PipelineOptions& options) {
  return !missing_evaluations(scenario, options).empty();
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
        // bounded both ways gets both, each under its own key.
        bounds[bound_key(constraint)] = constraint.kind == BoundKind::kMin ? mean - half_width : mean + half_width;
      }
      problem.constraint_values.push_back(bounds);
    }
  }
  return problem;
}

namespace {

/// The metrics early stopping knows before the end of training: serving cost and structure
/// (measured before training), quality so far and training time (extrapolated to all epochs).
const std::vector<std::string>& rung_metrics() {
  static const std::vector<std::string> names = {
      "accuracy", "precision_macro", "recall_macro", "f1_macro", "params", "macs", "depth", "latency_ms_p50",
      "latency_ms_p90", "latency_ms_p99", "throughput", "inference_memory_mib", "devices", "train_seconds",
      "train_device_hours", "retrain_device_hours", "checkpoint_mib", "accuracy_std"};
  return names;
}

/// Those of them measured before any training.
bool known_before_training(const std::string& metric) {
  for (const char* name : {"params", "macs", "depth", "latency_ms_p50", "latency_ms_p90", "latency_ms_p99",
                           "throughput", "inference_memory_mib", "devices", "checkpoint_mib"}) {
    if (metric == name) return true;
  }
  return false;
}

/// The metric a constraint applies to: its own name, or the one metric of a criterion.
std::string constrained_metric(const Scenario& scenario, const std::string& name) {
  for (const auto& group : scenario.criteria) {
    if (group.name != name) continue;
    for (const auto& part : group.parts) {
      if (part.weight > 0) return part.column;
    }
  }
  return name;
}

}  // namespace

/// The (candidate, seed) evaluations a run must train, trained in full or raced.
class Evaluations {
 public:
  /// `macs`: each candidate's MACs per image (forward), for the estimate of the time left.
  Evaluations(const Scenario& scenario, const Dataset& dataset, const EvaluationPlan& plan, const Json& context,
              ResultCache* cache, ProgressLog& progress, RunReport& report, const std::vector<Pending>& pending,
              const std::vector<double>& macs)
      : scenario_(scenario),
        dataset_(dataset),
        plan_(plan),
        context_(context),
        cache_(cache),
        progress_(progress),
        report_(report),
        pending_(pending),
        trainings_(pending.size()) {
    for (const Pending& job : pending_) {
      (void)estimate_.add(macs.at(job.candidate), static_cast<double>(dataset.train.images.size(0)),
                          scenario.training.epochs);
    }
  }

  /// Trains pending evaluation k to the end (or on from where a rung left it), measures it and
  /// stores it in the cache. A failure marks its candidate failed.
  void finish(std::size_t k) {
    const Pending& job = pending_[k];
    CandidateResult& result = report_.candidates[job.candidate];
    if (!result.failure.empty() || !result.stopped.empty()) return;
    CandidateRun& run = result.runs[job.run];
    guarded(k, [&] {
      training(k).train_to(1.0);
      progress_.phase(tag(k) + " measuring: test accuracy, serving cost, robustness, saliency, checkpoint",
                      progress_.timing(estimate_));
      const auto measuring = std::chrono::steady_clock::now();
      run.metrics = training(k).finish().metrics;
      trainings_[k].reset();
      estimate_.measured(k, std::chrono::duration<double>(std::chrono::steady_clock::now() - measuring).count());
      // A model that diverged without a non-finite loss (huge logits, say) can still measure NaN.
      for (const auto& metric : metric_infos()) {
        const double value = metric_value(run.metrics, metric.name);
        if (!std::isfinite(value)) {
          throw TrainingError(fmt::format("{} is {} after training: the model diverged", metric.name, value));
        }
      }
      ++report_.info.trained;
      run.measured = true;
      if (cache_ != nullptr) {
        cache_->store(job.inputs, CachedResult{run.metrics, context_},
                      fmt::format("{} / {} / seed {}", scenario_.name, result.spec.name, run.seed));
        std::error_code ec;
        std::filesystem::remove(cache_->checkpoint_path(job.inputs), ec);  // the entry supersedes it
      }
      progress_.line(fmt::format("{} test accuracy {:.4f}, corruptions {:.4f}, FGSM 2/255 {:.4f}, latency p50 {:.3f} "
                                 "ms, {:.0f} images/s{}",
                                 tag(k), run.metrics.accuracy, run.metrics.mean_corruption_accuracy,
                                 run.metrics.fgsm_accuracy_2, run.metrics.latency_ms_p50, run.metrics.throughput,
                                 progress_.timing(estimate_)));
    });
  }

  /// Early stopping: candidates that fail a cost constraint before training are not trained;
  /// the others train to each rung, where only the best `keep` share by the score on what is
  /// known so far trains on; the survivors are finished.
  void race(const EarlyStopping& spec) {
    RunInfo& info = report_.info;
    info.early_stopping = true;
    info.rungs = spec.rungs;
    info.keep = spec.keep;
    const int64_t epochs = scenario_.training.epochs;
    const auto images = static_cast<double>(dataset_.train.images.size(0));

    std::vector<std::size_t> racing;  // candidates with evaluations to train
    for (const Pending& job : pending_) {
      if (racing.empty() || racing.back() != job.candidate) racing.push_back(job.candidate);
    }
    std::map<std::size_t, Metrics> cost;
    for (const std::size_t c : racing) {
      const CandidateSpec& spec_c = report_.candidates[c].spec;
      Metrics m = untrained_cost_metrics(spec_c, dataset_, plan_, scenario_.training.seed);
      m.devices = devices_needed(m.throughput, scenario_.deployment);
      cost[c] = m;
      info.full_training_macs += 3.0 * static_cast<double>(m.macs) * images * static_cast<double>(epochs) *
                                 static_cast<double>(jobs_of(c).size());
    }
    racing = screen(racing, cost);

    // Candidates whose every evaluation is cached are finished already: they take part in the
    // decision and hold survivor places at every rung, so that rerunning a raced scenario
    // trains nothing more and decides the same.
    std::size_t finished = 0;
    for (const auto& result : report_.candidates) {
      if (cost.count(static_cast<std::size_t>(&result - report_.candidates.data())) == 0) ++finished;
    }
    std::size_t field = racing.size() + finished;  // every candidate still in the race or finished
    for (const double rung : spec.rungs) {
      if (racing.empty()) break;
      // A rung that rounds to the last step would stop candidates fully trained: no ranking there.
      const CandidateTraining& first = training(jobs_of(racing.front()).front());
      if (first.steps_for(rung) >= first.total_steps()) break;
      const auto places = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(spec.keep * static_cast<double>(field) - 1e-9)));
      if (places >= field) continue;  // everyone goes on
      std::vector<std::size_t> trained;
      for (const std::size_t c : racing) {
        bool ok = true;
        for (const std::size_t k : jobs_of(c)) ok = ok && guarded(k, [&] { training(k).train_to(rung); });
        if (ok) trained.push_back(c);
      }
      const std::size_t open = places > finished ? places - finished : 0;
      racing = rank_and_keep(trained, cost, open);
      field = std::min(field, places);
    }
    for (const std::size_t c : racing) {
      for (const std::size_t k : jobs_of(c)) finish(k);
    }

    // What this run trained, against training every pending evaluation in full.
    for (std::size_t k = 0; k < pending_.size(); ++k) {
      const Pending& job = pending_[k];
      const CandidateResult& result = report_.candidates[job.candidate];
      const auto it = cost.find(job.candidate);
      if (it == cost.end()) continue;
      double done = 1.0;  // share of the training
      double seconds = 0;
      if (!result.stopped.empty()) {
        done = result.stopped_after;
        seconds = stopped_seconds_[k];
      } else if (!result.failure.empty()) {
        continue;  // a failure's partial training is not counted either way
      } else {
        seconds = result.runs[job.run].metrics.train_seconds;
      }
      info.training_macs += 3.0 * static_cast<double>(it->second.macs) * images * static_cast<double>(epochs) * done;
      info.training_seconds += seconds;
      info.full_training_seconds += done > 0 ? seconds / done : estimated_seconds(job.candidate, cost);
    }
  }

 private:
  /// The pending evaluations (indices into pending_) of candidate c.
  std::vector<std::size_t> jobs_of(std::size_t c) const {
    std::vector<std::size_t> jobs;
    for (std::size_t k = 0; k < pending_.size(); ++k) {
      if (pending_[k].candidate == c) jobs.push_back(k);
    }
    return jobs;
  }

  std::string tag(std::size_t k) const {
    const Pending& job = pending_[k];
    return evaluation_tag(scenario_, job.candidate, report_.candidates[job.candidate].runs[job.run].seed);
  }

  CandidateTraining& training(std::size_t k) {
    if (!trainings_[k]) {
      const Pending& job = pending_[k];
      const CandidateResult& result = report_.candidates[job.candidate];
      // Called only while trainings_[k] trains, so after it is set.
      EpochCallback on_epoch = [this, k](const EpochReport& epoch) {
        estimate_.trained(k, trainings_[k]->fraction_done(), trainings_[k]->train_seconds());
        progress_.line(fmt::format("{} epoch {}/{}: loss {:.4f}, train acc {:.3f}, {:.0f} images/s, {:.1f} s{}", tag(k),
                                   epoch.epoch, epoch.epochs, epoch.mean_loss, epoch.train_accuracy,
                                   epoch.images_per_s, epoch.seconds, progress_.timing(estimate_)));
      };
      const std::filesystem::path checkpoint = cache_ != nullptr ? cache_->checkpoint_path(job.inputs) : "";
      trainings_[k] = std::make_unique<CandidateTraining>(result.spec, dataset_, plan_, result.runs[job.run].seed,
                                                          std::move(on_epoch), checkpoint);
      CandidateTraining& training = *trainings_[k];
      estimate_.started(k, training.fraction_done(), training.train_seconds());
      if (progress_.live_enabled()) {
        training.on_step([this, k](const StepReport& step) {
          estimate_.trained(k, trainings_[k]->fraction_done(), trainings_[k]->train_seconds());
          if (!progress_.live_due()) return;  // every step: compose the line only when it is drawn
          progress_.live(fmt::format("{} epoch {}/{} {:.0f}%: loss {:.4f}, train acc {:.3f}, {:.0f} images/s", tag(k),
                                     step.epoch, step.epochs,
                                     100.0 * static_cast<double>(step.batch) / static_cast<double>(step.batches),
                                     step.mean_loss, step.train_accuracy, step.images_per_s),
                         progress_.timing(estimate_));
        });
      }
      if (!training.ignored_checkpoint().empty()) {
        progress_.line(fmt::format("{} ignored its checkpoint, training from the start: {}", tag(k),
                                   training.ignored_checkpoint()));
      }
      if (training.resumed_epochs() > 0) {
        progress_.line(fmt::format("{} resumed from its checkpoint after epoch {} ({})", tag(k),
                                   training.resumed_epochs(), checkpoint.string()));
      }
    }
    return *trainings_[k];
  }

  /// Runs `step` for evaluation k; a failure marks its candidate failed. Returns whether it worked.
  template <typename Step>
  bool guarded(std::size_t k, const Step& step) {
    CandidateResult& result = report_.candidates[pending_[k].candidate];
    try {
      step();
      return true;
    } catch (const TrainingError& error) {
      result.failure = error.what();
    } catch (const c10::Error& error) {
      result.failure = describe_torch_error(error);
    } catch (const std::bad_alloc&) {
      result.failure = "out of memory: a memory allocation failed (std::bad_alloc)";
    }
    trainings_[k].reset();
    estimate_.dropped(k);
    progress_.line(fmt::format("{} failed: {}", tag(k), result.failure));
    return false;
  }

  /// Stops, untrained, the candidates whose serving cost breaks a constraint that must hold
  /// for each of them (every constraint in single mode, per-option ones in mixture mode).
  std::vector<std::size_t> screen(const std::vector<std::size_t>& racing, const std::map<std::size_t, Metrics>& cost) {
    std::vector<std::size_t> kept;
    for (const std::size_t c : racing) {
      std::string reason;
      for (const auto& constraint : scenario_.constraints) {
        if (scenario_.mode == DecisionMode::kMixture && constraint.scope != ConstraintScope::kEachOption) continue;
        const std::string metric = constrained_metric(scenario_, constraint.metric);
        if (!known_before_training(metric)) continue;
        const double value = metric_value(cost.at(c), metric);
        if (satisfies(constraint, value)) continue;
        reason = fmt::format("{} = {:.6g} {} the {} {:.6g}, measured before training on the untrained model", metric,
                             value, constraint.kind == BoundKind::kMax ? "exceeds" : "falls short of",
                             constraint.kind == BoundKind::kMax ? "maximum" : "minimum", constraint.limit);
        break;
      }
      if (reason.empty()) {
        kept.push_back(c);
        continue;
      }
      stop(c, reason);
    }
    return kept;
  }

  /// Ranks the candidates that reached `rung` by the scenario's score restricted to what is
  /// known there (rung_metrics), with no constraints, and stops all but the best `kept_count`.
  std::vector<std::size_t> rank_and_keep(const std::vector<std::size_t>& trained,
                                         const std::map<std::size_t, Metrics>& cost, std::size_t kept_count) {
    if (trained.size() <= kept_count) return trained;
    Scenario ranking = scenario_;
    ranking.constraints.clear();
    ranking.confidence.reset();
    ranking.mode = DecisionMode::kSingle;
    ranking.criteria.clear();
    for (const auto& group : scenario_.criteria) {
      CriterionGroup known{group.name, group.description, {}};
      bool weighted = false;
      for (const auto& part : group.parts) {
        const auto& names = rung_metrics();
        if (std::find(names.begin(), names.end(), part.column) == names.end()) continue;
        known.parts.push_back(part);
        weighted = weighted || part.weight > 0;
      }
      if (!weighted) {
        ranking.weights.erase(group.name);
      } else {
        ranking.criteria.push_back(known);
      }
    }
    double total_weight = 0;
    for (const auto& [name, weight] : ranking.weights) total_weight += weight;
    if (ranking.criteria.empty() || total_weight <= 0) {
      ranking.criteria = {CriterionGroup{"P", "accuracy so far", {{"accuracy", 1.0}}}};
      ranking.weights = {{"P", 1.0}};
    }

    std::vector<CandidateResult> partial;
    for (const std::size_t c : trained) {
      CandidateResult entry;
      entry.spec = report_.candidates[c].spec;
      Metrics m = cost.at(c);
      double accuracy = 0, precision = 0, recall = 0, f1 = 0, seconds = 0, done = 0;
      const auto jobs = jobs_of(c);
      std::vector<double> accuracies;
      for (const std::size_t k : jobs) {
        const Quality quality = training(k).test_quality();
        accuracies.push_back(quality.accuracy);
        accuracy += quality.accuracy;
        precision += quality.precision_macro;
        recall += quality.recall_macro;
        f1 += quality.f1_macro;
        seconds += training(k).train_seconds();
        done += training(k).fraction_done();
      }
      const double n = static_cast<double>(jobs.size());
      m.accuracy = accuracy / n;
      double squares = 0;
      for (const double a : accuracies) squares += (a - m.accuracy) * (a - m.accuracy);
      m.accuracy_std = n > 1 ? std::sqrt(squares / (n - 1)) : 0.0;  // over the seeds still training
      m.precision_macro = precision / n;
      m.recall_macro = recall / n;
      m.f1_macro = f1 / n;
      m.train_seconds = seconds / done;  // extrapolated to the whole training
      m.train_device_hours = m.train_seconds / 3600.0;
      m.retrain_device_hours = retrain_device_hours(m.train_seconds, dataset_, scenario_.training);
      entry.metrics = m;
      entry.runs.resize(1);
      partial.push_back(entry);
    }
    const DecisionProblem problem = decision_problem(ranking, partial);
    const Recommendation ranked = decide(problem);
    std::vector<std::size_t> order(trained.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto score = [&](std::size_t i) { return ranked.selection.options.at(*partial[i].row).score; };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score(a) > score(b); });

    std::vector<std::size_t> kept;
    for (std::size_t place = 0; place < order.size(); ++place) {
      const std::size_t i = order[place];
      const std::size_t c = trained[i];
      if (place < kept_count) {
        kept.push_back(c);
        continue;
      }
      stop(c, fmt::format("ranked {} of {} at the rung after {:.0f}% of the training (score {:.4f} on what is known "
                          "there: accuracy so far {:.4f}, serving cost, training time; the best {} trained on)",
                          place + 1, order.size(), 100 * training(jobs_of(c).front()).fraction_done(), score(i),
                          partial[i].metrics->accuracy, kept_count));
    }
    std::sort(kept.begin(), kept.end());
    return kept;
  }

  void stop(std::size_t c, const std::string& reason) {
    CandidateResult& result = report_.candidates[c];
    result.stopped = reason;
    result.stopped_after = 0;
    for (const std::size_t k : jobs_of(c)) {
      stopped_seconds_[k] = trainings_[k] ? trainings_[k]->train_seconds() : 0.0;
      if (trainings_[k]) result.stopped_after = std::max(result.stopped_after, trainings_[k]->fraction_done());
      trainings_[k].reset();
      estimate_.dropped(k);
    }
    progress_.line(fmt::format("[{}/{} {}] stopped {}: {}", c + 1, report_.candidates.size(), result.spec.name,
                               result.stopped_after == 0
                                   ? std::string("before training")
                                   : fmt::format("after {:.0f}% of its training", 100 * result.stopped_after),
                               reason));
  }

  /// Training seconds a candidate stopped before training would have taken: none are measured,
  /// so its MACs per image relative to the finished candidates' seconds per MAC.
  double estimated_seconds(std::size_t c, const std::map<std::size_t, Metrics>& cost) const {
    double seconds = 0, macs = 0;
    for (const Pending& job : pending_) {
      const CandidateResult& result = report_.candidates[job.candidate];
      if (!result.stopped.empty() || !result.failure.empty()) continue;
      seconds += result.runs[job.run].metrics.train_seconds;
      macs += static_cast<double>(cost.at(job.candidate).macs);
    }
    return macs > 0 ? seconds / macs * static_cast<double>(cost.at(c).macs) : 0.0;
  }

  const Scenario& scenario_;
  const Dataset& dataset_;
  const EvaluationPlan& plan_;
  const Json& context_;
  ResultCache* cache_;
  ProgressLog& progress_;
  RunEstimate estimate_;  ///< per pending evaluation, in order
  RunReport& report_;
  const std::vector<Pending>& pending_;
  std::vector<std::unique_ptr<CandidateTraining>> trainings_;  ///< per pending evaluation, while it trains
  std::map<std::size_t, double> stopped_seconds_;               ///< per stopped evaluation
};

ScenarioData load_scenario_data(const Scenario& scenario) {
  ScenarioData data{[&] {
                      try {
                        return load_dataset(scenario.dataset);
                      } catch (const DataError& error) {
                        throw DataError(located_message(scenario.file.string(), "/dataset", error.what()));
                      }
                    }(),
                    {}};
  const Dataset& dataset = data.dataset;
  const int64_t positions = dataset.height * dataset.width;
  if (scenario.measurement.deletion_steps > positions) {
    throw InputError(located_message(scenario.file.string(), "/measurement/deletion_steps",
                                     fmt::format("must be at most the image's H*W = {} (got {})", positions,
                                                 scenario.measurement.deletion_steps)));
  }
  // Every architecture is built once before any training, so that an impossible one stops
  // the run at once as a scenario error rather than after hours of training.
  data.macs.resize(scenario.candidates.size());
  for (std::size_t i = 0; i < scenario.candidates.size(); ++i) {
    const std::string where = "/candidates/" + std::to_string(i);
    try {
      const ResNet model(scenario.candidates[i], dataset.channels, dataset.num_classes);
      data.macs[i] = static_cast<double>(count_macs(model, dataset.height, dataset.width));
    } catch (const InputError& error) {
      throw InputError(located_message(scenario.file.string(), where, error.what()));
    } catch (const c10::Error& error) {
      throw InputError(located_message(scenario.file.string(), where, "cannot be built: " + describe_torch_error(error)));
    } catch (const std::bad_alloc&) {
      throw InputError(located_message(scenario.file.string(), where, "cannot be built: out of memory"));
    }
  }
  return data;
}

RunReport run_recommend(const Scenario& scenario, const PipelineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ProgressLog progress(options.log, options.live);
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
  if (!scenario.file.empty()) info.scenario_sha256 = sha256_hex(read_input_file(scenario.file, "scenario"));
  for (int64_t r = 0; r < scenario.training.repeats; ++r) {
    info.seeds.push_back(scenario.training.seed + static_cast<uint64_t>(r));
  }
  info.confidence = scenario.confidence;
  info.executor = options.executor;
  if (const char* policy = std::getenv("OMP_WAIT_POLICY"); policy != nullptr) info.omp_wait_policy = policy;
  if (scenario.early_stopping) {  // also when everything comes from the cache and nothing races
    info.early_stopping = true;
    info.rungs = scenario.early_stopping->rungs;
    info.keep = scenario.early_stopping->keep;
  }
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
  std::size_t lost_count = 0;  // evaluations other processes failed
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
      if (!problem.empty()) progress.line("sizesel: warning: " + problem);
      if (const auto lost = options.failed.find({i, run.seed}); lost != options.failed.end() && !cached) {
        result.failure = lost->second;  // another process tried it: not trained again here
        ++info.cache_misses;
        ++lost_count;
      } else if (cached) {
        run.cached = true;
        run.measured = true;
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
  progress.line(fmt::format("sizesel: {}: {} candidates x {} seed(s), {}, threads: {}; {}", scenario.name, count,
                            scenario.training.repeats, info.device, info.threads,
                            cache ? fmt::format("{} from the cache, {} to train{}", info.cache_hits, pending.size(),
                                                lost_count > 0 ? fmt::format(", {} failed in other processes", lost_count)
                                                               : std::string())
                                  : std::string("cache off")));
  if (info.threads > available_cores()) {
    progress.line(fmt::format("sizesel: warning: {} threads on {} available cores: the threads compete, and every "
                              "timing (latency, throughput, training time) comes out worse than the machine can do",
                              info.threads, available_cores()));
  }

  int64_t classes = info.num_classes;
  // Evaluations lost by other processes and none found: the data is loaded for the report's
  // dataset line alone.
  if (!pending.empty() || (!have_context && !options.failed.empty())) {
    const ScenarioData data = load_scenario_data(scenario);
    const Dataset& dataset = data.dataset;
    const Json context = dataset_context(dataset);
    set_dataset_info(info, context);
    classes = dataset.num_classes;
    progress.line(fmt::format("sizesel: {} training / {} test images, {} classes", info.train_images,
                              info.test_images, classes));
    if (!pending.empty()) {
      install_interrupt_handler();
      Evaluations evaluations{scenario, dataset, plan, context, cache ? &*cache : nullptr,
                              progress, report, pending, data.macs};
      if (scenario.early_stopping) {
        evaluations.race(*scenario.early_stopping);
      } else {
        for (std::size_t k = 0; k < pending.size(); ++k) evaluations.finish(k);
      }
    }
  }

  for (auto& result : report.candidates) {
    if (!result.failure.empty() || !result.stopped.empty()) continue;
    summarise(result, scenario, classes);
    for (const auto& warning : result.warnings) progress.line(fmt::format("[{}] warning: {}", result.spec.name, warning));
  }
  if (!options.decide) {
    info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
  }
  report.problem = decision_problem(scenario, report.candidates);
  if (!report.problem.table.options.empty()) {
    try {
      report.recommendation = decide(report.problem);
    } catch (const InputError& error) {
      // The measurements do not suit the decision settings (a negative value under vector
      // normalisation, say): the cache keeps them, so a rerun with other settings is instant.
      throw InputError(located_message(scenario.file.string(), "/decision", error.what()));
    } catch (const SolverError& error) {
      throw SolverError(located_message(scenario.file.string(), "/decision", error.what()));
    }
  }
  info.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace sizesel
