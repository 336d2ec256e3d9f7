// Process-wide libtorch settings: intra-op threads, the compute device, and version facts.
#pragma once

#include <cstdint>
#include <string>

#include <c10/util/Exception.h>
#include <torch/types.h>

namespace sizesel {

/// Cores this process may run on (its CPU affinity mask), at least 1.
[[nodiscard]] int64_t available_cores();

/// Sets libtorch's intra-op thread count: `threads`, or available_cores() when 0.
/// Debian's libtorch otherwise starts with one thread. Returns the count in force.
int64_t configure_threads(int64_t threads);

/// The torch device for "cpu" or "cuda". Throws TrainingError for "cuda" when this libtorch
/// was built without CUDA or sees no GPU.
[[nodiscard]] torch::Device select_device(const std::string& device);

/// A libtorch error as one line for a report or an error message (libtorch's own text can
/// span lines): "out of memory: libtorch could not allocate 1531.3 MiB (1605632064 bytes)" when
/// an allocation failed (CPU or CUDA), else "libtorch: " and its message, lines joined by "; ".
[[nodiscard]] std::string describe_torch_error(const c10::Error& error);

/// libtorch's version, e.g. "1.13.1", and whether it was built with CUDA.
[[nodiscard]] std::string torch_version();
[[nodiscard]] bool torch_has_cuda();

}  // namespace sizesel
