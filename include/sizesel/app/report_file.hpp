// The --report file of `recommend` and `solve`: its format from the extension, checked before any work.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sizesel/report/plots.hpp"
#include "sizesel/report/report_document.hpp"

namespace sizesel {

enum class ReportFormat { kHtml, kMarkdown };

/// kHtml for FILE.html or FILE.htm, kMarkdown for FILE.md or FILE.markdown (in any case).
/// Throws InputError naming the path and --report for any other extension.
[[nodiscard]] ReportFormat report_format(const std::filesystem::path& path);

/// Checks, before any work, that `path` can take the report: its extension (report_format),
/// check_output_path() against `inputs`, not the file --output names; throws InputError (exit
/// 1). Then that gnuplot runs (check_gnuplot); throws Error (exit 2) when it does not.
void check_report_path(const std::filesystem::path& path, const std::vector<std::filesystem::path>& inputs,
                       const std::optional<std::filesystem::path>& output);

/// The report file's text: `document` with `plots` drawn (add_plots), as one HTML page
/// (html_page) or Markdown (markdown_text), as the extension of `path` says.
[[nodiscard]] std::string report_file_text(const std::filesystem::path& path, ReportDocument document,
                                           const std::vector<PlotSpec>& plots);

}  // namespace sizesel
