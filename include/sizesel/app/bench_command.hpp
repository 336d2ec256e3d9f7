// `sizesel bench`: the throughput benchmarks of docs and BENCHMARKS.md (training, inference, SGEMM peak).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "sizesel/app/cli_options.hpp"

namespace sizesel {

/// What `sizesel bench train` trains and measures.
struct BenchTrainOptions {
  std::string preset = "resnet20";
  std::filesystem::path data_dir;          ///< CIFAR-10 binary folder, or an IDX folder
  std::string dataset_format = "cifar10-bin";
  int64_t images = 5000;                   ///< class-balanced training images
  int64_t test_images = 1000;              ///< class-balanced test images
  int64_t epochs = 1;
  int64_t batch = 128;
  int64_t threads = 0;                     ///< 0 = every core of the affinity mask
  double learning_rate = 0.1;
  uint64_t seed = 1;
  int64_t latency_runs = 100;
  int64_t throughput_runs = 10;
  int64_t inference_batch = 256;
  OutputFormat format = OutputFormat::kText;
};

/// What `sizesel bench sgemm` multiplies.
struct BenchSgemmOptions {
  int64_t size = 1024;  ///< n of the n x n x n single-precision matrix product
  int64_t runs = 20;
  int64_t threads = 0;
  OutputFormat format = OutputFormat::kText;
};

/// Trains the preset on the subset exactly as `recommend` trains (augmentation, SGD, one-cycle),
/// then measures test accuracy, evaluation speed, batch-1 latency and batch throughput; prints
/// the figures (docs/benchmarks in BENCHMARKS.md). Returns the exit code.
[[nodiscard]] int run_bench_train(const BenchTrainOptions& options);

/// Times torch::mm on n x n float matrices with the given threads: the machine's SGEMM peak
/// that training FLOP utilisation is compared with. Returns the exit code.
[[nodiscard]] int run_bench_sgemm(const BenchSgemmOptions& options);

}  // namespace sizesel
