// HTML rendering of a report: one self-contained page (inline CSS and SVG, nothing fetched).
#pragma once

#include <string>

#include "sizesel/report/report_document.hpp"

namespace sizesel {

/// `text` with & < > " ' written as character references, safe in HTML text and attributes.
[[nodiscard]] std::string html_escape(const std::string& text);

/// The document as one HTML page: the first section's title as the page title and <h1>, each
/// other section a <section> with an <h2>; lines as paragraphs, nested lines as list items,
/// tables as <table>, images as inline <svg> in a <figure> (their ids prefixed, so that several
/// plots on one page do not share ids). Every string of the document is escaped.
[[nodiscard]] std::string html_page(const ReportDocument& document);

}  // namespace sizesel
