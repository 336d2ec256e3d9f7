#include "sizesel/app/bench_command.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "sizesel/app/pipeline.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/ml/cost_meter.hpp"
#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/evaluator.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/memory_tracker.hpp"
#include "sizesel/ml/resnet.hpp"
#include "sizesel/ml/runtime.hpp"
#include "sizesel/ml/trainer.hpp"

namespace sizesel {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// The process's peak resident set size so far, MiB (getrusage: ru_maxrss is in KiB on Linux).
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void print(const nlohmann::json& result, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    std::cout << result.dump(2) << '\n';
    return;
  }
  for (const auto& [key, value] : result.items()) {
    if (value.is_number_float()) {
      fmt::print("{:<22} {:.4g}\n", key, value.get<double>());
    } else {
      fmt::print("{:<22} {}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
}

}  // namespace

int run_bench_train(const BenchTrainOptions& options) {
  ensure_passive_openmp();
  const auto start = Clock::now();
  const auto preset = find_preset(options.preset);
  if (!preset) throw InputError(fmt::format("--preset: unknown preset \"{}\"", options.preset));
  CandidateSpec spec = *preset;
  spec.name = options.preset;

  DatasetSpec data;
  data.format = options.dataset_format == "idx" ? DatasetFormat::kIdx : DatasetFormat::kCifar10Bin;
  data.root = options.data_dir;
  data.train_limit = options.images;
  data.test_limit = options.test_images;
  const int64_t threads = configure_threads(options.threads);
  install_memory_tracker();
  const Dataset dataset = load_dataset(data);

  TrainingSpec training;
  training.epochs = options.epochs;
  training.batch_size = options.batch;
  training.learning_rate = options.learning_rate;
  training.seed = options.seed;
  torch::manual_seed(options.seed);
  ResNet model(spec, dataset.channels, dataset.num_classes);
  const ChannelStats stats = channel_stats(dataset.train.images);
  const TrainingResult trained = train_model(model, dataset.train, stats, training, torch::kCPU);

  const auto eval_start = Clock::now();
  const auto predicted = predict(model, dataset.test, stats, torch::kCPU, options.inference_batch);
  const double eval_seconds = seconds_since(eval_start);
  const Quality quality = quality_of(predicted, dataset.test.labels, dataset.num_classes);

  MeasurementSpec measurement;
  measurement.latency_runs = options.latency_runs;
  measurement.throughput_runs = options.throughput_runs;
  const ServingCost cost = measure_serving_cost(model, dataset.channels, dataset.height, dataset.width,
                                                options.inference_batch, measurement, torch::kCPU);
  const int64_t macs = count_macs(model, dataset.height, dataset.width);
  const auto images = dataset.train.images.size(0);
  const auto test_images = dataset.test.images.size(0);
  // Training costs about three forward passes (forward, and a backward pass of about twice the
  // forward's work), at 2 FLOPs per multiply-accumulate.
  const double train_gflops = 6.0 * static_cast<double>(macs) * trained.images_per_s / 1e9;
  print(nlohmann::json{{"tool", "sizesel"},
                       {"torch", torch_version()},
                       {"preset", options.preset},
                       {"images", images},
                       {"test_images", test_images},
                       {"epochs", options.epochs},
                       {"batch", std::min<int64_t>(options.batch, images)},
                       {"dataset_format", options.dataset_format},
                       {"learning_rate", options.learning_rate},
                       {"seed", options.seed},
                       {"threads", threads},
                       {"macs", macs},
                       {"train_images_per_s", trained.images_per_s},
                       {"train_seconds", trained.seconds},
                       {"train_gflops", train_gflops},
                       {"eval_images_per_s", static_cast<double>(test_images) / eval_seconds},
                       {"latency_ms_p50", cost.latency_ms_p50},
                       {"inference_batch", options.inference_batch},
                       {"throughput", cost.throughput},
                       {"test_accuracy", quality.accuracy},
                       {"final_train_loss", trained.final_loss},
                       {"peak_rss_mib", peak_rss_mib()},
                       {"wall_s", seconds_since(start)}},
        options.format);
  return kExitRecommended;
}

int run_bench_sgemm(const BenchSgemmOptions& options) {
  ensure_passive_openmp();
  const int64_t threads = configure_threads(options.threads);
  torch::NoGradGuard no_grad;
  const int64_t n = options.size;
  const auto a = torch::randn({n, n});
  const auto b = torch::randn({n, n});
  auto c = torch::empty({n, n});
  for (int i = 0; i < 3; ++i) torch::mm_out(c, a, b);
  std::vector<double> seconds;
  for (int64_t i = 0; i < options.runs; ++i) {
    const auto run_start = Clock::now();
    torch::mm_out(c, a, b);
    seconds.push_back(seconds_since(run_start));
  }
  const double flops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
  const double best = *std::min_element(seconds.begin(), seconds.end());
  print(nlohmann::json{{"tool", "sizesel"},
                       {"size", n},
                       {"threads", threads},
                       {"runs", options.runs},
                       {"sgemm_gflops_median", flops / nearest_rank(seconds, 0.5) / 1e9},
                       {"sgemm_gflops_best", flops / best / 1e9}},
        options.format);
  return kExitRecommended;
}

}  // namespace sizesel
