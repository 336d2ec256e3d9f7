#include "sizesel/report/report_document.hpp"

#include <sstream>

#include "sizesel/report/text_format.hpp"

namespace sizesel {

void ReportSection::line(std::string text, bool nested) {
  ReportBlock block;
  block.text = std::move(text);
  block.nested = nested;
  blocks.push_back(std::move(block));
}

void ReportSection::table(std::vector<std::vector<std::string>> rows, bool nested) {
  ReportBlock block;
  block.kind = ReportBlock::Kind::kTable;
  block.rows = std::move(rows);
  block.nested = nested;
  blocks.push_back(std::move(block));
}

void ReportSection::image(std::string text, std::string svg) {
  ReportBlock block;
  block.kind = ReportBlock::Kind::kImage;
  block.text = std::move(text);
  block.svg = std::move(svg);
  blocks.push_back(std::move(block));
}

ReportSection& ReportDocument::section(std::string title) {
  sections.push_back({std::move(title), {}});
  return sections.back();
}

void ReportDocument::append(ReportDocument other) {
  for (auto& section : other.sections) sections.push_back(std::move(section));
}

void write_text(const ReportDocument& document, std::ostream& out) {
  for (std::size_t s = 0; s < document.sections.size(); ++s) {
    const ReportSection& section = document.sections[s];
    if (s > 0) out << '\n';
    out << section.title << '\n';
    for (const ReportBlock& block : section.blocks) {
      const std::string indent = block.nested ? "  " : "";
      if (block.kind == ReportBlock::Kind::kTable) {
        write_table(block.rows, out, indent);
        continue;
      }
      if (block.kind == ReportBlock::Kind::kImage) {
        out << indent << "[plot: " << block.text << "]\n";
        continue;
      }
      out << indent;
      for (const char c : block.text) {
        out << c;
        if (c == '\n') out << indent;
      }
      out << '\n';
    }
  }
}

std::string document_text(const ReportDocument& document) {
  std::ostringstream out;
  write_text(document, out);
  return out.str();
}

}  // namespace sizesel
