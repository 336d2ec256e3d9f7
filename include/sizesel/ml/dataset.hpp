// An image dataset in memory (both splits as uint8 tensors), its loader and class-balanced subsets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "sizesel/core/dataset_spec.hpp"

namespace sizesel {

/// One split of an image dataset, in file order.
struct ImageSplit {
  torch::Tensor images;  ///< uint8 [N, C, H, W], contiguous, raw pixel values 0-255
  torch::Tensor labels;  ///< int64 [N], class indices in [0, num_classes)
};

/// Both splits of a dataset plus what a model needs to know about its inputs and outputs.
struct Dataset {
  ImageSplit train;
  ImageSplit test;
  std::vector<std::string> class_names;  ///< one per class, in label order
  int64_t num_classes = 0;
  int64_t channels = 0;  ///< C of every image
  int64_t height = 0;    ///< H of every image, pixels
  int64_t width = 0;     ///< W of every image, pixels
  int64_t full_train_images = 0;  ///< images in the whole training split, before the subset
};

/// Loads both splits of spec.format from spec.root, then takes class-balanced subsets of
/// spec.train_limit / spec.test_limit images (0 = the whole split).
/// Throws DataError when a file is missing, truncated or corrupt, when the splits disagree on
/// image shape, or when a split cannot supply the requested balanced subset.
[[nodiscard]] Dataset load_dataset(const DatasetSpec& spec);

/// The first ceil/floor share of each class in file order: limit / num_classes images per class,
/// the first (limit % num_classes) classes one more. The chosen images keep their file order.
/// limit 0 returns the split unchanged. Throws DataError naming `what` (e.g. "<root>: test split")
/// when limit is negative or larger than the split, when a class has fewer images than needed,
/// or when a label lies outside [0, num_classes).
[[nodiscard]] ImageSplit balanced_subset(const ImageSplit& split, int64_t limit,
                                         int64_t num_classes, const std::string& what);

}  // namespace sizesel
