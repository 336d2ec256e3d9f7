#include "sizesel/app/recommend_command.hpp"

#include <charconv>
#include <cmath>

#include "sizesel/app/output_file.hpp"
#include "sizesel/app/report_file.hpp"
#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/input_file.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/decision/recommendation.hpp"
#include "sizesel/report/decision_report.hpp"
#include "sizesel/scenario/table_file.hpp"

namespace sizesel {
namespace {

struct Assignment {
  std::string name;
  std::string value;
};

Assignment split(const std::string& flag, const std::string& text) {
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) {
    throw InputError(flag + ": expected NAME=VALUE (got \"" + text + "\")");
  }
  return {text.substr(0, equals), text.substr(equals + 1)};
}

double number(const std::string& flag, const Assignment& assignment) {
  double value = 0;
  const char* first = assignment.value.data() + (assignment.value[0] == '+' ? 1 : 0);
  const char* last = first + assignment.value.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
    throw InputError(flag + " " + assignment.name + "=" + assignment.value + ": the value must be a finite number");
  }
  return value;
}

void add_limits(const std::vector<std::string>& flags, const std::string& flag, BoundKind kind, ConstraintScope scope,
                TableOverrides& overrides) {
  for (const auto& text : flags) {
    const Assignment assignment = split(flag, text);
    overrides.constraints.push_back({assignment.name, kind, number(flag, assignment), scope});
  }
}

TableOverrides overrides_of(const CliOptions& options) {
  TableOverrides overrides;
  if (options.mode) overrides.mode = *options.mode == "single" ? DecisionMode::kSingle : DecisionMode::kMixture;
  if (options.normalization) overrides.normalization = normalization_from_string(*options.normalization);
  for (const auto& text : options.weights) {
    const Assignment assignment = split("--weight", text);
    // Its range is checked by load_table, as for every caller of it.
    overrides.weights[assignment.name] = number("--weight", assignment);
  }
  add_limits(options.minimums, "--min", BoundKind::kMin, ConstraintScope::kMixture, overrides);
  add_limits(options.maximums, "--max", BoundKind::kMax, ConstraintScope::kMixture, overrides);
  add_limits(options.minimums_each, "--min-each", BoundKind::kMin, ConstraintScope::kEachOption, overrides);
  add_limits(options.maximums_each, "--max-each", BoundKind::kMax, ConstraintScope::kEachOption, overrides);
  for (const auto& text : options.directions) {
    const Assignment assignment = split("--direction", text);
    if (assignment.value != "max" && assignment.value != "min") {
      throw InputError("--direction " + text + ": the direction must be max or min");
    }
    overrides.directions[assignment.name] = assignment.value == "max" ? Direction::kMax : Direction::kMin;
  }
  for (const auto& text : options.levels) {
    const Assignment assignment = split("--level", text);
    overrides.levels[assignment.name] = number("--level", assignment);
  }
  return overrides;
}

}  // namespace

Outcome solve_outcome(const std::filesystem::path& file, const CliOptions& options) {
  const TableFile table = load_table(file, overrides_of(options));
  if (options.output) check_output_path(*options.output, {table.file, table.options_file});
  if (options.report) check_report_path(*options.report, {table.file, table.options_file}, options.output);

  TableReport report;
  report.name = table.name;
  report.file = table.file.string();
  report.options_file = table.options_file.string();
  report.levels = table.levels;
  report.sizesel_version = SIZESEL_VERSION;
  report.table_sha256 = sha256_hex(read_input_file(table.file, "table"));
  report.problem = table.problem;
  decide_table(report);
  Outcome outcome;
  outcome.json = table_json_report(report);
  outcome.document = table_report_document(report);
  outcome.text = document_text(outcome.document);
  if (options.report) outcome.report_file = report_file_text(*options.report, outcome.document, table_report_plots(report));
  outcome.exit_code = report.recommendation.selection.recommended ? kExitRecommended : kExitInfeasible;
  return outcome;
}

}  // namespace sizesel
