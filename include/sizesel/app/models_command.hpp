// `sizesel models`: the architecture presets with their depth, parameters and MACs, untrained.
#pragma once

#include <string>

#include "sizesel/app/cli_options.hpp"

namespace sizesel {

struct ModelsOptions {
  std::string dataset = "cifar10";  ///< "cifar10" (3 x 32 x 32) or "fashion-mnist" (1 x 28 x 28); 10 classes
  OutputFormat format = OutputFormat::kText;
};

/// Builds every preset for the dataset's input shape (no training, no data read) and prints its
/// block, stages, width, weighted depth, trainable parameters and MACs per image, counted from
/// the built layers as `recommend` counts them. Returns the exit code (0).
int run_models_command(const ModelsOptions& options);

}  // namespace sizesel
