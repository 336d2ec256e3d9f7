// Markdown rendering: headings per section, well-formed GFM tables, escaping, images as data: URIs.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "report/report_cases.hpp"
#include "sizesel/report/markdown_report.hpp"
#include "support/report_check.hpp"

using namespace sizesel;

using test_support::base64_decode;
using test_support::markdown_table_shape;
using test_support::TableShape;

TEST_CASE("markdown_escape keeps names such as <b>&x and a|b literal without noise on ordinary text", "[report][markdown]") {
  CHECK(markdown_escape("<b>&x") == "\\<b>\\&x");
  CHECK(markdown_escape("a|b") == "a\\|b");
  CHECK(markdown_escape("*bold* `code` [link](x) ~~s~~ back\\slash") ==
        "\\*bold\\* \\`code\\` \\[link](x) \\~\\~s\\~\\~ back\\\\slash");
  CHECK(markdown_escape("_x_ and latency_ms_p50") == "\\_x\\_ and latency_ms_p50");
  // Comparisons, entities that cannot be, and numbers stay as the text report prints them.
  CHECK(markdown_escape("C <= 20 (got 50, over by 30) & more, -0.015") == "C <= 20 (got 50, over by 30) & more, -0.015");
}

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[report][markdown]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(base64_decode(base64(std::string("\0\xff<svg>", 7))) == std::string("\0\xff<svg>", 7));
}

TEST_CASE("the solve report as Markdown has a heading per section and well-formed tables", "[report][markdown]") {
  const TableReport report = report_cases::case_study();
  const std::string markdown = markdown_text(table_report_document(report));
  INFO(markdown);
  CHECK(markdown.rfind("# sizesel solve: paper-case-study (", 0) == 0);
  for (const char* heading : {"\n## Criteria (raw -> normalised by minmax, 1 = best)\n", "\n## Recommendation: s3 (score 0.8518)\n",
                              "\n## Pareto: every option is Pareto-optimal", "\n## Weight stability (one weight"}) {
    CHECK_THAT(markdown, Catch::Contains(heading));
  }
  const TableShape shape = markdown_table_shape(markdown);
  CHECK(shape.tables == 2);  // criteria, weight stability
  CHECK(shape.problems.empty());
  for (const auto& problem : shape.problems) WARN(problem);
  CHECK_THAT(markdown, Catch::Contains("| option | P max % | C min GPU | E max | R max | M max | score | status |"));
  CHECK_THAT(markdown, Catch::Contains("| s3 | 98 -> 0.67 | 20 -> 0.84 | 0.5 -> 0.50 | 1 -> 1.00 | 0 -> 0.00 | 0.8518 | RECOMMENDED |"));
  CHECK_THAT(markdown, Catch::Contains("\n- s4 would score higher (0.9664) but is excluded by C <= 20 (got 50, over by 30)\n"));
  // The text report's two-line note is one list item here.
  const std::string mixture = markdown_text(table_report_document(report_cases::case_study([] {
    TableOverrides overrides;
    overrides.mode = DecisionMode::kMixture;
    return overrides;
  }())));
  CHECK_THAT(mixture, Catch::Contains("- shares are fractions of the traffic (or capacity) each option serves; constraints "
                                      "without \"(each option)\" apply to the share-weighted mean\n"));
  const TableShape mixture_shape = markdown_table_shape(mixture);
  CHECK(mixture_shape.tables == 3);  // criteria, the mixture's constraints, weight stability
  CHECK(mixture_shape.problems.empty());
}

TEST_CASE("the recommend report as Markdown names every candidate, escaped, and the failed and stopped ones with their reason",
          "[report][markdown]") {
  const std::string markdown = markdown_text(run_report_document(report_cases::made_up_run()));
  INFO(markdown);
  CHECK(markdown.rfind("# sizesel recommend: made-up \\<b>\\&x (made/up.json)\n", 0) == 0);
  CHECK(markdown.find("<b>&x") == std::string::npos);
  CHECK_THAT(markdown, Catch::Contains("| small |"));
  CHECK_THAT(markdown, Catch::Contains("| \\<b>\\&x |"));
  CHECK_THAT(markdown, Catch::Contains("\nFAILED broken: non-finite loss at epoch 2\n"));
  CHECK_THAT(markdown, Catch::Contains("\nSTOPPED slow after 50% of its training: accuracy 0.1 at the first rung"));
  CHECK_THAT(markdown, Catch::Contains("RECOMMENDED"));
  const TableShape shape = markdown_table_shape(markdown);
  CHECK(shape.tables >= 5);  // quality, cost, criteria, sub-criteria, weight stability
  CHECK(shape.problems.empty());
}

TEST_CASE("an image becomes a data: URI holding the SVG itself, and a line that would start a block is escaped",
          "[report][markdown]") {
  ReportDocument document;
  ReportSection& section = document.section("Plot: <b>&x [1]");
  const std::string svg = "<svg xmlns='http://www.w3.org/2000/svg'><text>é &amp; ü</text></svg>";
  section.image("accuracy | cost", svg);
  section.line("- not a list");
  section.line("# not a heading");
  const std::string markdown = markdown_text(document);
  CHECK_THAT(markdown, Catch::Contains("![accuracy \\| cost](data:image/svg+xml;base64,"));
  CHECK(test_support::markdown_svg_images(markdown) == std::vector<std::string>{svg});
  CHECK_THAT(markdown, Catch::Contains("\n\\- not a list\n"));
  CHECK_THAT(markdown, Catch::Contains("\n\\# not a heading\n"));
  CHECK(markdown.rfind("# Plot: \\<b>\\&x \\[1]\n", 0) == 0);
}
