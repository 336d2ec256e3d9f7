#include "sizesel/ml/memory_tracker.hpp"

#include <atomic>
#include <mutex>

#include <c10/core/CPUAllocator.h>

namespace sizesel {
namespace {

// Wraps the allocator that was in force at installation. Each block is allocated kHeader bytes
// larger; the header records the requested size and the inner deleter, so that the data pointer
// can be its own context (libtorch's raw_allocate requires that) without any lookup table.
class CountingAllocator final : public c10::Allocator {
 public:
  explicit CountingAllocator(c10::Allocator* inner) : inner_(inner) {}

  c10::DataPtr allocate(size_t bytes) const override {
    c10::DataPtr inner = inner_->allocate(bytes + kHeader);
    auto* base = static_cast<char*>(inner.get());
    const c10::Device device = inner.device();
    auto* header = reinterpret_cast<Header*>(base);
    header->bytes = static_cast<int64_t>(bytes);
    header->context = inner.release_context();
    header->deleter = inner.get_deleter();
    add(header->bytes);
    void* data = base + kHeader;
    return {data, data, &CountingAllocator::release, device};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &CountingAllocator::release; }

  int64_t current() const { return current_.load(); }
  int64_t peak() const { return peak_.load(); }
  void reset_peak() { peak_.store(current_.load()); }

 private:
  // 64 bytes keep the data as aligned as libtorch's own allocations.
  static constexpr size_t kHeader = 64;
  struct Header {
    int64_t bytes;
    void* context;
    c10::DeleterFnPtr deleter;
  };
  static_assert(sizeof(Header) <= kHeader, "header must fit");

  static void release(void* data);

  void add(int64_t bytes) const {
    const int64_t now = current_.fetch_add(bytes) + bytes;
    int64_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
    }
  }

  c10::Allocator* inner_;
  mutable std::atomic<int64_t> current_{0};
  mutable std::atomic<int64_t> peak_{0};
};

CountingAllocator* g_tracker = nullptr;

void CountingAllocator::release(void* data) {
  if (data == nullptr) return;
  auto* header = reinterpret_cast<Header*>(static_cast<char*>(data) - kHeader);
  g_tracker->current_.fetch_sub(header->bytes);
  if (header->deleter != nullptr) header->deleter(header->context);
}

}  // namespace

void install_memory_tracker() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Never destroyed: tensors freed during static destruction still call into it.
    g_tracker = new CountingAllocator(c10::GetCPUAllocator());
    c10::SetCPUAllocator(g_tracker, /*priority=*/255);
  });
}

int64_t tracked_bytes() { return g_tracker != nullptr ? g_tracker->current() : 0; }

int64_t tracked_peak_bytes() { return g_tracker != nullptr ? g_tracker->peak() : 0; }

void reset_tracked_peak() {
  if (g_tracker != nullptr) g_tracker->reset_peak();
}

}  // namespace sizesel
