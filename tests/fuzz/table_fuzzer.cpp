// libFuzzer target: `sizesel solve` from the table file to both reports (solve_outcome: read,
// validate, normalise, GLPK, Pareto, weight stability, JSON and text). The first file of an
// input is table.json (which may name options.csv); the second, when present, is options.csv.
// An empty first file reads options.csv alone, with every criterion's direction given as on the
// command line. Every input must end in an outcome or in sizesel's own error: GLPK aborting the
// process, any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sizesel/app/cli_options.hpp"
#include "sizesel/app/recommend_command.hpp"
#include "sizesel/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const fuzz::Folder folder;
  folder.clear();
  const auto files = fuzz::split_files(data, size);
  sizesel::CliOptions options;
  auto table = folder.write("table.json", files[0]);
  if (files.size() > 1) {
    const auto csv = folder.write("options.csv", files[1]);
    if (files[0].empty()) {
      table = csv;
      options.directions = {"P=max", "C=min", "E=max", "R=max", "M=max"};
    }
  }
  try {
    (void)sizesel::solve_outcome(table, options);
  } catch (const sizesel::Error&) {
  }
  return 0;
}
