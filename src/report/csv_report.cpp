#include "sizesel/report/csv_report.hpp"

#include <csv.h>

#include <fmt/format.h>

#include <vector>

namespace sizesel {
namespace {

using Json = nlohmann::json;

/// One field, quoted by libcsv when it holds a comma, a quote or a line break.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted(2 * text.size() + 2, '\0');
  quoted.resize(csv_write(quoted.data(), quoted.size(), text.data(), text.size()));
  return quoted;
}

/// A JSON scalar as a CSV field: numbers in the shortest form that reads back the same, null as
/// an empty field.
std::string cell(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return fmt::format("{}", value.get<int64_t>());
  if (value.is_number()) return fmt::format("{}", value.get<double>());
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string row(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) line += (i > 0 ? "," : "") + field(fields[i]);
  return line + "\r\n";
}

Json at(const Json& object, const std::string& key) {
  return object.is_object() && object.contains(key) ? object.at(key) : Json();
}

}  // namespace

std::string csv_report(const Json& report) {
  std::vector<std::string> columns, criteria;
  // When every candidate failed there is no table: no columns, criteria or mixture.
  for (const auto& column : report.value("columns", Json::array())) columns.push_back(column.at("name").get<std::string>());
  for (const auto& criterion : report.value("criteria", Json::array())) {
    criteria.push_back(criterion.at("name").get<std::string>());
  }
  const Json mixture = report.value("mixture", Json());

  std::vector<std::string> header = {"name",     "status", "recommended",  "feasible", "eligible",
                                     "pareto_optimal", "score", "share", "excluded_by", "reason"};
  for (const auto& c : columns) header.push_back(c);
  for (const auto& c : columns) header.push_back(c + "_normalized");
  for (const auto& c : criteria) header.push_back("criterion_" + c);
  std::string out = row(header);

  for (const auto& candidate : report.at("candidates")) {
    const std::string name = candidate.at("name").get<std::string>();
    // `recommend`'s candidates were measured, failed or stopped; `solve`'s were given.
    std::string status = candidate.contains("trained") ? "measured" : "given", reason;
    if (!at(candidate, "failure").is_null()) {
      status = "failed";
      reason = cell(candidate.at("failure"));
    } else if (!at(candidate, "stopped").is_null()) {
      status = "stopped";
      reason = cell(candidate.at("stopped").at("reason"));
    }
    std::string excluded;
    for (const auto& exclusion : candidate.at("excluded_by")) {
      excluded += (excluded.empty() ? "" : "; ") +
                  fmt::format("{} (value {}, {} by {})", cell(exclusion.at("constraint")), cell(exclusion.at("value")),
                              exclusion.at("kind") == "max" ? "over" : "short", cell(exclusion.at("shortfall")));
    }
    std::vector<std::string> fields = {name,
                                       status,
                                       cell(report.value("recommended", Json()) == name),
                                       cell(candidate.at("feasible")),
                                       cell(candidate.at("eligible")),
                                       cell(at(candidate, "pareto_optimal")),
                                       cell(candidate.at("score")),
                                       mixture.is_null() ? "" : cell(at(mixture.at("shares"), name)),
                                       excluded,
                                       reason};
    for (const auto& c : columns) fields.push_back(cell(at(candidate.at("criteria"), c)));
    for (const auto& c : columns) fields.push_back(cell(at(candidate.at("normalized"), c)));
    for (const auto& c : criteria) fields.push_back(cell(at(at(candidate, "criterion_values"), c)));
    out += row(fields);
  }
  return out;
}

}  // namespace sizesel
