#include "sizesel/ml/dataset.hpp"

#include "sizesel/core/error.hpp"
#include "sizesel/ml/cifar10_loader.hpp"
#include "sizesel/ml/idx_loader.hpp"

namespace sizesel {

ImageSplit balanced_subset(const ImageSplit& split, int64_t limit, int64_t num_classes,
                           const std::string& what) {
  if (limit == 0) return split;
  const int64_t size = split.labels.size(0);
  if (num_classes < 1) {
    throw DataError(what + ": a balanced subset needs at least one class (got " +
                    std::to_string(num_classes) + ")");
  }
  if (limit < 0 || limit > size) {
    throw DataError(what + ": cannot take " + std::to_string(limit) +
                    " images, the split holds " + std::to_string(size));
  }
  std::vector<int64_t> wanted(static_cast<std::size_t>(num_classes), limit / num_classes);
  for (int64_t c = 0; c < limit % num_classes; ++c) ++wanted[static_cast<std::size_t>(c)];
  std::vector<int64_t> taken(wanted.size(), 0);

  const auto labels = split.labels.to(torch::kInt64).contiguous();
  const int64_t* label = labels.data_ptr<int64_t>();
  std::vector<int64_t> chosen;
  chosen.reserve(static_cast<std::size_t>(limit));
  for (int64_t i = 0; i < size && static_cast<int64_t>(chosen.size()) < limit; ++i) {
    if (label[i] < 0 || label[i] >= num_classes) {
      throw DataError(what + ": image " + std::to_string(i) + " has label " +
                      std::to_string(label[i]) + ", expected 0-" +
                      std::to_string(num_classes - 1));
    }
    const auto c = static_cast<std::size_t>(label[i]);
    if (taken[c] < wanted[c]) {
      ++taken[c];
      chosen.push_back(i);
    }
  }
  for (std::size_t c = 0; c < wanted.size(); ++c) {
    if (taken[c] < wanted[c]) {
      throw DataError(what + ": class " + std::to_string(c) + " has " + std::to_string(taken[c]) +
                      " images, a balanced subset of " + std::to_string(limit) + " needs " +
                      std::to_string(wanted[c]));
    }
  }
  const auto index = torch::tensor(chosen, torch::kInt64);
  return {split.images.index_select(0, index).contiguous(), labels.index_select(0, index)};
}

Dataset load_dataset(const DatasetSpec& spec) {
  Dataset data;
  if (spec.format == DatasetFormat::kCifar10Bin) {
    data.train = load_cifar10_split(spec.root, true);
    data.test = load_cifar10_split(spec.root, false);
    data.class_names = cifar10_class_names(spec.root);
  } else {
    data.train = load_idx_split(spec.root, true);
    data.test = load_idx_split(spec.root, false);
    data.class_names = idx_class_names(spec.root, kIdxClasses);
  }
  data.num_classes = static_cast<int64_t>(data.class_names.size());
  if (data.train.images.sizes().slice(1) != data.test.images.sizes().slice(1)) {
    throw DataError(spec.root.string() + ": train images are " +
                    c10::str(data.train.images.sizes().slice(1)) + " but test images are " +
                    c10::str(data.test.images.sizes().slice(1)));
  }
  data.channels = data.train.images.size(1);
  data.height = data.train.images.size(2);
  data.width = data.train.images.size(3);
  data.full_train_images = data.train.images.size(0);
  const std::string root = spec.root.string();
  data.train =
      balanced_subset(data.train, spec.train_limit, data.num_classes, root + ": train split");
  data.test =
      balanced_subset(data.test, spec.test_limit, data.num_classes, root + ": test split");
  return data;
}

}  // namespace sizesel
