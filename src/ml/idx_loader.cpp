#include "sizesel/ml/idx_loader.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include <zlib.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

constexpr int64_t kImagesHeaderBytes = 16;  // magic, count, rows, columns
constexpr int64_t kLabelsHeaderBytes = 8;   // magic, count
constexpr int64_t kMaxSide = 4096;          // rows or columns beyond this mean a corrupt header
constexpr int64_t kReadChunkBytes = int64_t{16} << 20;
constexpr unsigned kGzBufferBytes = 1U << 17;
constexpr std::array<const char*, 10> kFashionNames = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw DataError(located_message(file.string(), "", what));
}

std::string hex32(uint32_t value) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "0x%08X", value);
  return text.data();
}

uint32_t big_endian32(const uint8_t* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

/// `base` or `base.gz` inside root, whichever exists (the plain file first).
std::filesystem::path find_idx_file(const std::filesystem::path& root, const std::string& base) {
  std::error_code ec;
  for (const auto& candidate : {root / base, root / (base + ".gz")}) {
    if (std::filesystem::exists(candidate, ec)) return candidate;
  }
  fail(root / base,
       "not found (nor " + base + ".gz); expected MNIST/Fashion-MNIST IDX files "
       "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
       "t10k-labels-idx1-ubyte, plain or gzip-compressed (.gz)");
}

/// A plain or gzip-compressed file read through zlib, which reads both transparently.
class IdxFile {
 public:
  explicit IdxFile(std::filesystem::path path) : path_(std::move(path)) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec)) fail(path_, "unreadable: not a regular file");
    file_ = gzopen(path_.c_str(), "rb");
    if (file_ == nullptr) fail(path_, std::string("unreadable: ") + std::strerror(errno));
    gzbuffer(file_, kGzBufferBytes);
  }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;
  ~IdxFile() { gzclose(file_); }

  const std::filesystem::path& path() const { return path_; }

  /// Reads up to `bytes` bytes into `out`; fewer only at the end of the data. Throws DataError
  /// when zlib reports a broken stream or a read error.
  int64_t read(uint8_t* out, int64_t bytes) {
    int64_t done = 0;
    while (done < bytes) {
      const auto want = static_cast<unsigned>(std::min<int64_t>(bytes - done, kReadChunkBytes));
      const int got = gzread(file_, out + done, want);
      if (got < 0) throw_stream_error();
      done += got;
      if (static_cast<unsigned>(got) < want) break;
    }
    return done;
  }

  /// Reads exactly `bytes` bytes, `offset` bytes into a file of `expected` bytes; throws DataError
  /// stating expected and actual length when the data ends early.
  void read_exact(uint8_t* out, int64_t bytes, int64_t offset, int64_t expected) {
    const int64_t got = read(out, bytes);
    if (got < bytes) truncated(offset + got, expected, "header + payload");
  }

  /// Throws DataError when anything follows the `expected` bytes already read.
  void expect_end(int64_t expected) {
    std::array<uint8_t, 1 << 16> scratch{};
    int64_t extra = 0;
    for (int64_t got = 0; (got = read(scratch.data(), scratch.size())) > 0;) extra += got;
    int errnum = Z_OK;
    const std::string message = zlib_message(&errnum);
    if (errnum != Z_OK) fail(path_, "broken gzip stream: " + message);
    if (extra > 0) {
      fail(path_, "wrong length: expected " + std::to_string(expected) +
                      " bytes (header + payload), got " + std::to_string(expected + extra));
    }
  }

  /// Throws DataError: the data ended after `got` bytes where `expected` (`what`) were due.
  [[noreturn]] void truncated(int64_t got, int64_t expected, const std::string& what) const {
    std::string message = "truncated: expected " + std::to_string(expected) + " bytes (" + what +
                          "), got " + std::to_string(got);
    int errnum = Z_OK;
    const std::string gzip = zlib_message(&errnum);
    if (errnum != Z_OK) message += " (gzip: " + gzip + ")";
    fail(path_, message);
  }

 private:
  /// zlib's last error without the file name it prefixes; sets *errnum to its code.
  std::string zlib_message(int* errnum) const {
    std::string message = gzerror(file_, errnum);
    const std::string prefix = path_.string() + ": ";
    if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    return message;
  }

  [[noreturn]] void throw_stream_error() const {
    int errnum = Z_OK;
    const std::string message = zlib_message(&errnum);
    if (errnum == Z_ERRNO) fail(path_, std::string("unreadable: ") + std::strerror(errno));
    fail(path_, "broken gzip stream: " + message);
  }

  std::filesystem::path path_;
  gzFile file_ = nullptr;
};

/// Reads the header's magic number and `dims` dimensions, checking the magic first.
std::vector<int64_t> read_header(IdxFile& file, uint32_t magic, int64_t dims) {
  const int64_t header_bytes = 4 * (dims + 1);
  std::array<uint8_t, 16> header{};
  const int64_t got = file.read(header.data(), header_bytes);
  if (got >= 4 && big_endian32(header.data()) != magic) {
    fail(file.path(), "wrong magic number " + hex32(big_endian32(header.data())) + "; expected " +
                          hex32(magic) + " (IDX, unsigned bytes, " + std::to_string(dims) +
                          (dims == 1 ? " dimension)" : " dimensions)"));
  }
  if (got < header_bytes) file.truncated(got, header_bytes, "header");
  std::vector<int64_t> sizes;
  for (int64_t d = 1; d <= dims; ++d) sizes.push_back(big_endian32(header.data() + 4 * d));
  return sizes;
}

/// Reads `payload` bytes after a header of `header_bytes`, growing the buffer only as data arrives
/// so that a corrupt header cannot trigger a huge allocation; then checks nothing follows.
std::vector<uint8_t> read_payload(IdxFile& file, int64_t header_bytes, int64_t payload) {
  const int64_t expected = header_bytes + payload;
  std::vector<uint8_t> data;
  while (static_cast<int64_t>(data.size()) < payload) {
    const int64_t offset = static_cast<int64_t>(data.size());
    const int64_t chunk = std::min(payload - offset, kReadChunkBytes);
    data.resize(static_cast<std::size_t>(offset + chunk));
    file.read_exact(data.data() + offset, chunk, header_bytes + offset, expected);
  }
  file.expect_end(expected);
  return data;
}

torch::Tensor read_images(const std::filesystem::path& path) {
  IdxFile file(path);
  const auto sizes = read_header(file, kIdxImagesMagic, 3);
  const int64_t count = sizes[0];
  const int64_t rows = sizes[1];
  const int64_t cols = sizes[2];
  if (count == 0) fail(path, "holds no images");
  if (rows < 1 || cols < 1 || rows > kMaxSide || cols > kMaxSide) {
    fail(path, "implausible image size " + std::to_string(rows) + "x" + std::to_string(cols) +
                   " (corrupt header?)");
  }
  auto data = read_payload(file, kImagesHeaderBytes, count * rows * cols);
  return torch::from_blob(data.data(), {count, 1, rows, cols}, torch::kUInt8).clone();
}

torch::Tensor read_labels(const std::filesystem::path& path) {
  IdxFile file(path);
  const int64_t count = read_header(file, kIdxLabelsMagic, 1)[0];
  if (count == 0) fail(path, "holds no labels");
  auto data = read_payload(file, kLabelsHeaderBytes, count);
  const auto bad = std::find_if(data.begin(), data.end(),
                                [](uint8_t label) { return label >= kIdxClasses; });
  if (bad != data.end()) {
    fail(path, "label " + std::to_string(bad - data.begin()) + ": value " + std::to_string(*bad) +
                   " out of range (expected 0-" + std::to_string(kIdxClasses - 1) + ")");
  }
  return torch::from_blob(data.data(), {count}, torch::kUInt8).to(torch::kInt64);
}

}  // namespace

ImageSplit load_idx_split(const std::filesystem::path& root, bool train) {
  const std::string prefix = train ? "train" : "t10k";
  const auto images_path = find_idx_file(root, prefix + "-images-idx3-ubyte");
  const auto labels_path = find_idx_file(root, prefix + "-labels-idx1-ubyte");
  ImageSplit split;
  split.images = read_images(images_path);
  split.labels = read_labels(labels_path);
  if (split.images.size(0) != split.labels.size(0)) {
    fail(labels_path, "holds " + std::to_string(split.labels.size(0)) + " labels but " +
                          images_path.string() + " holds " +
                          std::to_string(split.images.size(0)) + " images");
  }
  return split;
}

std::vector<std::string> idx_class_names(const std::filesystem::path& root, int64_t num_classes) {
  auto normal = root.lexically_normal();
  std::string name = normal.filename().string();
  if (name.empty()) name = normal.parent_path().filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool fashion = name.find("fashion") != std::string::npos;
  std::vector<std::string> names;
  for (int64_t i = 0; i < num_classes; ++i) {
    const bool named = fashion && i < static_cast<int64_t>(kFashionNames.size());
    names.push_back(named ? kFashionNames[static_cast<std::size_t>(i)] : std::to_string(i));
  }
  return names;
}

}  // namespace sizesel
