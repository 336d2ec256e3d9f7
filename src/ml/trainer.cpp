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

void TrainingSession::run_to_step(int64_t last_step) {
  using Clock = std::chrono::steady_clock;
  const int64_t n = train_.images.size(0);
  last_step = std::min(last_step, total_steps_);
  if (step_ >= last_step) return;
  model_->train();
  auto started = Clock::now();
  while (step_ < last_step) {
    const int64_t b = step_ % batches_;
    const int64_t epoch = step_ / batches_ + 1;
    if (b == 0) order_ = torch::randperm(n, generator_, torch::kLong);
    const int64_t begin = b * batch_size_;
    const auto index = order_.narrow(0, begin, std::min(batch_size_, n - begin));
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
    loss_sum_ += loss_value * static_cast<double>(count);
    correct_ += logits.argmax(1).eq(labels).sum().item<int64_t>();
    seen_ += count;
    if (b + 1 < batches_) continue;

    // The epoch is complete.
    const auto now = Clock::now();
    epoch_seconds_ += std::chrono::duration<double>(now - started).count();
    started = now;
    EpochReport report;
    report.epoch = epoch;
    report.epochs = spec_.epochs;
    report.mean_loss = loss_sum_ / static_cast<double>(seen_);
    report.train_accuracy = static_cast<double>(correct_) / static_cast<double>(seen_);
    report.seconds = epoch_seconds_;
    report.images_per_s = static_cast<double>(seen_) / epoch_seconds_;
    result_.epochs.push_back(report);
    result_.seconds += epoch_seconds_;
    images_ += seen_;
    result_.images_per_s = static_cast<double>(images_) / result_.seconds;
    result_.final_loss = report.mean_loss;
    epochs_done_ = epoch;
    epoch_seconds_ = loss_sum_ = 0;
    correct_ = seen_ = 0;
    if (on_epoch_) on_epoch_(report);
    started = Clock::now();  // the callback's own time is not training
  }
  epoch_seconds_ += std::chrono::duration<double>(Clock::now() - started).count();
  model_->eval();
}

TrainingResult train_model(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                           const TrainingSpec& spec, torch::Device device, const EpochCallback& on_epoch) {
  TrainingSession session(model, train, stats, spec, device, on_epoch);
  session.run_to(spec.epochs);
  return session.result();
}

}  // namespace sizesel
