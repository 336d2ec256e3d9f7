#include "sizesel/report/plots.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "sizesel/core/criteria.hpp"
#include "sizesel/decision/pareto.hpp"
#include "sizesel/report/gnuplot.hpp"
#include "sizesel/report/html_report.hpp"
#include "sizesel/report/text_format.hpp"

namespace sizesel {
namespace {

const char* const kTerminal = "set terminal svg size {},{} noenhanced font 'Helvetica,13' background '#ffffff'\n";

std::string number(double value) { return fmt::format("{:.17g}", value); }

/// " (UNIT)", or "" when the criterion has no unit of its own.
std::string unit_suffix(const Criterion& criterion) {
  return criterion.unit.empty() || criterion.unit == criterion.name ? "" : " (" + criterion.unit + ")";
}

/// "NAME (UNIT)": a measured metric, as an axis label.
std::string axis_label(const Criterion& criterion) { return criterion.name + unit_suffix(criterion); }

std::string better_text(Direction direction) { return direction == Direction::kMax ? "higher is better" : "lower is better"; }

/// "NAME, METHOD (UNIT)": a criterion given by hand, as an axis label.
std::string described_label(const Criterion& criterion) {
  return criterion.name + (criterion.method.empty() ? "" : ", " + criterion.method) + unit_suffix(criterion);
}

/// The axis range: the values with a margin; never below 0 for values that are all >= 0.
std::pair<double, double> axis_range(const std::vector<double>& values) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  const double span = *high - *low;
  const double margin = span > 0 ? 0.1 * span : std::max(0.1 * std::fabs(*low), 0.5);
  double from = *low - margin;
  if (*low >= 0 && from < 0) from = 0;
  return {from, *high + margin};
}

/// What a scatter plot's axes span: the points, and each limit no farther from them than
/// their own spread (a limit far off would squeeze the points into a corner).
struct Frame {
  std::pair<double, double> x;
  std::pair<double, double> y;
  std::vector<PlotLimit> drawn;   ///< limits inside the axes
  std::vector<PlotLimit> beyond;  ///< limits left out of them
};

Frame frame_of(const ScatterPlot& plot) {
  std::vector<double> xs;
  std::vector<double> ys;
  for (const auto& point : plot.points) {
    xs.push_back(point.x);
    ys.push_back(point.y);
  }
  Frame frame;
  if (xs.empty()) return frame;
  const std::vector<double> data_x = xs;
  const std::vector<double> data_y = ys;
  for (const auto& limit : plot.limits) {
    const std::vector<double>& data = limit.on_x ? data_x : data_y;
    const auto [low, high] = std::minmax_element(data.begin(), data.end());
    const double reach = *high > *low ? *high - *low : std::fabs(*low);
    const double at = limit.constraint.limit;
    if (at < *low - reach || at > *high + reach) {
      frame.beyond.push_back(limit);
      continue;
    }
    frame.drawn.push_back(limit);
    (limit.on_x ? xs : ys).push_back(at);
  }
  frame.x = axis_range(xs);
  frame.y = axis_range(ys);
  return frame;
}

/// What the lines of a scatter plot mean, one note.
std::string lines_note(const ScatterPlot& plot) {
  std::string note = "Dashed line: the Pareto front on these two measures (raw values, constraints aside): no other "
                     "option is at least as good on both and better on one.";
  if (plot.mixture) note += " Star: the recommended mixture, at the share-weighted means of the two measures.";
  const auto list = [](const std::vector<PlotLimit>& limits) {
    std::string text;
    for (const auto& limit : limits) text += (text.empty() ? "" : ", ") + constraint_text(limit.constraint);
    return text;
  };
  const Frame frame = frame_of(plot);
  if (!frame.drawn.empty()) {
    note += " Dotted red lines: the limits of " + list(frame.drawn) +
            (plot.mixture ? " (on the share-weighted mean, unless marked each option)." : ".");
  }
  if (!frame.beyond.empty()) note += " Not drawn, far outside the points: " + list(frame.beyond) + ".";
  return note;
}

/// The constraints on the plotted measures: those naming one of `x_names` or `y_names` (a
/// metric, or a criterion that rests on it alone).
std::vector<PlotLimit> limits_on(const std::vector<Constraint>& constraints, const std::vector<std::string>& x_names,
                                 const std::vector<std::string>& y_names) {
  const auto names = [](const std::vector<std::string>& list, const std::string& name) {
    return std::find(list.begin(), list.end(), name) != list.end();
  };
  std::vector<PlotLimit> limits;
  for (const auto& constraint : constraints) {
    if (names(x_names, constraint.metric)) {
      limits.push_back({constraint, true});
    } else if (names(y_names, constraint.metric)) {
      limits.push_back({constraint, false});
    }
  }
  return limits;
}

/// The names a constraint on `column` may use: the column, and the criterion that is it alone.
std::vector<std::string> names_of(const std::string& column, const std::vector<CriterionGroup>& groups) {
  std::vector<std::string> names = {column};
  for (const auto& group : groups) {
    if (group.parts.size() == 1 && group.parts[0].column == column && group.name != column) names.push_back(group.name);
  }
  return names;
}

ScatterPoint::Status status_of(const Recommendation& recommendation, std::size_t i) {
  const Selection& selection = recommendation.selection;
  const bool chosen = selection.mixture ? selection.mixture->shares[i] > 0 : selection.recommended == i;
  if (chosen) return ScatterPoint::Status::kRecommended;
  return selection.options[i].feasible ? ScatterPoint::Status::kFeasible : ScatterPoint::Status::kInfeasible;
}

/// The point's label: the option's name, with its share when it is part of a mixture.
std::string point_label(const Recommendation& recommendation, const std::string& name, std::size_t i) {
  const auto& mixture = recommendation.selection.mixture;
  if (!mixture || mixture->shares[i] <= 0) return name;
  return fmt::format("{} ({:.1f}%)", name, 100 * mixture->shares[i]);
}

/// The legend's names and the mixture's mean point, from the recommendation; `x` and `y` are
/// the plotted values of each option, in table order.
void mark_decision(const Recommendation& recommendation, const std::vector<double>& x, const std::vector<double>& y,
                   ScatterPlot& plot) {
  const auto& mixture = recommendation.selection.mixture;
  if (recommendation.mode == DecisionMode::kMixture) plot.infeasible_title = "breaks a constraint on its own";
  if (!mixture) return;
  plot.recommended_title = "in the recommended mixture";
  std::pair<double, double> mean = {0, 0};
  for (std::size_t i = 0; i < mixture->shares.size(); ++i) {
    mean.first += mixture->shares[i] * x[i];
    mean.second += mixture->shares[i] * y[i];
  }
  plot.mixture = mean;
}

PlotSpec scatter_spec(ScatterPlot plot, std::vector<std::string> notes) {
  notes.insert(notes.begin(), lines_note(plot));
  return {plot.title, scatter_script(plot), std::move(notes)};
}

std::vector<TrainingCurve> training_curves(const RunReport& report) {
  std::vector<TrainingCurve> curves;
  int candidate = 0;
  for (const auto& c : report.candidates) {
    if (!c.metrics) continue;
    int seed = 0;
    for (const auto& run : c.runs) {
      if (!run.measured || run.metrics.training_curve.empty()) continue;
      const std::string label = c.runs.size() > 1 ? fmt::format("{} seed {}", c.spec.name, run.seed) : c.spec.name;
      curves.push_back({label, candidate, seed++, run.metrics.training_curve});
    }
    ++candidate;
  }
  return curves;
}

}  // namespace

std::string gnuplot_string(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

std::vector<std::size_t> pareto_front(const ScatterPlot& plot) {
  CriteriaTable table;
  table.criteria = {plot.x, plot.y};
  for (const auto& point : plot.points) {
    table.options.push_back(point.label);
    table.values.push_back({point.x, point.y});
  }
  const auto dominated = dominated_by(table);
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < plot.points.size(); ++i) {
    if (dominated[i].empty()) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    return plot.points[a].x != plot.points[b].x ? plot.points[a].x < plot.points[b].x : plot.points[a].y < plot.points[b].y;
  });
  return front;
}

std::string scatter_script(const ScatterPlot& plot) {
  std::string script = fmt::format(kTerminal, 900, 520);
  script += "set title " + gnuplot_string(plot.title) + "\n";
  script += "set xlabel " + gnuplot_string(plot.x_label + ", " + better_text(plot.x.direction)) + "\n";
  script += "set ylabel " + gnuplot_string(plot.y_label + ", " + better_text(plot.y.direction)) + "\n";
  script += "set grid lc rgb '#e0e0e0'\nset border 3 lc rgb '#555555'\nset tics nomirror\n";
  script += "set bmargin 8\nset key at screen 0.5, screen 0.015 center bottom horizontal Left reverse width 2 box "
            "lc rgb '#cccccc'\n";
  if (plot.points.empty()) return script + "set label 'nothing to plot' at graph 0.5, graph 0.5 center\nplot NaN notitle\n";
  const Frame frame = frame_of(plot);
  script += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", number(frame.x.first), number(frame.x.second),
                        number(frame.y.first), number(frame.y.second));
  // Counts (devices, GPUs) get a tic per whole number, not 1.5 devices.
  const bool counts = std::all_of(plot.points.begin(), plot.points.end(), [](const ScatterPoint& p) { return p.x == std::floor(p.x); });
  if (counts && frame.x.second - frame.x.first <= 20) script += "set xtics 1\n";
  int arrow = 0;
  for (const auto& limit : frame.drawn) {
    const bool on_x = limit.on_x;
    const std::string at = number(limit.constraint.limit);
    script += on_x ? fmt::format("set arrow {} from first {}, graph 0 to first {}, graph 1 nohead", ++arrow, at, at)
                   : fmt::format("set arrow {} from graph 0, first {} to graph 1, first {} nohead", ++arrow, at, at);
    script += " dt 3 lw 2 lc rgb '#d73027' back\n";
    script += fmt::format("set label {} at {} {} textcolor rgb '#d73027' front\n", gnuplot_string(constraint_text(limit.constraint)),
                          on_x ? "first " + at + ", graph 0.97" : "graph 0.99, first " + at,
                          on_x ? "offset character 0.5,0 left" : "offset character 0,0.7 right");
  }
  std::string front_block = "$front << EOD\n";
  for (const std::size_t i : pareto_front(plot)) front_block += number(plot.points[i].x) + " " + number(plot.points[i].y) + "\n";
  script += front_block + "EOD\n";
  struct Series {
    ScatterPoint::Status status;
    const char* block;
    std::string style;
    std::string title;
  };
  const std::vector<Series> series = {
      {ScatterPoint::Status::kFeasible, "$feasible", "pt 6 ps 1.8 lw 2 lc rgb '#2166ac'", "feasible"},
      {ScatterPoint::Status::kInfeasible, "$excluded", "pt 2 ps 1.8 lw 2 lc rgb '#d73027'", plot.infeasible_title},
      {ScatterPoint::Status::kRecommended, "$recommended", "pt 7 ps 2.4 lc rgb '#1a9850'", plot.recommended_title}};
  std::string plots = "$front using 1:2 with lines dt 2 lw 2 lc rgb '#777777' title 'Pareto front'";
  for (const auto& s : series) {
    std::string block;
    for (const auto& point : plot.points) {
      if (point.status == s.status) block += number(point.x) + " " + number(point.y) + "\n";
    }
    if (block.empty()) continue;
    script += std::string(s.block) + " << EOD\n" + block + "EOD\n";
    plots += fmt::format(", {} using 1:2 with points {} title {}", s.block, s.style, gnuplot_string(s.title));
  }
  if (plot.mixture) {
    script += fmt::format("$mixture << EOD\n{} {}\nEOD\n", number(plot.mixture->first), number(plot.mixture->second));
    plots += ", $mixture using 1:2 with points pt 3 ps 1.8 lw 2 lc rgb '#000000' title 'the mixture (share-weighted mean)'";
  }
  for (std::size_t i = 0; i < plot.points.size(); ++i) {
    script += fmt::format("set label {} at {},{} offset character 1.2,0.9 left front\n",
                          gnuplot_string(plot.points[i].label), number(plot.points[i].x), number(plot.points[i].y));
  }
  return script + "plot " + plots + "\n";
}

std::string training_curves_script(const std::vector<TrainingCurve>& curves) {
  std::string script = fmt::format(kTerminal, 1000, 440);
  int64_t last_epoch = 1;
  for (std::size_t k = 0; k < curves.size(); ++k) {
    script += fmt::format("$curve{} << EOD\n", k);
    for (const auto& epoch : curves[k].epochs) {
      script += fmt::format("{} {} {}\n", epoch.epoch, number(epoch.loss), number(epoch.train_accuracy));
      last_epoch = std::max(last_epoch, epoch.epoch);
    }
    script += "EOD\n";
  }
  script += "set multiplot layout 1,2 title 'Training curves, per epoch (measured by the trainer on the training batches)'\n";
  script += "set grid lc rgb '#e0e0e0'\nset border 3 lc rgb '#555555'\nset tics nomirror\nset xlabel 'epoch'\n";
  script += fmt::format("set xrange [0.5:{}]\n", last_epoch + 0.5);
  script += last_epoch <= 20 ? "set xtics 1\n" : "set format x '%.0f'\n";
  const auto panel = [&](const char* ylabel, const char* column, const char* key) {
    std::string text = fmt::format("set ylabel {}\nset key {} box lc rgb '#cccccc'\nplot ", gnuplot_string(ylabel), key);
    for (std::size_t k = 0; k < curves.size(); ++k) {
      text += fmt::format("{}$curve{} using 1:{} with linespoints lw 2 pt 7 ps 0.8 lc {} dt {} title {}",
                          k > 0 ? ", " : "", k, column, curves[k].candidate + 1, curves[k].seed + 1,
                          gnuplot_string(curves[k].label));
    }
    return text + "\n";
  };
  script += panel("training loss (mean cross-entropy)", "2", "top right");
  script += panel("train accuracy (fraction correct)", "3", "bottom right");
  return script + "unset multiplot\n";
}

std::vector<PlotSpec> run_report_plots(const RunReport& report) {
  if (!report.recommendation) return {};
  const Recommendation& recommendation = *report.recommendation;
  const CriteriaTable& table = report.problem.table;
  std::vector<std::string> left_out;
  for (const auto& c : report.candidates) {
    if (const std::string why = left_out_reason(c); !why.empty()) left_out.push_back("Not plotted: " + why);
  }

  // C's main measure: its sub-criterion of largest sub-weight (the first of equals).
  const auto group = std::find_if(recommendation.groups.begin(), recommendation.groups.end(),
                                  [](const CriterionGroup& g) { return g.name == "C"; });
  std::vector<PlotSpec> plots;
  if (group != recommendation.groups.end() && !group->parts.empty()) {
    const auto main = std::max_element(group->parts.begin(), group->parts.end(),
                                       [](const auto& a, const auto& b) { return a.weight < b.weight; });
    const auto column = std::find_if(table.criteria.begin(), table.criteria.end(),
                                     [&](const Criterion& c) { return c.name == main->column; });
    if (column != table.criteria.end()) {
      ScatterPlot plot;
      plot.x = *column;
      plot.y = metric_column("accuracy");
      plot.x_label = "C: " + axis_label(*column);
      plot.y_label = "test accuracy (fraction correct)";
      plot.title = fmt::format("Test accuracy against cost (C: {})", column->name);
      plot.limits = limits_on(report.problem.constraints, names_of(plot.x.name, recommendation.groups),
                              names_of(plot.y.name, recommendation.groups));
      const auto j = static_cast<std::size_t>(column - table.criteria.begin());
      std::vector<double> xs(table.options.size());
      std::vector<double> ys(table.options.size());
      for (const auto& c : report.candidates) {
        if (!c.row) continue;
        xs[*c.row] = table.values[*c.row][j];
        ys[*c.row] = c.metrics->accuracy;
        plot.points.push_back({point_label(recommendation, c.spec.name, *c.row), xs[*c.row], ys[*c.row],
                               status_of(recommendation, *c.row)});
      }
      mark_decision(recommendation, xs, ys, plot);
      std::vector<std::string> notes = left_out;
      notes.insert(notes.begin(), fmt::format("C: {}: {}{}.", column->name, column->method,
                                              column->name == "devices"
                                                  ? fmt::format(" ({} images/s on {})", short_number(report.info.target_rate),
                                                                report.info.device_name)
                                                  : std::string()));
      plots.push_back(scatter_spec(std::move(plot), std::move(notes)));
    }
  }
  const auto curves = training_curves(report);
  if (!curves.empty()) {
    std::vector<std::string> notes = {"Loss and accuracy on the (augmented) training batches of each epoch, as the "
                                      "trainer measured them; one line per candidate and seed."};
    notes.insert(notes.end(), left_out.begin(), left_out.end());
    plots.push_back({"Training curves", training_curves_script(curves), std::move(notes)});
  }
  return plots;
}

std::vector<PlotSpec> table_report_plots(const TableReport& report) {
  const CriteriaTable& table = report.problem.table;
  if (table.criteria.size() < 2) return {};
  const auto find = [&](auto predicate) -> std::optional<std::size_t> {
    const auto it = std::find_if(table.criteria.begin(), table.criteria.end(), predicate);
    if (it == table.criteria.end()) return std::nullopt;
    return static_cast<std::size_t>(it - table.criteria.begin());
  };
  auto y = find([](const Criterion& c) { return c.name == "P"; });
  auto x = find([](const Criterion& c) { return c.name == "C"; });
  if (!x || !y) {
    y = find([](const Criterion& c) { return c.direction == Direction::kMax; });
    x = find([](const Criterion& c) { return c.direction == Direction::kMin; });
  }
  if (!x || !y) {
    y = 0;
    x = 1;
  }
  ScatterPlot plot;
  plot.x = table.criteria[*x];
  plot.y = table.criteria[*y];
  plot.x_label = described_label(plot.x);
  plot.y_label = described_label(plot.y);
  plot.title = fmt::format("{}: the options on {} and {}", report.name, plot.y.name, plot.x.name);
  plot.limits = limits_on(report.problem.constraints, {plot.x.name}, {plot.y.name});
  std::vector<double> xs;
  std::vector<double> ys;
  for (std::size_t i = 0; i < table.options.size(); ++i) {
    xs.push_back(table.values[i][*x]);
    ys.push_back(table.values[i][*y]);
    plot.points.push_back({point_label(report.recommendation, table.options[i], i), xs.back(), ys.back(),
                           status_of(report.recommendation, i)});
  }
  mark_decision(report.recommendation, xs, ys, plot);
  return {scatter_spec(std::move(plot), {})};
}

void add_plots(const std::vector<PlotSpec>& plots, ReportDocument& document) {
  std::vector<ReportSection> sections;
  for (const auto& plot : plots) {
    ReportSection section{"Plot: " + plot.title, {}};
    std::string svg = run_gnuplot(plot.script);
    // The SVG's own title (a tooltip, and its name for screen readers) says what it shows.
    const std::string generic = "<title>Gnuplot</title>";
    if (const auto at = svg.find(generic); at != std::string::npos) {
      svg.replace(at, generic.size(), "<title>" + html_escape(plot.title) + "</title>");
    }
    section.image(plot.title, std::move(svg));
    for (const auto& note : plot.notes) section.line(note);
    sections.push_back(std::move(section));
  }
  const auto at = document.sections.empty() ? document.sections.end() : document.sections.begin() + 1;
  document.sections.insert(at, sections.begin(), sections.end());
}

}  // namespace sizesel
