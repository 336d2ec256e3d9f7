// Tests of the progress lines: the estimate of the time left, and live versus plain output.
#include <catch2/catch.hpp>

#include <chrono>
#include <sstream>
#include <string>

#include "sizesel/app/progress.hpp"

using sizesel::format_duration;
using sizesel::ProgressLog;
using sizesel::RunEstimate;

TEST_CASE("durations read as seconds, minutes or hours", "[progress]") {
  CHECK(format_duration(0.4) == "0 s");
  CHECK(format_duration(59.4) == "59 s");
  CHECK(format_duration(245) == "4 min 05 s");
  CHECK(format_duration(7790) == "2 h 10 min");
  CHECK(format_duration(-3) == "0 s");
}

TEST_CASE("the time left follows each evaluation's own rate, then a line through the rates by MACs", "[progress]") {
  RunEstimate estimate;
  // Two evaluations of 100 images x 10 epochs; the second has 3x the MACs.
  const auto a = estimate.add(1e6, 100, 10);
  const auto b = estimate.add(3e6, 100, 10);
  CHECK_FALSE(estimate.left());  // nothing trained yet: no rate
  estimate.started(a, 0, 0);
  estimate.trained(a, 0.05, 1);  // half an epoch: the first batches are slow, no rate yet
  CHECK_FALSE(estimate.left());
  estimate.trained(a, 0.5, 5);  // half of a in 5 s: 0.01 s per image and epoch
  auto left = estimate.left();
  REQUIRE(left);
  CHECK_FALSE(left->complete);  // no measurement seen yet: a lower bound
  // a: 5 s more; b: proportional to MACs from a's rate alone, 3 x 10 s.
  CHECK(left->seconds == Approx(5 + 30));
  estimate.trained(a, 1, 10);
  estimate.measured(a, 2);
  left = estimate.left();
  REQUIRE(left);
  CHECK(left->complete);
  CHECK(left->seconds == Approx(30 + 3 * 2));  // b's training, and its measurement by MACs
  // b resumed from a checkpoint at 40% after 100 s of an earlier run: that run's seconds do
  // not count, only what this run trains.
  estimate.started(b, 0.4, 100);
  estimate.trained(b, 0.6, 104);  // 20% (200 image-epochs) in 4 s: 0.02 s each
  left = estimate.left();
  REQUIRE(left);
  CHECK(left->seconds == Approx(0.4 * 1000 * 0.02 + 6));
  estimate.dropped(b);  // stopped: nothing more to wait for
  CHECK(estimate.left()->seconds == Approx(0));
}

TEST_CASE("rates against MACs fit a line with an intercept, the fixed cost per batch of small models", "[progress]") {
  RunEstimate estimate;
  const auto small = estimate.add(1e6, 100, 1);
  const auto large = estimate.add(3e6, 100, 1);
  (void)estimate.add(5e6, 100, 1);  // the one still to train
  estimate.started(small, 0, 0);
  estimate.trained(small, 1, 2);  // 0.02 s per image
  estimate.started(large, 0, 0);
  estimate.trained(large, 1, 4);  // 0.04 s per image: 0.01 + 0.01 per million MACs
  estimate.measured(small, 1);
  estimate.measured(large, 1);
  // The line gives 0.06 s per image at 5e6 MACs (proportional would say 0.05); measuring, 1 s.
  CHECK(estimate.left()->seconds == Approx(100 * 0.06 + 1));
}

TEST_CASE("plain progress writes whole lines; live progress rewrites one line and clears it", "[progress]") {
  std::ostringstream plain_out;
  {
    ProgressLog plain(&plain_out, false);
    plain.live("step", " | tail");  // not a terminal: nothing
    plain.line("epoch 1");
    plain.phase("measuring", " | tail");
  }
  CHECK(plain_out.str() == "epoch 1\nmeasuring | tail\n");

  std::ostringstream live_out;
  {
    ProgressLog live(&live_out, true, std::chrono::hours(1));
    live.live("step 1", " | t");
    live.live("step 2", " | t");  // within the hour: skipped
    live.line("epoch 1");
    live.phase("measuring", " | t");  // shown at once
    live.live(std::string(500, 'x'), " | tail");  // throttled
  }
  CHECK(live_out.str() == "\r\033[Kstep 1 | t\r\033[Kepoch 1\n\r\033[Kmeasuring | t\r\033[K");

  std::ostringstream long_out;
  {
    ProgressLog live(&long_out, true);
    live.live(std::string(500, 'x'), " | tail");
  }
  // Cut to the terminal's width (80 when stderr is not one) from the end of the text, the tail kept.
  const std::string shown = long_out.str();
  CHECK(shown.find(" | tail\r") != std::string::npos);
  CHECK(shown.find("...") != std::string::npos);
  CHECK(shown.size() < 100);

  ProgressLog quiet(nullptr, true);  // --quiet: nothing, nowhere
  quiet.line("x");
  quiet.live("x", "y");
}
