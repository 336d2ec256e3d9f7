#include "sizesel/report/markdown_report.hpp"

#include <cctype>
#include <sstream>

namespace sizesel {
namespace {

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || static_cast<unsigned char>(c) >= 0x80; }

/// One table row: "| a | b |", padded with empty cells to `columns`.
std::string table_row(const std::vector<std::string>& cells, std::size_t columns) {
  std::string row = "|";
  for (std::size_t j = 0; j < columns; ++j) row += " " + markdown_escape(j < cells.size() ? cells[j] : "") + " |";
  return row;
}

void write_table(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  if (rows.empty()) return;
  const std::size_t columns = rows.front().size();
  out << table_row(rows.front(), columns) << '\n' << '|';
  for (std::size_t j = 0; j < columns; ++j) out << " --- |";
  out << '\n';
  for (std::size_t i = 1; i < rows.size(); ++i) out << table_row(rows[i], columns) << '\n';
}

/// A line of the document as one Markdown paragraph, heading or list item: the text report's
/// wrap points become spaces, and a first character that would start a block is escaped.
std::string one_line(const std::string& text) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  const bool starts_block = !line.empty() && std::string("#>+-=").find(line[0]) != std::string::npos;
  return (starts_block ? "\\" : "") + markdown_escape(line);
}

}  // namespace

std::string markdown_escape(const std::string& text) {
  std::string escaped;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char before = i > 0 ? text[i - 1] : ' ';
    const char after = i + 1 < text.size() ? text[i + 1] : ' ';
    bool escape = false;
    switch (c) {
      case '\\': case '`': case '*': case '[': case '|': case '~': escape = true; break;
      case '_': escape = !is_word(before) || !is_word(after); break;
      case '<': escape = std::isalpha(static_cast<unsigned char>(after)) != 0 || after == '/' || after == '!' || after == '?'; break;
      case '&': escape = std::isalnum(static_cast<unsigned char>(after)) != 0 || after == '#'; break;
      default: break;
    }
    if (escape) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string base64(const std::string& bytes) {
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  encoded.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) group |= static_cast<unsigned char>(bytes[i + 2]);
    encoded += kAlphabet[(group >> 18) & 63];
    encoded += kAlphabet[(group >> 12) & 63];
    encoded += i + 1 < bytes.size() ? kAlphabet[(group >> 6) & 63] : '=';
    encoded += i + 2 < bytes.size() ? kAlphabet[group & 63] : '=';
  }
  return encoded;
}

void write_markdown(const ReportDocument& document, std::ostream& out) {
  for (std::size_t s = 0; s < document.sections.size(); ++s) {
    const ReportSection& section = document.sections[s];
    if (s > 0) out << '\n';
    out << (s == 0 ? "# " : "## ") << one_line(section.title) << '\n';
    bool in_list = false;
    for (const ReportBlock& block : section.blocks) {
      const bool item = block.nested && block.kind == ReportBlock::Kind::kLine;
      if (!(item && in_list)) out << '\n';  // a blank line ends a paragraph, a list or a table
      in_list = item;
      switch (block.kind) {
        case ReportBlock::Kind::kLine:
          out << (item ? "- " : "") << one_line(block.text) << '\n';
          break;
        case ReportBlock::Kind::kTable:
          write_table(block.rows, out);
          break;
        case ReportBlock::Kind::kImage:
          out << "![" << one_line(block.text) << "](data:image/svg+xml;base64," << base64(block.svg) << ")\n";
          break;
      }
    }
  }
}

std::string markdown_text(const ReportDocument& document) {
  std::ostringstream out;
  write_markdown(document, out);
  return out.str();
}

}  // namespace sizesel
