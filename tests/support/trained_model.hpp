// What the FGSM and saliency tests share: a tiny ResNet spec, one small ResNet trained on real
// Fashion-MNIST (once per test binary), and checks that a measurement left a model as it was.
#pragma once

#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>
#include <vector>

#include "sizesel/ml/dataset.hpp"
#include "sizesel/ml/input_pipeline.hpp"
#include "sizesel/ml/resnet.hpp"
#include "sizesel/ml/trainer.hpp"

namespace test_support {

using namespace sizesel;

inline CandidateSpec tiny_spec(std::vector<int64_t> stages = {1, 1}, int64_t width = 8) {
  CandidateSpec spec;
  spec.name = "tiny";
  spec.stages = std::move(stages);
  spec.width = width;
  return spec;
}

/// A small ResNet (stages {1, 1}, width 8) trained 2 epochs on 2000 Fashion-MNIST images, about
/// 50 % accurate on the 200 test images (chance is 10 %); trained once per test run (2-3 s), not
/// at all when the data is absent.
struct TrainedModel {
  Dataset data;
  ChannelStats stats;
  ResNet model{nullptr};
};

inline const TrainedModel* fashion_model() {
  static const std::optional<TrainedModel> trained = []() -> std::optional<TrainedModel> {
    const std::filesystem::path root = SIZESEL_FASHION_MNIST_DIR;
    if (!std::filesystem::exists(root / "train-images-idx3-ubyte.gz")) return std::nullopt;
    TrainedModel t;
    t.data = load_dataset(DatasetSpec{DatasetFormat::kIdx, root, 2000, 200});
    t.stats = channel_stats(t.data.train.images);
    torch::manual_seed(5);
    t.model = ResNet(tiny_spec(), t.data.channels, t.data.num_classes);
    TrainingSpec training;
    training.epochs = 2;
    training.batch_size = 64;
    training.learning_rate = 0.1;
    training.augment = false;
    training.seed = 5;
    (void)train_model(t.model, t.data.train, t.stats, training, torch::kCPU);
    t.model->eval();
    return t;
  }();
  if (!trained) WARN("skipped: Fashion-MNIST not found at " SIZESEL_FASHION_MNIST_DIR);
  return trained ? &*trained : nullptr;
}

/// Every parameter and buffer of `model`, cloned, to compare after a measurement.
inline std::vector<torch::Tensor> state_of(const torch::nn::Module& model) {
  std::vector<torch::Tensor> state;
  for (const auto& p : model.parameters()) state.push_back(p.detach().clone());
  for (const auto& b : model.buffers()) state.push_back(b.detach().clone());
  return state;
}

inline bool no_parameter_has_grad(const torch::nn::Module& model) {
  for (const auto& p : model.parameters()) {
    if (p.grad().defined()) return false;
  }
  return true;
}

inline bool same_state(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

}  // namespace test_support
