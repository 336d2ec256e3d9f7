// Checks on reports the tests read back: how often a part occurs, Markdown tables, base64 (data: URIs) decoded.
#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_support {

/// How many times `part` occurs in `text`, not overlapping.
inline std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
  return n;
}

/// The cell separators of a Markdown table row: its '|' not escaped by a backslash.
inline std::size_t table_separators(const std::string& line) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '|') {
      ++count;
    }
  }
  return count;
}

struct TableShape {
  std::size_t tables = 0;
  std::vector<std::string> problems;  ///< one line each: what is wrong, and the row
};

/// Every table (a run of lines starting with '|') must have a delimiter row second, and every
/// row the header's number of cells, ending in '|'.
inline TableShape markdown_table_shape(const std::string& markdown) {
  TableShape shape;
  std::istringstream in(markdown);
  std::vector<std::string> table;
  std::string line;
  const auto finish = [&]() {
    if (table.empty()) return;
    ++shape.tables;
    if (table.size() < 2 || table[1].find("| --- |") != 0) shape.problems.push_back("no delimiter row: " + table[0]);
    for (const auto& row : table) {
      if (table_separators(row) != table_separators(table[0]) || row.back() != '|') {
        shape.problems.push_back("ragged row: " + row);
      }
    }
    table.clear();
  };
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '|') {
      table.push_back(line);
    } else {
      finish();
    }
  }
  finish();
  return shape;
}

/// Decodes RFC 4648 base64 (padding optional); throws std::runtime_error on another character.
inline std::string base64_decode(const std::string& text) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (c == '=') break;
    const auto value = alphabet.find(c);
    if (value == std::string::npos) throw std::runtime_error("not base64: " + std::string(1, c));
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return bytes;
}

/// The images of a Markdown text given as data:image/svg+xml;base64 URIs, decoded.
inline std::vector<std::string> markdown_svg_images(const std::string& markdown) {
  const std::string prefix = "](data:image/svg+xml;base64,";
  std::vector<std::string> images;
  for (auto at = markdown.find(prefix); at != std::string::npos; at = markdown.find(prefix, at + 1)) {
    const auto start = at + prefix.size();
    images.push_back(base64_decode(markdown.substr(start, markdown.find(')', start) - start)));
  }
  return images;
}

}  // namespace test_support
