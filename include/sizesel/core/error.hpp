// Error types thrown by sizesel's library code; only main() maps them to exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace sizesel {

/// Base of every error sizesel throws on purpose. what() is one line meant for the user.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad command line or an invalid input file (scenario, table): exit code 1.
class InputError : public Error {
 public:
  using Error::Error;
};

/// A dataset file is missing, truncated or corrupt: exit code 2.
class DataError : public Error {
 public:
  using Error::Error;
};

/// Training or measuring a model failed (NaN loss, unsupported device, out of memory): exit code 2.
class TrainingError : public Error {
 public:
  using Error::Error;
};

/// The LP/MIP solver failed or was handed an invalid problem: exit code 2.
class SolverError : public Error {
 public:
  using Error::Error;
};

/// SIGINT or SIGTERM arrived: the run stopped after saving what it had (exit code 130).
class Interrupted : public Error {
 public:
  using Error::Error;
};

/// Builds the one-line message "FILE: POINTER: WHAT" used for input errors.
/// `pointer` is a JSON pointer ("/training/epochs") or "line:column"; empty omits it.
[[nodiscard]] std::string located_message(const std::string& file, const std::string& pointer,
                                          const std::string& what);

}  // namespace sizesel
