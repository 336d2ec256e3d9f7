// Which image dataset a scenario trains and tests on, and which class-balanced subset of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace sizesel {

enum class DatasetFormat {
  kCifar10Bin,  ///< CIFAR-10 binary version: data_batch_1..5.bin, test_batch.bin
  kIdx,         ///< MNIST / Fashion-MNIST IDX files, gzip-compressed or plain
};

struct DatasetSpec {
  DatasetFormat format = DatasetFormat::kCifar10Bin;
  std::filesystem::path root;  ///< folder holding the files (already resolved)
  int64_t train_limit = 0;     ///< images taken from the training split, class-balanced; 0 = all
  int64_t test_limit = 0;      ///< images taken from the test split, class-balanced; 0 = all
};

[[nodiscard]] std::string to_string(DatasetFormat format);

}  // namespace sizesel
