// Writes the small, deliberately broken dataset folders of the bad-input corpus into the folder
// given (the build tree: no dataset is kept in the repository). Run by ctest as the fixture
// corpus.make_data before the corpus.* tests.
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

namespace fs = std::filesystem;
using Bytes = std::string;

namespace {

Bytes big_endian(uint32_t value) {
  return {static_cast<char>(value >> 24), static_cast<char>(value >> 16), static_cast<char>(value >> 8),
          static_cast<char>(value)};
}

Bytes idx_images(uint32_t count, uint32_t magic = 0x00000803) {
  Bytes data = big_endian(magic) + big_endian(count) + big_endian(28) + big_endian(28);
  for (uint32_t i = 0; i < count * 28 * 28; ++i) data += static_cast<char>((i * 7) % 256);
  return data;
}

Bytes idx_labels(uint32_t count) {
  Bytes data = big_endian(0x00000801) + big_endian(count);
  for (uint32_t i = 0; i < count; ++i) data += static_cast<char>(i % 10);
  return data;
}

Bytes cifar_record(int label) {
  Bytes data(1, static_cast<char>(label));
  for (int i = 0; i < 3072; ++i) data += static_cast<char>((label * 31 + i) % 256);
  return data;
}

void write(const fs::path& file, const Bytes& data) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << data;
}

void write_gzip(const fs::path& file, const Bytes& data) {
  fs::create_directories(file.parent_path());
  gzFile out = gzopen(file.c_str(), "wb");
  gzwrite(out, data.data(), static_cast<unsigned>(data.size()));
  gzclose(out);
}

/// An IDX folder of 20 training and 10 test images, with `broken` files replacing the good ones.
void idx_folder(const fs::path& folder, bool compress, std::map<std::string, Bytes> broken = {}) {
  std::map<std::string, Bytes> files = {{"train-images-idx3-ubyte", idx_images(20)},
                                        {"train-labels-idx1-ubyte", idx_labels(20)},
                                        {"t10k-images-idx3-ubyte", idx_images(10)},
                                        {"t10k-labels-idx1-ubyte", idx_labels(10)}};
  for (auto& [name, data] : broken) files[name] = data;
  for (const auto& [name, data] : files) {
    if (compress) {
      write_gzip(folder / (name + ".gz"), data);
    } else {
      write(folder / name, data);
    }
  }
}

/// A CIFAR-10 binary folder of two records per file (the loader requires the six files to hold
/// as many records each), with `broken` files replacing the good ones.
void cifar_folder(const fs::path& folder, std::map<std::string, Bytes> broken = {}) {
  std::map<std::string, Bytes> files = {{"test_batch.bin", cifar_record(0) + cifar_record(1)}};
  for (int i = 1; i <= 5; ++i) files["data_batch_" + std::to_string(i) + ".bin"] = cifar_record(i) + cifar_record(i + 1);
  for (auto& [name, data] : broken) files[name] = data;
  for (const auto& [name, data] : files) write(folder / name, data);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sizesel_corpus_data FOLDER\n";
    return 1;
  }
  const fs::path root = argv[1];
  fs::remove_all(root);
  idx_folder(root / "idx_ok", true);
  idx_folder(root / "idx_bad_magic", false, {{"t10k-images-idx3-ubyte", idx_images(10, 0x00000804)}});
  const Bytes images = idx_images(20);
  idx_folder(root / "idx_truncated", false, {{"train-images-idx3-ubyte", images.substr(0, images.size() - 100)}});
  Bytes labels = idx_labels(10);
  labels.back() = 12;
  idx_folder(root / "idx_bad_label", true, {{"t10k-labels-idx1-ubyte", labels}});
  idx_folder(root / "idx_broken_gzip", true);
  const fs::path cut = root / "idx_broken_gzip" / "train-images-idx3-ubyte.gz";
  fs::resize_file(cut, fs::file_size(cut) / 2);
  cifar_folder(root / "cifar_bad_size", {{"data_batch_3.bin", cifar_record(3) + Bytes(5, '\0')}});
  cifar_folder(root / "cifar_bad_label", {{"test_batch.bin", cifar_record(11) + cifar_record(0)}});
  cifar_folder(root / "cifar_cut_at_record", {{"data_batch_2.bin", cifar_record(2)}});
  cifar_folder(root / "cifar_missing");
  fs::remove(root / "cifar_missing" / "data_batch_5.bin");
  return 0;
}
