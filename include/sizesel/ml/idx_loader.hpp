// Reads MNIST / Fashion-MNIST in the IDX format, plain or gzip-compressed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sizesel/ml/dataset.hpp"

namespace sizesel {

/// Classes of an IDX dataset: every label must be below this.
inline constexpr int64_t kIdxClasses = 10;
inline constexpr uint32_t kIdxImagesMagic = 0x00000803;  ///< uint8 data, 3 dimensions
inline constexpr uint32_t kIdxLabelsMagic = 0x00000801;  ///< uint8 data, 1 dimension

/// Reads train-images-idx3-ubyte + train-labels-idx1-ubyte (train) or the t10k-... pair (test)
/// from `root`, each file either plain or with a .gz suffix: images uint8 [N, 1, rows, cols]
/// (28 x 28 for MNIST and Fashion-MNIST), labels int64 [N].
/// Throws DataError naming the file when it is missing, unreadable, a broken gzip stream, has the
/// wrong magic number, is not exactly header + payload bytes long, holds no images, holds a label
/// of 10 or more, or when the image and label counts differ.
[[nodiscard]] ImageSplit load_idx_split(const std::filesystem::path& root, bool train);

/// Names for `num_classes` classes in label order: the Fashion-MNIST names when the last component
/// of `root` contains "fashion" (any case), else the digits "0", "1", ...
[[nodiscard]] std::vector<std::string> idx_class_names(const std::filesystem::path& root,
                                                       int64_t num_classes);

}  // namespace sizesel
