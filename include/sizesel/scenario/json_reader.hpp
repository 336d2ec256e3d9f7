// Strict reading of JSON input files: located errors, type checks and unknown-key rejection.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sizesel {

/// Parses the whole file as JSON, with `//` and `/* */` comments allowed (ignored). Throws
/// InputError "FILE: LINE:COL: ..." on malformed JSON, and "FILE: ..." when it cannot be read,
/// is a directory or is empty.
[[nodiscard]] nlohmann::ordered_json read_json_file(const std::filesystem::path& file);

/// Reads one JSON object field by field. Each getter checks the type and range and throws
/// InputError "FILE: /json/pointer: what (got X)".
class ObjectReader {
 public:
  /// Throws InputError when `value` is not an object, or has a key outside `keys` (naming the
  /// closest allowed key).
  ObjectReader(const nlohmann::ordered_json& value, std::string file, std::string pointer,
               const std::vector<std::string>& keys);

  [[nodiscard]] bool has(const std::string& key) const;
  [[nodiscard]] std::string pointer(const std::string& key) const;
  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::string& pointer() const { return pointer_; }

  /// The raw value of a key that must be present.
  [[nodiscard]] const nlohmann::ordered_json& require(const std::string& key) const;
  /// The raw value of an optional key, or nullptr when absent.
  [[nodiscard]] const nlohmann::ordered_json* optional(const std::string& key) const;

  [[nodiscard]] std::string string(const std::string& key, std::optional<std::string> fallback = {});
  /// A string that must be one of `allowed`.
  [[nodiscard]] std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                                   std::optional<std::string> fallback = {});
  /// A finite number in [lo, hi].
  [[nodiscard]] double number(const std::string& key, double lo, double hi,
                              std::optional<double> fallback = {});
  /// A finite number in (0, hi].
  [[nodiscard]] double positive_number(const std::string& key, double hi, std::optional<double> fallback = {});
  /// An integer in [lo, hi].
  [[nodiscard]] int64_t integer(const std::string& key, int64_t lo, int64_t hi,
                                std::optional<int64_t> fallback = {});
  [[nodiscard]] bool boolean(const std::string& key, std::optional<bool> fallback = {});
  /// A name: a string that is not blank and holds no control characters (see name_problem).
  [[nodiscard]] std::string name(const std::string& key, std::optional<std::string> fallback = {});

  /// Throws InputError located at `key` with message `what`.
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  // The value of `key`; nullptr when it is absent and has a fallback; throws when it is
  // absent and required.
  [[nodiscard]] const nlohmann::ordered_json* present(const std::string& key, bool has_fallback) const;

  const nlohmann::ordered_json& value_;
  std::string file_;
  std::string pointer_;
};

/// What is wrong with `name` as the name of a candidate, option, criterion or table ("must not
/// be blank", "must not contain control characters", "is not valid UTF-8"), or "" when nothing is.
[[nodiscard]] std::string name_problem(const std::string& name);

/// Largest magnitude a value of a decision table may have, and the smallest non-zero one: the
/// LPs GLPK is handed stay well inside what its scaling can represent (it aborts beyond).
inline constexpr double kMaxTableMagnitude = 1e15;
inline constexpr double kMinTableMagnitude = 1e-15;

/// What is wrong with `value` as a number of a decision table (not finite, or 0 < |value| <
/// kMinTableMagnitude, or |value| > kMaxTableMagnitude), or "" when nothing is.
[[nodiscard]] std::string magnitude_problem(double value);

/// Deepest nesting of arrays and objects read_json_file accepts (deeper input would overflow
/// the parser's stack).
inline constexpr int kMaxJsonDepth = 256;

/// Throws InputError "FILE: POINTER: WHAT".
[[noreturn]] void fail_at(const std::string& file, const std::string& pointer, const std::string& what);

/// The JSON text of a value, shortened for error messages.
[[nodiscard]] std::string short_dump(const nlohmann::ordered_json& value);

/// Among `candidates`, the one closest to `word` by edit distance, or "" when none is close.
[[nodiscard]] std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

/// Escapes a key for use inside a JSON pointer (RFC 6901: ~ -> ~0, / -> ~1).
[[nodiscard]] std::string pointer_escape(const std::string& key);

}  // namespace sizesel
