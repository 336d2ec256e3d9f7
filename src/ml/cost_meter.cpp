#include "sizesel/ml/cost_meter.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <torch/torch.h>

#include "sizesel/ml/memory_tracker.hpp"

namespace sizesel {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// Seconds one forward pass of `input` takes, waiting for the device to finish.
double timed_forward(ResNet& model, const torch::Tensor& input, torch::Device device) {
  const auto start = std::chrono::steady_clock::now();
  const auto output = model->forward(input);
  if (device.is_cuda()) {
    (void)output.cpu();
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int64_t state_bytes(const ResNet& model) {
  int64_t bytes = 0;
  for (const auto& tensor : model->parameters()) bytes += tensor.numel() * static_cast<int64_t>(tensor.element_size());
  for (const auto& tensor : model->buffers()) bytes += tensor.numel() * static_cast<int64_t>(tensor.element_size());
  return bytes;
}

}  // namespace

double nearest_rank(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

ServingCost measure_serving_cost(ResNet& model, int64_t channels, int64_t height, int64_t width,
                                 int64_t batch_size, const MeasurementSpec& spec, torch::Device device) {
  model->eval();
  model->to(device);
  // Served as a deployment would serve it: batch norms folded into the convolutions.
  ResNet serving = folded_for_serving(model);
  torch::InferenceMode inference;
  const auto options = torch::TensorOptions().device(device);
  const auto single = torch::randn({1, channels, height, width}, options);
  const auto batch = torch::randn({batch_size, channels, height, width}, options);

  ServingCost cost;
  for (int64_t i = 0; i < spec.warmup_runs; ++i) {
    (void)timed_forward(serving, single, device);
    (void)timed_forward(serving, batch, device);
  }

  std::vector<double> latencies;
  for (int64_t i = 0; i < spec.latency_runs; ++i) latencies.push_back(timed_forward(serving, single, device) * 1000.0);
  cost.latency_ms_p50 = nearest_rank(latencies, 0.5);
  cost.latency_ms_p90 = nearest_rank(latencies, 0.9);
  cost.latency_ms_p99 = nearest_rank(latencies, 0.99);

  // The median pass, not the mean: one pass stalled by another process on a shared machine
  // would otherwise lower the throughput, and so raise `devices`, for every later decision.
  std::vector<double> passes;
  reset_tracked_peak();
  const int64_t baseline = tracked_bytes();
  for (int64_t i = 0; i < spec.throughput_runs; ++i) passes.push_back(timed_forward(serving, batch, device));
  const int64_t extra = tracked_peak_bytes() - baseline;
  cost.throughput = static_cast<double>(batch_size) / nearest_rank(passes, 0.5);
  cost.inference_memory_mib = static_cast<double>(state_bytes(model) + batch.nbytes() + std::max<int64_t>(extra, 0)) / kMiB;
  return cost;
}

}  // namespace sizesel
