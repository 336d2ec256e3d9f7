#include "sizesel/scenario/json_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/core/input_file.hpp"

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

bool valid_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c >> 5) == 0x6) {
      extra = 1;
    } else if ((c >> 4) == 0xE) {
      extra = 2;
    } else if ((c >> 3) == 0x1E) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= text.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += 1 + extra;
  }
  return true;
}

/// Line:column of the first place where arrays and objects nest deeper than kMaxJsonDepth
/// (brackets inside strings and comments ignored), or "".
std::string too_deep(const std::string& text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '/' && i + 1 < text.size() && (text[i + 1] == '/' || text[i + 1] == '*')) {
      // A comment: its brackets do not nest. One left open is the parser's to report.
      const bool line = text[i + 1] == '/';
      const std::size_t end = line ? text.find('\n', i + 2) : text.find("*/", i + 2);
      if (end == std::string::npos) break;
      i = line ? end : end + 1;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return line_column(text, i);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return "";
}

/// A control character shown as \uXXXX, so that a message stays on one line.
std::string visible(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// Finds the first key that appears twice in one object while the parser runs, with its JSON
// pointer: nlohmann keeps the last value silently, which would hide a mistake such as
// {"epochs": 0, "epochs": 1}.
struct DuplicateKeys {
  struct Frame {
    bool array = false;
    std::size_t index = 0;
    std::set<std::string> keys;
    std::string key;  // the current member's key (objects)
  };
  std::vector<Frame> frames;
  bool found = false;
  std::string key;
  std::string pointer;

  std::string path() const {
    std::string result;
    for (const Frame& frame : frames) {
      result += "/" + (frame.array ? std::to_string(frame.index) : pointer_escape(frame.key));
    }
    return result;
  }

  // A value (or a nested container) begins inside the innermost frame.
  void enter_value() {
    if (!frames.empty() && frames.back().array) ++frames.back().index;
  }

  bool see(int /*depth*/, nlohmann::ordered_json::parse_event_t event, const nlohmann::ordered_json& parsed) {
    using Event = nlohmann::ordered_json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start: {
        Frame frame;
        frame.array = event == Event::array_start;
        frames.push_back(frame);
        break;
      }
      case Event::object_end:
      case Event::array_end:
        frames.pop_back();
        enter_value();
        break;
      case Event::key: {
        Frame& frame = frames.back();
        frame.key = parsed.get<std::string>();
        if (!frame.keys.insert(frame.key).second && !found) {
          found = true;
          key = frame.key;
          pointer = path();
        }
        break;
      }
      case Event::value:
        enter_value();
        break;
    }
    return true;
  }
};

}  // namespace

nlohmann::ordered_json read_json_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  const std::string text = read_input_file(file, "JSON");
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) fail_at(name, "", "file is empty");
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    fail_at(name, line_column(text, nul), "malformed JSON: a NUL byte");
  }
  if (const std::string at = too_deep(text); !at.empty()) {
    fail_at(name, at, fmt::format("malformed JSON: nested deeper than {} levels", kMaxJsonDepth));
  }
  DuplicateKeys duplicates;
  try {
    nlohmann::ordered_json document = nlohmann::ordered_json::parse(
        text,
        [&duplicates](int depth, nlohmann::ordered_json::parse_event_t event, nlohmann::ordered_json& parsed) {
          return duplicates.see(depth, event, parsed);
        },
        true, /*ignore_comments=*/true);
    if (duplicates.found) {
      fail_at(name, duplicates.pointer, "duplicate key \"" + duplicates.key + "\" (JSON keeps only one; remove the other)");
    }
    return document;
  } catch (const nlohmann::ordered_json::parse_error& error) {
    const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
    fail_at(name, line_column(text, offset), "malformed JSON: " + parse_reason(error.what()));
  } catch (const nlohmann::ordered_json::out_of_range& error) {
    // A number too large for a double ("1e400"): nlohmann names the token but not its place.
    const std::string reason = parse_reason(error.what());
    const auto quote = reason.find('\'');
    const std::string token = quote == std::string::npos ? "" : reason.substr(quote + 1, reason.rfind('\'') - quote - 1);
    const auto at = token.empty() ? std::string::npos : text.find(token);
    fail_at(name, at == std::string::npos ? "" : line_column(text, at),
            "malformed JSON: number " + (token.empty() ? std::string() : token + " ") + "is too large");
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
  if (value->is_number_float() && std::isfinite(value->get<double>()) &&
      std::floor(value->get<double>()) == value->get<double>() && std::abs(value->get<double>()) >= 9.2e18) {
    // An integer literal too large for 64 bits arrives as a double.
    fail(key, "must be an integer " + (hi == std::numeric_limits<int64_t>::max() ? fmt::format(">= {}", lo) : fmt::format("in [{}, {}]", lo, hi)) +
                  " (got " + short_dump(*value) + ")");
  }
  if (!value->is_number_integer()) fail(key, "must be an integer (got " + short_dump(*value) + ")");
  const bool too_big = value->is_number_unsigned() &&
                       value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const int64_t number = too_big ? std::numeric_limits<int64_t>::max() : value->get<int64_t>();
  if (too_big) fail(key, fmt::format("must be <= {} (got {})", hi, short_dump(*value)));
  if (number < lo || number > hi) fail(key, range_text(lo, hi) + " (got " + short_dump(*value) + ")");
  return number;
}

double ObjectReader::positive_number(const std::string& key, double hi, std::optional<double> fallback) {
  const nlohmann::ordered_json* value = present(key, fallback.has_value());
  if (value == nullptr) return *fallback;
  if (!value->is_number()) fail(key, "must be a number (got " + type_name(*value) + ")");
  const double number = value->get<double>();
  if (!std::isfinite(number) || number <= 0 || number > hi) {
    fail(key, fmt::format("must be > 0 and <= {} (got {})", hi, short_dump(*value)));
  }
  return number;
}

bool ObjectReader::boolean(const std::string& key, std::optional<bool> fallback) {
  const nlohmann::ordered_json* value = present(key, fallback.has_value());
  if (value == nullptr) return *fallback;
  if (!value->is_boolean()) fail(key, "must be true or false (got " + type_name(*value) + ")");
  return value->get<bool>();
}

std::string ObjectReader::name(const std::string& key, std::optional<std::string> fallback) {
  std::string value = string(key, std::move(fallback));
  const std::string problem = name_problem(value);
  if (!problem.empty()) fail(key, problem + " (got " + short_dump(nlohmann::ordered_json(value)) + ")");
  return value;
}

std::string name_problem(const std::string& name) {
  if (name.find_first_not_of(" \t") == std::string::npos) return "must not be blank";
  for (const char c : name) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0) return "must not contain control characters";
  }
  if (!valid_utf8(name)) return "is not valid UTF-8";
  return "";
}

std::string magnitude_problem(double value) {
  if (!std::isfinite(value)) return "must be finite";
  const double magnitude = std::abs(value);
  if (magnitude > kMaxTableMagnitude) return fmt::format("must lie within +-{:g}", kMaxTableMagnitude);
  if (magnitude != 0 && magnitude < kMinTableMagnitude) {
    return fmt::format("must be 0 or at least {:g} in magnitude", kMinTableMagnitude);
  }
  return "";
}

void ObjectReader::fail(const std::string& key, const std::string& what) const {
  fail_at(file_, pointer(key), what);
}

void fail_at(const std::string& file, const std::string& pointer, const std::string& what) {
  throw InputError(located_message(file, visible(pointer), visible(what)));
}

std::string short_dump(const nlohmann::ordered_json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  // A word that starts a candidate ("acc" for "accuracy") means that one, however far apart.
  if (word.size() >= 3) {
    std::string prefixed;
    for (const auto& candidate : candidates) {
      if (candidate.rfind(word, 0) == 0 && (prefixed.empty() || candidate.size() < prefixed.size())) prefixed = candidate;
    }
    if (!prefixed.empty()) return prefixed;
  }
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
