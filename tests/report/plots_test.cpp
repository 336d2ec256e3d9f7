// The report's plots: what goes into them (measured options only, their status, the Pareto front) and their drawing.
#include <catch2/catch.hpp>

#include <string>

#include "report/report_cases.hpp"
#include "support/report_check.hpp"
#include "sizesel/report/plots.hpp"

using namespace sizesel;
using test_support::occurrences;

namespace {

/// The lines of datablock `name` in a gnuplot script.
std::string datablock(const std::string& script, const std::string& name) {
  const std::string start = name + " << EOD\n";
  const auto at = script.find(start);
  if (at == std::string::npos) return "(none)";
  const auto end = script.find("EOD\n", at + start.size());
  return script.substr(at + start.size(), end - at - start.size());
}


Criterion column(const std::string& name, Direction direction) {
  Criterion c;
  c.name = name;
  c.direction = direction;
  return c;
}

}  // namespace

TEST_CASE("the Pareto front holds the options no other beats on both axes, in increasing x", "[report][plots]") {
  ScatterPlot plot;
  plot.x = column("cost", Direction::kMin);
  plot.y = column("accuracy", Direction::kMax);
  plot.points = {{"c", 3, 0.7}, {"b", 2, 0.9}, {"a", 1, 0.5}, {"b-twin", 2, 0.9}, {"d", 4, 0.9}};
  // c is beaten by b (cheaper and better), d by b (same accuracy, dearer); b and its twin tie.
  CHECK(pareto_front(plot) == std::vector<std::size_t>{2, 1, 3});
  plot.y.direction = Direction::kMin;  // now lower accuracy is better: a dominates everything
  CHECK(pareto_front(plot) == std::vector<std::size_t>{2});
}

TEST_CASE("recommend's plots hold only measured candidates, and their notes say why the others are missing",
          "[report][plots]") {
  const auto plots = run_report_plots(report_cases::made_up_run());
  REQUIRE(plots.size() == 2);
  const PlotSpec& scatter = plots[0];
  CHECK(scatter.title == "Test accuracy against cost (C: devices)");
  // small is recommended (devices 2), <b>&x is excluded by C <= 4 (5 devices).
  CHECK(datablock(scatter.script, "$recommended") == "2 0.80000000000000004\n");
  CHECK(datablock(scatter.script, "$excluded") == "5 0.90000000000000002\n");
  CHECK(datablock(scatter.script, "$feasible") == "(none)");
  CHECK(datablock(scatter.script, "$front") == "2 0.80000000000000004\n5 0.90000000000000002\n");
  CHECK_THAT(scatter.script, Catch::Contains("set label 'small' at 2,0.80000000000000004"));
  CHECK_THAT(scatter.script, Catch::Contains("set label '<b>&x' at 5,0.90000000000000002"));
  CHECK_THAT(scatter.script, Catch::Contains("set label 'C <= 4' at first 4, graph 0.97"));
  // accuracy >= 0.5 lies 0.3 below the points, three times their spread: named, not drawn.
  CHECK(scatter.script.find("accuracy >= 0.5") == std::string::npos);
  CHECK_THAT(scatter.notes.at(0), Catch::EndsWith("Dotted red lines: the limits of C <= 4. Not drawn, far outside the points: "
                                                 "accuracy >= 0.5."));
  CHECK_THAT(scatter.script, Catch::Contains("set xlabel 'C: devices, lower is better'"));
  CHECK_THAT(scatter.script, Catch::Contains("set xtics 1\n"));  // whole devices only
  CHECK_THAT(scatter.script, Catch::Contains("set ylabel 'test accuracy (fraction correct), higher is better'"));
  for (const auto& plot : plots) {
    INFO(plot.title);
    CHECK(plot.script.find("broken") == std::string::npos);
    CHECK(plot.script.find("slow") == std::string::npos);
    std::string notes;
    for (const auto& note : plot.notes) notes += note + "\n";
    CHECK_THAT(notes, Catch::Contains("Not plotted: FAILED broken: non-finite loss at epoch 2\n"));
    CHECK_THAT(notes, Catch::Contains("Not plotted: STOPPED slow after 50% of its training: accuracy 0.1"));
  }
  const PlotSpec& curves = plots[1];
  CHECK(curves.title == "Training curves");
  CHECK(datablock(curves.script, "$curve0") == "1 2 0.29999999999999999\n2 1.5 0.40000000000000002\n3 1.2 0.5\n");
  CHECK(datablock(curves.script, "$curve1") != "(none)");
  CHECK(datablock(curves.script, "$curve2") == "(none)");
  CHECK(occurrences(curves.script, "title 'small'") == 2);  // loss and accuracy panels
  CHECK(occurrences(curves.script, "title '<b>&x'") == 2);
}

TEST_CASE("solve's plot shows P against C with the constraint limits, and the mixture as its mean", "[report][plots]") {
  const auto single = table_report_plots(report_cases::case_study());
  REQUIRE(single.size() == 1);
  const std::string& script = single[0].script;
  CHECK(datablock(script, "$recommended") == "20 98\n");                   // s3
  CHECK(datablock(script, "$excluded") == "50 99\n100 99.5\n");             // s4, s5 break C <= 20
  CHECK(datablock(script, "$feasible") == "5 95\n10 97\n");                 // s1, s2
  CHECK(datablock(script, "$front") == "5 95\n10 97\n20 98\n50 99\n100 99.5\n");  // all Pareto-optimal
  CHECK_THAT(script, Catch::Contains("set xlabel 'C, compute cost: GPUs needed (GPU), lower is better'"));
  CHECK_THAT(script, Catch::Contains("set label 'C <= 20' at first 20, graph 0.97"));
  CHECK_THAT(script, Catch::Contains("set label 'P >= 95' at graph 0.99, first 95"));
  CHECK(datablock(script, "$mixture") == "(none)");
  CHECK(script.find("set xtics 1\n") == std::string::npos);  // 5 to 100 GPUs: gnuplot's own tics

  TableOverrides overrides;
  overrides.mode = DecisionMode::kMixture;
  const auto mixture = table_report_plots(report_cases::case_study(overrides));
  REQUIRE(mixture.size() == 1);
  // s2 75% + s4 25%: C 0.75 x 10 + 0.25 x 50 = 20, P 0.75 x 97 + 0.25 x 99 = 97.5.
  CHECK(datablock(mixture[0].script, "$mixture") == "20 97.5\n");
  CHECK(datablock(mixture[0].script, "$recommended") == "10 97\n50 99\n");
  CHECK_THAT(mixture[0].script, Catch::Contains("set label 's2 (75.0%)' at 10,97"));
  CHECK_THAT(mixture[0].script, Catch::Contains("title 'breaks a constraint on its own'"));
}

TEST_CASE("a table without P and C plots its first max criterion against its first min one", "[report][plots]") {
  TableReport report;
  report.name = "other";
  report.problem.table.criteria = {column("speed", Direction::kMax), column("quality", Direction::kMax),
                                   column("price", Direction::kMin)};
  report.problem.table.options = {"a", "b"};
  report.problem.table.values = {{1, 2, 3}, {2, 1, 4}};
  report.problem.weights = {{"speed", 1}, {"quality", 1}, {"price", 1}};
  report.recommendation = decide(report.problem);
  const auto plots = table_report_plots(report);
  REQUIRE(plots.size() == 1);
  CHECK(plots[0].title == "other: the options on speed and price");
  CHECK_THAT(plots[0].script, Catch::Contains("set label 'a' at 3,1 "));

  report.problem.table.criteria.resize(1);
  for (auto& row : report.problem.table.values) row.resize(1);
  report.problem.weights = {{"speed", 1}};
  report.recommendation = decide(report.problem);
  CHECK(table_report_plots(report).empty());
}

TEST_CASE("add_plots draws each plot with gnuplot into a section after the header", "[report][plots][gnuplot]") {
  const RunReport run = report_cases::made_up_run();
  ReportDocument document = run_report_document(run);
  const std::size_t sections = document.sections.size();
  add_plots(run_report_plots(run), document);
  REQUIRE(document.sections.size() == sections + 2);
  CHECK(document.sections[1].title == "Plot: Test accuracy against cost (C: devices)");
  CHECK(document.sections[2].title == "Plot: Training curves");
  for (std::size_t s = 1; s <= 2; ++s) {
    const ReportBlock& image = document.sections[s].blocks.at(0);
    REQUIRE(image.kind == ReportBlock::Kind::kImage);
    CHECK(image.svg.find("<svg") != std::string::npos);
    CHECK(image.svg.find("<title>Gnuplot</title>") == std::string::npos);
    CHECK(image.svg.find("<b>&x") == std::string::npos);  // gnuplot escapes the label
    CHECK_THAT(image.svg, Catch::Contains("&lt;b>&amp;x"));
  }
  CHECK_THAT(document.sections[1].blocks.at(0).svg, Catch::Contains("<title>Test accuracy against cost (C: devices)</title>"));
}
