// Running gnuplot: found on PATH, large scripts and outputs through the pipes, its errors on one line.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

#include "sizesel/core/error.hpp"
#include "sizesel/report/gnuplot.hpp"
#include "sizesel/report/plots.hpp"
#include "support/temp_dir.hpp"

using namespace sizesel;

namespace {

/// Sets PATH for one test and restores it after.
class PathFor {
 public:
  explicit PathFor(const std::string& path) {
    if (const char* old = std::getenv("PATH")) old_ = old;
    ::setenv("PATH", path.c_str(), 1);
  }
  ~PathFor() {
    if (old_) {
      ::setenv("PATH", old_->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }
  PathFor(const PathFor&) = delete;
  PathFor& operator=(const PathFor&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("gnuplot is looked up on PATH, and a PATH without it is a one-line error", "[report][gnuplot]") {
  test_support::TempDir empty;
  {
    PathFor path(empty.path().string() + ":" + (empty.path() / "missing").string());
    try {
      (void)find_gnuplot();
      FAIL("found a gnuplot in an empty folder");
    } catch (const Error& error) {
      const std::string message = error.what();
      CHECK_THAT(message, Catch::StartsWith("gnuplot: not found on PATH"));
      CHECK(message.find('\n') == std::string::npos);
    }
    CHECK_THROWS_AS(check_gnuplot(), Error);
  }
  CHECK(find_gnuplot().filename() == "gnuplot");
  CHECK_NOTHROW(check_gnuplot());
}

TEST_CASE("run_gnuplot passes a large script in and a large SVG out without blocking", "[report][gnuplot]") {
  // 40,000 points: the script and the SVG are both far larger than a pipe's buffer.
  std::string script = "set terminal svg size 400,300\n$d << EOD\n";
  for (int i = 0; i < 40000; ++i) script += std::to_string(i) + " " + std::to_string(i % 97) + "\n";
  script += "EOD\nplot $d using 1:2 with points notitle\n";
  REQUIRE(script.size() > 200000);
  const std::string svg = run_gnuplot(script);
  CHECK(svg.size() > 1000000);
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("</svg>") != std::string::npos);
}

TEST_CASE("a gnuplot error is thrown with gnuplot's own last line", "[report][gnuplot]") {
  try {
    (void)run_gnuplot("set terminal svg\nplot no_such_variable_here with lines\n");
    FAIL("a broken script did not throw");
  } catch (const Error& error) {
    const std::string message = error.what();
    CHECK_THAT(message, Catch::Contains("failed (exit 1)"));
    CHECK_THAT(message, Catch::Contains("undefined variable: no_such_variable_here"));
    CHECK(message.find('\n') == std::string::npos);
  }
  CHECK_THROWS_WITH(run_gnuplot("print 'no plot'\n"), Catch::Contains("wrote no SVG"));
}

TEST_CASE("a gnuplot that stops reading early or hangs is an error, not a crash or a wait", "[report][gnuplot]") {
  test_support::TempDir folder;
  const auto fake = folder.write("gnuplot", "#!/bin/sh\nexec /bin/sleep 30\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  PathFor path(folder.path().string());
  CHECK_THROWS_WITH(run_gnuplot(std::string(300000, '#') + "\n", 1), Catch::Contains("no answer after 1 s"));
  folder.write("gnuplot", "#!/bin/sh\nexit 0\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  CHECK_THROWS_WITH(run_gnuplot(std::string(300000, '#') + "\n"), Catch::Contains("wrote no SVG"));
}

TEST_CASE("gnuplot_string quotes any text, and gnuplot's SVG escapes it", "[report][gnuplot]") {
  CHECK(gnuplot_string("it's") == "'it''s'");
  const std::string svg = run_gnuplot("set terminal svg noenhanced\nset label " + gnuplot_string("it's <b>&x \\n") +
                                      " at 0,0\nplot [-1:1] 0 notitle\n");
  CHECK_THAT(svg, Catch::Contains("<text>it's &lt;b>&amp;x \\n</text>"));
}
