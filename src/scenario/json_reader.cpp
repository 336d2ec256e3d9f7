#include "sizesel/scenario/json_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

std::string type_name(const nlohmann::ordered_json& value) {
  if (value.is_number_integer()) return "an integer";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

// 1-based line and column of byte offset `offset` in `text`.
std::string line_column(const std::string& text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return fmt::format("{}:{}", line, column);
}

// nlohmann's parse_error text is "[json.exception.parse_error.101] parse error at line 1,
// column 5: syntax error while parsing value - invalid literal; last read: 'x'"; keep the reason.
std::string parse_reason(const std::string& what) {
  const auto colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// "must be >= LO", or "must be in [LO, HI]" when HI is not the type's maximum.
template <typename T>
std::string range_text(T lo, T hi) {
  return hi == std::numeric_limits<T>::max() ? fmt::format("must be >= {}", lo)
                                             : fmt::format("must be in [{}, {}]", lo, hi);
}

}  // namespace

nlohmann::ordered_json read_json_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) fail_at(name, "", "is a directory, expected a JSON file");
  std::ifstream in(file, std::ios::binary);
  if (!in) fail_at(name, "", "cannot be opened (does it exist?)");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail_at(name, "", "read error");
  const std::string text = buffer.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail_at(name, "", "file is empty");
  try {
    return nlohmann::ordered_json::parse(text, nullptr, true, /*ignore_comments=*/false);
  } catch (const nlohmann::ordered_json::parse_error& error) {
    const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    fail_at(name, line_column(text, offset), "malformed JSON: " + parse_reason(error.what()));
  }
}

ObjectReader::ObjectReader(const nlohmann::ordered_json& value, std::string file, std::string pointer,
                           const std::vector<std::string>& keys)
    : value_(value), file_(std::move(file)), pointer_(std::move(pointer)) {
  if (!value_.is_object()) {
    fail_at(file_, pointer_.empty() ? "/" : pointer_,
            "must be an object (got " + type_name(value_) + ")");
  }
  for (const auto& item : value_.items()) {
    if (std::find(keys.begin(), keys.end(), item.key()) != keys.end()) continue;
    const std::string suggestion = closest_match(item.key(), keys);
    fail(item.key(), "unknown key" +
                         (suggestion.empty() ? std::string() : "; did you mean \"" + suggestion + "\"?"));
  }
}

bool ObjectReader::has(const std::string& key) const { return value_.contains(key); }

std::string ObjectReader::pointer(const std::string& key) const {
  return pointer_ + "/" + pointer_escape(key);
}

const nlohmann::ordered_json& ObjectReader::require(const std::string& key) const {
  if (!value_.contains(key)) fail(key, "is required");
  return value_.at(key);
}

const nlohmann::ordered_json* ObjectReader::present(const std::string& key, bool has_fallback) const {
  const nlohmann::ordered_json* value = optional(key);
  if (value == nullptr && !has_fallback) fail(key, "is required");
  return value;
}

const nlohmann::ordered_json* ObjectReader::optional(const std::string& key) const {
  return value_.contains(key) ? &value_.at(key) : nullptr;
}

std::string ObjectReader::string(const std::string& key, std::optional<std::string> fallback) {
  const nlohmann::ordered_json* value = present(key, fallback.has_value());
  if (value == nullptr) return *fallback;
  if (!value->is_string()) fail(key, "must be a string (got " + type_name(*value) + ")");
  return value->get<std::string>();
}

std::string ObjectReader::choice(const std::string& key, const std::vector<std::string>& allowed,
                                 std::optional<std::string> fallback) {
  std::string value = string(key, std::move(fallback));
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    std::string list;
    for (const auto& option : allowed) list += (list.empty() ? "" : ", ") + option;
    fail(key, "must be one of " + list + " (got \"" + value + "\")");
  }
  return value;
}

double ObjectReader::number(const std::string& key, double lo, double hi, std::optional<double> fallback) {
  const nlohmann::ordered_json* value = present(key, fallback.has_value());
  if (value == nullptr) return *fallback;
  if (!value->is_number()) fail(key, "must be a number (got " + type_name(*value) + ")");
  const double number = value->get<double>();
  if (!std::isfinite(number) || number < lo || number > hi) {
    fail(key, range_text(lo, hi) + " (got " + short_dump(*value) + ")");
  }
  return number;
}

int64_t ObjectReader::integer(const std::string& key, int64_t lo, int64_t hi, std::optional<int64_t> fallback) {
  const nlohmann::ordered_json* value = present(key, fallback.has_value());
  if (value == nullptr) return *fallback;
  if (!value->is_number_integer()) fail(key, "must be an integer (got " + short_dump(*value) + ")");
  const bool too_big = value->is_number_unsigned() &&
                       value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const int64_t number = too_big ? std::numeric_limits<int64_t>::max() : value->get<int64_t>();
  if (too_big || number < lo || number > hi) {
    fail(key, range_text(lo, hi) + " (got " + short_dump(*value) + ")");
  }
  return number;
}

bool ObjectReader::boolean(const std::string& key, std::optional<bool> fallback) {
  const nlohmann::ordered_json* value = present(key, fallback.has_value());
  if (value == nullptr) return *fallback;
  if (!value->is_boolean()) fail(key, "must be true or false (got " + type_name(*value) + ")");
  return value->get<bool>();
}

void ObjectReader::fail(const std::string& key, const std::string& what) const {
  fail_at(file_, pointer(key), what);
}

void fail_at(const std::string& file, const std::string& pointer, const std::string& what) {
  throw InputError(located_message(file, pointer, what));
}

std::string short_dump(const nlohmann::ordered_json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& candidate : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t above = row[j];
        const std::size_t cost = word[i - 1] == candidate[j - 1] ? 0 : 1;
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
        diagonal = above;
      }
    }
    if (row.back() < best_distance) {
      best_distance = row.back();
      best = candidate;
    }
  }
  const std::size_t tolerance = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= tolerance ? best : std::string();
}

std::string pointer_escape(const std::string& key) {
  std::string escaped;
  for (char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace sizesel
