// The decision part of every report (`recommend` and `solve`): table, choice, mixture, Pareto, stability.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "sizesel/core/decision_problem.hpp"
#include "sizesel/decision/recommendation.hpp"
#include "sizesel/report/report_document.hpp"

namespace sizesel {

/// The decision part as report sections: the criteria table (raw -> normalised, score,
/// status), the recommendation and why it wins, the mixture and its constraints (mixture mode),
/// Pareto dominance, weight stability. `noun` names the options in prose ("candidate" or "option").
[[nodiscard]] ReportDocument decision_document(const DecisionProblem& problem, const Recommendation& recommendation,
                                               const std::string& noun);

/// JSON: status, recommended, tied_with, objective, mode, normalization, criteria, weights,
/// constraints, candidates[] (decision fields only, table order), mixture, stability
/// (see docs/output.md). An unbounded weight range end is null.
[[nodiscard]] nlohmann::json decision_json(const DecisionProblem& problem, const Recommendation& recommendation);

/// The value constraint `constraint` sees for option `option`: its criterion or extra metric.
[[nodiscard]] double constrained_value(const DecisionProblem& problem, std::size_t option, const Constraint& constraint);

/// What `sizesel solve` read and decided.
struct TableReport {
  std::string name;
  std::string file;
  std::string options_file;
  std::map<std::string, double> levels;
  std::string sizesel_version;  ///< provenance of the JSON report
  std::string table_sha256;     ///< SHA-256 of the table file's bytes, hex
  DecisionProblem problem;
  Recommendation recommendation;
};

/// Decides report.problem into report.recommendation (decide()), as `sizesel solve` does; the
/// InputError or SolverError it throws names report.file.
void decide_table(TableReport& report);

/// The report of `sizesel solve`: a header (name, file, levels, mode and normalisation), then
/// decision_document().
[[nodiscard]] ReportDocument table_report_document(const TableReport& report);

/// The text report of `sizesel solve`: table_report_document() as text.
void write_table_text_report(const TableReport& report, std::ostream& out);

/// The JSON document of `sizesel solve --format json`: decision_json() plus "schema_version",
/// "table" (name, file, options_file, levels) and "solver".
[[nodiscard]] nlohmann::json table_json_report(const TableReport& report);

}  // namespace sizesel
