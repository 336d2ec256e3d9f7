// HTML rendering: one self-contained page, every string escaped, inline SVGs with their own ids.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

#include "report/report_cases.hpp"
#include "support/report_check.hpp"
#include "sizesel/report/html_report.hpp"

using namespace sizesel;
using test_support::occurrences;

TEST_CASE("html_escape writes the five characters HTML acts on as references", "[report][html]") {
  CHECK(html_escape("<b>&x \"q\" 'a'") == "&lt;b&gt;&amp;x &quot;q&quot; &#39;a&#39;");
  CHECK(html_escape("plain é") == "plain é");
}

TEST_CASE("the HTML page escapes every user string and fetches nothing", "[report][html]") {
  const std::string page = html_page(run_report_document(report_cases::made_up_run()));
  INFO(page);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("<b>&x") == std::string::npos);
  CHECK_THAT(page, Catch::Contains("<title>sizesel recommend: made-up &lt;b&gt;&amp;x (made/up.json)</title>"));
  CHECK_THAT(page, Catch::Contains("<td>&lt;b&gt;&amp;x</td>"));
  CHECK_THAT(page, Catch::Contains("<td>RECOMMENDED</td>"));
  CHECK_THAT(page, Catch::Contains("<p>FAILED broken: non-finite loss at epoch 2</p>"));
  // Self-contained: no link, script or remote resource.
  for (const char* outside : {"<link", "<script", "src=", "http://", "https://", "@import"}) {
    INFO(outside);
    CHECK(page.find(outside) == std::string::npos);
  }
  CHECK(occurrences(page, "<table>") == occurrences(page, "</table>"));
  CHECK(occurrences(page, "<section>") == occurrences(page, "</section>"));
  CHECK(occurrences(page, "<ul>") == occurrences(page, "</ul>"));
}

TEST_CASE("nested lines become one list and every table row has the header's cells", "[report][html]") {
  const std::string page = html_page(table_report_document(report_cases::case_study()));
  CHECK_THAT(page, Catch::Contains("<h2>Recommendation: s3 (score 0.8518)</h2>\n<ul>\n<li>meets P &gt;= 95 (98), C &lt;= 20 (20)</li>"));
  CHECK_THAT(page, Catch::Contains("<li>s5 is excluded by C &lt;= 20 (got 100, over by 80)</li>\n</ul>"));
  const std::regex row("<tr>(.*?)</tr>");
  std::set<std::size_t> cells_per_row;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), row); it != std::sregex_iterator(); ++it) {
    const std::string cells = (*it)[1];
    if (cells.find("<th>option</th>") != std::string::npos || cells.find("<td>s") == 0) {
      cells_per_row.insert(occurrences(cells, "<td>") + occurrences(cells, "<th>"));
    }
  }
  CHECK(cells_per_row == std::set<std::size_t>{8});
}

TEST_CASE("two inline SVGs get ids of their own, and only their tags change", "[report][html]") {
  ReportDocument document;
  document.section("two plots");
  const std::string svg = "<?xml version='1.0'?>\n<!DOCTYPE svg>\n<svg><defs><path id='gpPt1' d='M0,0'/></defs>"
                          "<g id=\"canvas\"><use xlink:href='#gpPt1' fill='url(#grad)'/><text>id='kept' #gpPt1</text></g></svg>";
  document.section("first").image("first plot", svg);
  document.section("second").image("second plot", svg);
  const std::string page = html_page(document);
  INFO(page);
  CHECK(occurrences(page, "<svg>") == 2);
  CHECK(page.find("<?xml") == std::string::npos);
  CHECK(page.find("<!DOCTYPE svg") == std::string::npos);
  CHECK_THAT(page, Catch::Contains("<path id='plot1-gpPt1' d='M0,0'/>"));
  CHECK_THAT(page, Catch::Contains("<use xlink:href='#plot2-gpPt1' fill='url(#plot2-grad)'/>"));
  CHECK_THAT(page, Catch::Contains("<g id=\"plot2-canvas\">"));
  CHECK(occurrences(page, "<text>id='kept' #gpPt1</text>") == 2);
  CHECK_THAT(page, Catch::Contains("<figure role=\"img\" aria-label=\"first plot\">"));
}
