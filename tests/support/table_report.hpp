// A table file decided as `sizesel solve` decides it (solve_outcome), for tests that must stay free of libtorch.
#pragma once

#include "sizesel/report/decision_report.hpp"
#include "sizesel/scenario/table_file.hpp"

namespace test_support {

/// The TableReport of `table`, decided (decide_table); throws what decide_table throws.
inline sizesel::TableReport decided_table_report(const sizesel::TableFile& table) {
  sizesel::TableReport report;
  report.name = table.name;
  report.file = table.file.string();
  report.options_file = table.options_file.string();
  report.levels = table.levels;
  report.problem = table.problem;
  sizesel::decide_table(report);
  return report;
}

}  // namespace test_support
