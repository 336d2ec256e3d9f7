// Tests of the CIFAR-10 and IDX loaders and of class-balanced subsets, on tiny files and real data.
// libtorch first (through dataset.hpp): its glog CHECK macro must be replaced by Catch2's, not the reverse.
#include "sizesel/ml/dataset.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include "sizesel/core/error.hpp"
#include "sizesel/ml/cifar10_loader.hpp"
#include "sizesel/ml/idx_loader.hpp"

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;
using Catch::Matchers::Contains;

namespace sizesel {
namespace {

/// A fresh, uniquely named folder under the system temp folder, removed with everything in it.
class TempDir {
 public:
  explicit TempDir(const std::string& name = "data") {
    std::random_device random;
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::temp_directory_path() /
            ("sizesel-dataset-test-" + std::to_string(stamp) + "-" + std::to_string(random())) /
            name;
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_.parent_path(), ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

/// Writes `bytes` gzip-compressed; mode "wb0" stores them uncompressed inside the gzip stream.
void write_gz(const fs::path& path, const Bytes& bytes, const char* mode = "wb") {
  gzFile file = gzopen(path.c_str(), mode);
  REQUIRE(file != nullptr);
  REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) ==
          static_cast<int>(bytes.size()));
  REQUIRE(gzclose(file) == Z_OK);
}

/// A pixel to set in a CIFAR-10 record: channel (0 R, 1 G, 2 B), row, column and value.
struct CifarPixel {
  int64_t channel, row, col;
  uint8_t value;
};

/// One CIFAR-10 record: the label byte, then the R, G and B planes of 32x32, zero but for `pixels`.
Bytes cifar_record(uint8_t label, const std::vector<CifarPixel>& pixels = {}) {
  Bytes record(kCifar10RecordBytes, 0);
  record[0] = label;
  for (const auto& p : pixels) record[1 + p.channel * 1024 + p.row * 32 + p.col] = p.value;
  return record;
}

Bytes concat(const std::vector<Bytes>& parts) {
  Bytes all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

/// data_batch_1..5.bin of `records` records each (label 0), so that a test file of as many
/// records passes the loader's check that all six hold the same number.
void write_train_batches(const fs::path& folder, int64_t records) {
  for (int batch = 1; batch <= 5; ++batch) {
    write_file(folder / ("data_batch_" + std::to_string(batch) + ".bin"),
               concat(std::vector<Bytes>(static_cast<std::size_t>(records), cifar_record(0))));
  }
}

void put_be32(Bytes& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<uint8_t>(value >> shift));
  }
}

/// IDX images of `count` 28x28 images; image n has value n + 1 at row n, column 27 - n.
Bytes idx_images(uint32_t count, uint32_t magic = kIdxImagesMagic) {
  Bytes bytes;
  put_be32(bytes, magic);
  put_be32(bytes, count);
  put_be32(bytes, 28);
  put_be32(bytes, 28);
  const std::size_t header = bytes.size();
  bytes.resize(header + count * 28 * 28, 0);
  for (uint32_t n = 0; n < count; ++n) {
    bytes[header + n * 784 + n * 28 + (27 - n)] = static_cast<uint8_t>(n + 1);
  }
  return bytes;
}

Bytes idx_labels(const Bytes& labels, uint32_t magic = kIdxLabelsMagic) {
  Bytes bytes;
  put_be32(bytes, magic);
  put_be32(bytes, static_cast<uint32_t>(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}

std::vector<int64_t> to_vector(const torch::Tensor& labels) {
  const auto flat = labels.to(torch::kInt64).contiguous();
  return {flat.data_ptr<int64_t>(), flat.data_ptr<int64_t>() + flat.numel()};
}

std::vector<int64_t> per_class(const torch::Tensor& labels, int64_t classes) {
  return to_vector(torch::bincount(labels, {}, classes));
}

/// The DataError message `call` throws, or fails the test when it throws nothing.
template <typename Call>
std::string data_error(Call call) {
  try {
    call();
  } catch (const DataError& error) {
    return error.what();
  }
  FAIL("expected a DataError");
  return {};
}

bool exists_or_warn(const fs::path& folder) {
  if (fs::exists(folder)) return true;
  WARN("skipped: " << folder.string() << " not found");
  return false;
}

}  // namespace

TEST_CASE("A CIFAR-10 record's planes land at images[n][channel][row][column]", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "test_batch.bin",
             concat({cifar_record(3),
                     cifar_record(7, {{0, 2, 5, 11}, {1, 31, 0, 22}, {2, 0, 31, 33}})}));
  write_train_batches(dir.path(), 2);

  const auto split = load_cifar10_split(dir.path(), false);

  REQUIRE(split.images.sizes() == torch::IntArrayRef({2, 3, 32, 32}));
  CHECK(split.images.dtype() == torch::kUInt8);
  CHECK(split.images.is_contiguous());
  CHECK(split.labels.dtype() == torch::kInt64);
  CHECK(to_vector(split.labels) == std::vector<int64_t>({3, 7}));
  auto image = split.images.accessor<uint8_t, 4>();
  CHECK(image[1][0][2][5] == 11);
  CHECK(image[1][1][31][0] == 22);
  CHECK(image[1][2][0][31] == 33);
  CHECK(split.images[0].sum().item<int64_t>() == 0);
  CHECK(split.images[1].sum().item<int64_t>() == 11 + 22 + 33);
}

TEST_CASE("The CIFAR-10 training split concatenates data_batch_1 to data_batch_5 in order",
          "[ml][data]") {
  TempDir dir;
  for (uint8_t batch = 1; batch <= 5; ++batch) {
    write_file(dir.path() / ("data_batch_" + std::to_string(batch) + ".bin"),
               concat({cifar_record(batch), cifar_record(static_cast<uint8_t>(batch + 4))}));
  }
  write_file(dir.path() / "test_batch.bin", concat({cifar_record(0), cifar_record(0)}));

  const auto split = load_cifar10_split(dir.path(), true);

  CHECK(split.images.size(0) == 10);
  CHECK(to_vector(split.labels) == std::vector<int64_t>({1, 5, 2, 6, 3, 7, 4, 8, 5, 9}));
}

TEST_CASE("CIFAR-10 class names come from batches.meta.txt, else are the standard ten",
          "[ml][data]") {
  TempDir dir;
  CHECK(cifar10_class_names(dir.path()).front() == "airplane");
  CHECK(cifar10_class_names(dir.path()).back() == "truck");

  std::ofstream(dir.path() / "batches.meta.txt") << "a\nb\n\nc\nd\ne\nf\ng\nh\ni\nj\n\n";
  const auto names = cifar10_class_names(dir.path());
  CHECK(names == std::vector<std::string>({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}));

  std::ofstream(dir.path() / "batches.meta.txt") << "a\nb\n";
  CHECK_THROWS_AS(cifar10_class_names(dir.path()), DataError);
}

TEST_CASE("A missing CIFAR-10 file is a DataError naming it and the fetch script", "[ml][data]") {
  TempDir dir;
  const auto message = data_error([&] { (void)load_cifar10_split(dir.path(), false); });
  CHECK_THAT(message, Contains((dir.path() / "test_batch.bin").string()));
  CHECK_THAT(message, Contains("not found"));
  CHECK_THAT(message, Contains("scripts/fetch-cifar10"));
}

TEST_CASE("A CIFAR-10 file that is not a whole number of records is a DataError stating its size",
          "[ml][data]") {
  TempDir dir;
  Bytes bytes = concat({cifar_record(1), cifar_record(2)});
  bytes.resize(bytes.size() - 5);
  write_file(dir.path() / "test_batch.bin", bytes);

  const auto message = data_error([&] { (void)load_cifar10_split(dir.path(), false); });
  CHECK_THAT(message, Contains("test_batch.bin"));
  CHECK_THAT(message, Contains("6141"));
  CHECK_THAT(message, Contains("3073"));
}

TEST_CASE("An empty CIFAR-10 file is a DataError", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "test_batch.bin", {});
  CHECK_THAT(data_error([&] { (void)load_cifar10_split(dir.path(), false); }), Contains("empty"));
}

TEST_CASE("A CIFAR-10 label above 9 is a DataError naming the record and the value", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "test_batch.bin", concat({cifar_record(9), cifar_record(10)}));
  write_train_batches(dir.path(), 2);

  const auto message = data_error([&] { (void)load_cifar10_split(dir.path(), false); });
  CHECK_THAT(message, Contains("test_batch.bin"));
  CHECK_THAT(message, Contains("record 1"));
  CHECK_THAT(message, Contains("label 10"));
}

TEST_CASE("A CIFAR-10 file cut at a record boundary is a DataError naming it and the count expected",
          "[ml][data]") {
  TempDir dir;
  write_train_batches(dir.path(), 3);
  write_file(dir.path() / "test_batch.bin", concat({cifar_record(1), cifar_record(2), cifar_record(3)}));
  REQUIRE(load_cifar10_split(dir.path(), false).images.size(0) == 3);

  SECTION("a training file, whichever split is read") {
    write_file(dir.path() / "data_batch_3.bin", cifar_record(0));
    const std::string expected = (dir.path() / "data_batch_3.bin").string() +
                                 ": holds 1 record, data_batch_1.bin holds 3: truncated?";
    // REQUIRE, not CHECK: torch's headers, included after Catch's, replace CHECK with glog's.
    REQUIRE(data_error([&] { (void)load_cifar10_split(dir.path(), true); }) == expected);
    REQUIRE(data_error([&] { (void)load_cifar10_split(dir.path(), false); }) == expected);
  }
  SECTION("the test file") {
    write_file(dir.path() / "test_batch.bin", concat({cifar_record(1), cifar_record(2)}));
    REQUIRE(data_error([&] { (void)load_cifar10_split(dir.path(), false); }) ==
          (dir.path() / "test_batch.bin").string() + ": holds 2 records, data_batch_1.bin holds 3: truncated?");
  }
  SECTION("data_batch_1 itself: the count most files hold is the one expected") {
    write_file(dir.path() / "data_batch_1.bin", cifar_record(0));
    REQUIRE(data_error([&] { (void)load_cifar10_split(dir.path(), true); }) ==
          (dir.path() / "data_batch_1.bin").string() + ": holds 1 record, data_batch_2.bin holds 3: truncated?");
  }
  SECTION("a file with more records than the others") {
    write_file(dir.path() / "data_batch_5.bin", concat(std::vector<Bytes>(4, cifar_record(0))));
    CHECK_THAT(data_error([&] { (void)load_cifar10_split(dir.path(), true); }),
               Contains("data_batch_5.bin: holds 4 records, data_batch_1.bin holds 3: extra records?"));
  }
  SECTION("the test file missing when the training split is read") {
    fs::remove(dir.path() / "test_batch.bin");
    const auto message = data_error([&] { (void)load_cifar10_split(dir.path(), true); });
    CHECK_THAT(message, Contains((dir.path() / "test_batch.bin").string() + ": not found"));
  }
}

TEST_CASE("Plain IDX files load as [N,1,28,28] images with their labels", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "t10k-images-idx3-ubyte", idx_images(3));
  write_file(dir.path() / "t10k-labels-idx1-ubyte", idx_labels({4, 0, 9}));

  const auto split = load_idx_split(dir.path(), false);

  REQUIRE(split.images.sizes() == torch::IntArrayRef({3, 1, 28, 28}));
  CHECK(split.images.dtype() == torch::kUInt8);
  CHECK(split.images.is_contiguous());
  CHECK(to_vector(split.labels) == std::vector<int64_t>({4, 0, 9}));
  auto image = split.images.accessor<uint8_t, 4>();
  for (int64_t n = 0; n < 3; ++n) {
    CHECK(image[n][0][n][27 - n] == n + 1);
    CHECK(split.images[n].sum().item<int64_t>() == n + 1);
  }
}

TEST_CASE("Gzip-compressed IDX files load the same as plain ones", "[ml][data]") {
  TempDir dir;
  write_gz(dir.path() / "train-images-idx3-ubyte.gz", idx_images(5));
  write_gz(dir.path() / "train-labels-idx1-ubyte.gz", idx_labels({1, 2, 3, 4, 5}));
  TempDir plain;
  write_file(plain.path() / "train-images-idx3-ubyte", idx_images(5));
  write_file(plain.path() / "train-labels-idx1-ubyte", idx_labels({1, 2, 3, 4, 5}));

  const auto gz = load_idx_split(dir.path(), true);
  const auto raw = load_idx_split(plain.path(), true);

  REQUIRE(gz.images.sizes() == torch::IntArrayRef({5, 1, 28, 28}));
  CHECK(torch::equal(gz.images, raw.images));
  CHECK(torch::equal(gz.labels, raw.labels));
  auto image = gz.images.accessor<uint8_t, 4>();
  CHECK(image[4][0][4][23] == 5);
}

TEST_CASE("A missing IDX file is a DataError naming both accepted file names", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "t10k-images-idx3-ubyte", idx_images(1));
  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("t10k-labels-idx1-ubyte"));
  CHECK_THAT(message, Contains(".gz"));
  CHECK_THAT(message, Contains("not found"));
}

TEST_CASE("An IDX file with the wrong magic number is a DataError", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "t10k-images-idx3-ubyte", idx_images(2, kIdxLabelsMagic));
  write_file(dir.path() / "t10k-labels-idx1-ubyte", idx_labels({0, 1}));

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("t10k-images-idx3-ubyte"));
  CHECK_THAT(message, Contains("magic"));
  CHECK_THAT(message, Contains("0x00000801"));
  CHECK_THAT(message, Contains("0x00000803"));
}

TEST_CASE("A truncated IDX file is a DataError stating expected and actual bytes", "[ml][data]") {
  TempDir dir;
  Bytes images = idx_images(2);
  images.resize(images.size() - 10);
  write_file(dir.path() / "t10k-images-idx3-ubyte", images);
  write_file(dir.path() / "t10k-labels-idx1-ubyte", idx_labels({0, 1}));

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("truncated"));
  CHECK_THAT(message, Contains("expected 1584"));
  CHECK_THAT(message, Contains("got 1574"));
}

TEST_CASE("An IDX file longer than header plus payload is a DataError", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "t10k-images-idx3-ubyte", idx_images(2));
  Bytes labels = idx_labels({0, 1});
  labels.push_back(0);
  write_gz(dir.path() / "t10k-labels-idx1-ubyte.gz", labels);

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("t10k-labels-idx1-ubyte.gz"));
  CHECK_THAT(message, Contains("expected 10"));
  CHECK_THAT(message, Contains("got 11"));
}

TEST_CASE("A gzip stream that is garbage after a valid header is a DataError, not data",
          "[ml][data]") {
  TempDir dir;
  Bytes broken = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};
  broken.insert(broken.end(), 64, 0xff);
  write_file(dir.path() / "t10k-images-idx3-ubyte.gz", broken);
  write_gz(dir.path() / "t10k-labels-idx1-ubyte.gz", idx_labels({0}));

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("t10k-images-idx3-ubyte.gz"));
  CHECK_THAT(message, Contains("gzip"));
}

TEST_CASE("A gzip stream cut short is a DataError", "[ml][data]") {
  TempDir dir;
  write_gz(dir.path() / "whole.gz", idx_images(4), "wb0");
  std::ifstream in(dir.path() / "whole.gz", std::ios::binary);
  Bytes gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  gz.resize(gz.size() / 2);
  write_file(dir.path() / "t10k-images-idx3-ubyte.gz", gz);
  write_gz(dir.path() / "t10k-labels-idx1-ubyte.gz", idx_labels({0, 1, 2, 3}));

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("t10k-images-idx3-ubyte.gz: truncated"));
  CHECK_THAT(message, Contains("expected 3152 bytes"));
  CHECK_THAT(message, Contains("unexpected end of file"));
}

TEST_CASE("An IDX label of 10 or more is a DataError naming its index", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "t10k-images-idx3-ubyte", idx_images(3));
  write_file(dir.path() / "t10k-labels-idx1-ubyte", idx_labels({0, 9, 10}));

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("label 2"));
  CHECK_THAT(message, Contains("value 10"));
}

TEST_CASE("IDX image and label counts must agree", "[ml][data]") {
  TempDir dir;
  write_file(dir.path() / "t10k-images-idx3-ubyte", idx_images(3));
  write_file(dir.path() / "t10k-labels-idx1-ubyte", idx_labels({0, 1}));

  const auto message = data_error([&] { (void)load_idx_split(dir.path(), false); });
  CHECK_THAT(message, Contains("2 labels"));
  CHECK_THAT(message, Contains("3 images"));
}

TEST_CASE("IDX class names are Fashion-MNIST's when the folder says fashion, else digits",
          "[ml][data]") {
  const auto fashion = idx_class_names("/data/Fashion-MNIST/", 10);
  REQUIRE(fashion.size() == 10);
  CHECK(fashion.front() == "T-shirt/top");
  CHECK(fashion.back() == "Ankle boot");
  CHECK(idx_class_names("/data/mnist", 10) ==
        std::vector<std::string>({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
}

TEST_CASE("A balanced subset takes each class's first images, the first classes one more, "
          "in file order",
          "[ml][data]") {
  const std::vector<int64_t> labels = {2, 0, 0, 1, 2, 0, 1, 1, 0, 2, 2, 1};
  const int64_t n = static_cast<int64_t>(labels.size());
  ImageSplit split{torch::arange(n, torch::kUInt8).reshape({n, 1, 1, 1}),
                   torch::tensor(labels, torch::kInt64)};

  const auto subset = balanced_subset(split, 7, 3, "toy");

  // Quotas 3, 2, 2: class 0 -> images 1, 2, 5; class 1 -> 3, 6; class 2 -> 0, 4.
  CHECK(to_vector(subset.images.flatten()) == std::vector<int64_t>({0, 1, 2, 3, 4, 5, 6}));
  CHECK(to_vector(subset.labels) == std::vector<int64_t>({2, 0, 0, 1, 2, 0, 1}));
  CHECK(per_class(subset.labels, 3) == std::vector<int64_t>({3, 2, 2}));

  const auto six = balanced_subset(split, 6, 3, "toy");
  CHECK(to_vector(six.images.flatten()) == std::vector<int64_t>({0, 1, 2, 3, 4, 6}));
  CHECK(six.images.is_contiguous());

  const auto all = balanced_subset(split, 0, 3, "toy");
  CHECK(torch::equal(all.images, split.images));
}

TEST_CASE("A balanced subset larger than the split, or than a class allows, is a DataError "
          "naming the split",
          "[ml][data]") {
  const std::vector<int64_t> labels = {0, 0, 0, 0, 1, 1};
  ImageSplit split{torch::zeros({6, 1, 2, 2}, torch::kUInt8), torch::tensor(labels, torch::kInt64)};

  CHECK_THAT(data_error([&] { (void)balanced_subset(split, 7, 2, "root: test split"); }),
             Contains("root: test split"));
  const auto message = data_error([&] { (void)balanced_subset(split, 6, 2, "root: test split"); });
  CHECK_THAT(message, Contains("root: test split"));
  CHECK_THAT(message, Contains("class 1 has 2 images"));
}

TEST_CASE("The real CIFAR-10 has 50000 training and 10000 test images, balanced by class",
          "[ml][data][real]") {
  const fs::path root = SIZESEL_CIFAR10_DIR;
  if (!exists_or_warn(root)) return;

  const auto test = load_cifar10_split(root, false);
  REQUIRE(test.images.sizes() == torch::IntArrayRef({10000, 3, 32, 32}));
  CHECK(per_class(test.labels, 10) == std::vector<int64_t>(10, 1000));

  const auto train = load_cifar10_split(root, true);
  REQUIRE(train.images.sizes() == torch::IntArrayRef({50000, 3, 32, 32}));
  CHECK(train.labels.size(0) == 50000);
  CHECK(per_class(train.labels, 10) == std::vector<int64_t>(10, 5000));
  CHECK(cifar10_class_names(root).size() == 10);
}

TEST_CASE("The real Fashion-MNIST has 60000 training and 10000 test images of 28x28",
          "[ml][data][real]") {
  const fs::path root = SIZESEL_FASHION_MNIST_DIR;
  if (!exists_or_warn(root)) return;

  const auto train = load_idx_split(root, true);
  const auto test = load_idx_split(root, false);
  REQUIRE(train.images.sizes() == torch::IntArrayRef({60000, 1, 28, 28}));
  REQUIRE(test.images.sizes() == torch::IntArrayRef({10000, 1, 28, 28}));
  CHECK(per_class(train.labels, 10) == std::vector<int64_t>(10, 6000));
  CHECK(per_class(test.labels, 10) == std::vector<int64_t>(10, 1000));
}

TEST_CASE("Loading Fashion-MNIST with limits 600/200 gives 60 training and 20 test images "
          "per class",
          "[ml][data][real]") {
  const fs::path root = SIZESEL_FASHION_MNIST_DIR;
  if (!exists_or_warn(root)) return;

  const auto data = load_dataset(DatasetSpec{DatasetFormat::kIdx, root, 600, 200});

  CHECK(data.train.images.sizes() == torch::IntArrayRef({600, 1, 28, 28}));
  CHECK(data.test.images.sizes() == torch::IntArrayRef({200, 1, 28, 28}));
  CHECK(per_class(data.train.labels, 10) == std::vector<int64_t>(10, 60));
  CHECK(per_class(data.test.labels, 10) == std::vector<int64_t>(10, 20));
  CHECK(data.num_classes == 10);
  CHECK(data.class_names.front() == "T-shirt/top");
  CHECK((data.channels == 1 && data.height == 28 && data.width == 28));
}

TEST_CASE("Loading CIFAR-10 with limits 1000/500 gives 100 training and 50 test images per class",
          "[ml][data][real]") {
  const fs::path root = SIZESEL_CIFAR10_DIR;
  if (!exists_or_warn(root)) return;

  const auto data = load_dataset(DatasetSpec{DatasetFormat::kCifar10Bin, root, 1000, 500});

  CHECK(per_class(data.train.labels, 10) == std::vector<int64_t>(10, 100));
  CHECK(per_class(data.test.labels, 10) == std::vector<int64_t>(10, 50));
  CHECK(data.class_names.front() == "airplane");
  CHECK((data.channels == 3 && data.height == 32 && data.width == 32));
}

}  // namespace sizesel
