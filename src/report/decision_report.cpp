#include "sizesel/report/decision_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/glpk_solver.hpp"
#include "sizesel/report/text_format.hpp"

namespace sizesel {
namespace {

using Json = nlohmann::json;

const char* kind_name(BoundKind kind) { return kind == BoundKind::kMin ? "min" : "max"; }

const char* scope_name(ConstraintScope scope) { return scope == ConstraintScope::kMixture ? "mixture" : "option"; }

std::string exclusion_text(const Exclusion& exclusion) {
  return fmt::format("{} (got {}, {} by {})", constraint_text(exclusion.constraint), short_number(exclusion.value),
                     exclusion.constraint.kind == BoundKind::kMin ? "short" : "over", short_number(exclusion.shortfall));
}

std::string percent(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

/// "s2 75.0% + s4 25.0%".
std::string mixture_text(const DecisionProblem& problem, const std::vector<double>& shares) {
  std::string text;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (shares[i] <= 0) continue;
    text += fmt::format("{}{} {}", text.empty() ? "" : " + ", problem.table.options[i], percent(shares[i]));
  }
  return text;
}

std::string weight_text(double weight) { return std::isinf(weight) ? "inf" : short_number(weight); }

/// Who takes over beyond a range end: an option, or in mixture mode the new mixture.
std::string winner_text(const DecisionProblem& problem, const std::optional<std::size_t>& winner,
                        const std::vector<double>& shares) {
  if (!winner) return "-";
  if (!shares.empty()) return mixture_text(problem, shares);
  return problem.table.options[*winner];
}

void add_weights(const Recommendation& recommendation, const std::string& noun, ReportSection& section) {
  std::string weights;
  for (std::size_t k = 0; k < recommendation.groups.size(); ++k) {
    weights += fmt::format("{}{} {}", k > 0 ? ", " : "", recommendation.groups[k].name,
                           short_number(recommendation.weights[k]));
  }
  section.line("weights: " + weights + "; score = sum of weight x normalised criterion; " +
               (recommendation.mode == DecisionMode::kSingle ? "one " + noun + " chosen by a GLPK MIP"
                                                             : "shares chosen by a GLPK LP"));
  for (const auto& group : recommendation.groups) {
    if (!group.description.empty()) section.line(group.name + ": " + group.description, true);
  }
}

/// Whether every criterion is one column of its own (a table given by hand).
bool one_column_each(const Recommendation& recommendation) {
  for (const auto& group : recommendation.groups) {
    if (group.parts.size() != 1 || group.parts[0].column != group.name) return false;
  }
  return true;
}

std::string status_text(const Recommendation& recommendation, std::size_t i) {
  const auto& selection = recommendation.selection;
  const OptionResult& option = selection.options[i];
  const double share = selection.mixture ? selection.mixture->shares[i] : 0.0;
  if (selection.mixture && share > 0) return "share " + percent(share);
  if (!selection.mixture && selection.recommended == i) return "RECOMMENDED";
  if (option.feasible) return selection.mixture ? "feasible, unused" : "feasible";
  std::string status = option.eligible && selection.mixture ? "alone breaks " : "excluded: ";
  for (std::size_t k = 0; k < option.excluded_by.size(); ++k) {
    status += (k > 0 ? "; " : "") + exclusion_text(option.excluded_by[k]);
  }
  return status;
}

std::string normalised_text(const Recommendation& recommendation, double value) {
  const bool bounded = recommendation.normalization == Normalization::kMinMax ||
                       recommendation.normalization == Normalization::kVector;
  return bounded ? fmt::format("{:.2f}", value) : short_number(value);
}

std::string column_header(const Criterion& criterion, const std::string& prefix) {
  return fmt::format("{}{} {}{}", prefix, criterion.name, to_string(criterion.direction),
                     criterion.unit.empty() || criterion.unit == criterion.name ? "" : " " + criterion.unit);
}

/// "raw -> normalised" of option i's column j.
std::string raw_to_normalised(const DecisionProblem& problem, const Recommendation& recommendation, std::size_t i,
                              std::size_t j) {
  return fmt::format("{} -> {}", short_number(problem.table.values[i][j]),
                     normalised_text(recommendation, recommendation.normalized.values[i][j]));
}

/// Criteria that combine several columns: their values, then every column raw -> normalised.
void add_grouped_criteria(const DecisionProblem& problem, const Recommendation& recommendation,
                          const std::string& noun, ReportDocument& document) {
  const auto& table = problem.table;
  std::vector<std::string> header = {noun};
  for (const auto& group : recommendation.groups) header.push_back(group.name);
  header.push_back("score");
  header.push_back("status");
  std::vector<std::vector<std::string>> rows = {header};
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    std::vector<std::string> row = {table.options[i]};
    for (double value : recommendation.criterion_values[i]) row.push_back(normalised_text(recommendation, value));
    row.push_back(fmt::format("{:.4f}", recommendation.selection.options[i].score));
    row.push_back(status_text(recommendation, i));
    rows.push_back(row);
  }
  document
      .section(fmt::format("Criteria (each the sub-weighted mean of its normalised sub-criteria, normalised by {})",
                           to_string(recommendation.normalization)))
      .table(std::move(rows));

  std::vector<std::string> sub_header = {"criterion: sub-criterion"};
  for (const auto& option : table.options) sub_header.push_back(option);
  std::vector<std::vector<std::string>> sub_rows = {sub_header};
  for (const auto& group : recommendation.groups) {
    for (const auto& part : group.parts) {
      for (std::size_t j = 0; j < table.criteria.size(); ++j) {
        if (table.criteria[j].name != part.column) continue;
        std::vector<std::string> row = {column_header(table.criteria[j], group.name + ": ") + " [" +
                                        short_number(part.weight) + "]"};
        for (std::size_t i = 0; i < table.options.size(); ++i) {
          row.push_back(raw_to_normalised(problem, recommendation, i, j));
        }
        sub_rows.push_back(row);
      }
    }
  }
  ReportSection& sub = document.section("Sub-criteria (raw -> normalised), one row each, with its direction, unit and sub-weight");
  sub.table(std::move(sub_rows));
  add_weights(recommendation, noun, sub);
}

void add_criteria(const DecisionProblem& problem, const Recommendation& recommendation, const std::string& noun,
                  ReportDocument& document) {
  if (!one_column_each(recommendation)) {
    add_grouped_criteria(problem, recommendation, noun, document);
    return;
  }
  const auto& table = problem.table;
  const bool bounded = recommendation.normalization == Normalization::kMinMax ||
                       recommendation.normalization == Normalization::kVector;
  std::vector<std::string> header = {noun};
  for (const auto& criterion : table.criteria) header.push_back(column_header(criterion, ""));
  header.push_back("score");
  header.push_back("status");
  std::vector<std::vector<std::string>> rows = {header};
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    std::vector<std::string> row = {table.options[i]};
    for (std::size_t j = 0; j < table.criteria.size(); ++j) row.push_back(raw_to_normalised(problem, recommendation, i, j));
    row.push_back(fmt::format("{:.4f}", recommendation.selection.options[i].score));
    row.push_back(status_text(recommendation, i));
    rows.push_back(row);
  }
  ReportSection& section = document.section(fmt::format(
      "Criteria (raw -> normalised by {}{})", to_string(recommendation.normalization), bounded ? ", 1 = best" : ""));
  section.table(std::move(rows));
  add_weights(recommendation, noun, section);
}

// Why the recommended option beats `other`: the weighted criterion differences, largest first.
std::string advantage_text(const Recommendation& recommendation, std::size_t chosen, std::size_t other) {
  std::vector<std::pair<double, std::string>> parts;
  for (std::size_t k = 0; k < recommendation.groups.size(); ++k) {
    const double delta = recommendation.weights[k] * (recommendation.criterion_values[chosen][k] -
                                                      recommendation.criterion_values[other][k]);
    if (std::fabs(delta) > 1e-12) parts.emplace_back(delta, recommendation.groups[k].name);
  }
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return std::fabs(a.first) > std::fabs(b.first); });
  std::string text;
  for (const auto& [delta, name] : parts) text += fmt::format("{}{} {:+.3f}", text.empty() ? "" : ", ", name, delta);
  return text.empty() ? "no weighted difference" : text;
}

void add_infeasible(const DecisionProblem& problem, const Recommendation& recommendation, const std::string& noun,
                    ReportDocument& document) {
  const auto& selection = recommendation.selection;
  const bool any_eligible = std::any_of(selection.options.begin(), selection.options.end(),
                                        [](const OptionResult& option) { return option.eligible; });
  ReportSection& section = document.section(
      recommendation.mode == DecisionMode::kSingle
          ? fmt::format("No {} satisfies the constraints:", noun)
          : !any_eligible
                ? fmt::format("No {} may take a share: each breaks a constraint every {} used must meet:", noun, noun)
                : fmt::format("No mixture of {}s satisfies the constraints (on the share-weighted mean):", noun));
  for (std::size_t i = 0; i < problem.table.options.size(); ++i) {
    for (const auto& exclusion : selection.options[i].excluded_by) {
      section.line(problem.table.options[i] + ": " + exclusion_text(exclusion), true);
    }
  }
}

void add_single_decision(const DecisionProblem& problem, const Recommendation& recommendation,
                         ReportDocument& document) {
  const auto& table = problem.table;
  const auto& selection = recommendation.selection;
  const std::size_t chosen = *selection.recommended;
  ReportSection& section =
      document.section(fmt::format("Recommendation: {} (score {:.4f})", table.options[chosen], selection.objective));
  if (!problem.constraints.empty()) {
    std::string met;
    for (const auto& constraint : problem.constraints) {
      met += fmt::format("{}{} ({})", met.empty() ? "" : ", ", constraint_text(constraint),
                         short_number(constrained_value(problem, chosen, constraint)));
    }
    section.line("meets " + met, true);
  }
  for (std::size_t index : selection.tied) {
    section.line(fmt::format("ties with {} (same score); the tie goes to the first listed", table.options[index]), true);
  }
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    if (i == chosen || std::find(selection.tied.begin(), selection.tied.end(), i) != selection.tied.end()) continue;
    const OptionResult& option = selection.options[i];
    if (option.feasible) {
      section.line(fmt::format("beats {} ({:.4f}): {}", table.options[i], option.score,
                               advantage_text(recommendation, chosen, i)),
                   true);
    } else if (option.score > selection.objective) {
      section.line(fmt::format("{} would score higher ({:.4f}) but is excluded by {}", table.options[i], option.score,
                               exclusion_text(option.excluded_by.front())),
                   true);
    } else {
      section.line(fmt::format("{} is excluded by {}", table.options[i], exclusion_text(option.excluded_by.front())),
                   true);
    }
  }
}

void add_mixture_decision(const DecisionProblem& problem, const Recommendation& recommendation,
                          ReportDocument& document) {
  const auto& selection = recommendation.selection;
  const MixtureResult& mixture = *selection.mixture;
  ReportSection& section = document.section(
      fmt::format("Recommendation: the mixture {} (score {:.4f}); largest share: {}",
                  mixture_text(problem, mixture.shares), selection.objective, problem.table.options[*selection.recommended]));
  section.line("shares are fractions of the traffic (or capacity) each option serves; constraints without\n"
               "\"(each option)\" apply to the share-weighted mean",
               true);
  if (!mixture.unique) {
    std::string others;
    for (std::size_t index : selection.tied) others += (others.empty() ? "" : ", ") + problem.table.options[index];
    section.line("other mixtures reach the same score" + (others.empty() ? "" : " (also using " + others + ")") +
                     "; the tie goes to the most share for the first listed",
                 true);
  }
  if (mixture.constraints.empty()) return;
  std::vector<std::vector<std::string>> rows = {{"constraint", "mixture value", "status", "shadow price"}};
  for (const auto& activity : mixture.constraints) {
    const bool kinked = activity.shadow_price_lowering != activity.shadow_price;
    rows.push_back({constraint_text(activity.constraint), short_number(activity.value),
                    activity.binding ? "binding" : "slack " + short_number(activity.slack),
                    short_number(activity.shadow_price) +
                        (kinked ? " (" + weight_text(activity.shadow_price_lowering) + " below the limit)" : "")});
  }
  section.table(std::move(rows), true);
  section.line("shadow price: score gained per unit the limit is raised; where the optimum sits on a corner the\n"
               "rate below the limit differs and is shown too (both from GLPK: extreme dual solutions)",
               true);
}

void add_pareto(const DecisionProblem& problem, const Recommendation& recommendation, const std::string& noun,
                ReportDocument& document) {
  std::string dominated;
  for (std::size_t i = 0; i < problem.table.options.size(); ++i) {
    const auto& by = recommendation.dominated_by[i];
    if (by.empty()) continue;
    std::string list;
    for (std::size_t d : by) list += (list.empty() ? "" : ", ") + problem.table.options[d];
    dominated += fmt::format("{}{} (by {})", dominated.empty() ? "" : "; ", problem.table.options[i], list);
  }
  document.section("Pareto: " + (dominated.empty() ? "every " + noun + " is Pareto-optimal" : "dominated: " + dominated) +
                   " (on every criterion, raw values, constraints aside)");
}

void add_stability(const DecisionProblem& problem, const Recommendation& recommendation, ReportDocument& document) {
  const Stability& stability = recommendation.stability;
  if (stability.ranges.empty()) return;
  std::vector<std::vector<std::string>> rows = {
      {"criterion", "weight", "decision holds for", "below the range", "above the range"}};
  for (const auto& range : stability.ranges) {
    rows.push_back({recommendation.groups[range.criterion].name, short_number(range.weight),
                    fmt::format("[{}, {}{}", weight_text(range.low), weight_text(range.high),
                                std::isinf(range.high) ? ")" : "]"),
                    winner_text(problem, range.below, range.shares_below),
                    winner_text(problem, range.above, range.shares_above)});
  }
  ReportSection& section =
      document.section("Weight stability (one weight at a time, the others fixed; at a range end the two tie)");
  section.table(std::move(rows));
  if (!stability.smallest_flip) {
    section.line("No change of a single weight alters the decision.");
    return;
  }
  const WeightFlip& flip = *stability.smallest_flip;
  const WeightRange& range = stability.ranges[flip.range];
  const auto& shares = flip.rise ? range.shares_above : range.shares_below;
  if (flip.change == 0) {
    section.line(fmt::format("The decision is tied on {}: any {} of its weight {} hands it to {}",
                             recommendation.groups[range.criterion].name, flip.rise ? "rise" : "fall",
                             short_number(range.weight), winner_text(problem, flip.winner, shares)));
    return;
  }
  section.line(fmt::format("Smallest change that alters the decision: {} {} -> {} ({:+.4g}{}): {} takes over",
                           recommendation.groups[range.criterion].name, short_number(range.weight),
                           short_number(flip.to), flip.change,
                           range.weight > 0 ? fmt::format(", {:+.1f}%", 100.0 * flip.change / range.weight) : "",
                           winner_text(problem, flip.winner, shares)));
}

Json constraint_json(const Constraint& constraint) {
  return {{"constraint", constraint_text(constraint)},
          {"metric", constraint.metric},
          {"kind", kind_name(constraint.kind)},
          {"limit", constraint.limit},
          {"scope", scope_name(constraint.scope)}};
}

Json column_json(const Criterion& criterion) {
  return {{"name", criterion.name},
          {"direction", to_string(criterion.direction)},
          {"unit", criterion.unit},
          {"method", criterion.method},
          {"reference", criterion.reference ? Json{{"worst", criterion.reference->worst}, {"best", criterion.reference->best}}
                                            : Json()}};
}

Json number_or_null(double value) { return std::isfinite(value) ? Json(value) : Json(); }

Json shares_json(const DecisionProblem& problem, const std::vector<double>& shares) {
  Json json = Json::object();
  for (std::size_t i = 0; i < shares.size(); ++i) json[problem.table.options[i]] = shares[i];
  return json;
}

Json winner_json(const DecisionProblem& problem, const std::optional<std::size_t>& winner,
                 const std::vector<double>& shares) {
  if (!winner) return Json();
  Json json = {{"winner", problem.table.options[*winner]}};
  if (!shares.empty()) json["shares"] = shares_json(problem, shares);
  return json;
}

Json stability_json(const DecisionProblem& problem, const Recommendation& recommendation) {
  const Stability& stability = recommendation.stability;
  Json json = {{"weights", Json::array()}, {"smallest_flip", nullptr}};
  for (const auto& range : stability.ranges) {
    json["weights"].push_back({{"criterion", recommendation.groups[range.criterion].name},
                               {"weight", range.weight},
                               {"low", range.low},
                               {"high", number_or_null(range.high)},
                               {"below", winner_json(problem, range.below, range.shares_below)},
                               {"above", winner_json(problem, range.above, range.shares_above)}});
  }
  if (stability.smallest_flip) {
    const WeightFlip& flip = *stability.smallest_flip;
    const WeightRange& range = stability.ranges[flip.range];
    Json entry = winner_json(problem, flip.winner, flip.rise ? range.shares_above : range.shares_below);
    entry["criterion"] = recommendation.groups[range.criterion].name;
    entry["from"] = range.weight;
    entry["to"] = flip.to;
    entry["change"] = flip.change;
    json["smallest_flip"] = entry;
  }
  return json;
}

}  // namespace

double constrained_value(const DecisionProblem& problem, std::size_t option, const Constraint& constraint) {
  if (!problem.constraint_values.empty()) {
    const auto found = problem.constraint_values.at(option).find(bound_key(constraint));
    if (found != problem.constraint_values.at(option).end()) return found->second;
  }
  const auto& table = problem.table;
  for (std::size_t j = 0; j < table.criteria.size(); ++j) {
    if (table.criteria[j].name == constraint.metric) return table.values[option][j];
  }
  return problem.extra.at(option).at(constraint.metric);
}

ReportDocument decision_document(const DecisionProblem& problem, const Recommendation& recommendation,
                                 const std::string& noun) {
  ReportDocument document;
  add_criteria(problem, recommendation, noun, document);
  if (!recommendation.selection.recommended) {
    add_infeasible(problem, recommendation, noun, document);
  } else if (recommendation.selection.mixture) {
    add_mixture_decision(problem, recommendation, document);
  } else {
    add_single_decision(problem, recommendation, document);
  }
  add_pareto(problem, recommendation, noun, document);
  add_stability(problem, recommendation, document);
  return document;
}

Json decision_json(const DecisionProblem& problem, const Recommendation& recommendation) {
  const auto& table = problem.table;
  const Selection& selection = recommendation.selection;
  const bool recommended = selection.recommended.has_value();

  Json json;
  json["status"] = recommended ? "recommended" : "infeasible";
  json["recommended"] = recommended ? Json(table.options[*selection.recommended]) : Json();
  json["tied_with"] = Json::array();
  for (std::size_t index : selection.tied) json["tied_with"].push_back(table.options[index]);
  json["objective"] = recommended ? Json(selection.objective) : Json();
  json["mode"] = to_string(recommendation.mode);
  json["normalization"] = to_string(recommendation.normalization);

  json["columns"] = Json::array();
  for (const auto& criterion : table.criteria) json["columns"].push_back(column_json(criterion));
  json["criteria"] = Json::array();
  const bool single_columns = one_column_each(recommendation);
  for (std::size_t k = 0; k < recommendation.groups.size(); ++k) {
    const CriterionGroup& group = recommendation.groups[k];
    Json entry = single_columns ? column_json(table.criteria[k])
                                : Json{{"name", group.name}, {"direction", "max"}, {"unit", ""},
                                       {"method", group.description}, {"reference", nullptr}};
    entry["parts"] = Json::array();
    for (const auto& part : group.parts) entry["parts"].push_back({{"column", part.column}, {"weight", part.weight}});
    json["criteria"].push_back(entry);
  }
  json["weights"] = Json::object();
  for (std::size_t k = 0; k < recommendation.groups.size(); ++k) {
    json["weights"][recommendation.groups[k].name] = recommendation.weights[k];
  }
  json["constraints"] = Json::array();
  for (const auto& constraint : problem.constraints) json["constraints"].push_back(constraint_json(constraint));

  json["candidates"] = Json::array();
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    const OptionResult& option = selection.options[i];
    Json entry;
    entry["name"] = table.options[i];
    entry["feasible"] = option.feasible;
    entry["eligible"] = option.eligible;
    entry["excluded_by"] = Json::array();
    for (const auto& exclusion : option.excluded_by) {
      Json excluded = constraint_json(exclusion.constraint);
      excluded["value"] = exclusion.value;
      excluded["shortfall"] = exclusion.shortfall;
      entry["excluded_by"].push_back(excluded);
    }
    entry["criteria"] = Json::object();
    entry["normalized"] = Json::object();
    for (std::size_t j = 0; j < table.criteria.size(); ++j) {
      entry["criteria"][table.criteria[j].name] = table.values[i][j];
      entry["normalized"][table.criteria[j].name] = recommendation.normalized.values[i][j];
    }
    entry["criterion_values"] = Json::object();
    for (std::size_t k = 0; k < recommendation.groups.size(); ++k) {
      entry["criterion_values"][recommendation.groups[k].name] = recommendation.criterion_values[i][k];
    }
    entry["score"] = option.score;
    if (recommendation.mode == DecisionMode::kMixture) {
      entry["share"] = selection.mixture ? Json(selection.mixture->shares[i]) : Json();  // null: infeasible
    }
    entry["pareto_optimal"] = recommendation.dominated_by[i].empty();
    entry["dominated_by"] = Json::array();
    for (std::size_t d : recommendation.dominated_by[i]) entry["dominated_by"].push_back(table.options[d]);
    json["candidates"].push_back(entry);
  }

  json["mixture"] = nullptr;
  if (selection.mixture) {
    const MixtureResult& mixture = *selection.mixture;
    Json constraints = Json::array();
    for (const auto& activity : mixture.constraints) {
      Json entry = constraint_json(activity.constraint);
      entry["value"] = activity.value;
      entry["slack"] = activity.slack;
      entry["binding"] = activity.binding;
      entry["shadow_price"] = number_or_null(activity.shadow_price);
      entry["shadow_price_lowering"] = number_or_null(activity.shadow_price_lowering);
      constraints.push_back(entry);
    }
    json["mixture"] = {{"shares", shares_json(problem, mixture.shares)},
                       {"unique", mixture.unique},
                       {"constraints", constraints}};
  }
  json["stability"] = stability_json(problem, recommendation);
  return json;
}

void decide_table(TableReport& report) {
  try {
    report.recommendation = decide(report.problem);
  } catch (const InputError& error) {
    throw InputError(report.file + ": " + error.what());
  } catch (const SolverError& error) {
    throw SolverError(report.file + ": " + error.what());
  }
}

ReportDocument table_report_document(const TableReport& report) {
  ReportDocument document;
  ReportSection& header = document.section(fmt::format("sizesel solve: {} ({})", report.name, report.file));
  if (report.options_file != report.file) header.line("options from " + report.options_file);
  if (!report.levels.empty()) {
    std::vector<std::pair<std::string, double>> levels(report.levels.begin(), report.levels.end());
    std::sort(levels.begin(), levels.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    std::string text;
    for (const auto& [name, value] : levels) text += fmt::format("{}{} = {}", text.empty() ? "" : ", ", name, short_number(value));
    header.line("levels: " + text);
  }
  header.line(fmt::format("mode {}, normalisation {}", to_string(report.recommendation.mode),
                          to_string(report.recommendation.normalization)));
  document.append(decision_document(report.problem, report.recommendation, "option"));
  return document;
}

void write_table_text_report(const TableReport& report, std::ostream& out) { write_text(table_report_document(report), out); }

Json table_json_report(const TableReport& report) {
  Json json = {{"schema_version", 1}};
  json["table"] = {{"name", report.name},
                   {"file", report.file},
                   {"options_file", report.options_file},
                   {"levels", report.levels}};
  const Json decision = decision_json(report.problem, report.recommendation);
  for (const auto& [key, value] : decision.items()) json[key] = value;
  json["run"] = {{"sizesel_version", report.sizesel_version},
                 {"glpk_version", glpk_version()},
                 {"table_sha256", report.table_sha256}};
  json["solver"] = {{"name", "GLPK"}, {"version", glpk_version()}, {"status", report.recommendation.selection.solver_status}};
  return json;
}

}  // namespace sizesel
