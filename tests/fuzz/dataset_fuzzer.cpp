// libFuzzer target: a dataset loader (load_dataset: both splits, class names, class-balanced
// subsets) on any bytes. Built twice: FUZZ_IDX for the MNIST/Fashion-MNIST IDX reader (files:
// train images, train labels, test images, test labels; plain or gzip), else for CIFAR-10's
// binary layout (data_batch_1..5.bin, test_batch.bin, batches.meta.txt). The input's files fill
// those names in order; names without a file stay absent. Every input must end in a Dataset or
// in sizesel's own error; any other exception, crash or sanitizer report is a bug.
#include <array>
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sizesel/core/dataset_spec.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/ml/dataset.hpp"

namespace {

#ifdef FUZZ_IDX
constexpr sizesel::DatasetFormat kFormat = sizesel::DatasetFormat::kIdx;
constexpr std::array kNames = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                               "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
#else
constexpr sizesel::DatasetFormat kFormat = sizesel::DatasetFormat::kCifar10Bin;
constexpr std::array kNames = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                               "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin",
                               "batches.meta.txt"};
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const fuzz::Folder folder;
  folder.clear();
  const auto files = fuzz::split_files(data, size);
  for (std::size_t i = 0; i < files.size() && i < kNames.size(); ++i) folder.write(kNames[i], files[i]);
  sizesel::DatasetSpec spec;
  spec.format = kFormat;
  spec.root = folder.path();
  // Small subsets, so that inputs with few images reach the subset code too; the last byte
  // varies them (0 = the whole split): IDX and CIFAR files begin with fixed bytes.
  const int64_t limit = size > 0 ? data[size - 1] % 24 : 0;
  spec.train_limit = limit;
  spec.test_limit = limit / 2;
  try {
    (void)sizesel::load_dataset(spec);
  } catch (const sizesel::Error&) {
  }
  return 0;
}
