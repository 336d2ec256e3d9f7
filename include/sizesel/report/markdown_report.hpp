// Markdown rendering of a report: GitHub-flavoured tables, ready to paste into a design review.
#pragma once

#include <ostream>
#include <string>

#include "sizesel/report/report_document.hpp"

namespace sizesel {

/// `text` with the characters Markdown would act on inside a line escaped by a backslash
/// (\ ` * [ | ~, an `_` at a word's edge, a `<` that could open an HTML tag, an `&` that could
/// start an entity), so that names like `<b>&x` print as written.
[[nodiscard]] std::string markdown_escape(const std::string& text);

/// RFC 4648 base64 of `bytes`, with padding.
[[nodiscard]] std::string base64(const std::string& bytes);

/// The document as GitHub-flavoured Markdown: the first section's title as a level-1 heading,
/// the others as level-2 headings; lines as paragraphs, nested lines as list items (a first
/// `#`, `>`, `+`, `-` or `=` escaped, so no line starts another block); tables as
/// Markdown tables (a header row, a delimiter row, every row with the header's column count);
/// images as `![TITLE](data:image/svg+xml;base64,...)`, so the file needs nothing beside it.
void write_markdown(const ReportDocument& document, std::ostream& out);

/// write_markdown() into a string.
[[nodiscard]] std::string markdown_text(const ReportDocument& document);

}  // namespace sizesel
