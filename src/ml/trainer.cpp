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

TrainingSession::TrainingSession(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                                 const TrainingSpec& spec, torch::Device device, EpochCallback on_epoch)
    : model_(model),
      train_(train),
      stats_(stats),
      spec_(spec),
      device_(device),
      on_epoch_(std::move(on_epoch)),
      optimizer_((model->to(device), model->parameters()),
                 torch::optim::SGDOptions(spec.learning_rate).momentum(spec.momentum).weight_decay(spec.weight_decay)),
      generator_(at::make_generator<at::CPUGeneratorImpl>(spec.seed)),
      rng_(spec.seed) {
  const int64_t n = train.images.size(0);
  if (n < 2) throw TrainingError(fmt::format("training needs at least 2 images (got {})", n));
  batch_size_ = std::min(spec.batch_size, n);
  // A final batch of one image cannot be batch-normalised; it is dropped.
  batches_ = n / batch_size_ + (n % batch_size_ > 1 ? 1 : 0);
  total_steps_ = batches_ * spec.epochs;
}

void TrainingSession::run_to(int64_t last_epoch) {
  using Clock = std::chrono::steady_clock;
  const int64_t n = train_.images.size(0);
  last_epoch = std::min(last_epoch, spec_.epochs);
  model_->train();
  for (int64_t epoch = epochs_done_ + 1; epoch <= last_epoch; ++epoch) {
    const auto epoch_start = Clock::now();
    const auto order = torch::randperm(n, generator_, torch::kLong);
    double loss_sum = 0;
    int64_t correct = 0;
    int64_t seen = 0;
    for (int64_t b = 0; b < batches_; ++b) {
      const int64_t begin = b * batch_size_;
      const auto index = order.narrow(0, begin, std::min(batch_size_, n - begin));
      auto images = train_.images.index_select(0, index);
      if (spec_.augment) images = augment_batch(images, rng_);
      const auto inputs = to_model_input(images, stats_).to(device_);
      const auto labels = train_.labels.index_select(0, index).to(device_);

      const double rate = learning_rate_at(spec_, step_, total_steps_);
      for (auto& group : optimizer_.param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(rate);
      optimizer_.zero_grad();
      const auto logits = model_->forward(inputs);
      const auto loss = torch::nn::functional::cross_entropy(logits, labels);
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value)) {
        model_->eval();
        throw TrainingError(fmt::format("training diverged: loss is {} at epoch {}, batch {} (learning rate {:.4g})",
                                        loss_value, epoch, b + 1, rate));
      }
      loss.backward();
      optimizer_.step();
      ++step_;

      const int64_t count = index.size(0);
      loss_sum += loss_value * static_cast<double>(count);
      correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
      seen += count;
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    EpochReport report;
    report.epoch = epoch;
    report.epochs = spec_.epochs;
    report.mean_loss = loss_sum / static_cast<double>(seen);
    report.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    report.seconds = seconds;
    report.images_per_s = static_cast<double>(seen) / seconds;
    result_.epochs.push_back(report);
    result_.seconds += seconds;
    images_ += seen;
    result_.images_per_s = static_cast<double>(images_) / result_.seconds;
    result_.final_loss = report.mean_loss;
    epochs_done_ = epoch;
    if (on_epoch_) on_epoch_(report);
  }
  model_->eval();
}

TrainingResult train_model(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                           const TrainingSpec& spec, torch::Device device, const EpochCallback& on_epoch) {
  TrainingSession session(model, train, stats, spec, device, on_epoch);
  session.run_to(spec.epochs);
  return session.result();
}

}  // namespace sizesel
