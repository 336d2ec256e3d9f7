// How serving cost (latency, throughput, memory) is measured on a trained candidate.
#pragma once

#include <cstdint>

namespace sizesel {

struct MeasurementSpec {
  int64_t warmup_runs = 5;      ///< untimed runs before timing
  int64_t latency_runs = 30;    ///< timed batch-1 runs for the latency percentiles
  int64_t throughput_runs = 10;  ///< timed runs at the deployment batch size; throughput from the median
};

}  // namespace sizesel
