// Running the real sizesel binary from tests: temporary folders, captured output and exit codes.
// Uses Catch2's macros: include catch.hpp first.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define SIZESEL_TESTS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIZESEL_TESTS_UNDER_ASAN 1
#endif
#endif

// AddressSanitizer reserves terabytes of address space for its shadow memory at start, so a
// binary built with it cannot run under an address-space limit (ulimit -v) at all.
#ifdef SIZESEL_TESTS_UNDER_ASAN
#define SKIP_UNDER_ADDRESS_SPACE_LIMIT()                                                    \
  do {                                                                                      \
    WARN("skipped: AddressSanitizer cannot run under an address-space limit (ulimit -v)"); \
    return;                                                                                 \
  } while (false)
// Large allocations under AddressSanitizer are fresh mappings each time, so training runs 3x
// slower; the sanitized suite (scripts/test-sanitized) skips the longest CLI runs, whose code
// paths faster tests cover too, to keep CI within its time.
#define SKIP_SLOW_UNDER_SANITIZERS()                                                      \
  do {                                                                                    \
    WARN("skipped under the sanitizers: too slow there; the normal suite runs it");      \
    return;                                                                               \
  } while (false)
#else
#define SKIP_UNDER_ADDRESS_SPACE_LIMIT() \
  do {                                   \
  } while (false)
#define SKIP_SLOW_UNDER_SANITIZERS() \
  do {                               \
  } while (false)
#endif

namespace cli_support {

namespace fs = std::filesystem;

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

using TempDir = test_support::TempDir;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the real binary with `args`, capturing stdout, stderr and the exit code.
// `prefix` runs first in the same shell (a ulimit, say). The results cache is the folder's own
// cache/ (SIZESEL_CACHE_DIR), so that no test reads what another run left behind.
inline Run sizesel(const TempDir& dir, const std::string& args, const std::string& prefix = "") {
  const fs::path out = dir.path() / "stdout.txt";
  const fs::path err = dir.path() / "stderr.txt";
  const std::string command =
      prefix + "SIZESEL_CACHE_DIR='" + (dir.path() / "cache").string() + "' '" + SIZESEL_BINARY + "' " + args + " > '" + out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(command.c_str());
  Run run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = read_file(out);
  run.err = read_file(err);
  return run;
}

// The rows of an RFC 4180 CSV text (CRLF line ends, fields quoted with "" for a quote), read
// strictly: a stray quote or a bare line feed fails the test.
inline std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string& field = rows.back().back();
    if (text[i] == '"') {
      REQUIRE(field.empty());
      for (++i; i < text.size() && !(text[i] == '"' && (i + 1 == text.size() || text[i + 1] != '"')); ++i) {
        field += text[i];
        if (text[i] == '"') ++i;  // a doubled quote
      }
      REQUIRE(i < text.size());  // closed
    } else if (text[i] == ',') {
      rows.back().emplace_back();
    } else if (text[i] == '\r') {
      REQUIRE(text.compare(i, 2, "\r\n") == 0);
      ++i;
      if (i + 1 < text.size()) rows.emplace_back(1);
    } else {
      REQUIRE(text[i] != '\n');
      field += text[i];
    }
  }
  return rows;
}

// Checks that a `--format csv` document holds exactly the numbers and verdicts of the same
// decision's JSON document, row by row.
inline void check_csv_matches_json(const std::string& csv, const nlohmann::json& json) {
  const auto rows = csv_rows(csv);
  REQUIRE(rows.size() == json["candidates"].size() + 1);
  const auto& header = rows[0];
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  const auto number = [](const std::string& text) { return text.empty() ? std::nan("") : std::stod(text); };
  for (std::size_t i = 0; i < json["candidates"].size(); ++i) {
    const auto& candidate = json["candidates"][i];
    const auto& row = rows[i + 1];
    INFO(candidate["name"]);
    REQUIRE(row.size() == header.size());
    CHECK(row[column("name")] == candidate["name"]);
    CHECK(row[column("recommended")] == (json["recommended"] == candidate["name"] ? "true" : "false"));
    CHECK(row[column("feasible")] == (candidate["feasible"].get<bool>() ? "true" : "false"));
    CHECK(row[column("excluded_by")].empty() == candidate["excluded_by"].empty());
    if (candidate["score"].is_number()) CHECK(number(row[column("score")]) == candidate["score"].get<double>());
    for (const auto& c : json["columns"]) {
      const std::string name = c["name"];
      if (candidate["criteria"].is_null()) {
        CHECK(row[column(name)].empty());
        continue;
      }
      CHECK(number(row[column(name)]) == candidate["criteria"][name].get<double>());
      CHECK(number(row[column(name + "_normalized")]) == candidate["normalized"][name].get<double>());
    }
  }
}

// The SHA-256 of `file` as sha256sum prints it: a check independent of sizesel's own hashing.
inline std::string sha256sum(const TempDir& dir, const fs::path& file) {
  const fs::path out = dir.path() / "sha256sum.txt";
  const std::string command = "sha256sum '" + file.string() + "' > '" + out.string() + "'";
  if (std::system(command.c_str()) != 0) return "sha256sum failed";
  return read_file(out).substr(0, 64);
}

}  // namespace cli_support
