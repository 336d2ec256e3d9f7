// A report as sections of lines and tables: what the text, Markdown and HTML renderings share.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace sizesel {

/// A line of prose, a table or an image (a plot) inside a section.
struct ReportBlock {
  enum class Kind { kLine, kTable, kImage };
  Kind kind = Kind::kLine;
  /// kLine: the line; a '\n' inside marks where the text report wraps a long sentence.
  /// kImage: what the image shows, one line (its alternative text).
  std::string text;
  std::string svg;  ///< kImage: an SVG document
  std::vector<std::vector<std::string>> rows;  ///< kTable: the header first, then one row per entry
  bool nested = false;  ///< detail of what comes before: indented in text, a list item in Markdown
};

/// A titled part of a report: "Weight stability (...)" and its table, say.
struct ReportSection {
  std::string title;  ///< the section's first line
  std::vector<ReportBlock> blocks;

  /// Appends a line (nested: indented under what comes before).
  void line(std::string text, bool nested = false);
  /// Appends a table, header row first.
  void table(std::vector<std::vector<std::string>> rows, bool nested = false);
  /// Appends an SVG image described by `text`.
  void image(std::string text, std::string svg);
};

/// The whole report, in reading order; the first section's title is the report's title.
struct ReportDocument {
  std::vector<ReportSection> sections;

  /// Appends a section titled `title` and returns it.
  ReportSection& section(std::string title);
  /// Appends every section of `other`.
  void append(ReportDocument other);
};

/// The text rendering: sections separated by a blank line, each its title then its blocks;
/// tables as aligned columns (write_table), nested blocks indented by two spaces; an image as
/// the line "[plot: TEXT]".
void write_text(const ReportDocument& document, std::ostream& out);

/// write_text() into a string.
[[nodiscard]] std::string document_text(const ReportDocument& document);

}  // namespace sizesel
