#include "sizesel/core/dataset_spec.hpp"
#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/core/training_spec.hpp"

namespace sizesel {

std::string to_string(DatasetFormat format) {
  return format == DatasetFormat::kCifar10Bin ? "cifar10-bin" : "idx";
}

std::string to_string(Schedule schedule) {
  switch (schedule) {
    case Schedule::kOneCycle: return "onecycle";
    case Schedule::kCosine: return "cosine";
    case Schedule::kConstant: return "constant";
  }
  return "unknown";
}

const std::vector<std::string>& known_corruptions() {
  static const std::vector<std::string> kNames = {
      "gaussian_noise", "shot_noise", "impulse_noise", "speckle_noise", "gaussian_blur",
      "defocus_blur",   "contrast",   "brightness",    "pixelate",      "saturate"};
  return kNames;
}

}  // namespace sizesel
