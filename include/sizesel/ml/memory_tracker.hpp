// Counts the bytes of tensor memory libtorch allocates on the CPU, to measure peak inference memory.
#pragma once

#include <cstdint>

namespace sizesel {

/// Installs (once per process) a CPU allocator that wraps libtorch's own and counts live bytes.
/// Tensors allocated before installation are not counted while they live.
void install_memory_tracker();

/// Bytes of tensor memory now allocated through the tracked CPU allocator.
[[nodiscard]] int64_t tracked_bytes();

/// Highest value of tracked_bytes() since the last reset_tracked_peak().
[[nodiscard]] int64_t tracked_peak_bytes();

/// Starts a new peak measurement from the current allocation.
void reset_tracked_peak();

}  // namespace sizesel
