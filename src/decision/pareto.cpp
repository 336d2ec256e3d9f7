#include "sizesel/decision/pareto.hpp"

namespace sizesel {
namespace {

/// v in the direction where more is better.
double oriented(const Criterion& criterion, double v) { return criterion.direction == Direction::kMax ? v : -v; }

bool dominates(const CriteriaTable& table, std::size_t a, std::size_t b) {
  bool better_somewhere = false;
  for (std::size_t j = 0; j < table.criteria.size(); ++j) {
    const double va = oriented(table.criteria[j], table.values[a][j]);
    const double vb = oriented(table.criteria[j], table.values[b][j]);
    if (va < vb) return false;
    better_somewhere = better_somewhere || va > vb;
  }
  return better_somewhere;
}

}  // namespace

std::vector<std::vector<std::size_t>> dominated_by(const CriteriaTable& table) {
  std::vector<std::vector<std::size_t>> result(table.options.size());
  for (std::size_t b = 0; b < table.options.size(); ++b) {
    for (std::size_t a = 0; a < table.options.size(); ++a) {
      if (a != b && dominates(table, a, b)) result[b].push_back(a);
    }
  }
  return result;
}

}  // namespace sizesel
