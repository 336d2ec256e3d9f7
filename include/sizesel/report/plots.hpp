// The report's plots: built from the report structures, drawn by gnuplot as SVG, added as sections.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/core/criteria_table.hpp"
#include "sizesel/core/metrics.hpp"
#include "sizesel/report/decision_report.hpp"
#include "sizesel/report/report_document.hpp"
#include "sizesel/report/run_report.hpp"

namespace sizesel {

/// One option on a scatter plot.
struct ScatterPoint {
  enum class Status { kFeasible, kInfeasible, kRecommended };
  std::string label;  ///< its name (with its share in mixture mode)
  double x = 0;
  double y = 0;
  Status status = Status::kFeasible;
};

/// A constraint on one of a scatter plot's measures.
struct PlotLimit {
  Constraint constraint;
  bool on_x = true;  ///< on the x measure (else the y measure)
};

/// Options on two measures, the recommended ones marked, with the Pareto front of the two and
/// the limits of the constraints on them.
struct ScatterPlot {
  std::string title;
  Criterion x;  ///< the measure on the x axis (a table column); its direction defines the front
  Criterion y;
  std::string x_label;  ///< the axis's label, with the unit
  std::string y_label;
  std::vector<ScatterPoint> points;
  std::string recommended_title = "recommended";  ///< the legend's name for kRecommended
  std::string infeasible_title = "excluded by a constraint";  ///< the legend's name for kInfeasible
  std::vector<PlotLimit> limits;  ///< constraints on the two measures, drawn as lines
  /// In mixture mode: the recommended mixture's share-weighted mean x and y.
  std::optional<std::pair<double, double>> mixture;
};

/// One training run's curve.
struct TrainingCurve {
  std::string label;  ///< "r8", or "r8 seed 2" with several seeds
  int candidate = 0;  ///< the candidate's index among those plotted (its colour)
  int seed = 0;       ///< the run's index among the candidate's (its dash pattern)
  std::vector<TrainingEpoch> epochs;
};

/// A plot to draw: its title, the gnuplot script that draws it as SVG, notes under it.
struct PlotSpec {
  std::string title;
  std::string script;
  std::vector<std::string> notes;
};

/// `text` as a gnuplot single-quoted string (no escapes are processed; ' is doubled).
[[nodiscard]] std::string gnuplot_string(const std::string& text);

/// The options that no other plotted option dominates on the two measures (dominated_by of
/// decision/pareto.hpp on a two-column table), in increasing x.
[[nodiscard]] std::vector<std::size_t> pareto_front(const ScatterPlot& plot);

/// The gnuplot script of a scatter plot: feasible, excluded and recommended options as three
/// marker kinds, each point labelled, the Pareto front as a dashed line, each limit inside the
/// plotted range as a dotted line labelled with its constraint, and the mixture as a star.
[[nodiscard]] std::string scatter_script(const ScatterPlot& plot);

/// The gnuplot script of two panels side by side: training loss and train accuracy per epoch,
/// one line per curve (a colour per candidate, a dash pattern per seed).
[[nodiscard]] std::string training_curves_script(const std::vector<TrainingCurve>& curves);

/// recommend's plots: test accuracy against the main measure of criterion C (its sub-criterion
/// of largest sub-weight: devices by default), and the training curves of every run. Only
/// measured candidates are plotted; the notes name the others with their reason. None when no
/// candidate was measured.
[[nodiscard]] std::vector<PlotSpec> run_report_plots(const RunReport& report);

/// solve's plot: P against C when the table has both, else its first max criterion against its
/// first min criterion, else its first two; none for a table of one criterion.
[[nodiscard]] std::vector<PlotSpec> table_report_plots(const TableReport& report);

/// Draws every plot with gnuplot (run_gnuplot) and inserts one section per plot, titled
/// "Plot: TITLE", after the document's first section. Throws Error when gnuplot fails.
void add_plots(const std::vector<PlotSpec>& plots, ReportDocument& document);

}  // namespace sizesel
