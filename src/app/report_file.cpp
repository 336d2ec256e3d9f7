#include "sizesel/app/report_file.hpp"

#include <algorithm>
#include <cctype>

#include "sizesel/app/output_file.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/report/gnuplot.hpp"
#include "sizesel/report/html_report.hpp"
#include "sizesel/report/markdown_report.hpp"

namespace sizesel {

namespace fs = std::filesystem;

ReportFormat report_format(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".html" || extension == ".htm") return ReportFormat::kHtml;
  if (extension == ".md" || extension == ".markdown") return ReportFormat::kMarkdown;
  throw InputError(path.string() + ": --report must end in .html (or .htm) or .md (or .markdown) (got \"" +
                   extension + "\")");
}

void check_report_path(const fs::path& path, const std::vector<fs::path>& inputs, const std::optional<fs::path>& output) {
  check_output_path(path, inputs, "--report");
  (void)report_format(path);
  if (output) {
    std::error_code ec;
    const bool same = fs::exists(path, ec) && fs::exists(*output, ec)
                          ? fs::equivalent(path, *output, ec)
                          : fs::weakly_canonical(fs::absolute(path), ec) == fs::weakly_canonical(fs::absolute(*output), ec);
    if (same) throw InputError(path.string() + ": --report and --output name the same file; give each its own");
  }
  check_gnuplot();
}

std::string report_file_text(const fs::path& path, ReportDocument document, const std::vector<PlotSpec>& plots) {
  add_plots(plots, document);
  return report_format(path) == ReportFormat::kHtml ? html_page(document) : markdown_text(document);
}

}  // namespace sizesel
