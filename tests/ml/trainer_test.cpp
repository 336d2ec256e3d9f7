// Tests of training: the learning-rate schedules, augmentation, input normalisation, and that a few
// steps on a tiny model lower the loss.
// libtorch first: its glog CHECK macro must be replaced by Catch2's, not the reverse.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "sizesel/core/error.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/trainer.hpp"

using namespace sizesel;

namespace {

// Two easily separated classes: dark images with a bright left half vs bright right half.
ImageSplit two_class_split(int64_t n) {
  ImageSplit split;
  split.images = torch::zeros({n, 1, 8, 8}, torch::kUInt8);
  split.labels = torch::zeros({n}, torch::kLong);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = i % 2;
    split.labels[i] = label;
    split.images[i].narrow(2, label * 4, 4).fill_(200 + i % 50);
  }
  return split;
}

CandidateSpec tiny_spec() {
  CandidateSpec spec;
  spec.name = "tiny";
  spec.stages = {1};
  spec.width = 4;
  return spec;
}

// Every parameter and buffer (batch-norm statistics included) of `model`, flattened.
torch::Tensor every_weight(ResNet& model) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : model->parameters()) flat.push_back(p.flatten());
  for (const auto& b : model->buffers()) flat.push_back(b.flatten().to(torch::kDouble));
  return torch::cat(flat);
}

// Three epochs of five batches on 40 two-class images, trained in one go: what paused,
// resumed and checkpointed trainings must reproduce.
struct Straight {
  ImageSplit split = two_class_split(40);
  ChannelStats stats = channel_stats(split.images);
  TrainingSpec spec;
  ResNet model{nullptr};
  TrainingResult result;
  Straight() {
    spec.epochs = 3;
    spec.batch_size = 8;
    torch::manual_seed(spec.seed);
    model = ResNet(tiny_spec(), 1, 2);
    result = train_model(model, split, stats, spec, torch::kCPU);
  }
};

}  // namespace

TEST_CASE("the onecycle schedule warms up from lr/25 to lr over 30% of the steps, then anneals to 0", "[ml][train]") {
  TrainingSpec spec;
  spec.learning_rate = 0.1;
  spec.schedule = Schedule::kOneCycle;
  const int64_t total = 101;  // t = step / 100
  CHECK(learning_rate_at(spec, 0, total) == Approx(0.004));
  CHECK(learning_rate_at(spec, 15, total) == Approx(0.004 + 0.096 * 0.5));
  CHECK(learning_rate_at(spec, 30, total) == Approx(0.1));
  CHECK(learning_rate_at(spec, 65, total) == Approx(0.05));
  CHECK(learning_rate_at(spec, 100, total) == Approx(0.0).margin(1e-12));
}

TEST_CASE("the cosine and constant schedules follow their formulas", "[ml][train]") {
  TrainingSpec spec;
  spec.learning_rate = 0.2;
  spec.schedule = Schedule::kCosine;
  CHECK(learning_rate_at(spec, 0, 11) == Approx(0.2));
  CHECK(learning_rate_at(spec, 5, 11) == Approx(0.1));
  CHECK(learning_rate_at(spec, 10, 11) == Approx(0.0).margin(1e-12));
  spec.schedule = Schedule::kConstant;
  CHECK(learning_rate_at(spec, 7, 11) == Approx(0.2));
}

TEST_CASE("inputs are scaled to [0,1] and normalised per channel with the measured statistics", "[ml][train]") {
  auto images = torch::zeros({2, 2, 1, 2}, torch::kUInt8);
  images[0][0].fill_(255);  // channel 0: values 255,255,0,0 -> mean 0.5
  images[1][1].fill_(51);   // channel 1: values 0,0,51,51 -> mean 0.1
  const ChannelStats stats = channel_stats(images);
  CHECK(stats.mean[0].item<float>() == Approx(0.5));
  CHECK(stats.mean[1].item<float>() == Approx(0.1));
  const auto x = to_model_input(images, stats);
  CHECK(x.mean({0, 2, 3})[0].item<float>() == Approx(0.0).margin(1e-6));
  CHECK(x.std({0, 2, 3})[1].item<float>() == Approx(1.0).margin(1e-5));
}

TEST_CASE("augmentation keeps the shape, is reproducible from its seed, and moves pixels", "[ml][train]") {
  const auto images = torch::arange(4 * 3 * 8 * 8).remainder(256).to(torch::kUInt8).view({4, 3, 8, 8});
  std::mt19937_64 a(7);
  std::mt19937_64 b(7);
  const auto first = augment_batch(images, a);
  CHECK(first.sizes() == images.sizes());
  CHECK(first.dtype() == torch::kUInt8);
  CHECK(torch::equal(first, augment_batch(images, b)));
  std::mt19937_64 c(8);
  const auto many = augment_batch(images.repeat({8, 1, 1, 1}), c);
  CHECK_FALSE(torch::equal(many, images.repeat({8, 1, 1, 1})));
}

TEST_CASE("each augmented image is a pad-4 crop of its original, flipped or not", "[ml][train]") {
  const auto images = torch::randint(0, 256, {16, 2, 6, 5}).to(torch::kUInt8);
  std::mt19937_64 rng(11);
  const auto augmented = augment_batch(images, rng);
  const auto padded = torch::constant_pad_nd(images, {4, 4, 4, 4}, 0);
  int flipped = 0;
  for (int64_t b = 0; b < 16; ++b) {
    bool found = false;
    for (int64_t dy = 0; dy <= 8 && !found; ++dy) {
      for (int64_t dx = 0; dx <= 8 && !found; ++dx) {
        const auto crop = padded[b].narrow(1, dy, 6).narrow(2, dx, 5);
        if (torch::equal(augmented[b], crop)) found = true;
        if (!found && torch::equal(augmented[b], crop.flip({2}))) {
          found = true;
          ++flipped;
        }
      }
    }
    CHECK(found);
  }
  CHECK(flipped > 0);
  CHECK(flipped < 16);
}

TEST_CASE("a few epochs on a tiny model lower the loss and report each epoch", "[ml][train]") {
  const ImageSplit split = two_class_split(64);
  torch::manual_seed(3);
  ResNet model(tiny_spec(), 1, 2);
  TrainingSpec spec;
  spec.epochs = 6;
  spec.batch_size = 16;
  spec.learning_rate = 0.05;
  spec.augment = false;
  std::vector<int64_t> seen;
  const auto result = train_model(model, split, channel_stats(split.images), spec, torch::kCPU,
                                  [&](const EpochReport& report) { seen.push_back(report.epoch); });
  CHECK(seen == std::vector<int64_t>{1, 2, 3, 4, 5, 6});
  REQUIRE(result.epochs.size() == 6);
  CHECK(result.epochs.back().mean_loss < result.epochs.front().mean_loss * 0.7);
  CHECK(result.epochs.back().train_accuracy > 0.9);
  CHECK(result.images_per_s > 0);
  CHECK(result.final_loss == result.epochs.back().mean_loss);
}

TEST_CASE("training with the same seed twice gives identical weights", "[ml][train]") {
  const ImageSplit split = two_class_split(32);
  TrainingSpec spec;
  spec.epochs = 1;
  spec.batch_size = 8;
  const auto train_once = [&] {
    torch::manual_seed(spec.seed);
    ResNet model(tiny_spec(), 1, 2);
    (void)train_model(model, split, channel_stats(split.images), spec, torch::kCPU);
    return torch::cat({model->parameters()[0].flatten(), model->parameters().back().flatten()});
  };
  CHECK(torch::equal(train_once(), train_once()));
}

TEST_CASE("a diverging loss stops training with a TrainingError naming the epoch", "[ml][train]") {
  const ImageSplit split = two_class_split(32);
  torch::manual_seed(1);
  ResNet model(tiny_spec(), 1, 2);
  TrainingSpec spec;
  spec.epochs = 3;
  spec.batch_size = 8;
  spec.learning_rate = 1e30;
  spec.schedule = Schedule::kConstant;
  CHECK_THROWS_MATCHES(train_model(model, split, channel_stats(split.images), spec, torch::kCPU), TrainingError,
                       Catch::Matchers::Predicate<TrainingError>([](const TrainingError& e) {
                         return std::string(e.what()).find("training diverged: loss is") != std::string::npos;
                       }));
}

TEST_CASE("a session paused after an epoch and resumed gives the weights of training in one go", "[ml][train]") {
  Straight t;
  const ImageSplit& split = t.split;
  const ChannelStats& stats = t.stats;
  const TrainingSpec& spec = t.spec;
  ResNet& straight = t.model;
  const TrainingResult& once = t.result;

  torch::manual_seed(spec.seed);
  ResNet paused(tiny_spec(), 1, 2);
  TrainingSession session(paused, split, stats, spec, torch::kCPU);
  session.run_to_step(2);  // mid-epoch: 2 of the 5 batches of epoch 1
  CHECK(session.epochs_done() == 0);
  CHECK(session.steps_done() == 2);
  session.run_to(1);
  CHECK(session.epochs_done() == 1);
  // Another model built and trained in between (global RNG used, another session) changes nothing.
  torch::manual_seed(99);
  ResNet other(tiny_spec(), 1, 2);
  TrainingSpec other_spec = spec;
  other_spec.seed = 7;
  (void)train_model(other, split, stats, other_spec, torch::kCPU);
  session.run_to(2);
  session.run_to(2);  // already there: nothing happens
  CHECK(session.epochs_done() == 2);
  CHECK_FALSE(torch::equal(every_weight(paused), every_weight(straight)));
  session.run_to(10);  // clamped to the 3 epochs of the recipe
  CHECK(session.epochs_done() == 3);
  CHECK(torch::equal(every_weight(paused), every_weight(straight)));
  REQUIRE(session.result().epochs.size() == 3);
  CHECK(session.result().final_loss == once.final_loss);
}

TEST_CASE("a checkpoint saved after an epoch resumes in a fresh process state to identical weights", "[ml][train]") {
  Straight t;
  const ImageSplit& split = t.split;
  const ChannelStats& stats = t.stats;
  const TrainingSpec& spec = t.spec;
  ResNet& straight = t.model;
  const TrainingResult& once = t.result;

  const auto file = std::filesystem::temp_directory_path() / ("sizesel-trainer-test-" + std::to_string(::getpid()) + ".ckpt");
  {
    torch::manual_seed(spec.seed);
    ResNet first(tiny_spec(), 1, 2);
    TrainingSession session(first, split, stats, spec, torch::kCPU);
    session.checkpoint_to(file);
    session.run_to(1);  // then the process "dies"
  }
  REQUIRE(std::filesystem::exists(file));
  torch::manual_seed(12345);  // other initial weights: everything must come from the file
  ResNet resumed(tiny_spec(), 1, 2);
  TrainingSession session(resumed, split, stats, spec, torch::kCPU);
  CHECK(session.resume(file) == 1);
  CHECK(session.steps_done() == 5);
  session.run_to(3);
  CHECK(torch::equal(every_weight(resumed), every_weight(straight)));
  CHECK(session.result().final_loss == once.final_loss);
  REQUIRE(session.result().epochs.size() == 3);
  CHECK(session.result().epochs[0].mean_loss == once.epochs[0].mean_loss);

  // A checkpoint of another recipe is refused, not half-applied.
  TrainingSpec other = spec;
  other.epochs = 4;
  ResNet wrong(tiny_spec(), 1, 2);
  TrainingSession mismatched(wrong, split, stats, other, torch::kCPU);
  CHECK_THROWS_AS(mismatched.resume(file), TrainingError);
  std::filesystem::remove(file);
}

TEST_CASE("a checkpoint that cannot be written is a TrainingError naming it, so only that candidate fails", "[ml][train]") {
  const ImageSplit split = two_class_split(16);
  TrainingSpec spec;
  spec.epochs = 1;
  spec.batch_size = 8;
  // Folders no one can write, root included: /proc, and a "folder" that is a regular file.
  const auto not_a_folder = std::filesystem::temp_directory_path() / ("sizesel-trainer-file-" + std::to_string(::getpid()));
  std::ofstream(not_a_folder) << "x";
  for (const std::string& file : {std::string("/proc/sizesel-test.ckpt"), (not_a_folder / "x.ckpt").string()}) {
    ResNet model(tiny_spec(), 1, 2);
    TrainingSession session(model, split, channel_stats(split.images), spec, torch::kCPU);
    session.checkpoint_to(file);
    REQUIRE_THROWS_MATCHES(session.run_to(1), TrainingError,
                           Catch::Matchers::Predicate<TrainingError>([&](const TrainingError& e) {
                             return std::string(e.what()).rfind(file + ": cannot write the checkpoint", 0) == 0;
                           }));
  }
  std::filesystem::remove(not_a_folder);
}

TEST_CASE("a checkpoint with one flipped byte, cut short, of another format or renamed is refused", "[ml][train]") {
  Straight t;
  const auto file = std::filesystem::temp_directory_path() / ("sizesel-trainer-crc-" + std::to_string(::getpid()) + ".ckpt");
  {
    torch::manual_seed(t.spec.seed);
    ResNet first(tiny_spec(), 1, 2);
    TrainingSession session(first, t.split, t.stats, t.spec, torch::kCPU);
    session.checkpoint_to(file);
    session.run_to(1);
  }
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(bytes.size() > 1000);
  const auto refused = [&](const std::string& content, const std::string& why) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    ResNet model(tiny_spec(), 1, 2);
    TrainingSession session(model, t.split, t.stats, t.spec, torch::kCPU);
    CHECK_THROWS_WITH(session.resume(file), Catch::Contains(file.string()) && Catch::Contains(why));
    CHECK(session.steps_done() == 0);
  };
  // The last bytes are the zip directory; the middle ones are weights, which libtorch itself
  // would load without noticing.
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
  refused(flipped, "fails its checksum");
  refused(bytes.substr(0, bytes.size() - 100), "fails its checksum");
  refused(bytes.substr(bytes.find('\n') + 1), "not a sizesel checkpoint");  // libtorch's archive alone
  refused("", "not a sizesel checkpoint");

  // Intact, but copied under another evaluation's name (the cache names checkpoints by key).
  const auto copy = std::filesystem::temp_directory_path() / ("sizesel-trainer-other-" + std::to_string(::getpid()) + ".ckpt");
  std::ofstream(copy, std::ios::binary) << bytes;
  ResNet model(tiny_spec(), 1, 2);
  TrainingSession session(model, t.split, t.stats, t.spec, torch::kCPU);
  CHECK_THROWS_WITH(session.resume(copy), Catch::Contains("checkpoint written as " + file.filename().string() +
                                                          ": it belongs to another training"));
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  CHECK(session.resume(file) == 1);
  std::filesystem::remove(copy);
  std::filesystem::remove(file);
}
