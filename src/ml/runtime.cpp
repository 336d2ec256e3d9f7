#include "sizesel/ml/runtime.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include "sizesel/core/error.hpp"

namespace sizesel {

int64_t available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int64_t configure_threads(int64_t threads) {
  const int64_t count = threads > 0 ? threads : available_cores();
  torch::set_num_threads(static_cast<int>(count));
  return torch::get_num_threads();
}

torch::Device select_device(const std::string& device) {
  if (device == "cpu") return torch::kCPU;
  if (device == "cuda") {
    if (!torch_has_cuda()) {
      throw TrainingError("device \"cuda\": this sizesel was built against a libtorch without CUDA (" +
                          torch_version() + ", CPU only); rebuild with a CUDA libtorch "
                          "(CMAKE_PREFIX_PATH) or use \"device\": \"cpu\"");
    }
    if (!torch::cuda::is_available()) {
      throw TrainingError("device \"cuda\": libtorch has CUDA support but sees no usable GPU");
    }
    return torch::kCUDA;
  }
  throw TrainingError("device \"" + device + "\": unknown, expected \"cpu\" or \"cuda\"");
}

std::string torch_version() { return TORCH_VERSION; }

bool torch_has_cuda() { return torch::cuda::is_available() || at::hasCUDA(); }

}  // namespace sizesel
