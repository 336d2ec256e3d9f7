#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sizesel/report/decision_report.hpp"
#include "sizesel/report/run_report.hpp"
#include "sizesel/report/text_format.hpp"

namespace sizesel {
namespace {

std::string architecture_text(const CandidateSpec& spec) {
  if (!spec.preset.empty()) return spec.preset;
  std::string stages;
  for (int64_t n : spec.stages) stages += (stages.empty() ? "" : ",") + std::to_string(n);
  return fmt::format("{} [{}] w{}", to_string(spec.block), stages, spec.width);
}

/// A metric's mean, with "± std" when several seeds were run.
std::string with_spread(const CandidateResult& candidate, const std::string& name, const char* format) {
  const double mean = metric_value(*candidate.metrics, name);
  std::string text = fmt::format(fmt::runtime(format), mean);
  if (candidate.runs.size() > 1) {
    // A spread has no sign: "{:+.4f}" for the mean becomes "{:.4f}" for it.
    std::string spread_format = format;
    if (const auto plus = spread_format.find('+'); plus != std::string::npos) spread_format.erase(plus, 1);
    text += " ±" + fmt::format(fmt::runtime(spread_format), candidate.metrics_std.at(name));
  }
  return text;
}

void add_quality(const RunReport& report, ReportDocument& document) {
  const std::string seeds =
      report.info.repeats > 1 ? fmt::format("; mean ± std over {} seeds", report.info.repeats) : std::string();
  std::vector<std::vector<std::string>> rows = {{"candidate", "architecture", "params", "MACs", "accuracy", "F1 macro",
                                                 "corrupt acc", "FGSM 1/255", "FGSM 2/255", "gap", "faithfulness"}};
  for (const auto& c : report.candidates) {
    if (!c.metrics) continue;
    const Metrics& m = *c.metrics;
    rows.push_back({c.spec.name, architecture_text(c.spec), short_count(static_cast<double>(m.params)),
                    short_count(static_cast<double>(m.macs)), with_spread(c, "accuracy", "{:.4f}"),
                    with_spread(c, "f1_macro", "{:.4f}"), with_spread(c, "mean_corruption_accuracy", "{:.4f}"),
                    with_spread(c, "fgsm_accuracy_1", "{:.4f}"), with_spread(c, "fgsm_accuracy_2", "{:.4f}"),
                    with_spread(c, "generalization_gap", "{:+.4f}"), with_spread(c, "faithfulness", "{:.3f}")});
  }
  document.section(fmt::format("Quality, robustness and interpretability (test split{})", seeds)).table(std::move(rows));
}

void add_corruptions(const RunReport& report, ReportDocument& document) {
  std::vector<std::string> names;
  for (const auto& c : report.candidates) {
    if (!c.metrics) continue;
    for (const auto& score : c.metrics->corruptions) {
      if (std::find(names.begin(), names.end(), score.corruption) == names.end()) names.push_back(score.corruption);
    }
  }
  if (names.empty()) return;
  std::vector<std::string> header = {"candidate"};
  header.insert(header.end(), names.begin(), names.end());
  std::vector<std::vector<std::string>> rows = {header};
  for (const auto& c : report.candidates) {
    if (!c.metrics) continue;
    std::vector<std::string> row = {c.spec.name};
    for (const auto& name : names) {
      double sum = 0;
      int count = 0;
      for (const auto& score : c.metrics->corruptions) {
        if (score.corruption != name) continue;
        sum += score.accuracy;
        ++count;
      }
      row.push_back(count > 0 ? fmt::format("{:.3f}", sum / count) : "-");
    }
    rows.push_back(row);
  }
  document.section("Accuracy under CIFAR-10-C corruptions (mean over the severities measured)").table(std::move(rows));
}

void add_cost(const RunReport& report, ReportDocument& document) {
  const RunInfo& info = report.info;
  ReportSection& section = document.section(fmt::format(
      "Cost (latency at batch 1 and throughput at batch {} on this machine; devices for {} images/s on {}{})",
      info.deployment_batch, short_number(info.target_rate), info.device_name,
      info.device_speedup != 1 ? fmt::format(", {}x this machine", short_number(info.device_speedup)) : std::string()));
  std::vector<std::vector<std::string>> rows = {{"candidate", "p50 ms", "p99 ms", "images/s", "infer MiB", "train MiB",
                                                 "devices", "train s", "retrain h", "checkpoint MiB"}};
  for (const auto& c : report.candidates) {
    if (!c.metrics) continue;
    const Metrics& m = *c.metrics;
    rows.push_back({c.spec.name, with_spread(c, "latency_ms_p50", "{:.3f}"), with_spread(c, "latency_ms_p99", "{:.3f}"),
                    fmt::format("{:.0f}", m.throughput), fmt::format("{:.1f}", m.inference_memory_mib),
                    fmt::format("{:.1f}", m.training_memory_mib), std::to_string(m.devices),
                    fmt::format("{:.1f}", m.train_seconds), short_number(m.retrain_device_hours, 3),
                    fmt::format("{:.2f}", m.checkpoint_mib)});
  }
  section.table(std::move(rows));
  for (const auto& c : report.candidates) {
    if (const std::string why = left_out_reason(c); !why.empty()) section.line(why);
    for (const auto& warning : c.warnings) section.line("WARNING " + c.spec.name + ": " + warning);
  }
}

double ratio_or_one(double part, double whole) { return whole > 0 ? part / whole : 1.0; }

}  // namespace

std::string left_out_reason(const CandidateResult& candidate) {
  if (!candidate.stopped.empty()) {
    return "STOPPED " + candidate.spec.name +
           (candidate.stopped_after == 0 ? std::string(" before training")
                                         : fmt::format(" after {:.0f}% of its training", 100 * candidate.stopped_after)) +
           ": " + candidate.stopped;
  }
  if (!candidate.metrics) return "FAILED " + candidate.spec.name + ": " + candidate.failure;
  return "";
}

ReportDocument run_report_document(const RunReport& report) {
  const RunInfo& info = report.info;
  ReportDocument document;
  ReportSection& header =
      document.section(fmt::format("sizesel recommend: {} ({})", report.scenario_name, report.scenario_file));
  std::string shape;
  for (int64_t d : info.input_shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  header.line(fmt::format("dataset: {} at {}: {} training / {} test images, {} classes, {}", info.dataset_format,
                          info.dataset_root, info.train_images, info.test_images, info.num_classes, shape));
  header.line(fmt::format("run: {}, threads: {}, libtorch {}, GLPK {}, {:.1f} s; {} seed{} per candidate; ",
                          info.device, info.threads, info.torch_version, info.glpk_version, info.wall_seconds,
                          info.repeats, info.repeats == 1 ? "" : "s") +
              (info.cache_dir.empty() ? std::string("cache off")
                                      : fmt::format("cache {}: {} reused, {} trained", info.cache_dir, info.cache_hits,
                                                    info.trained)));
  if (info.executor) {
    const ExecutorInfo& e = *info.executor;
    const std::string how = e.name == "slurm" ? fmt::format("slurm job {}, {} array task{}", e.job_id, e.jobs,
                                                            e.jobs == 1 ? "" : "s")
                                              : fmt::format("local, {} job{} at a time", e.jobs, e.jobs == 1 ? "" : "s");
    header.line(fmt::format("executor: {} x {} thread{}: {} evaluated and stored, {} failed, in {:.1f} s", how,
                            e.threads, e.threads == 1 ? "" : "s", e.evaluated, e.failed, e.wall_seconds));
  }
  if (info.early_stopping) {
    std::string rungs;
    for (const double rung : info.rungs) rungs += (rungs.empty() ? "" : ", ") + fmt::format("{:.0f}%", 100 * rung);
    const std::string how = rungs.empty() ? std::string("cost screen only")
                                          : fmt::format("cost screen, then rungs after {} of the training, keeping "
                                                        "{:.0f}% at each",
                                                        rungs, 100 * info.keep);
    if (info.full_training_macs <= 0) {
      header.line(fmt::format("early stopping: {}; nothing to train", how));
    } else {
      header.line(fmt::format("early stopping: {}; training compute {:.0f}% of full evaluation by MACs ({:.3g} of "
                              "{:.3g} TMAC), {:.0f}% by seconds ({:.1f} of about {:.1f} s)",
                              how, 100 * ratio_or_one(info.training_macs, info.full_training_macs),
                              info.training_macs / 1e12, info.full_training_macs / 1e12,
                              100 * ratio_or_one(info.training_seconds, info.full_training_seconds),
                              info.training_seconds, info.full_training_seconds));
    }
  }
  add_quality(report, document);
  add_corruptions(report, document);
  add_cost(report, document);
  if (!report.recommendation) {
    bool screened = false;
    for (const auto& c : report.candidates) screened = screened || (!c.stopped.empty() && c.stopped_after == 0);
    document.section(screened ? "No candidate meets the cost constraints: nothing satisfies the constraints."
                              : "No candidate could be trained and measured; nothing to decide.");
    return document;
  }
  if (info.confidence) {
    document.section(fmt::format("Constraints are checked against the {:.0f}% one-sided confidence bound of the mean "
                                 "over the seeds (Student's t): lower for a minimum, upper for a maximum.",
                                 100 * *info.confidence));
  }
  document.append(decision_document(report.problem, *report.recommendation, "candidate"));
  return document;
}

}  // namespace sizesel
