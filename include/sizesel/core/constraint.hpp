// A hard constraint on one raw metric or criterion value: "metric >= limit" or "metric <= limit".
#pragma once

#include <string>

namespace sizesel {

enum class BoundKind { kMin, kMax };

struct Constraint {
  std::string metric;  ///< a metric name ("accuracy", "latency_ms_p50") or a criterion ("P", "C")
  BoundKind kind = BoundKind::kMin;
  double limit = 0;    ///< in the metric's own unit
};

}  // namespace sizesel
