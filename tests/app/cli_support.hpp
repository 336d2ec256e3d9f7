// Running the real sizesel binary from tests: temporary folders, captured output and exit codes.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

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

// The SHA-256 of `file` as sha256sum prints it: a check independent of sizesel's own hashing.
inline std::string sha256sum(const TempDir& dir, const fs::path& file) {
  const fs::path out = dir.path() / "sha256sum.txt";
  const std::string command = "sha256sum '" + file.string() + "' > '" + out.string() + "'";
  if (std::system(command.c_str()) != 0) return "sha256sum failed";
  return read_file(out).substr(0, 64);
}

}  // namespace cli_support
