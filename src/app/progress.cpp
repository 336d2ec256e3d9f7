#include "sizesel/app/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace sizesel {

std::string format_duration(double seconds) {
  const auto s = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  const int64_t minutes = (s + 30) / 60;
  return fmt::format("{} h {:02} min", minutes / 60, minutes % 60);
}

std::size_t RunEstimate::add(double macs_per_image, double train_images, int64_t epochs) {
  Job job;
  job.macs = macs_per_image;
  job.work = train_images * static_cast<double>(epochs);
  job.epochs = static_cast<double>(epochs);
  jobs_.push_back(job);
  return jobs_.size() - 1;
}

void RunEstimate::started(std::size_t k, double fraction, double seconds) {
  Job& job = jobs_.at(k);
  job.start_done = job.done = fraction;
  job.start_seconds = job.seconds = seconds;
}

void RunEstimate::trained(std::size_t k, double fraction, double seconds) {
  Job& job = jobs_.at(k);
  job.done = fraction;
  job.seconds = seconds;
}

void RunEstimate::measured(std::size_t k, double seconds) {
  Job& job = jobs_.at(k);
  job.done = 1;
  job.measured = true;
  measure_times_.emplace_back(job.macs, seconds);
}

void RunEstimate::dropped(std::size_t k) { jobs_.at(k).dropped = true; }

namespace {

/// The y a least-squares line through `points` (x, y) gives at x, when they span two x or more
/// and the line rises from a non-negative intercept; else y proportional to x through their
/// sums. Small models take longer than their MACs say (a fixed cost per batch), which the line's
/// intercept takes up. `points` must not be empty.
double predict(const std::vector<std::pair<double, double>>& points, double x) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [px, py] : points) {
    sx += px;
    sy += py;
    sxx += px * px;
    sxy += px * py;
  }
  const auto n = static_cast<double>(points.size());
  const double spread = n * sxx - sx * sx;
  if (spread > 1e-9 * sxx * n) {
    const double slope = (n * sxy - sx * sy) / spread;
    const double intercept = (sy - slope * sx) / n;
    if (slope >= 0 && intercept >= 0) return intercept + slope * x;
  }
  return sx > 0 ? sy / sx * x : sy / n;
}

}  // namespace

std::optional<RunEstimate::Left> RunEstimate::left() const {
  // Evaluation `job`'s rate so far, seconds per image and epoch, once it is worth trusting.
  const auto rate_of = [](const Job& job) -> std::optional<double> {
    const double share = job.done - job.start_done;
    if (share <= 0 || (share * job.epochs < 1 && job.done < 1)) return std::nullopt;
    return (job.seconds - job.start_seconds) / (share * job.work);
  };
  std::vector<std::pair<double, double>> rates;  // (MACs per image, its rate)
  for (const Job& job : jobs_) {
    if (const auto rate = rate_of(job)) rates.emplace_back(job.macs, *rate);
  }
  if (rates.empty()) return std::nullopt;
  Left left;
  left.complete = !measure_times_.empty();
  for (const Job& job : jobs_) {
    if (job.dropped || job.measured) continue;
    const double rate = rate_of(job).value_or(predict(rates, job.macs));
    left.seconds += (1 - job.done) * job.work * rate;
    if (left.complete) left.seconds += predict(measure_times_, job.macs);
  }
  return left;
}

ProgressLog::ProgressLog(std::ostream* out, bool live, std::chrono::milliseconds every)
    : out_(out), live_(live && out != nullptr), every_(every), start_(std::chrono::steady_clock::now()) {}

ProgressLog::~ProgressLog() {
  if (out_ != nullptr) clear_live();
}

void ProgressLog::clear_live() {
  if (!showing_) return;
  *out_ << "\r\033[K" << std::flush;
  showing_ = false;
}

void ProgressLog::line(const std::string& text) {
  if (out_ == nullptr) return;
  clear_live();
  *out_ << text << '\n' << std::flush;
}

bool ProgressLog::live_due() const {
  return live_ && (!showing_ || std::chrono::steady_clock::now() - last_live_ >= every_);
}

void ProgressLog::live(const std::string& text, const std::string& tail) {
  if (!live_due()) return;
  last_live_ = std::chrono::steady_clock::now();
  // Cut to the terminal's width: a line that wraps cannot be rewritten with \r.
  std::size_t width = 80;
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1) width = size.ws_col;
  const std::size_t room = width - 1 > tail.size() ? width - 1 - tail.size() : 0;
  *out_ << "\r\033[K" << (text.size() > room ? text.substr(0, room > 3 ? room - 3 : 0) + "..." : text)
        << tail.substr(0, width - 1) << std::flush;
  showing_ = true;
}

void ProgressLog::phase(const std::string& text, const std::string& tail) {
  if (!live_) {
    line(text + tail);
    return;
  }
  showing_ = false;  // shown at once, however recent the last update
  live(text, tail);
}

std::string ProgressLog::timing(const RunEstimate& estimate) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const auto left = estimate.left();
  if (!left) return fmt::format(" | elapsed {}", format_duration(elapsed));
  return fmt::format(" | elapsed {}, {} {} left", format_duration(elapsed), left->complete ? "about" : "over",
                     format_duration(left->seconds));
}

}  // namespace sizesel
