#include "sizesel/report/html_report.hpp"

#include <algorithm>
#include <sstream>

namespace sizesel {
namespace {

const char* const kStyle = R"(body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 1.5em 2em 3em; }
h1 { font-size: 1.6em; border-bottom: 1px solid #d0d7de; padding-bottom: 0.3em; }
h2 { font-size: 1.15em; margin: 1.8em 0 0.5em; }
p, ul { margin: 0.4em 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.9em; font-variant-numeric: tabular-nums; display: block; overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 0.25em 0.6em; text-align: left; white-space: nowrap; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
figure { margin: 0.8em 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
)";

void write_rows(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  out << "<table>\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const char* cell = i == 0 ? "th" : "td";
    if (i == 0) out << "<thead>\n";
    if (i == 1) out << "<tbody>\n";
    out << "<tr>";
    for (std::size_t j = 0; j < rows.front().size(); ++j) {
      out << '<' << cell << '>' << html_escape(j < rows[i].size() ? rows[i][j] : "") << "</" << cell << '>';
    }
    out << "</tr>\n";
    if (i == 0) out << "</thead>\n";
  }
  if (rows.size() > 1) out << "</tbody>\n";
  out << "</table>\n";
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

/// An SVG document as an element of the page: the XML prolog dropped, and inside its tags (not
/// its text) the ids and the references to them prefixed with `prefix`.
std::string inline_svg(const std::string& svg, const std::string& prefix) {
  const std::size_t start = svg.find("<svg");
  std::string result;
  for (std::size_t at = start == std::string::npos ? 0 : start; at < svg.size();) {
    const std::size_t open = svg.find('<', at);
    result += svg.substr(at, open - at);  // text: gnuplot writes '<' in it as &lt;
    if (open == std::string::npos) break;
    const std::size_t close = std::min(svg.find('>', open), svg.size() - 1);
    std::string tag = svg.substr(open, close - open + 1);
    for (const char* quote : {"'", "\""}) {
      replace_all(tag, std::string(" id=") + quote, std::string(" id=") + quote + prefix);
      replace_all(tag, std::string("href=") + quote + "#", std::string("href=") + quote + "#" + prefix);
    }
    replace_all(tag, "url(#", "url(#" + prefix);
    result += tag;
    at = close + 1;
  }
  return result;
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string html_page(const ReportDocument& document) {
  std::ostringstream out;
  const std::string title = document.sections.empty() ? std::string("sizesel report") : document.sections[0].title;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape(title) << "</title>\n<style>\n" << kStyle << "</style>\n</head>\n<body>\n<main>\n";
  int images = 0;
  for (std::size_t s = 0; s < document.sections.size(); ++s) {
    const ReportSection& section = document.sections[s];
    out << (s == 0 ? "<header>\n<h1>" : "<section>\n<h2>") << html_escape(section.title)
        << (s == 0 ? "</h1>\n" : "</h2>\n");
    bool in_list = false;
    for (const ReportBlock& block : section.blocks) {
      const bool item = block.nested && block.kind == ReportBlock::Kind::kLine;
      if (item && !in_list) out << "<ul>\n";
      if (!item && in_list) out << "</ul>\n";
      in_list = item;
      switch (block.kind) {
        case ReportBlock::Kind::kLine: {
          std::string text = html_escape(block.text);
          replace_all(text, "\n", " ");
          out << (item ? "<li>" : "<p>") << text << (item ? "</li>\n" : "</p>\n");
          break;
        }
        case ReportBlock::Kind::kTable:
          write_rows(block.rows, out);
          break;
        case ReportBlock::Kind::kImage:
          ++images;
          out << "<figure role=\"img\" aria-label=\"" << html_escape(block.text) << "\">\n"
              << inline_svg(block.svg, "plot" + std::to_string(images) + "-") << "\n</figure>\n";
          break;
      }
    }
    if (in_list) out << "</ul>\n";
    out << (s == 0 ? "</header>\n" : "</section>\n");
  }
  out << "</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace sizesel
