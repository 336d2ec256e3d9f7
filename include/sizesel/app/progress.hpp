// Progress of a recommend run on stderr: a line per epoch and per measured evaluation, each with
// the time elapsed and an estimate of the time left for the whole run; on a terminal, also a live
// line that follows every optimiser step.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace sizesel {

/// "45 s", "4 min 05 s", "2 h 10 min".
[[nodiscard]] std::string format_duration(double seconds);

/// The time a run has left, estimated from what it measured so far (docs/output.md#progress):
/// an evaluation in training goes on at its own rate so far (seconds per image and epoch); one
/// not started yet at the rate a line through the others' rates against their MACs per image
/// predicts (proportional to MACs when they have one MAC count); measuring one takes the time
/// the same kind of line through the measured ones' times predicts.
class RunEstimate {
 public:
  /// One evaluation to train and measure, given the MACs of one image's forward pass; returns
  /// its index k.
  std::size_t add(double macs_per_image, double train_images, int64_t epochs);
  /// Evaluation k starts this run at `fraction` of its optimiser steps after `seconds` of
  /// training (both 0 unless resumed from a checkpoint).
  void started(std::size_t k, double fraction, double seconds);
  /// Evaluation k has trained `fraction` of its steps in `seconds` of training, in all.
  void trained(std::size_t k, double fraction, double seconds);
  /// Evaluation k was measured in `seconds`.
  void measured(std::size_t k, double seconds);
  /// Evaluation k will do nothing more (failed or stopped early).
  void dropped(std::size_t k);

  /// Seconds left, once a training rate is known: an evaluation's rate counts once it has
  /// trained a whole epoch in this run (or finished), since the first batches run slower. Until
  /// one evaluation has been measured, the measurement time is unknown and left out: then
  /// `complete` is false (training alone).
  struct Left {
    double seconds = 0;
    bool complete = false;
  };
  [[nodiscard]] std::optional<Left> left() const;

 private:
  struct Job {
    double macs = 0;   // per image, forward
    double work = 0;   // images x epochs
    double epochs = 0;
    double start_done = 0, start_seconds = 0;  // when this run took it up
    double done = 0, seconds = 0;              // share of the training done, and its seconds
    bool measured = false;
    bool dropped = false;
  };
  std::vector<Job> jobs_;
  std::vector<std::pair<double, double>> measure_times_;  // (MACs per image, seconds) of each measured
};

/// Writes progress lines to `out` (nullptr: nothing). With `live`, also keeps one line at the
/// bottom that is rewritten in place (a terminal), cleared before every other line, at most
/// once per `every`.
class ProgressLog {
 public:
  ProgressLog(std::ostream* out, bool live, std::chrono::milliseconds every = std::chrono::milliseconds(250));
  ~ProgressLog();
  ProgressLog(const ProgressLog&) = delete;
  ProgressLog& operator=(const ProgressLog&) = delete;

  [[nodiscard]] bool live_enabled() const { return live_; }
  /// A permanent line (no trailing newline needed).
  void line(const std::string& text);
  /// Whether live() would draw now: live, and `every` has passed since the last drawing (so a
  /// caller can skip composing a line that would not be shown).
  [[nodiscard]] bool live_due() const;
  /// Rewrites the live line, `text` then `tail`, at most once per `every`; nothing when not
  /// live. Cut to the terminal's width from the end of `text`, so that `tail` stays.
  void live(const std::string& text, const std::string& tail);
  /// What starts now: the live line at once when live, else a permanent line.
  void phase(const std::string& text, const std::string& tail);
  /// " | elapsed 1 min 20 s, about 4 min 05 s left" for the run so far.
  [[nodiscard]] std::string timing(const RunEstimate& estimate) const;

 private:
  void clear_live();
  std::ostream* out_;
  bool live_;
  std::chrono::milliseconds every_;
  bool showing_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_live_{};
};

}  // namespace sizesel
