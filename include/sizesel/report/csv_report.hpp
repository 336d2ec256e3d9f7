// `--format csv`: the decision table of `recommend` or `solve` as one CSV row per candidate.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sizesel {

/// The CSV of a JSON report (json_report() or table_json_report(), which both carry
/// `candidates`, `columns`, `criteria`, `recommended` and `mixture`), so that its numbers are
/// exactly the JSON's: a header, then one row per candidate in scenario or table order with
/// name, status (measured, failed, stopped; given for solve's), recommended, feasible, eligible, pareto_optimal, score, share, excluded_by,
/// reason, each column's raw and normalised value and each criterion's value
/// (docs/output.md#csv). Fields are quoted only when they must be (RFC 4180).
[[nodiscard]] std::string csv_report(const nlohmann::json& report);

}  // namespace sizesel
