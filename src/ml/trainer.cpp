#include "sizesel/ml/trainer.hpp"

#include <csignal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <torch/torch.h>
#include <unistd.h>
#include <zlib.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

/// A checkpoint file: this magic, the CRC-32 of the archive in hex, a space, the file name it
/// was written as and a newline, then libtorch's archive. libtorch loads an archive with a
/// flipped byte in a tensor without complaint: the checksum makes any damage or truncation an
/// error instead of silently wrong weights. The name ties it to its evaluation, since the results
/// cache names each checkpoint by the key of everything that determines the training.
constexpr std::string_view kCheckpointMagic = "sizesel-checkpoint 1 ";

uint32_t crc32_of(const std::string& bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (std::size_t at = 0; at < bytes.size();) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes.size() - at, 1U << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), chunk);
    at += chunk;
  }
  return static_cast<uint32_t>(crc);
}

/// The archive inside a checkpoint file, once its checksum holds; throws TrainingError.
std::string checked_archive(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) throw TrainingError(file.string() + ": checkpoint unreadable");
  const std::string bytes = content.str();
  const std::size_t newline = bytes.find('\n');
  const std::size_t crc_end = kCheckpointMagic.size() + 8;
  if (bytes.compare(0, kCheckpointMagic.size(), kCheckpointMagic) != 0 || newline == std::string::npos ||
      newline <= crc_end || bytes[crc_end] != ' ') {
    throw TrainingError(file.string() + ": not a sizesel checkpoint");
  }
  std::string archive = bytes.substr(newline + 1);
  if (bytes.substr(kCheckpointMagic.size(), 8) != fmt::format("{:08x}", crc32_of(archive))) {
    throw TrainingError(file.string() + ": checkpoint fails its checksum (damaged or truncated)");
  }
  const std::string name = bytes.substr(crc_end + 1, newline - crc_end - 1);
  if (name != file.filename().string()) {
    throw TrainingError(file.string() + ": checkpoint written as " + name + ": it belongs to another training");
  }
  return archive;
}

constexpr double kPi = 3.14159265358979323846;
constexpr double kWarmupFraction = 0.3;  // OneCycle's default pct_start
constexpr double kStartDivisor = 25.0;   // OneCycle's default div_factor

double cosine_down(double peak, double progress) { return peak * 0.5 * (1.0 + std::cos(kPi * progress)); }

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int signal) {
  g_interrupted = 1;
  std::signal(signal, SIG_DFL);  // a second one ends the process
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

bool interrupt_requested() { return g_interrupted != 0; }

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
    if (interrupt_requested()) {
      model_->eval();
      throw Interrupted(fmt::format("interrupted at epoch {}, step {} of {}", epoch, step_, total_steps_));
    }

    const int64_t count = index.size(0);
    loss_sum_ += loss_value * static_cast<double>(count);
    correct_ += logits.argmax(1).eq(labels).sum().item<int64_t>();
    seen_ += count;
    if (b + 1 < batches_) {
      if (on_step_) {
        const auto now = Clock::now();
        epoch_seconds_ += std::chrono::duration<double>(now - started).count();  // seconds_so_far() is current
        on_step_({epoch, spec_.epochs, b + 1, batches_, loss_sum_ / static_cast<double>(seen_),
                  static_cast<double>(correct_) / static_cast<double>(seen_),
                  epoch_seconds_ > 0 ? static_cast<double>(seen_) / epoch_seconds_ : 0.0});
        started = Clock::now();  // the callback's own time is not training
      }
      continue;
    }

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
    if (!checkpoint_.empty()) save(checkpoint_);
    if (on_epoch_) on_epoch_(report);
    started = Clock::now();  // the callback's own time is not training
  }
  epoch_seconds_ += std::chrono::duration<double>(Clock::now() - started).count();
  model_->eval();
}

void TrainingSession::save(const std::filesystem::path& file) const {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model;
  model_->save(model);
  archive.write("model", model);
  torch::serialize::OutputArchive optimizer;
  optimizer_.save(optimizer);
  archive.write("optimizer", optimizer);
  archive.write("generator", generator_.get_state());
  std::ostringstream rng;
  rng << rng_;
  archive.write("rng", c10::IValue(rng.str()));
  std::vector<double> epochs;
  for (const auto& e : result_.epochs) epochs.insert(epochs.end(), {e.mean_loss, e.train_accuracy, e.seconds, e.images_per_s});
  archive.write("epochs", torch::tensor(epochs, torch::kDouble));
  archive.write("counts", torch::tensor(std::vector<int64_t>{step_, epochs_done_, images_, total_steps_}, torch::kLong));
  std::ostringstream bytes;
  archive.save_to(bytes);
  const std::string data = bytes.str();
  const std::filesystem::path temporary = file.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary);
    out << kCheckpointMagic << fmt::format("{:08x}", crc32_of(data)) << ' ' << file.filename().string() << '\n'
        << data;
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(temporary, ec);
      throw TrainingError(file.string() + ": cannot write the checkpoint (disk full or folder not writable?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw TrainingError(file.string() + ": cannot write the checkpoint: " + ec.message());
  }
}

int64_t TrainingSession::resume(const std::filesystem::path& file) {
  torch::serialize::InputArchive archive;
  std::istringstream bytes(checked_archive(file));
  archive.load_from(bytes);
  torch::Tensor counts;
  archive.read("counts", counts);
  const auto count = counts.accessor<int64_t, 1>();
  if (counts.size(0) != 4 || count[3] != total_steps_ || count[0] != count[1] * batches_ || count[1] > spec_.epochs) {
    throw TrainingError(file.string() + ": checkpoint of another training (steps do not match)");
  }
  torch::serialize::InputArchive model;
  archive.read("model", model);
  model_->load(model);
  model_->to(device_);
  torch::serialize::InputArchive optimizer;
  archive.read("optimizer", optimizer);
  optimizer_.load(optimizer);
  torch::Tensor state;
  archive.read("generator", state);
  generator_.set_state(state);
  c10::IValue rng;
  archive.read("rng", rng);
  std::istringstream(rng.toStringRef()) >> rng_;
  torch::Tensor epochs;
  archive.read("epochs", epochs);
  const auto values = epochs.accessor<double, 1>();
  result_ = TrainingResult{};
  for (int64_t i = 0; i + 3 < values.size(0); i += 4) {
    EpochReport report;
    report.epoch = i / 4 + 1;
    report.epochs = spec_.epochs;
    report.mean_loss = values[i];
    report.train_accuracy = values[i + 1];
    report.seconds = values[i + 2];
    report.images_per_s = values[i + 3];
    result_.epochs.push_back(report);
    result_.seconds += report.seconds;
    result_.final_loss = report.mean_loss;
  }
  step_ = count[0];
  epochs_done_ = count[1];
  images_ = count[2];
  result_.images_per_s = result_.seconds > 0 ? static_cast<double>(images_) / result_.seconds : 0.0;
  return epochs_done_;
}

TrainingResult train_model(ResNet& model, const ImageSplit& train, const ChannelStats& stats,
                           const TrainingSpec& spec, torch::Device device, const EpochCallback& on_epoch) {
  TrainingSession session(model, train, stats, spec, device, on_epoch);
  session.run_to(spec.epochs);
  return session.result();
}

}  // namespace sizesel
