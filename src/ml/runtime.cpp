#include "sizesel/ml/runtime.hpp"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <thread>

#include <fmt/format.h>

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

namespace {

/// `text` on one line: its lines trimmed and joined by "; ", blank ones dropped.
std::string one_line(const std::string& text) {
  std::string joined;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) {
      line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
      joined += (joined.empty() ? "" : "; ") + line;
    }
    start = end + 1;
  }
  return joined;
}

bool mentions_out_of_memory(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* phrase : {"can't allocate memory", "not enough memory", "out of memory"}) {
    if (text.find(phrase) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string describe_torch_error(const c10::Error& error) {
  const std::string message = one_line(error.what_without_backtrace());
  if (dynamic_cast<const c10::OutOfMemoryError*>(&error) == nullptr && !mentions_out_of_memory(message)) {
    return "libtorch: " + message;
  }
  // The CPU allocator says "you tried to allocate N bytes".
  static const std::regex kBytes("allocate ([0-9]+) bytes");
  std::smatch match;
  if (std::regex_search(message, match, kBytes)) {
    const double bytes = std::stod(match[1].str());
    return fmt::format("out of memory: libtorch could not allocate {:.1f} MiB ({} bytes)", bytes / (1024.0 * 1024.0),
                       match[1].str());
  }
  return "out of memory: libtorch: " + message;
}

std::string torch_version() { return TORCH_VERSION; }

bool torch_has_cuda() { return torch::cuda::is_available() || at::hasCUDA(); }

}  // namespace sizesel
