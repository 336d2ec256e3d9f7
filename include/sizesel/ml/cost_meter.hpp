// Measures what serving a trained model costs: batch-1 latency, batch throughput, peak memory.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/ml/resnet.hpp"

namespace sizesel {

struct ServingCost {
  double latency_ms_p50 = 0;        ///< median batch-1 forward time, ms
  double latency_ms_p90 = 0;
  double latency_ms_p99 = 0;        ///< 90th percentile (nearest rank) batch-1 forward time, ms
  double throughput = 0;            ///< images/s at the deployment batch size
  /// Parameters and buffers + the input batch + the peak extra tensor memory while serving
  /// batches, MiB. Counted on the CPU allocator only: on CUDA the activations are not included.
  double inference_memory_mib = 0;
};

/// The q-quantile (0 < q <= 1) of `values` by the nearest-rank method; 0 when empty.
[[nodiscard]] double nearest_rank(std::vector<double> values, double q);

/// Times `model` in eval mode under InferenceMode on synthetic inputs of shape
/// [batch, channels, height, width] (timings of dense convolutions do not depend on pixel values):
/// spec.warmup_runs untimed runs, then spec.latency_runs batch-1 runs and spec.throughput_runs
/// runs at `batch_size`; throughput is batch_size over the median of those runs. Memory is counted
/// by the tracked CPU allocator (install_memory_tracker).
[[nodiscard]] ServingCost measure_serving_cost(ResNet& model, int64_t channels, int64_t height, int64_t width,
                                               int64_t batch_size, const MeasurementSpec& spec,
                                               torch::Device device);

}  // namespace sizesel
