#include "sizesel/core/dataset_spec.hpp"
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

}  // namespace sizesel
