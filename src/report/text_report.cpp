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

void write_measurements(const RunReport& report, std::ostream& out) {
  out << fmt::format("Measurements (test split; latency at batch 1, throughput at batch {})\n",
                     report.info.deployment_batch);
  std::vector<std::vector<std::string>> rows = {{"candidate", "architecture", "params", "MACs", "accuracy", "F1 macro",
                                                 "noise acc", "p50 ms", "p90 ms", "images/s", "memory MiB",
                                                 "devices", "train s", "train img/s"}};
  for (const auto& candidate : report.candidates) {
    if (!candidate.metrics) continue;
    std::vector<std::string> row = {candidate.spec.name, architecture_text(candidate.spec)};
    const Metrics& m = *candidate.metrics;
    for (const std::string& cell :
         {short_count(static_cast<double>(m.params)), short_count(static_cast<double>(m.macs)),
          fmt::format("{:.4f}", m.accuracy), fmt::format("{:.4f}", m.f1_macro), fmt::format("{:.4f}", m.noise_accuracy),
          fmt::format("{:.3f}", m.latency_ms_p50), fmt::format("{:.3f}", m.latency_ms_p90),
          fmt::format("{:.0f}", m.throughput), fmt::format("{:.1f}", m.inference_memory_mib), std::to_string(m.devices),
          fmt::format("{:.1f}", m.train_seconds), fmt::format("{:.0f}", m.train_images_per_s)}) {
      row.push_back(cell);
    }
    rows.push_back(row);
  }
  write_table(rows, out);
  for (const auto& candidate : report.candidates) {
    if (!candidate.metrics) out << "FAILED " << candidate.spec.name << ": " << candidate.failure << '\n';
    for (const auto& warning : candidate.warnings) out << "WARNING " << candidate.spec.name << ": " << warning << '\n';
  }
}

}  // namespace

void write_text_report(const RunReport& report, std::ostream& out) {
  const RunInfo& info = report.info;
  out << fmt::format("sizesel recommend: {} ({})\n", report.scenario_name, report.scenario_file);
  std::string shape;
  for (int64_t d : info.input_shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
  out << fmt::format("dataset: {} at {}: {} training / {} test images, {} classes, {}\n", info.dataset_format,
                     info.dataset_root, info.train_images, info.test_images, info.num_classes, shape);
  out << fmt::format("run: {}, threads: {}, libtorch {}, GLPK {}, {:.1f} s; target {} images/s\n\n", info.device,
                     info.threads, info.torch_version, info.glpk_version, info.wall_seconds,
                     short_number(info.target_rate));
  write_measurements(report, out);
  if (!report.recommendation) {
    out << "\nNo candidate could be trained and measured; nothing to decide.\n";
    return;
  }
  out << '\n';
  write_decision_text(report.problem, *report.recommendation, "candidate", out);
}

}  // namespace sizesel
