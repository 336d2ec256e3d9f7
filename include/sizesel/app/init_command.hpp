// `sizesel init`: a commented starter scenario to edit, for CIFAR-10 or Fashion-MNIST.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace sizesel {

struct InitOptions {
  std::string dataset = "fashion-mnist";          ///< "fashion-mnist" or "cifar10"
  std::optional<std::filesystem::path> file;      ///< where to write it; stdout when absent
  bool force = false;                             ///< replace an existing file
};

/// The starter scenario's text: valid for load_scenario (comments included), every key it sets
/// explained, the rest pointed to docs/scenario.md. Throws InputError for another dataset.
[[nodiscard]] std::string starter_scenario(const std::string& dataset);

/// Prints the starter scenario, or writes it atomically to options.file, which must not exist
/// unless options.force. Returns the exit code (0); throws InputError.
int run_init_command(const InitOptions& options);

}  // namespace sizesel
