#include "sizesel/ml/trainer.hpp"

#include <chrono>
#include <cmath>
#include <random>

#include <fmt/format.h>
#include <torch/torch.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kWarmupFraction = 0.3;  // OneCycle's default pct_start
constexpr double kStartDivisor = 25.0;   // OneCycle's default div_factor

double cosine_down(double peak, double progress) { return peak * 0.5 * (1.0 + std::cos(kPi * progress)); }

}  // namespace

double learning_rate_at(const TrainingSpec& spec, int64_t step, int64_t total_steps) {
  const double peak = spec.learning_rate;
  if (total_steps <= 1) return peak;
  const double t = static_cast<double>(step) / static_cast<double>(total_steps - 1);
  switch (spec.schedule) {
    case Schedule::kConstant:
      return peak;
    case Schedule::kCosine:
      return cosine_down(peak, t);
    case Schedule::kOneCycle: {
      if (t < kWarmupFraction) {
        const double start = peak / kStartDivisor;
        return start + (peak - start) * t / kWarmupFraction;
      }
      return cosine_down(peak, (t - kWarmupFraction) / (1.0 - kWarmupFraction));
    }
  }
  return peak;
}

TrainingResult train_model(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                           const TrainingSpec& spec, torch::Device device, const EpochCallback& on_epoch) {
  using Clock = std::chrono::steady_clock;
  const int64_t n = train.images.size(0);
  if (n < 2) throw TrainingError(fmt::format("training needs at least 2 images (got {})", n));
  const int64_t batch_size = std::min(spec.batch_size, n);
  // A final batch of one image cannot be batch-normalised; it is dropped.
  const int64_t batches = n / batch_size + (n % batch_size > 1 ? 1 : 0);
  const int64_t total_steps = batches * spec.epochs;

  model->to(device);
  model->train();
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(spec.learning_rate)
                                                       .momentum(spec.momentum)
                                                       .weight_decay(spec.weight_decay));
  auto generator = at::make_generator<at::CPUGeneratorImpl>(spec.seed);
  std::mt19937_64 rng(spec.seed);

  TrainingResult result;
  int64_t step = 0;
  int64_t total_images = 0;
  const auto run_start = Clock::now();
  for (int64_t epoch = 1; epoch <= spec.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const auto order = torch::randperm(n, generator, torch::kLong);
    double loss_sum = 0;
    int64_t correct = 0;
    int64_t seen = 0;
    for (int64_t b = 0; b < batches; ++b) {
      const int64_t begin = b * batch_size;
      const auto index = order.narrow(0, begin, std::min(batch_size, n - begin));
      auto images = train.images.index_select(0, index);
      if (spec.augment) images = augment_batch(images, rng);
      const auto inputs = to_model_input(images, stats).to(device);
      const auto labels = train.labels.index_select(0, index).to(device);

      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::SGDOptions&>(group.options()).lr(learning_rate_at(spec, step, total_steps));
      }
      optimizer.zero_grad();
      const auto logits = model->forward(inputs);
      const auto loss = torch::nn::functional::cross_entropy(logits, labels);
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value)) {
        throw TrainingError(fmt::format("training diverged: loss is {} at epoch {}, batch {} (learning rate {:.4g})",
                                        loss_value, epoch, b + 1, learning_rate_at(spec, step, total_steps)));
      }
      loss.backward();
      optimizer.step();
      ++step;

      const int64_t count = index.size(0);
      loss_sum += loss_value * static_cast<double>(count);
      correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
      seen += count;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    EpochReport report;
    report.epoch = epoch;
    report.epochs = spec.epochs;
    report.mean_loss = loss_sum / static_cast<double>(seen);
    report.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    report.seconds = seconds;
    report.images_per_s = static_cast<double>(seen) / seconds;
    result.epochs.push_back(report);
    total_images += seen;
    if (on_epoch) on_epoch(report);
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - run_start).count();
  result.images_per_s = static_cast<double>(total_images) / result.seconds;
  result.final_loss = result.epochs.empty() ? 0 : result.epochs.back().mean_loss;
  model->eval();
  return result;
}

}  // namespace sizesel
