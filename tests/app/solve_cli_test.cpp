// End-to-end tests of `sizesel solve`: the article's case study pinned, CSV tables, infeasibility, errors, -o.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli_support.hpp"
#include "support/report_check.hpp"

namespace fs = std::filesystem;
using cli_support::read_file;
using cli_support::Run;
using cli_support::sizesel;
using cli_support::TempDir;

namespace {

const std::string kCaseStudy = std::string(SIZESEL_SOURCE_DIR) + "/configs/paper_case_study.json";

nlohmann::json solve_json(const TempDir& dir, const std::string& flags, int expected_exit = 0) {
  const Run run = sizesel(dir, "solve '" + kCaseStudy + "' --format json " + flags);
  INFO(run.err);
  REQUIRE(run.exit_code == expected_exit);
  return nlohmann::json::parse(run.out);
}

std::map<std::string, double> shares_of(const nlohmann::json& json) {
  std::map<std::string, double> shares;
  for (const auto& [name, share] : json["mixture"]["shares"].items()) {
    if (share.get<double>() > 1e-9) shares[name] = share.get<double>();
  }
  return shares;
}

}  // namespace

TEST_CASE("the article's case study gives the recommendation docs/case-study.md reports, per normalisation and mode",
          "[cli][solve]") {
  TempDir dir;
  struct Expected {
    std::string flags;
    std::string recommended;
    std::map<std::string, double> shares;  // mixture mode only
  };
  const std::vector<Expected> expected = {
      {"--normalization minmax --mode single", "s3", {}},
      {"--normalization minmax --mode mixture", "s2", {{"s2", 0.75}, {"s4", 0.25}}},
      {"--normalization vector --mode single", "s2", {}},
      {"--normalization vector --mode mixture", "s2", {{"s2", 1.0}}},
      {"--normalization reference --mode single", "s2", {}},
      {"--normalization reference --mode mixture", "s2", {{"s2", 1.0}}},
      {"--normalization raw --mode single", "s2", {}},
      {"--normalization raw --mode mixture", "s2", {{"s2", 1.0}}},
      // The article's literal sum, with + on the GPU count: the dearest size the budget allows.
      {"--normalization raw --direction C=max --mode single", "s3", {}},
      // Its x* = (0.5, 0.5, 0, 0, 0): a 7.5-GPU budget on the mixture's mean binds between s1 and s2.
      {"--normalization raw --mode mixture --max C=7.5", "s1", {{"s1", 0.5}, {"s2", 0.5}}},
      {"--normalization minmax --mode mixture --max C=7.5", "s1", {{"s1", 0.5}, {"s2", 0.5}}},
  };
  for (const auto& e : expected) {
    INFO(e.flags);
    const nlohmann::json json = solve_json(dir, e.flags);
    CHECK(json["status"] == "recommended");
    CHECK(json["recommended"] == e.recommended);
    if (e.shares.empty()) {
      CHECK(json["mixture"].is_null());
      continue;
    }
    const auto shares = shares_of(json);
    REQUIRE(shares.size() == e.shares.size());
    for (const auto& [name, share] : e.shares) CHECK(shares.at(name) == Approx(share));
  }
}

TEST_CASE("solve's JSON has recommend's top-level keys plus the mixture and the weight stability", "[cli][solve]") {
  TempDir dir;
  const nlohmann::json json = solve_json(dir, "--mode mixture");
  for (const char* key : {"schema_version", "status", "recommended", "tied_with", "objective", "mode", "normalization",
                          "criteria", "weights", "constraints", "candidates", "mixture", "stability", "table", "solver"}) {
    INFO(key);
    CHECK(json.contains(key));
  }
  REQUIRE(json["candidates"].size() == 5);
  const auto& s5 = json["candidates"][4];
  CHECK(s5["name"] == "s5");
  CHECK(s5["feasible"] == false);
  CHECK(s5["eligible"] == true);  // the budget is on the mixture, so s5 may still take a share
  REQUIRE(s5["excluded_by"].size() == 1);
  CHECK(s5["excluded_by"][0]["metric"] == "C");
  CHECK(s5["excluded_by"][0]["value"] == 100);
  CHECK(s5["excluded_by"][0]["shortfall"] == 80);
  CHECK(s5["excluded_by"][0]["scope"] == "mixture");
  CHECK(s5["normalized"]["C"] == 0);
  CHECK(s5["pareto_optimal"] == true);
  const auto& budget = json["mixture"]["constraints"][1];
  CHECK(budget["binding"] == true);
  CHECK(budget["shadow_price"].get<double>() > 0);
  CHECK(json["stability"]["weights"].size() == 5);
  CHECK(json["stability"]["smallest_flip"]["criterion"] == "M");
  CHECK(json["solver"]["name"] == "GLPK");
  // Provenance: which sizesel and GLPK decided which bytes.
  CHECK(json["run"]["sizesel_version"] == SIZESEL_VERSION);
  CHECK(json["run"]["glpk_version"] == json["solver"]["version"]);
  CHECK(json["run"]["table_sha256"] == cli_support::sha256sum(dir, kCaseStudy));
}

TEST_CASE("solve --format csv holds the JSON's numbers and verdicts, one row per option, in both modes", "[cli][solve]") {
  TempDir dir;
  for (const std::string flags : {"", "--mode mixture --max C=7.5"}) {
    INFO(flags);
    const Run csv = sizesel(dir, "solve '" + kCaseStudy + "' --format csv " + flags);
    REQUIRE(csv.exit_code == 0);
    cli_support::check_csv_matches_json(csv.out, solve_json(dir, flags));
  }
  const auto rows = cli_support::csv_rows(sizesel(dir, "solve '" + kCaseStudy + "' --format csv").out);
  CHECK(rows[0][0] == "name");
  CHECK(rows[4][0] == "s4");
  CHECK(rows[4][1] == "given");
  CHECK(rows[4][8] == "C <= 20 (value 50, over by 30)");  // quoted in the file: it holds a comma
  CHECK(rows[3][2] == "true");                             // s3 is recommended
}

TEST_CASE("single mode's weight stability of the case study: a 6.7% rise of M's weight hands it to s2", "[cli][solve]") {
  TempDir dir;
  const nlohmann::json json = solve_json(dir, "");
  const auto& flip = json["stability"]["smallest_flip"];
  CHECK(flip["criterion"] == "M");
  CHECK(flip["from"] == 0.1);
  CHECK(flip["to"].get<double>() == Approx(0.10672).epsilon(1e-3));
  CHECK(flip["winner"] == "s2");
  const auto& p = json["stability"]["weights"][0];
  CHECK(p["criterion"] == "P");
  CHECK(p["high"].is_null());  // no rise of P's weight changes the choice
  CHECK(p["below"]["winner"] == "s2");
  const Run text = sizesel(dir, "solve '" + kCaseStudy + "'");
  CHECK_THAT(text.out, Catch::Contains("Smallest change that alters the decision: M 0.1 -> 0.1067"));
  CHECK_THAT(text.out, Catch::Contains("Recommendation: s3 (score 0.8518)"));
}

TEST_CASE("nothing feasible exits 3 and names, per option, the constraint and the shortfall", "[cli][solve]") {
  TempDir dir;
  const nlohmann::json json = solve_json(dir, "--min P=99.9", 3);
  CHECK(json["status"] == "infeasible");
  CHECK(json["recommended"].is_null());
  const auto& excluded = json["candidates"][4]["excluded_by"];  // s5: over the budget, and short of 99.9 %
  REQUIRE(excluded.size() == 2);
  CHECK(excluded[1]["metric"] == "P");
  CHECK(excluded[1]["shortfall"].get<double>() == Approx(0.4));
  CHECK(json["stability"]["weights"].empty());
  const Run text = sizesel(dir, "solve '" + kCaseStudy + "' --min P=99.9 --mode mixture");
  CHECK(text.exit_code == 3);
  CHECK_THAT(text.out, Catch::Contains("No mixture of options satisfies the constraints"));
  CHECK_THAT(text.out, Catch::Contains("s5: P >= 99.9 (got 99.5, short by 0.4)"));
}

TEST_CASE("a CSV table solves with directions and weights from the command line", "[cli][solve]") {
  TempDir dir;
  const fs::path csv = dir.write("sizes.csv", "name,accuracy,gpus\nsmall,0.91,2\nlarge,0.95,8\n");
  const std::string base = "solve '" + csv.string() + "' --direction accuracy=max --weight accuracy=1 --weight gpus=0.1";
  const Run missing = sizesel(dir, base);
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("sizes.csv: column gpus: direction unknown"));
  const Run run = sizesel(dir, base + " --direction gpus=min --max gpus=5 --format json");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const auto json = nlohmann::json::parse(run.out);
  CHECK(json["recommended"] == "small");
  CHECK(json["candidates"][1]["excluded_by"][0]["value"] == 8);
}

TEST_CASE("solve's input errors are one line naming the file or flag, exit 1", "[cli][solve]") {
  TempDir dir;
  const fs::path bad = dir.write("bad.json", R"({"criteria": {"P": {"direction": "up"}}, "weights": {"P": 1}, "options": []})");
  struct Case {
    std::string args, expected;
  };
  const std::vector<Case> cases = {
      {"solve '" + bad.string() + "'", "bad.json: /criteria/P/direction: must be one of max, min (got \"up\")"},
      {"solve '" + kCaseStudy + "' --weight P", "--weight: expected NAME=VALUE (got \"P\")"},
      {"solve '" + kCaseStudy + "' --weight P=abc", "--weight P=abc: the value must be a finite number"},
      {"solve '" + kCaseStudy + "' --weight Z=1", "--weight: unknown criterion \"Z\""},
      {"solve '" + kCaseStudy + "' --max C=nan", "--max C=nan: the value must be a finite number"},
      {"solve '" + kCaseStudy + "' --mode both", "sizesel: error: --mode: both not in {single,mixture}"},
      {"solve '" + (dir.path() / "none.json").string() + "'", "none.json: cannot be opened"},
      {"solve '" + kCaseStudy + "' -o ''", "--output: needs a file name"},
      {"solve '" + kCaseStudy + "' -o '" + dir.path().string() + "'", "--output is a folder"},
      {"solve '" + kCaseStudy + "' -o '" + kCaseStudy + "'", "--output would overwrite the input file"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const Run run = sizesel(dir, c.args);
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.err, Catch::Contains(c.expected));
    CHECK(run.err.find('\n') == run.err.size() - 1);  // one line
    CHECK(run.out.empty());
  }
}

TEST_CASE("writing with -o replaces a file atomically, writes through /dev/null and keeps a symbolic link", "[cli][solve]") {
  TempDir dir;
  const fs::path out = dir.path() / "result.json";
  REQUIRE(sizesel(dir, "solve '" + kCaseStudy + "' --format json -o '" + out.string() + "'").exit_code == 0);
  CHECK(nlohmann::json::parse(read_file(out))["recommended"] == "s3");
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);  // no temporary left
  }

  REQUIRE(sizesel(dir, "solve '" + kCaseStudy + "' -o /dev/null").exit_code == 0);
  struct stat status {};
  REQUIRE(::stat("/dev/null", &status) == 0);
  CHECK(S_ISCHR(status.st_mode));  // still the device, not a regular file

  const fs::path target = dir.write("target.txt", "old");
  const fs::path link = dir.path() / "link.txt";
  fs::create_symlink(target, link);
  REQUIRE(sizesel(dir, "solve '" + kCaseStudy + "' -o '" + link.string() + "'").exit_code == 0);
  CHECK(fs::is_symlink(link));
  CHECK_THAT(read_file(target), Catch::Contains("Recommendation: s3"));
}

TEST_CASE("a lost stdout, an endless input, a pipe given to batch and an empty cache folder are one-line errors",
          "[cli][solve]") {
  TempDir dir;
  const auto shell = [&](const std::string& command) {
    const std::string err = (dir.path() / "err.txt").string();
    const int status = std::system((command + " 2> '" + err + "'").c_str());
    return std::make_pair(WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(err));
  };
  const std::string binary = std::string("'") + SIZESEL_BINARY + "'";
  // A result printed onto a full disk is lost: exit 2, not success.
  for (const std::string& format : {std::string("text"), std::string("json")}) {
    const auto [code, err] = shell(binary + " solve '" + kCaseStudy + "' --format " + format + " > /dev/full");
    CHECK(code == 2);
    CHECK(err == "sizesel: error: standard output: write failed (disk full or closed?)\n");
  }
  // An endless file stops at the input size limit instead of filling memory.
  const Run endless = sizesel(dir, "solve /dev/zero");
  CHECK(endless.exit_code == 1);
  CHECK(endless.err == "sizesel: error: /dev/zero: larger than 64 MiB: not a JSON file sizesel reads\n");
  // batch would read a pipe twice (and wait forever for a FIFO's second writer): refused up front.
  const auto [piped, piped_err] = shell("bash -c \"" + binary + " batch <(cat '" + kCaseStudy + "') -q\"");
  CHECK(piped == 1);
  CHECK_THAT(piped_err, Catch::Contains("not a regular file (a pipe or a device?); batch and validate read each file more than once"));
  const Run missing = sizesel(dir, "solve '" + (dir.path() / "absent.json").string() + "'");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::EndsWith("absent.json: cannot be opened: No such file or directory\n"));
  const Run empty = sizesel(dir, "recommend '" + kCaseStudy + "' --cache-dir ''");
  CHECK(empty.exit_code == 1);
  CHECK(empty.err == "sizesel: error: --cache-dir: needs a folder (got \"\")\n");
}

TEST_CASE("models lists every preset built for the input shape, with He et al.'s parameter counts", "[cli]") {
  TempDir dir;
  const Run run = sizesel(dir, "models --format json");
  REQUIRE(run.exit_code == 0);
  const auto document = nlohmann::json::parse(run.out);
  CHECK(document["input"] == nlohmann::json({{"channels", 3}, {"height", 32}, {"width", 32}, {"classes", 10}}));
  std::map<std::string, nlohmann::json> models;
  for (const auto& model : document["models"]) models[model["preset"]] = model;
  REQUIRE(models.size() == 11);
  // He et al. (2016), Table 6: 0.27M, 0.46M, 0.66M, 0.85M and 1.7M parameters for depths
  // 20, 32, 44, 56 and 110 on CIFAR-10 (rounded as the paper rounds).
  const std::map<std::string, double> paper = {
      {"resnet20", 0.27}, {"resnet32", 0.46}, {"resnet44", 0.66}, {"resnet56", 0.85}, {"resnet110", 1.7}};
  for (const auto& [preset, millions] : paper) {
    INFO(preset);
    const double params = models[preset]["params"].get<double>() / 1e6;
    const double step = millions < 1 ? 0.01 : 0.1;
    CHECK(std::abs(params - millions) <= step / 2);
    CHECK(models[preset]["depth"] == std::stoi(preset.substr(6)));
  }
  // MACs grow with depth along the ladder; a 1 x 28 x 28 input needs fewer than 3 x 32 x 32.
  CHECK(models["resnet8"]["macs"] < models["resnet20"]["macs"]);
  CHECK(models["resnet20"]["macs"] < models["resnet110"]["macs"]);
  const Run fashion = sizesel(dir, "models --dataset fashion-mnist --format json");
  REQUIRE(fashion.exit_code == 0);
  const auto small = nlohmann::json::parse(fashion.out);
  CHECK(small["input"]["channels"] == 1);
  CHECK(small["models"][2]["macs"] < models[small["models"][2]["preset"]]["macs"]);
  const Run text = sizesel(dir, "models");
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("resnet20   basic  [3, 3, 3]"));
  const Run bad = sizesel(dir, "models --dataset imagenet");
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find('\n') == bad.err.size() - 1);
}

TEST_CASE("validate accepts every file in configs and names each invalid one in one line, exit 1", "[cli]") {
  TempDir dir;
  const std::string configs = std::string(SIZESEL_SOURCE_DIR) + "/configs";
  const Run good = sizesel(dir, "validate '" + configs + "' '" + configs + "/ci'");
  INFO(good.err);
  CHECK(good.exit_code == 0);
  CHECK(good.err.empty());
  CHECK_THAT(good.out, Catch::Contains("paper_case_study.json: table \"paper-case-study\", 5 options, 5 criteria"));
  CHECK_THAT(good.out, Catch::Contains("quickstart.json: scenario \"quickstart\", 4 candidates, idx dataset at"));
  std::size_t json_files = 0;
  for (const auto& folder : {fs::path(configs), fs::path(configs) / "ci"}) {
    for (const auto& entry : fs::directory_iterator(folder)) json_files += entry.path().extension() == ".json";
  }
  CHECK(static_cast<std::size_t>(std::count(good.out.begin(), good.out.end(), '\n')) == json_files);

  const auto broken = dir.write("broken.json", R"({"name": "x", "options": [], "criteria": {}})");
  const Run bad = sizesel(dir, "validate '" + broken.string() + "' '" + configs + "/quickstart.json'");
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::StartsWith("sizesel: error: " + broken.string() + ": "));
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  CHECK_THAT(bad.out, Catch::StartsWith("ok " + configs + "/quickstart.json: scenario"));
}

TEST_CASE("init writes a commented starter scenario that validates, and never overwrites by accident", "[cli][init]") {
  TempDir dir;
  for (const std::string dataset : {"fashion-mnist", "cifar10"}) {
    INFO(dataset);
    const auto file = dir.path() / (dataset + ".json");
    const Run init = sizesel(dir, "init --dataset " + dataset + " '" + file.string() + "'");
    REQUIRE(init.exit_code == 0);
    CHECK(init.out.empty());
    const std::string text = cli_support::read_file(file);
    CHECK(text.rfind("// A sizesel scenario", 0) == 0);  // commented
    const Run valid = sizesel(dir, "validate '" + file.string() + "'");
    INFO(valid.err);
    CHECK(valid.exit_code == 0);
    CHECK_THAT(valid.out, Catch::Contains(dataset == "cifar10" ? "cifar10-bin dataset" : "idx dataset"));
    // stdout gets the same text.
    CHECK(sizesel(dir, "init --dataset " + dataset).out == text);

    const Run again = sizesel(dir, "init --dataset " + dataset + " '" + file.string() + "'");
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Catch::Contains(file.string() + ": already exists; choose another name, or pass --force"));
    dir.write(file.filename().string(), "mine");
    CHECK(sizesel(dir, "init --dataset " + dataset + " '" + file.string() + "' --force").exit_code == 0);
    CHECK(cli_support::read_file(file) == text);
  }
  CHECK(sizesel(dir, "init").out == sizesel(dir, "init --dataset fashion-mnist").out);  // the default
  CHECK(sizesel(dir, "init --dataset imagenet").exit_code == 1);
  CHECK(sizesel(dir, "init '" + (dir.path() / "no/such/folder/s.json").string() + "'").exit_code == 1);
  CHECK_THAT(sizesel(dir, "init ''").err, Catch::Contains("init FILE: needs a file name"));
  CHECK_THAT(sizesel(dir, "init '" + dir.path().string() + "' --force").err, Catch::Contains("init FILE is a folder"));
  CHECK(sizesel(dir, "init /dev/null").exit_code == 0);
}

TEST_CASE("validate and batch recognise a table that carries comments as a table", "[cli]") {
  TempDir dir;
  const auto table = dir.write("commented.json", "// options inline\n" + read_file(kCaseStudy));
  const Run validate = sizesel(dir, "validate '" + table.string() + "'");
  INFO(validate.err);
  CHECK(validate.exit_code == 0);
  CHECK_THAT(validate.out, Catch::Contains("table \"paper-case-study\", 5 options, 5 criteria"));
  const Run batch = sizesel(dir, "batch '" + table.string() + "' --format json -q");
  INFO(batch.err);
  CHECK(batch.exit_code == 0);
  CHECK_THAT(batch.out, Catch::Contains("\"recommended\":\"s3\""));
}

TEST_CASE("solve --format markdown prints the text report's sections as headings and well-formed tables", "[cli][solve][report]") {
  TempDir dir;
  const Run text = sizesel(dir, "solve '" + kCaseStudy + "'");
  const Run markdown = sizesel(dir, "solve '" + kCaseStudy + "' --format markdown");
  INFO(markdown.err);
  REQUIRE(markdown.exit_code == 0);
  CHECK(markdown.out.rfind("# sizesel solve: paper-case-study (", 0) == 0);
  CHECK_THAT(markdown.out, Catch::Contains("\n## Recommendation: s3 (score 0.8518)\n"));
  CHECK_THAT(markdown.out, Catch::Contains("| s4 | 99 -> 0.89 | 50 -> 0.53 | 0.5 -> 0.50 | 1 -> 1.00 | 0 -> 0.00 | 0.9664 | "
                                           "excluded: C <= 20 (got 50, over by 30) |"));
  const auto shape = test_support::markdown_table_shape(markdown.out);
  CHECK(shape.tables == 2);
  CHECK(shape.problems.empty());
  // The same content as the text report: each of its lines, tables aside, is in the Markdown.
  std::istringstream lines(text.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("  ") != std::string::npos && line.rfind("  ", 0) != 0) continue;  // a table row or header
    if (line.empty() || line.find_first_not_of('-') == std::string::npos) continue;
    const std::string trimmed = line.substr(line.find_first_not_of(' '));
    INFO(trimmed);
    CHECK(markdown.out.find(trimmed) != std::string::npos);
  }
  const Run infeasible = sizesel(dir, "solve '" + kCaseStudy + "' --max C=4 --format markdown");
  CHECK(infeasible.exit_code == 3);
  CHECK_THAT(infeasible.out, Catch::Contains("\n## No option satisfies the constraints:\n\n- s1: C <= 4 (got 5, over by 1)\n"));
}

TEST_CASE("solve --report writes one self-contained HTML or Markdown file with the tables and the plot", "[cli][solve][report]") {
  TempDir dir;
  const Run plain = sizesel(dir, "solve '" + kCaseStudy + "'");
  const fs::path html = dir.path() / "case.html";
  const Run run = sizesel(dir, "solve '" + kCaseStudy + "' --report '" + html.string() + "'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out == plain.out);  // the normal output as well, unchanged
  const std::string page = read_file(html);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  for (const char* section : {"<h1>sizesel solve: paper-case-study (", "<h2>Plot: paper-case-study: the options on P and C</h2>",
                              "<h2>Criteria (raw -&gt; normalised by minmax, 1 = best)</h2>", "<h2>Recommendation: s3 (score 0.8518)</h2>",
                              "<h2>Pareto: every option is Pareto-optimal", "<h2>Weight stability ("}) {
    CHECK_THAT(page, Catch::Contains(section));
  }
  CHECK(test_support::occurrences(page, "<svg") == 1);
  CHECK(page.find("<?xml") == std::string::npos);
  for (const char* option : {"<td>s1</td>", "<td>s2</td>", "<td>s4</td>", "<td>s5</td>"}) CHECK_THAT(page, Catch::Contains(option));
  CHECK_THAT(page, Catch::Contains("<td>0.8518</td><td>RECOMMENDED</td>"));
  CHECK_THAT(page, Catch::Contains("<td>excluded: C &lt;= 20 (got 100, over by 80)</td>"));
  CHECK_THAT(page, Catch::Contains("<th>P max %</th><th>C min GPU</th>"));  // units
  CHECK_THAT(page, Catch::Contains("<td>M</td><td>0.1</td><td>[0, 0.1067]</td><td>-</td><td>s2</td>"));

  const fs::path md = dir.path() / "case.md";
  REQUIRE(sizesel(dir, "solve '" + kCaseStudy + "' --mode mixture --report '" + md.string() + "' -o /dev/null").exit_code == 0);
  const std::string markdown = read_file(md);
  CHECK_THAT(markdown, Catch::Contains("\n## Plot: paper-case-study: the options on P and C\n"));
  CHECK_THAT(markdown, Catch::Contains("| s2 | 97 -> 0.44 |"));
  CHECK(test_support::markdown_table_shape(markdown).problems.empty());
  const auto images = test_support::markdown_svg_images(markdown);
  REQUIRE(images.size() == 1);
  CHECK(images[0].find("<svg") != std::string::npos);
  CHECK_THAT(images[0], Catch::Contains("s2 (75.0%)"));
  CHECK_THAT(images[0], Catch::Contains("</svg>"));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);  // no temporary left
  }
}

TEST_CASE("solve --report escapes every name of the table in the HTML", "[cli][solve][report]") {
  TempDir dir;
  const fs::path table = dir.write("t&<i>.json", R"({"name": "<b>&x table",
    "criteria": {"P": {"direction": "max", "unit": "%"}, "C": {"direction": "min", "unit": "<GPU>"}},
    "weights": {"P": 1, "C": 1}, "constraints": {"max": {"C": 10}},
    "options": [{"name": "<b>&x", "P": 90, "C": 5}, {"name": "it's \"q\"", "P": 95, "C": 20}]})");
  const fs::path html = dir.path() / "r.html";
  const Run run = sizesel(dir, "solve '" + table.string() + "' --report '" + html.string() + "'");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const std::string page = read_file(html);
  // Quotes need no escaping in text, only in attributes: gnuplot leaves them in the plot's labels.
  for (const char* raw : {"<b>", "<i>", "<GPU>"}) {
    INFO(raw);
    CHECK(page.find(raw) == std::string::npos);
  }
  CHECK_THAT(page, Catch::Contains("<td>&lt;b&gt;&amp;x</td>"));
  CHECK_THAT(page, Catch::Contains("<td>it&#39;s &quot;q&quot;</td>"));
  CHECK_THAT(page, Catch::Contains("<title>sizesel solve: &lt;b&gt;&amp;x table ("));
  CHECK_THAT(page, Catch::Contains("t&amp;&lt;i&gt;.json)</h1>"));
  CHECK_THAT(page, Catch::Contains("<text>&lt;b>&amp;x</text>"));  // in the plot, as gnuplot escapes it
}

TEST_CASE("a bad --report is a one-line error before any work, and nothing is written", "[cli][solve][report]") {
  TempDir dir;
  const fs::path empty = dir.path() / "empty-bin";
  fs::create_directory(empty);
  const fs::path table = dir.write("t.md", read_file(kCaseStudy));  // a table whose name looks like a report
  struct Case {
    std::string args, prefix;
    int exit_code;
    std::string expected;
  };
  const std::string report = (dir.path() / "r.html").string();
  const std::vector<Case> cases = {
      {"--report '" + (dir.path() / "r.pdf").string() + "'", "", 1,
       "r.pdf: --report must end in .html (or .htm) or .md (or .markdown) (got \".pdf\")"},
      {"--report '" + (dir.path() / "r").string() + "'", "", 1, "--report must end in .html"},
      {"--report /proc/sizesel-report.html", "", 1,
       "/proc/sizesel-report.html: --report cannot be written (is the folder there and writable?)"},
      {"--report '" + (dir.path() / "no" / "r.md").string() + "'", "", 1, "--report cannot be written"},
      {"--report '" + dir.path().string() + "'", "", 1, "--report is a folder; give a file name"},
      {"--report ''", "", 1, "--report: needs a file name (got \"\")"},
      {"--report '" + report + "' -o '" + report + "'", "", 1, "r.html: --report and --output name the same file"},
      {"--report '" + report + "' -o '" + (dir.path() / "." / "r.html").string() + "'", "", 1, "--report and --output name the same file"},
      {"--report '" + report + "'", "PATH='" + empty.string() + "' ", 2,
       "gnuplot: not found on PATH; --report draws its plots with it (Debian: apt-get install gnuplot-nox)"},
  };
  for (const auto& c : cases) {
    INFO(c.args << " with " << c.prefix);
    const Run run = sizesel(dir, "solve '" + kCaseStudy + "' " + c.args, c.prefix);
    CHECK(run.exit_code == c.exit_code);
    CHECK_THAT(run.err, Catch::StartsWith("sizesel: error: ") && Catch::Contains(c.expected));
    CHECK(run.err.find('\n') == run.err.size() - 1);  // one line
    CHECK(run.out.empty());
  }
  const Run same = sizesel(dir, "solve '" + table.string() + "' --report '" + table.string() + "'");
  CHECK(same.exit_code == 1);
  CHECK_THAT(same.err, Catch::Contains("t.md: --report would overwrite the input file"));
  CHECK(read_file(table) == read_file(kCaseStudy));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    INFO(name);
    CHECK((name == "t.md" || name == "empty-bin" || name == "stdout.txt" || name == "stderr.txt"));
  }
  const Run batch = sizesel(dir, "batch '" + kCaseStudy + "' --format markdown");
  CHECK(batch.exit_code == 1);
  CHECK_THAT(batch.err, Catch::Contains("--format: markdown not in {text,json}"));
}

TEST_CASE("a gnuplot that fails names itself and its error, exit 2, and the old report stays", "[cli][solve][report]") {
  TempDir dir;
  const fs::path bin = dir.path() / "bin";
  fs::create_directory(bin);
  std::ofstream(bin / "gnuplot") << "#!/bin/sh\necho 'line 1: unknown or ambiguous terminal type' >&2\nexit 1\n";
  fs::permissions(bin / "gnuplot", fs::perms::owner_all);
  const fs::path report = dir.write("r.md", "old report");
  const Run run = sizesel(dir, "solve '" + kCaseStudy + "' --report '" + report.string() + "'", "PATH='" + bin.string() + ":/usr/bin:/bin' ");
  CHECK(run.exit_code == 2);
  CHECK(run.err == "sizesel: error: " + (bin / "gnuplot").string() + ": failed (exit 1): line 1: unknown or ambiguous terminal type\n");
  CHECK(run.out.empty());
  CHECK(read_file(report) == "old report");
}
