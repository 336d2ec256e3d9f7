// Reads CIFAR-10 in its official binary layout (data_batch_1..5.bin, test_batch.bin, meta names).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sizesel/ml/dataset.hpp"

namespace sizesel {

inline constexpr int64_t kCifar10Classes = 10;
inline constexpr int64_t kCifar10Channels = 3;
inline constexpr int64_t kCifar10Side = 32;  ///< height and width, pixels
/// Bytes of one record: a label byte, then 1024 red, 1024 green and 1024 blue bytes, rows in order.
inline constexpr int64_t kCifar10RecordBytes = 1 + kCifar10Channels * kCifar10Side * kCifar10Side;

/// Reads the training split (data_batch_1.bin .. data_batch_5.bin, concatenated in that order)
/// or the test split (test_batch.bin) from `root`: images uint8 [N, 3, 32, 32], labels int64 [N].
/// All six files are checked, whichever split is read: the official ones hold 10,000 records
/// each, so the six must hold the same number, which catches a file cut at a record boundary.
/// Throws DataError naming the file when it is missing, unreadable, empty, not a whole number of
/// 3073-byte records, holds a label above 9, or holds another number of records than most of the
/// six ("FILE: holds N records, data_batch_1.bin holds M: truncated?").
[[nodiscard]] ImageSplit load_cifar10_split(const std::filesystem::path& root, bool train);

/// The class names in label order: the non-blank lines of root/batches.meta.txt when that file
/// exists, else the ten standard CIFAR-10 names. Throws DataError when the file is unreadable or
/// does not list exactly ten names.
[[nodiscard]] std::vector<std::string> cifar10_class_names(const std::filesystem::path& root);

}  // namespace sizesel
