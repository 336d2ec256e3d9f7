// Tests of decision tables read by `solve`: JSON, CSV options, bare CSV with overrides, and located errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "sizesel/core/error.hpp"
#include "sizesel/scenario/table_file.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace sizesel;

namespace {

using test_support::TempDir;

const char* kTable = R"({
  "name": "t",
  "mode": "single",
  "levels": {"low": 0, "medium": 0.5, "high": 1},
  "criteria": {"P": {"direction": "max", "unit": "%"}, "C": {"direction": "min", "unit": "GPU"},
               "E": {"direction": "max"}},
  "weights": {"P": 0.8, "C": 0.2},
  "constraints": {"min": {"P": 95}, "max": {"C": 20}, "per_option": {"max": {"C": 50}}},
  "options": [{"name": "s1", "P": 95, "C": 5, "E": "high"},
              {"name": "s2", "P": 97.5, "C": 10, "E": "medium"}]
})";

std::string table_with(const std::string& from, const std::string& to) {
  std::string text = kTable;
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

/// The message of the InputError that loading `path` throws; checks it is one line naming `named`.
std::string error_loading(const fs::path& path, const fs::path& named, const TableOverrides& overrides = {}) {
  try {
    (void)load_table(path, overrides);
  } catch (const InputError& error) {
    const std::string message = error.what();
    CHECK(message.rfind(named.string(), 0) == 0);
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  FAIL("no InputError loading " << path);
  return "";
}

std::string json_error(const std::string& text) {
  TempDir dir;
  const fs::path path = dir.write("t.json", text);
  return error_loading(path, path);
}

}  // namespace

TEST_CASE("a JSON table keeps its criteria in file order and maps levels to numbers", "[scenario][table]") {
  TempDir dir;
  const TableFile table = load_table(dir.write("t.json", kTable));
  const auto& problem = table.problem;
  REQUIRE(problem.table.criteria.size() == 3);
  CHECK(problem.table.criteria[0].name == "P");
  CHECK(problem.table.criteria[1].name == "C");
  CHECK(problem.table.criteria[1].direction == Direction::kMin);
  CHECK(problem.table.criteria[1].unit == "GPU");
  CHECK(problem.table.criteria[2].name == "E");
  CHECK(problem.table.options == std::vector<std::string>{"s1", "s2"});
  CHECK(problem.table.values[0] == std::vector<double>{95, 5, 1});
  CHECK(problem.table.values[1] == std::vector<double>{97.5, 10, 0.5});
  CHECK(problem.weights.at("P") == 0.8);
  CHECK(problem.weights.at("E") == 0);  // left out: weighs nothing
  REQUIRE(problem.constraints.size() == 3);
  CHECK(problem.constraints[2].scope == ConstraintScope::kEachOption);
  CHECK(problem.constraints[2].limit == 50);
  CHECK(problem.mode == DecisionMode::kSingle);
  CHECK(problem.normalization == Normalization::kMinMax);
  CHECK(table.name == "t");
}

TEST_CASE("a JSON table may take its options from a CSV file next to it", "[scenario][table]") {
  TempDir dir;
  dir.write("options.csv", "name,E,P,C\r\ns1,high,95,5\r\n\"s,2\",medium,97.5,10\r\n");
  const std::string text = table_with(R"("options": [{"name": "s1", "P": 95, "C": 5, "E": "high"},
              {"name": "s2", "P": 97.5, "C": 10, "E": "medium"}])",
                                      R"("options": "options.csv")");
  const TableFile table = load_table(dir.write("t.json", text));
  CHECK(table.options_file.filename() == "options.csv");
  CHECK(table.problem.table.options == std::vector<std::string>{"s1", "s,2"});
  CHECK(table.problem.table.values[1] == std::vector<double>{97.5, 10, 0.5});  // columns in criteria order
}

TEST_CASE("a bare CSV table takes directions, weights and constraints from the command line", "[scenario][table]") {
  TempDir dir;
  const fs::path csv = dir.write("t.csv", "\xEF\xBB\xBFname,acc,gpus\nsmall,0.9,1\n\nlarge,0.95,4\n");
  TableOverrides overrides;
  overrides.directions = {{"acc", Direction::kMax}, {"gpus", Direction::kMin}};
  overrides.weights = {{"acc", 1}};
  overrides.constraints = {{"gpus", BoundKind::kMax, 3, ConstraintScope::kMixture}};
  overrides.mode = DecisionMode::kMixture;
  const TableFile table = load_table(csv, overrides);
  CHECK(table.problem.table.options == std::vector<std::string>{"small", "large"});
  CHECK(table.problem.table.criteria[1].direction == Direction::kMin);
  CHECK(table.problem.weights.at("acc") == 1);
  CHECK(table.problem.mode == DecisionMode::kMixture);
  REQUIRE(table.problem.constraints.size() == 1);
  CHECK(table.name == "t");
}

TEST_CASE("command-line settings replace the file's weight, mode and same-kind constraint", "[scenario][table]") {
  TempDir dir;
  TableOverrides overrides;
  overrides.weights = {{"E", 0.5}};
  overrides.constraints = {{"C", BoundKind::kMax, 7.5, ConstraintScope::kMixture}};
  overrides.normalization = Normalization::kRaw;
  const TableFile table = load_table(dir.write("t.json", kTable), overrides);
  CHECK(table.problem.weights.at("E") == 0.5);
  CHECK(table.problem.weights.at("P") == 0.8);
  CHECK(table.problem.normalization == Normalization::kRaw);
  REQUIRE(table.problem.constraints.size() == 3);  // C <= 20 replaced, the per-option C <= 50 kept
  CHECK(table.problem.constraints[1].metric == "C");
  CHECK(table.problem.constraints[1].scope == ConstraintScope::kEachOption);
  CHECK(table.problem.constraints[2].limit == 7.5);
}

TEST_CASE("a top-level $schema string in a JSON table, for editors, is accepted and ignored", "[scenario][table]") {
  TempDir dir;
  const fs::path path = dir.write("t.json", table_with(R"("name": "t",)", R"("$schema": "table.schema.json", "name": "t",)"));
  CHECK(load_table(path).name == "t");
  CHECK_THAT(json_error(table_with(R"("name": "t",)", R"("$schema": null, "name": "t",)")),
             Catch::Contains("/$schema: must be a string (got null)"));
}

TEST_CASE("each mistake in a JSON table is one line naming the file and the JSON pointer", "[scenario][table]") {
  struct Case {
    std::string from, to, expected;
  };
  const std::vector<Case> cases = {
      {R"("mode": "single")", R"("mode": "mix")", "/mode: must be one of single, mixture (got \"mix\")"},
      {R"("mode": "single")", R"("mode": "single", "normalisation": "raw")",
       "/normalisation: unknown key; did you mean \"normalization\"?"},
      {R"("mode": "single")", R"("normalization": "zscore")", "/normalization: must be one of minmax, vector, reference, raw"},
      {R"("E": "high"})", R"("E": "hgh"})", "/options/0/E: \"hgh\" is neither a number nor a declared level (high, low, medium); did you mean \"high\"?"},
      {R"("E": "high"})", R"("E": true})", "/options/0/E: must be a number or a level name (got true)"},
      {R"("E": "high"})", R"("E": "high", "X": 1})", "/options/0/X: unknown key"},
      {R"("name": "s1", "P": 95, "C": 5, "E": "high"})", R"("name": "s1", "P": 95, "E": "high"})", "/options/0/C: is required"},
      {R"({"name": "s2")", R"({"name": "s1")", "/options/1/name: duplicate option name \"s1\""},
      {R"("direction": "min", "unit": "GPU")", R"("unit": "GPU")", "/criteria/C/direction: is required"},
      {R"("direction": "min", "unit": "GPU")", R"("direction": "down")", "/criteria/C/direction: must be one of max, min"},
      {R"("weights": {"P": 0.8, "C": 0.2})", R"("weights": {"P": 0.8, "Q": 0.2})", "/weights/Q: unknown key"},
      {R"("weights": {"P": 0.8, "C": 0.2})", R"("weights": {"P": -1})", "/weights/P: must be in [0, 1000000] (got -1)"},
      {R"("weights": {"P": 0.8, "C": 0.2})", R"("weights": {"P": 0})", "/weights: at least one weight must be > 0"},
      {R"("min": {"P": 95})", R"("min": {"p": 95})", "/constraints/min/p: unknown key; did you mean \"P\"?"},
      {R"("per_option": {"max": {"C": 50}})", R"("per_option": {"most": {"C": 50}})", "/constraints/per_option/most: unknown key"},
      {R"("low": 0,)", R"("low": "zero",)", "/levels/low: must be a number"},
      {R"("mode": "single")", R"("normalization": "reference")", "/criteria/P/reference: is required by \"normalization\": \"reference\""},
  };
  for (const auto& c : cases) {
    INFO(c.to);
    CHECK_THAT(json_error(table_with(c.from, c.to)), Catch::Contains(c.expected));
  }
  CHECK_THAT(json_error(R"({"normalization": "reference",
      "criteria": {"C": {"direction": "min", "reference": {"worst": 0, "best": 100}}},
      "weights": {"C": 1}, "options": [{"name": "a", "C": 1}]})"),
             Catch::Contains("/criteria/C/reference: \"best\" must be smaller than \"worst\""));
  CHECK_THAT(json_error(table_with(R"([{"name": "s1", "P": 95, "C": 5, "E": "high"},
              {"name": "s2", "P": 97.5, "C": 10, "E": "medium"}])",
                                   "[]")),
             Catch::Contains("/options: must be a non-empty array"));
  CHECK_THAT(json_error(R"({"criteria": {}, "weights": {}, "options": []})"), Catch::Contains("/criteria: must be an object with at least one"));
}

TEST_CASE("each mistake in a CSV table names the CSV file, the row and the column", "[scenario][table]") {
  struct Case {
    std::string csv, expected;
  };
  const std::vector<Case> cases = {
      {"name,P,C,E\ns1,95,5,high\ns2,nan,10,low\n", "row 3, column P: must be finite (got \"nan\")"},
      {"name,P,C,E\ns1,95,5,hgh\n", "row 2, column E: \"hgh\" is neither a number nor a declared level"},
      {"name,P,C,E\ns1,1e999,5,high\n", "row 2, column P: "},
      {"name,P,C,E\ns1,95,5\n", "row 2: has 3 fields, the header has 4"},
      {"name,P,C,E,F\ns1,95,5,high,1\n", "row 1, column 5: \"F\" is not a criterion"},
      {"name,P,E\ns1,95,high\n", "row 1: has no column for criterion \"C\""},
      {"option,P,C,E\ns1,95,5,high\n", "row 1: the first column must be \"name\" (got \"option\")"},
      {"name,P,C,E\ns1,95,5,high\ns1,96,5,high\n", "row 3, column name: duplicate option name \"s1\""},
      {"name,P,C,E\n\"s1,95,5,high\n", "malformed CSV"},
      {"name,P,C,E\n", "has a header but no options"},
      {"name,P,C,P\ns1,1,2,3\n", "row 1, column 4: \"P\" appears twice"},
  };
  for (const auto& c : cases) {
    INFO(c.csv);
    TempDir dir;
    const fs::path csv = dir.write("o.csv", c.csv);
    const fs::path json = dir.write("t.json", table_with(R"("options": [{"name": "s1", "P": 95, "C": 5, "E": "high"},
              {"name": "s2", "P": 97.5, "C": 10, "E": "medium"}])",
                                                           R"("options": "o.csv")"));
    CHECK_THAT(error_loading(json, csv), Catch::Contains(c.expected));
  }
  TempDir dir;
  CHECK_THAT(error_loading(dir.write("e.csv", ""), dir.write("e.csv", "")), Catch::Contains("file is empty"));
}

TEST_CASE("a bare CSV needs a direction for each criterion and at least one weight", "[scenario][table]") {
  TempDir dir;
  const fs::path csv = dir.write("t.csv", "name,acc,gpus\nsmall,0.9,1\n");
  TableOverrides overrides;
  overrides.directions = {{"acc", Direction::kMax}};
  CHECK_THAT(error_loading(csv, csv, overrides), Catch::Contains("column gpus: direction unknown: pass --direction gpus=max"));
  overrides.directions["gpus"] = Direction::kMin;
  CHECK_THAT(error_loading(csv, csv, overrides), Catch::Contains("a CSV table carries no weights"));
  overrides.weights = {{"acc", 1}, {"acx", 1}};
  CHECK_THAT(error_loading(csv, csv, overrides), Catch::Contains("--weight: unknown criterion \"acx\""));
}

TEST_CASE("a missing table file or a folder is an input error naming the path", "[scenario][table]") {
  TempDir dir;
  const fs::path folder = dir.write("x.json", "{}").parent_path();
  CHECK_THROWS_WITH(load_table(folder / "nope.json"), Catch::Contains("nope.json: cannot be opened"));
  CHECK_THROWS_WITH(load_table(folder / "nope.csv"), Catch::Contains("nope.csv: cannot be opened"));
  CHECK_THROWS_WITH(load_table(folder), Catch::Contains("is a directory"));
}

TEST_CASE("values GLPK could not scale, deep nesting, NUL bytes and bad UTF-8 are input errors, not crashes",
          "[scenario][table]") {
  CHECK_THAT(json_error(table_with(R"("P": 95, "C": 5)", R"("P": 1e200, "C": 5)")),
             Catch::Contains("/options/0/P: must lie within +-1e+15 (got 1e+200)"));
  CHECK_THAT(json_error(table_with(R"("P": 95, "C": 5)", R"("P": 1e-200, "C": 5)")),
             Catch::Contains("/options/0/P: must be 0 or at least 1e-15 in magnitude"));
  CHECK_THAT(json_error(table_with(R"("max": {"C": 20})", R"("max": {"C": 1e-300})")),
             Catch::Contains("the limit must be 0 or at least 1e-15"));
  CHECK_THAT(json_error(table_with(R"("name": "t")", R"("name": "t", "description": )" + std::string(100000, '[') +
                                                          std::string(100000, ']'))),
             Catch::Contains("malformed JSON: nested deeper than 256 levels"));
  CHECK_THAT(json_error(std::string(kTable) + std::string(1, '\0')), Catch::Contains("malformed JSON: a NUL byte"));
  CHECK_THAT(json_error(table_with(R"("E": {"direction": "max"})", R"("E\u0001": {"direction": "max"})")),
             Catch::Contains("a criterion's name must not contain control characters"));
  CHECK_THAT(json_error(table_with(R"("E": {"direction": "max"})", R"("E": {"direction": "max", "unit": "a\nb"})")),
             Catch::Contains("/criteria/E/unit: must not contain control characters"));
  CHECK_THAT(json_error(table_with(R"("E": {"direction": "max"})", R"("E": {"direction": "max", "description": " "})")),
             Catch::Contains("/criteria/E/description: must not be blank (got \" \")"));
  CHECK_THAT(json_error(table_with(R"("low": 0,)", R"("low": 0, "5x": 1,)")),
             Catch::Contains("/levels/5x: a level's name must start with a letter"));
  CHECK_THAT(json_error(table_with(R"("P": 95, "C": 5)", R"("P": "95", "C": 5)")),
             Catch::Contains("/options/0/P: is the string \"95\"; write a number without quotes"));
  CHECK_THAT(json_error(table_with(R"("min": {"P": 95})", R"("min": {"P": 95, "C": 30})")),
             Catch::Contains("/constraints/min/C: minimum 30 exceeds the maximum 20 of C"));
  // An unknown key with a line break is reported on one line.
  const std::string one_line = json_error(table_with(R"("mode": "single")", R"("mode": "single", "bo\ngus": 1)"));
  CHECK(one_line.find('\n') == std::string::npos);
}

TEST_CASE("CSV cells: a leading +, out-of-range numbers, invalid UTF-8 and NUL bytes", "[scenario][table]") {
  TempDir dir;
  TableOverrides overrides;
  overrides.directions = {{"A", Direction::kMax}};
  overrides.weights = {{"A", 1}};
  CHECK(load_table(dir.write("plus.csv", "name,A\nx,+5\ny, 2 \n"), overrides).problem.table.values[0][0] == 5);
  const fs::path huge = dir.write("huge.csv", "name,A\nx,1e999\n");
  CHECK_THAT(error_loading(huge, huge, overrides), Catch::Contains("row 2, column A: must be finite (got \"1e999\")"));
  const fs::path utf8 = dir.write("utf8.csv", "name,A\n\xff\xfe,1\n");
  CHECK_THAT(error_loading(utf8, utf8, overrides), Catch::Contains("row 2, column name: is not valid UTF-8"));
  const fs::path nul = dir.write("nul.csv", std::string("name,A\nx,1\0z\n", 13));
  const std::string message = error_loading(nul, nul, overrides);
  CHECK_THAT(message, Catch::Contains("row 2, column A: \"1\\u0000z\""));
  const fs::path named = dir.write("named.csv", "name,A,name\nx,1,2\n");
  CHECK_THAT(error_loading(named, named, overrides), Catch::Contains("\"name\" cannot name a criterion"));
}

TEST_CASE("command-line settings are checked like the file's: contradictions, levels, all-zero file weights",
          "[scenario][table]") {
  TempDir dir;
  const fs::path json = dir.write("t.json", kTable);
  TableOverrides contradiction;
  contradiction.constraints = {{"C", BoundKind::kMin, 30, ConstraintScope::kMixture}};
  CHECK_THAT(error_loading(json, json, contradiction), Catch::Contains("minimum 30 exceeds the maximum 20 of C"));
  TableOverrides each;
  each.constraints = {{"Q", BoundKind::kMin, 1, ConstraintScope::kEachOption}};
  CHECK_THAT(error_loading(json, json, each), Catch::Contains("--min-each: unknown criterion \"Q\""));
  TableOverrides level;
  level.levels = {{"1", 100}};
  CHECK_THAT(error_loading(json, json, level), Catch::Contains("--level: a level's name must start with a letter"));
  // A file whose weights are all 0 is completed by --weight.
  const fs::path zero = dir.write("zero.json", table_with(R"("weights": {"P": 0.8, "C": 0.2})", R"("weights": {"P": 0})"));
  CHECK_THAT(error_loading(zero, zero), Catch::Contains("/weights: at least one weight must be > 0"));
  TableOverrides weight;
  weight.weights = {{"C", 1}};
  CHECK(load_table(zero, weight).problem.weights.at("C") == 1);
  // Weights given as overrides are checked like a file's, also when the CLI did not read them.
  TableOverrides tiny;
  tiny.weights = {{"P", 1e-300}};
  CHECK_THAT(error_loading(json, json, tiny), Catch::Contains("--weight: P: the weight must be 0 or at least 1e-15"));
  TableOverrides negative;
  negative.weights = {{"C", -1}};
  CHECK_THAT(error_loading(json, json, negative), Catch::Contains("--weight: C: a weight must lie in [0, 1e+06] (got -1)"));
  TableOverrides csv_reference;
  csv_reference.directions = {{"A", Direction::kMax}};
  csv_reference.weights = {{"A", 1}};
  csv_reference.normalization = Normalization::kReference;
  const fs::path csv = dir.write("r.csv", "name,A\nx,1\n");
  CHECK_THAT(error_loading(csv, csv, csv_reference), Catch::Contains("only a JSON table can give"));
}
