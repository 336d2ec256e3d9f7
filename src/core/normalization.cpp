#include "sizesel/core/normalization.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

using Column = std::vector<double>;

Column column_of(const CriteriaTable& table, std::size_t j) {
  Column column;
  for (const auto& row : table.values) column.push_back(row[j]);
  return column;
}

Column minmax(const Criterion& criterion, const Column& v) {
  const auto [lo_it, hi_it] = std::minmax_element(v.begin(), v.end());
  const double lo = *lo_it;
  const double hi = *hi_it;
  Column out(v.size(), 1.0);
  if (hi == lo) return out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[i] = criterion.direction == Direction::kMax ? (v[i] - lo) / (hi - lo) : (hi - v[i]) / (hi - lo);
  }
  return out;
}

Column vector_norm(const CriteriaTable& table, const Criterion& criterion, const Column& v) {
  double largest = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] < 0) {
      throw InputError(fmt::format("criteria table: option '{}', criterion '{}': vector normalisation needs "
                                   "values >= 0 (got {})",
                                   table.options[i], criterion.name, v[i]));
    }
    largest = std::max(largest, v[i]);
  }
  Column out(v.size(), 1.0);
  if (largest == 0) return out;
  // ||v|| = largest * ||v / largest||, which neither overflows nor underflows.
  double squares = 0;
  for (double value : v) squares += (value / largest) * (value / largest);
  const double norm = largest * std::sqrt(squares);
  for (std::size_t i = 0; i < v.size(); ++i) {
    out[i] = criterion.direction == Direction::kMax ? v[i] / norm : 1.0 - v[i] / norm;
  }
  return out;
}

Column reference(const Criterion& criterion, const Column& v) {
  if (!criterion.reference) {
    throw InputError(fmt::format("criterion '{}': reference normalisation needs its reference range "
                                 "(worst and best)",
                                 criterion.name));
  }
  const auto [worst, best] = *criterion.reference;
  if (!std::isfinite(worst) || !std::isfinite(best)) {
    throw InputError(fmt::format("criterion '{}': reference range must be finite (got worst {}, best {})",
                                 criterion.name, worst, best));
  }
  const bool points_up = best > worst;
  if (best == worst || points_up != (criterion.direction == Direction::kMax)) {
    throw InputError(fmt::format("criterion '{}': reference best {} must be {} than worst {} for direction '{}'",
                                 criterion.name, best,
                                 criterion.direction == Direction::kMax ? "greater" : "smaller", worst,
                                 to_string(criterion.direction)));
  }
  Column out;
  for (double value : v) out.push_back((value - worst) / (best - worst));
  return out;
}

Column raw(const Criterion& criterion, const Column& v) {
  Column out;
  for (double value : v) out.push_back(criterion.direction == Direction::kMax ? value : -value);
  return out;
}

}  // namespace

std::string to_string(Normalization method) {
  switch (method) {
    case Normalization::kMinMax: return "minmax";
    case Normalization::kVector: return "vector";
    case Normalization::kReference: return "reference";
    case Normalization::kRaw: return "raw";
  }
  return "minmax";
}

const std::vector<std::string>& normalization_names() {
  static const std::vector<std::string> kNames = {"minmax", "vector", "reference", "raw"};
  return kNames;
}

Normalization normalization_from_string(const std::string& name) {
  for (auto method : {Normalization::kMinMax, Normalization::kVector, Normalization::kReference, Normalization::kRaw}) {
    if (to_string(method) == name) return method;
  }
  throw std::invalid_argument("unknown normalisation '" + name + "'");
}

NormalizedTable normalize(const CriteriaTable& table, Normalization method) {
  validate(table);
  NormalizedTable normalized;
  normalized.values.assign(table.values.size(), std::vector<double>(table.criteria.size(), 0.0));
  if (table.values.empty()) return normalized;
  for (std::size_t j = 0; j < table.criteria.size(); ++j) {
    const Criterion& criterion = table.criteria[j];
    const Column v = column_of(table, j);
    Column out;
    switch (method) {
      case Normalization::kMinMax: out = minmax(criterion, v); break;
      case Normalization::kVector: out = vector_norm(table, criterion, v); break;
      case Normalization::kReference: out = reference(criterion, v); break;
      case Normalization::kRaw: out = raw(criterion, v); break;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (!std::isfinite(out[i]) || std::abs(out[i]) > kMaxNormalized) {
        throw InputError(fmt::format("criteria table: option '{}', criterion '{}': normalised value {} is out of "
                                     "range (a reference range too narrow for the values?)",
                                     table.options[i], criterion.name, out[i]));
      }
      normalized.values[i][j] = out[i] + 0.0;  // + 0.0 turns -0 into 0
    }
  }
  return normalized;
}

}  // namespace sizesel
