#include "sizesel/scenario/table_file.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/scenario/decision_reader.hpp"
#include "sizesel/scenario/json_reader.hpp"

namespace sizesel {
namespace {

constexpr double kMax = std::numeric_limits<double>::max();

/// The keys the object at `pointer` allows (see table_keys()).
const std::vector<std::string>& keys(const std::string& pointer) { return table_keys().at(pointer); }

std::string joined(const std::vector<std::string>& names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list;
}

std::vector<std::string> criterion_names(const std::vector<Criterion>& criteria) {
  std::vector<std::string> names;
  for (const auto& criterion : criteria) names.push_back(criterion.name);
  return names;
}

std::vector<std::string> level_names(const std::map<std::string, double>& levels) {
  std::vector<std::string> names;
  for (const auto& level : levels) names.push_back(level.first);
  return names;
}

/// `text` in quotes, control characters and invalid bytes escaped, so that a message stays one line.
std::string quoted(const std::string& text) { return short_dump(nlohmann::ordered_json(text)); }

/// What a cell that is not a number must be: a declared level.
std::string level_problem(const std::string& text, const std::map<std::string, double>& levels) {
  if (levels.empty()) return fmt::format("{} is not a number, and the table declares no \"levels\"", quoted(text));
  const std::string suggestion = closest_match(text, level_names(levels));
  return fmt::format("{} is neither a number nor a declared level ({}){}", quoted(text), joined(level_names(levels)),
                     suggestion.empty() ? "" : "; did you mean \"" + suggestion + "\"?");
}

/// A cell read as a number: a plain decimal number, with an optional leading + and blanks
/// around; `out_of_range` when it is one but too large or small for a double.
struct NumberCell {
  bool number = false;
  bool out_of_range = false;
  double value = 0;
};

NumberCell parse_number(const std::string& text) {
  NumberCell cell;
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return cell;
  const auto end = text.find_last_not_of(" \t") + 1;
  if (text[begin] == '+' && begin + 1 < end && text[begin + 1] != '-') ++begin;
  const char* first = text.data() + begin;
  const char* last = text.data() + end;
  const auto [ptr, ec] = std::from_chars(first, last, cell.value);
  if (ptr != last) return cell;
  cell.number = ec == std::errc() || ec == std::errc::result_out_of_range;
  cell.out_of_range = ec == std::errc::result_out_of_range;
  return cell;
}

/// A level's name starts with a letter, so that no cell can be read both as a number and as a level.
std::string level_name_problem(const std::string& name) {
  if (const std::string problem = name_problem(name); !problem.empty()) return "a level's name " + problem;
  if (std::isalpha(static_cast<unsigned char>(name[0])) == 0) {
    return "a level's name must start with a letter (got " + quoted(name) + ")";
  }
  return "";
}

std::map<std::string, double> read_levels(ObjectReader& root) {
  std::map<std::string, double> levels;
  const auto* value = root.optional("levels");
  if (value == nullptr) return levels;
  if (!value->is_object()) root.fail("levels", "must be an object of level names and numbers (got " + short_dump(*value) + ")");
  std::vector<std::string> keys;
  for (const auto& item : value->items()) keys.push_back(item.key());
  ObjectReader reader(*value, root.file(), root.pointer("levels"), keys);
  for (const auto& key : keys) {
    if (const std::string problem = level_name_problem(key); !problem.empty()) reader.fail(key, problem);
    levels[key] = reader.number(key, -kMax, kMax);
    if (const std::string problem = magnitude_problem(levels[key]); !problem.empty()) reader.fail(key, problem);
  }
  return levels;
}

std::vector<Criterion> read_criteria(ObjectReader& root) {
  const nlohmann::ordered_json& value = root.require("criteria");
  if (!value.is_object() || value.empty()) {
    root.fail("criteria", "must be an object with at least one criterion (got " + short_dump(value) + ")");
  }
  std::vector<Criterion> criteria;
  for (const auto& item : value.items()) {
    const std::string pointer = root.pointer("criteria") + "/" + pointer_escape(item.key());
    if (item.key() == "name") fail_at(root.file(), pointer, "\"name\" cannot name a criterion");
    if (const std::string problem = name_problem(item.key()); !problem.empty()) {
      fail_at(root.file(), pointer, "a criterion's name " + problem);
    }
    ObjectReader reader(item.value(), root.file(), pointer, keys("/criteria/*"));
    Criterion criterion;
    criterion.name = item.key();
    criterion.direction = reader.choice("direction", {"max", "min"}) == "max" ? Direction::kMax : Direction::kMin;
    criterion.unit = reader.string("unit", "");
    criterion.method = reader.string("description", "");
    for (const auto& [key, text] : {std::pair<const char*, const std::string&>{"unit", criterion.unit},
                                    std::pair<const char*, const std::string&>{"description", criterion.method}}) {
      // Empty means none; otherwise the rules of a name, so that the report's line stays readable.
      if (const std::string problem = text.empty() ? "" : name_problem(text); !problem.empty()) {
        reader.fail(key, problem + " (got " + quoted(text) + ")");
      }
    }
    if (const auto* reference = reader.optional("reference")) {
      ObjectReader range(*reference, root.file(), reader.pointer("reference"), keys("/criteria/*/reference"));
      criterion.reference = read_reference(range);
      for (const auto& [key, value] : {std::pair<const char*, double>{"worst", criterion.reference->worst},
                                       std::pair<const char*, double>{"best", criterion.reference->best}}) {
        if (const std::string problem = magnitude_problem(value); !problem.empty()) range.fail(key, problem);
      }
    }
    criteria.push_back(std::move(criterion));
  }
  return criteria;
}

double json_cell(ObjectReader& reader, const std::string& key, const std::map<std::string, double>& levels) {
  const nlohmann::ordered_json& value = reader.require(key);
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    const auto found = levels.find(text);
    if (found != levels.end()) return found->second;
    if (parse_number(text).number) reader.fail(key, "is the string " + quoted(text) + "; write a number without quotes");
    reader.fail(key, level_problem(text, levels));
  }
  if (!value.is_number()) reader.fail(key, "must be a number or a level name (got " + short_dump(value) + ")");
  const double number = reader.number(key, -kMax, kMax);
  if (const std::string problem = magnitude_problem(number); !problem.empty()) {
    reader.fail(key, problem + " (got " + short_dump(value) + ")");
  }
  return number;
}

void read_json_options(ObjectReader& root, const nlohmann::ordered_json& list, TableFile& table) {
  if (!list.is_array() || list.empty()) {
    root.fail("options", "must be a non-empty array of options, or the name of a CSV file (got " + short_dump(list) + ")");
  }
  const std::vector<std::string> criteria = criterion_names(table.problem.table.criteria);
  std::vector<std::string> keys = {"name"};
  keys.insert(keys.end(), criteria.begin(), criteria.end());
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ObjectReader reader(list[i], root.file(), root.pointer("options") + "/" + std::to_string(i), keys);
    const std::string name = reader.name("name");
    if (!names.insert(name).second) reader.fail("name", "duplicate option name \"" + name + "\"");
    std::vector<double> values;
    for (const auto& criterion : criteria) values.push_back(json_cell(reader, criterion, table.levels));
    table.problem.table.options.push_back(name);
    table.problem.table.values.push_back(std::move(values));
  }
}

/// Reads the options from CSV rows; with `declared` criteria the header must name exactly
/// those, else the header declares them (directions to be given by overrides).
void read_csv_options(const std::filesystem::path& csv, TableFile& table, bool declared) {
  const std::string file = csv.string();
  const auto rows = read_csv_file(csv);
  const std::vector<std::string>& header = rows[0];
  if (header.empty() || header[0] != "name") {
    throw InputError(located_message(file, "row 1", "the first column must be \"name\" (got \"" +
                                                        (header.empty() ? "" : header[0]) + "\")"));
  }
  std::set<std::string> seen;
  for (std::size_t c = 1; c < header.size(); ++c) {
    if (!seen.insert(header[c]).second) {
      throw InputError(located_message(file, fmt::format("row 1, column {}", c + 1), quoted(header[c]) + " appears twice"));
    }
  }
  std::vector<Criterion>& criteria = table.problem.table.criteria;
  std::vector<std::size_t> column_of;  // criterion j is in CSV column column_of[j]
  if (declared) {
    const std::vector<std::string> names = criterion_names(criteria);
    std::vector<std::string> missing;
    for (const auto& name : names) {
      if (std::find(header.begin() + 1, header.end(), name) == header.end()) missing.push_back(name);
    }
    for (std::size_t c = 1; c < header.size(); ++c) {
      if (std::find(names.begin(), names.end(), header[c]) == names.end()) {
        const std::string suggestion = closest_match(header[c], missing.empty() ? names : missing);
        throw InputError(located_message(
            file, fmt::format("row 1, column {}", c + 1),
            fmt::format("{} is not a criterion of {} ({}){}{}", quoted(header[c]), table.file.string(), joined(names),
                        missing.empty() ? "" : "; without a column: " + joined(missing),
                        suggestion.empty() ? "" : "; did you mean \"" + suggestion + "\"?")));
      }
    }
    for (const auto& name : names) {
      const auto found = std::find(header.begin() + 1, header.end(), name);
      if (found == header.end()) {
        throw InputError(located_message(file, "row 1", "has no column for criterion \"" + name + "\""));
      }
      column_of.push_back(static_cast<std::size_t>(found - header.begin()));
    }
  } else {
    for (std::size_t c = 1; c < header.size(); ++c) {
      if (const std::string problem = name_problem(header[c]); !problem.empty()) {
        throw InputError(located_message(file, fmt::format("row 1, column {}", c + 1), "a criterion's name " + problem));
      }
      if (header[c] == "name") {
        throw InputError(located_message(file, fmt::format("row 1, column {}", c + 1), "\"name\" cannot name a criterion"));
      }
      Criterion criterion;
      criterion.name = header[c];
      criteria.push_back(criterion);
      column_of.push_back(c);
    }
    if (criteria.empty()) throw InputError(located_message(file, "row 1", "names no criterion after \"name\""));
  }
  if (rows.size() < 2) throw InputError(file + ": has a header but no options");
  std::set<std::string> names;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string where = fmt::format("row {}", r + 1);
    if (const std::string problem = name_problem(row[0]); !problem.empty()) {
      throw InputError(located_message(file, where + ", column name", problem));
    }
    if (!names.insert(row[0]).second) {
      throw InputError(located_message(file, where + ", column name", "duplicate option name " + quoted(row[0])));
    }
    std::vector<double> values;
    for (std::size_t j = 0; j < criteria.size(); ++j) {
      const std::string& cell = row[column_of[j]];
      const std::string at = where + ", column " + criteria[j].name;
      const NumberCell number = parse_number(cell);
      if (number.number) {
        const std::string problem = number.out_of_range ? std::string("must be finite") : magnitude_problem(number.value);
        if (!problem.empty()) throw InputError(located_message(file, at, problem + " (got " + quoted(cell) + ")"));
        values.push_back(number.value);
        continue;
      }
      const auto level = table.levels.find(cell);
      if (level == table.levels.end()) throw InputError(located_message(file, at, level_problem(cell, table.levels)));
      values.push_back(level->second);
    }
    table.problem.table.options.push_back(row[0]);
    table.problem.table.values.push_back(std::move(values));
  }
}

/// The command-line settings, checked against the table's criteria.
void apply_overrides(const TableOverrides& overrides, TableFile& table) {
  DecisionProblem& problem = table.problem;
  const std::vector<std::string> names = criterion_names(problem.table.criteria);
  const std::string file = table.file.string();
  auto check = [&](const std::string& flag, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    const std::string suggestion = closest_match(name, names);
    throw InputError(located_message(file, flag,
                                     fmt::format("unknown criterion \"{}\" (criteria: {}){}", name, joined(names),
                                                 suggestion.empty() ? "" : "; did you mean \"" + suggestion + "\"?")));
  };
  if (overrides.mode) problem.mode = *overrides.mode;
  if (overrides.normalization) problem.normalization = *overrides.normalization;
  for (const auto& [name, direction] : overrides.directions) {
    check("--direction", name);
    for (auto& criterion : problem.table.criteria) {
      if (criterion.name == name) criterion.direction = direction;
    }
  }
  for (const auto& [name, weight] : overrides.weights) {
    check("--weight", name);
    // As a file's weights are checked: the LP GLPK is handed must stay within what it can scale.
    if (!(weight >= 0 && weight <= kMaxWeight)) {
      throw InputError(located_message(file, "--weight", fmt::format("{}: a weight must lie in [0, {:g}] (got {})", name,
                                                                      kMaxWeight, weight)));
    }
    if (const std::string problem = magnitude_problem(weight); !problem.empty()) {
      throw InputError(located_message(file, "--weight", name + ": the weight " + problem));
    }
    problem.weights[name] = weight + 0.0;  // + 0.0: no -0
  }
  for (const Constraint& constraint : overrides.constraints) {
    const std::string flag = std::string(constraint.kind == BoundKind::kMin ? "--min" : "--max") +
                             (constraint.scope == ConstraintScope::kEachOption ? "-each" : "");
    check(flag, constraint.metric);
    if (const std::string problem = magnitude_problem(constraint.limit); !problem.empty()) {
      throw InputError(located_message(file, flag, constraint.metric + ": the limit " + problem));
    }
    auto same = [&](const Constraint& c) {
      return c.metric == constraint.metric && c.kind == constraint.kind && c.scope == constraint.scope;
    };
    problem.constraints.erase(std::remove_if(problem.constraints.begin(), problem.constraints.end(), same),
                              problem.constraints.end());
    problem.constraints.push_back(constraint);
  }
}

void check_weights(const TableFile& table, const std::string& where) {
  for (const auto& [name, weight] : table.problem.weights) {
    if (weight > 0) return;
  }
  throw InputError(located_message(table.file.string(), where, "at least one weight must be > 0"));
}

void check_levels(const TableOverrides& overrides, const std::string& file) {
  for (const auto& [name, value] : overrides.levels) {
    if (const std::string problem = level_name_problem(name); !problem.empty()) {
      throw InputError(located_message(file, "--level", problem));
    }
    if (const std::string problem = magnitude_problem(value); !problem.empty()) {
      throw InputError(located_message(file, "--level", name + ": " + problem));
    }
  }
}

TableFile load_csv_table(const std::filesystem::path& file, const TableOverrides& overrides) {
  TableFile table;
  table.name = file.stem().string();
  table.file = file;
  table.options_file = file;
  check_levels(overrides, file.string());
  table.levels = overrides.levels;
  read_csv_options(file, table, /*declared=*/false);
  for (const auto& criterion : table.problem.table.criteria) {
    if (overrides.directions.count(criterion.name) == 0) {
      throw InputError(located_message(file.string(), "column " + criterion.name,
                                       "direction unknown: pass --direction " + criterion.name + "=max (more is better) or " +
                                           criterion.name + "=min (a cost)"));
    }
  }
  apply_overrides(overrides, table);
  if (overrides.weights.empty()) {
    throw InputError(file.string() + ": a CSV table carries no weights: pass --weight NAME=W for at least one criterion");
  }
  check_weights(table, "--weight");
  check_contradictions(file.string(), table.problem.constraints, [](const Constraint& c) {
    return std::string(c.kind == BoundKind::kMin ? "--min" : "--max") + (c.scope == ConstraintScope::kEachOption ? "-each" : "");
  });
  if (table.problem.normalization == Normalization::kReference) {
    throw InputError(file.string() + ": --normalization reference needs a reference range for every criterion, which "
                                     "only a JSON table can give (a JSON table may take its options from this CSV)");
  }
  return table;
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& table_keys() {
  static const std::map<std::string, std::vector<std::string>> kKeys = {
      {"",
       {"$schema", "name", "description", "mode", "normalization", "levels", "criteria", "weights", "constraints",
        "options"}},
      {"/criteria/*", {"direction", "unit", "description", "reference"}},
      {"/criteria/*/reference", reference_keys()},
      {"/constraints", {"min", "max", "per_option"}},
      {"/constraints/per_option", per_option_keys()},
  };
  return kKeys;
}

TableFile load_table(const std::filesystem::path& file, const TableOverrides& overrides) {
  std::string extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  TableFile table = extension == ".csv" ? load_csv_table(file, overrides) : TableFile{};
  if (extension == ".csv") return table;

  const nlohmann::ordered_json document = read_json_file(file);
  const std::string name = file.string();
  ObjectReader root(document, name, "", keys(""));
  table.file = file;
  table.options_file = file;
  table.name = root.name("name", file.stem().string());
  (void)root.string("description", "");
  (void)root.string("$schema", "");  // where an editor finds docs/table.schema.json; sizesel ignores it
  DecisionProblem& problem = table.problem;
  problem.mode = read_mode(root, "mode");
  problem.normalization = read_normalization(root, "normalization");
  table.levels = read_levels(root);
  check_levels(overrides, name);
  for (const auto& [level, value] : overrides.levels) table.levels[level] = value;
  problem.table.criteria = read_criteria(root);
  const std::vector<std::string> criteria = criterion_names(problem.table.criteria);

  ObjectReader weights(root.require("weights"), name, root.pointer("weights"), criteria);
  problem.weights = read_weights(weights, criteria, /*require_positive=*/false);
  if (const auto* constraints = root.optional("constraints")) {
    ObjectReader reader(*constraints, name, root.pointer("constraints"), keys("/constraints"));
    problem.constraints = read_constraints(reader, criteria, [](const std::string&) {
      return std::pair<double, double>{-kMaxTableMagnitude, kMaxTableMagnitude};
    });
    for (const auto& constraint : problem.constraints) {
      if (const std::string problem_text = magnitude_problem(constraint.limit); !problem_text.empty()) {
        fail_at(name, root.pointer("constraints"), constraint.metric + ": the limit " + problem_text);
      }
    }
  }

  const nlohmann::ordered_json& options = root.require("options");
  if (options.is_string()) {
    const std::string csv = options.get<std::string>();
    if (csv.empty()) root.fail("options", "must name a CSV file (got \"\")");
    table.options_file = std::filesystem::path(csv).is_relative() ? file.parent_path() / csv : std::filesystem::path(csv);
    read_csv_options(table.options_file, table, /*declared=*/true);
  } else {
    read_json_options(root, options, table);
  }

  apply_overrides(overrides, table);
  check_weights(table, overrides.weights.empty() ? "/weights" : "--weight");
  check_contradictions(name, problem.constraints, [&](const Constraint& c) {
    return root.pointer("constraints") + (c.scope == ConstraintScope::kEachOption ? "/per_option" : "") +
           (c.kind == BoundKind::kMin ? "/min/" : "/max/") + pointer_escape(c.metric);
  });
  check_references(name, problem.table.criteria, problem.normalization,
                   [&](std::size_t j) { return root.pointer("criteria") + "/" + pointer_escape(criteria[j]) + "/reference"; });
  return table;
}

}  // namespace sizesel
