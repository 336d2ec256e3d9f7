#include <algorithm>
#include <cmath>

#include <fmt/format.h>

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

std::string exclusion_text(const Exclusion& exclusion) {
  return fmt::format("{} (got {}, {} by {})", constraint_text(exclusion.constraint), short_number(exclusion.value),
                     exclusion.constraint.kind == BoundKind::kMin ? "short" : "over", short_number(exclusion.shortfall));
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
  }
}

void write_criteria(const RunReport& report, std::ostream& out) {
  const auto& table = report.problem.table;
  const auto& recommendation = *report.recommendation;
  out << "\nCriteria (raw -> normalised to [0,1], 1 = best of these candidates)\n";
  std::vector<std::string> header = {"candidate"};
  for (const auto& criterion : table.criteria) {
    header.push_back(fmt::format("{} {}{}", criterion.name, to_string(criterion.direction),
                                 criterion.unit.empty() ? "" : " " + criterion.unit));
  }
  header.push_back("score");
  header.push_back("status");
  std::vector<std::vector<std::string>> rows = {header};
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    const OptionResult& option = recommendation.selection.options[i];
    std::vector<std::string> row = {table.options[i]};
    for (std::size_t j = 0; j < table.criteria.size(); ++j) {
      row.push_back(fmt::format("{} -> {:.2f}", short_number(table.values[i][j]), recommendation.normalized.values[i][j]));
    }
    row.push_back(fmt::format("{:.4f}", option.score));
    std::string status = option.feasible ? "feasible" : "excluded: ";
    for (std::size_t k = 0; k < option.excluded_by.size(); ++k) {
      status += (k > 0 ? "; " : "") + exclusion_text(option.excluded_by[k]);
    }
    if (recommendation.selection.recommended == i) status = "RECOMMENDED";
    row.push_back(status);
    rows.push_back(row);
  }
  write_table(rows, out);
  std::string weights;
  for (std::size_t j = 0; j < table.criteria.size(); ++j) {
    weights += fmt::format("{}{} {}", j > 0 ? ", " : "", table.criteria[j].name, short_number(recommendation.weights[j]));
  }
  out << "weights: " << weights << "; score = sum of weight x normalised value; one candidate chosen by a GLPK MIP\n";
  for (const auto& criterion : table.criteria) out << "  " << criterion.name << ": " << criterion.method << '\n';
}

// Why the recommended option beats `other`: the weighted criterion differences, largest first.
std::string advantage_text(const RunReport& report, std::size_t chosen, std::size_t other) {
  const auto& recommendation = *report.recommendation;
  const auto& criteria = report.problem.table.criteria;
  std::vector<std::pair<double, std::string>> parts;
  for (std::size_t j = 0; j < criteria.size(); ++j) {
    const double delta = recommendation.weights[j] *
                         (recommendation.normalized.values[chosen][j] - recommendation.normalized.values[other][j]);
    if (std::fabs(delta) > 1e-12) parts.emplace_back(delta, criteria[j].name);
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return std::fabs(a.first) > std::fabs(b.first); });
  std::string text;
  for (const auto& [delta, name] : parts) text += fmt::format("{}{} {:+.3f}", text.empty() ? "" : ", ", name, delta);
  return text.empty() ? "no weighted difference" : text;
}

void write_decision(const RunReport& report, std::ostream& out) {
  const auto& table = report.problem.table;
  const auto& selection = report.recommendation->selection;
  out << '\n';
  if (!selection.recommended) {
    out << "No candidate satisfies the constraints:\n";
    for (std::size_t i = 0; i < table.options.size(); ++i) {
      for (const auto& exclusion : selection.options[i].excluded_by) {
        out << "  " << table.options[i] << ": " << exclusion_text(exclusion) << '\n';
      }
    }
    return;
  }
  const std::size_t chosen = *selection.recommended;
  out << fmt::format("Recommendation: {} (score {:.4f})\n", table.options[chosen], selection.objective);
  if (!report.problem.constraints.empty()) {
    std::string met;
    for (const auto& constraint : report.problem.constraints) {
      const double value = [&] {
        for (std::size_t j = 0; j < table.criteria.size(); ++j) {
          if (table.criteria[j].name == constraint.metric) return table.values[chosen][j];
        }
        return report.problem.extra[chosen].at(constraint.metric);
      }();
      met += fmt::format("{}{} ({})", met.empty() ? "" : ", ", constraint_text(constraint), short_number(value));
    }
    out << "  meets " << met << '\n';
  }
  for (std::size_t index : selection.tied) {
    out << fmt::format("  ties with {} (same score); the first listed in the scenario is chosen\n", table.options[index]);
  }
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    if (i == chosen) continue;
    const OptionResult& option = selection.options[i];
    if (option.feasible) {
      out << fmt::format("  beats {} ({:.4f}): {}\n", table.options[i], option.score, advantage_text(report, chosen, i));
    } else if (option.score > selection.objective) {
      out << fmt::format("  {} would score higher ({:.4f}) but is excluded by {}\n", table.options[i], option.score,
                         exclusion_text(option.excluded_by.front()));
    } else {
      out << fmt::format("  {} is excluded by {}\n", table.options[i], exclusion_text(option.excluded_by.front()));
    }
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
  out << fmt::format("run: {}, {} threads, libtorch {}, GLPK {}, {:.1f} s; target {} images/s\n\n", info.device,
                     info.threads, info.torch_version, info.glpk_version, info.wall_seconds,
                     short_number(info.target_rate));
  write_measurements(report, out);
  if (!report.recommendation) {
    out << "\nNo candidate could be trained and measured; nothing to decide.\n";
    return;
  }
  write_criteria(report, out);
  write_decision(report, out);
}

}  // namespace sizesel
