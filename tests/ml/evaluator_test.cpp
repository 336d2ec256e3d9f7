// Tests of quality metrics against hand-computed confusion matrices, and of serving-cost measurement.
// libtorch first: its glog CHECK macro must be replaced by Catch2's, not the reverse.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "sizesel/ml/cost_meter.hpp"
#include "sizesel/ml/evaluator.hpp"
#include "sizesel/ml/memory_tracker.hpp"

using namespace sizesel;

TEST_CASE("accuracy and macro precision, recall and F1 match a hand-computed confusion matrix", "[ml][eval]") {
  // truth:     0 0 0 0 1 1 2 2
  // predicted: 0 0 1 2 1 1 2 0
  // class 0: TP 2, FP 1, FN 2 -> P 2/3, R 1/2, F1 4/7
  // class 1: TP 2, FP 1, FN 0 -> P 2/3, R 1,   F1 4/5
  // class 2: TP 1, FP 1, FN 1 -> P 1/2, R 1/2, F1 1/2
  const auto truth = torch::tensor({0, 0, 0, 0, 1, 1, 2, 2}, torch::kLong);
  const auto predicted = torch::tensor({0, 0, 1, 2, 1, 1, 2, 0}, torch::kLong);
  const Quality q = quality_of(predicted, truth, 3);
  CHECK(q.accuracy == Approx(5.0 / 8));
  CHECK(q.precision_macro == Approx((2.0 / 3 + 2.0 / 3 + 0.5) / 3));
  CHECK(q.recall_macro == Approx((0.5 + 1.0 + 0.5) / 3));
  CHECK(q.f1_macro == Approx((4.0 / 7 + 4.0 / 5 + 0.5) / 3));
  REQUIRE(q.per_class_accuracy.size() == 3);
  CHECK(q.per_class_accuracy[1] == Approx(1.0));
}

TEST_CASE("a class that is never predicted has precision 0 and a class absent from the labels is left out", "[ml][eval]") {
  const auto truth = torch::tensor({0, 0, 1, 1}, torch::kLong);
  const auto predicted = torch::tensor({0, 0, 0, 0}, torch::kLong);
  const Quality q = quality_of(predicted, truth, 4);  // classes 2 and 3 absent
  CHECK(q.accuracy == Approx(0.5));
  CHECK(q.precision_macro == Approx((0.5 + 0.0) / 2));
  CHECK(q.recall_macro == Approx((1.0 + 0.0) / 2));
  CHECK(q.f1_macro == Approx((2.0 / 3 + 0.0) / 2));
}

TEST_CASE("nearest-rank percentiles pick an observed value", "[ml][eval]") {
  const std::vector<double> values = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
  CHECK(nearest_rank(values, 0.5) == 5);
  CHECK(nearest_rank(values, 0.9) == 9);
  CHECK(nearest_rank(values, 1.0) == 10);
  CHECK(nearest_rank({}, 0.5) == 0);
}

TEST_CASE("the memory tracker counts live tensor bytes and their peak", "[ml][eval]") {
  install_memory_tracker();
  reset_tracked_peak();
  const int64_t before = tracked_bytes();
  {
    auto big = torch::empty({1 << 20}, torch::kFloat);  // 4 MiB
    big.fill_(1);
    CHECK(tracked_bytes() - before >= (4 << 20));
  }
  CHECK(tracked_bytes() - before < (1 << 20));
  CHECK(tracked_peak_bytes() - before >= (4 << 20));
}

TEST_CASE("serving cost is measured: ordered percentiles, positive throughput, memory above the weights", "[ml][eval]") {
  install_memory_tracker();
  CandidateSpec spec;
  spec.name = "tiny";
  spec.stages = {1, 1};
  spec.width = 8;
  torch::manual_seed(1);
  ResNet model(spec, 3, 10);
  MeasurementSpec measurement;
  measurement.warmup_runs = 1;
  measurement.latency_runs = 9;
  measurement.throughput_runs = 2;
  const ServingCost cost = measure_serving_cost(model, 3, 16, 16, 32, measurement, torch::kCPU);
  CHECK(cost.latency_ms_p50 > 0);
  CHECK(cost.latency_ms_p90 >= cost.latency_ms_p50);
  CHECK(cost.throughput > 0);
  const double weights_mib = static_cast<double>(count_parameters(*model)) * 4 / (1024.0 * 1024.0);
  // The input batch alone is 32*3*16*16 floats; activations add more.
  CHECK(cost.inference_memory_mib > weights_mib + 32 * 3 * 16 * 16 * 4 / (1024.0 * 1024.0));
}

TEST_CASE("predictions cover every image, in order, and noise changes the inputs reproducibly", "[ml][eval]") {
  CandidateSpec spec;
  spec.name = "tiny";
  spec.stages = {1};
  spec.width = 4;
  torch::manual_seed(2);
  ResNet model(spec, 1, 3);
  ImageSplit split;
  split.images = torch::randint(0, 256, {10, 1, 8, 8}).to(torch::kUInt8);
  split.labels = torch::zeros({10}, torch::kLong);
  const ChannelStats stats = channel_stats(split.images);
  const auto all = predict(model, split, stats, torch::kCPU, 4);
  CHECK(all.sizes() == torch::IntArrayRef{10});
  CHECK(torch::equal(all, predict(model, split, stats, torch::kCPU, 3)));
  CHECK(torch::equal(predict(model, split, stats, torch::kCPU, 4, 0.3, 5),
                     predict(model, split, stats, torch::kCPU, 4, 0.3, 5)));
}
