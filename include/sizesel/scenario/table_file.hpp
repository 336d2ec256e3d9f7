// A decision table written by hand (JSON, or CSV for the options), read strictly for `sizesel solve`.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/decision_problem.hpp"

namespace sizesel {

/// Settings given on the command line; each replaces what the file says.
struct TableOverrides {
  std::optional<DecisionMode> mode;
  std::optional<Normalization> normalization;
  std::map<std::string, double> weights;        ///< criterion -> weight
  std::vector<Constraint> constraints;          ///< replace those on the same metric, kind and scope
  std::map<std::string, Direction> directions;  ///< criterion -> direction (required for a bare CSV)
  std::map<std::string, double> levels;         ///< level name -> value
};

struct TableFile {
  std::string name;
  std::filesystem::path file;
  std::filesystem::path options_file;    ///< the CSV holding the options, or `file` itself
  std::map<std::string, double> levels;  ///< qualitative level -> number
  DecisionProblem problem;
};

/// Reads a table: a JSON file (keys in docs/table.md; "options" an array or the name of a CSV
/// file next to it), or a CSV file alone (header "name,CRITERION,..."; everything else from
/// `overrides`, which must give each criterion's direction). Throws InputError naming the file
/// and the field ("FILE: /options/2/C: ..." or "FILE: row 3, column C: ...").
[[nodiscard]] TableFile load_table(const std::filesystem::path& file, const TableOverrides& overrides = {});

/// The keys each fixed-key object of a JSON table may hold, by the object's JSON pointer, "*"
/// standing for any criterion: "" (the top level), "/criteria/*", "/criteria/*/reference",
/// "/constraints", "/constraints/per_option". load_table rejects any other key there. Objects
/// whose keys the file declares (levels, criteria, and the weights, limits and option values
/// keyed by criterion) are not listed. docs/table.schema.json allows the same (tests/schema).
[[nodiscard]] const std::map<std::string, std::vector<std::string>>& table_keys();

/// Reads a CSV file (RFC 4180: quoted fields, CRLF or LF) into rows of fields; a UTF-8 byte
/// order mark is skipped and blank lines are ignored. Throws InputError "FILE: ..." when the
/// file cannot be read, is empty or malformed, or its rows differ in length.
[[nodiscard]] std::vector<std::vector<std::string>> read_csv_file(const std::filesystem::path& file);

}  // namespace sizesel
