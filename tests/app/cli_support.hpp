// Running the real sizesel binary from tests: temporary folders, captured output and exit codes.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_dir.hpp"

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

}  // namespace cli_support
