// A hard constraint on one raw metric or criterion value: "metric >= limit" or "metric <= limit".
#pragma once

#include <string>

namespace sizesel {

enum class BoundKind { kMin, kMax };

/// What a constraint applies to when the decision is a mixture of options. Choosing a single
/// option makes the two the same.
enum class ConstraintScope {
  kMixture,     ///< the share-weighted mean Σ_i x_i · value_i (a budget, an average accuracy)
  kEachOption,  ///< every option given a share (a latency each request must meet)
};

struct Constraint {
  std::string metric;  ///< a metric name ("accuracy", "latency_ms_p50") or a criterion ("P", "C")
  BoundKind kind = BoundKind::kMin;
  double limit = 0;    ///< in the metric's own unit
  ConstraintScope scope = ConstraintScope::kMixture;
};

}  // namespace sizesel
