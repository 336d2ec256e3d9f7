// A scope that puts a module into eval mode and gives every submodule its own mode back on exit.
#pragma once

#include <memory>
#include <vector>

#include <torch/nn/module.h>

namespace sizesel {

/// Puts a module and all its submodules into eval mode and restores each one's own mode on exit.
class EvalModeScope {
 public:
  explicit EvalModeScope(torch::nn::Module& module) : modules_(module.modules(/*include_self=*/true)) {
    for (const auto& m : modules_) was_training_.push_back(m->is_training());
    module.eval();
  }
  EvalModeScope(const EvalModeScope&) = delete;
  EvalModeScope& operator=(const EvalModeScope&) = delete;
  ~EvalModeScope() {
    // Pre-order: a parent's train() recurses, then each child's own mode is set again after it.
    for (std::size_t i = 0; i < modules_.size(); ++i) modules_[i]->train(was_training_[i]);
  }

 private:
  std::vector<std::shared_ptr<torch::nn::Module>> modules_;
  std::vector<bool> was_training_;
};

}  // namespace sizesel
