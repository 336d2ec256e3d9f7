#include "sizesel/ml/cifar10_loader.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <system_error>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

constexpr int64_t kTrainBatches = 5;
constexpr const char* kMetaFile = "batches.meta.txt";
constexpr std::array<const char*, kCifar10Classes> kStandardNames = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

std::filesystem::path test_file(const std::filesystem::path& root) { return root / "test_batch.bin"; }

std::vector<std::filesystem::path> train_files(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> files;
  for (int64_t i = 1; i <= kTrainBatches; ++i) {
    files.push_back(root / ("data_batch_" + std::to_string(i) + ".bin"));
  }
  return files;
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw DataError(located_message(file.string(), "", what));
}

/// Size in bytes of an existing, non-empty batch file holding whole records.
int64_t checked_size(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status)) {
    fail(file, "not found; expected the CIFAR-10 binary version: data_batch_1..5.bin and "
               "test_batch.bin — see scripts/fetch-cifar10");
  }
  if (!std::filesystem::is_regular_file(status)) fail(file, "unreadable: not a regular file");
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) fail(file, "unreadable: " + ec.message());
  if (size == 0) fail(file, "empty file; expected records of " +
                                std::to_string(kCifar10RecordBytes) + " bytes");
  if (size % kCifar10RecordBytes != 0) {
    fail(file, "truncated or corrupt: size " + std::to_string(size) +
                   " bytes is not a multiple of the " + std::to_string(kCifar10RecordBytes) +
                   "-byte record");
  }
  return static_cast<int64_t>(size);
}

/// Reads the whole file into `out` in one call, then checks every record's label byte.
void read_records(const std::filesystem::path& file, uint8_t* out, int64_t bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail(file, std::string("unreadable: ") + std::strerror(errno));
  in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(bytes));
  if (in.gcount() != bytes) {
    fail(file, "unreadable: got " + std::to_string(in.gcount()) + " of " + std::to_string(bytes) +
                   " bytes");
  }
  const int64_t records = bytes / kCifar10RecordBytes;
  for (int64_t r = 0; r < records; ++r) {
    const uint8_t label = out[r * kCifar10RecordBytes];
    if (label >= kCifar10Classes) {
      fail(file, "record " + std::to_string(r) + ": label " + std::to_string(label) +
                     " out of range (expected 0-" + std::to_string(kCifar10Classes - 1) + ")");
    }
  }
}

/// Requires the six files to hold the same number of records, as the official ones do (10,000
/// each): a file cut at a record boundary passes checked_size(), not this. The count most files
/// hold is taken as the expected one (the larger on a tie, since a cut only removes records),
/// and the first file holding another count is named.
void check_same_record_counts(const std::vector<std::filesystem::path>& files, const std::vector<int64_t>& sizes) {
  std::map<int64_t, int64_t> files_with;  // record count -> how many files hold it
  for (const int64_t size : sizes) ++files_with[size / kCifar10RecordBytes];
  int64_t expected = 0;
  int64_t most = 0;
  for (const auto& [records, count] : files_with) {
    if (count >= most) {
      expected = records;
      most = count;
    }
  }
  std::size_t reference = 0;
  while (sizes[reference] / kCifar10RecordBytes != expected) ++reference;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const int64_t records = sizes[i] / kCifar10RecordBytes;
    if (records == expected) continue;
    fail(files[i], "holds " + std::to_string(records) + (records == 1 ? " record, " : " records, ") +
                       files[reference].filename().string() + " holds " + std::to_string(expected) +
                       (records < expected ? ": truncated?" : ": extra records?"));
  }
}

}  // namespace

ImageSplit load_cifar10_split(const std::filesystem::path& root, bool train) {
  // Every batch file is checked, the split's own first (a missing one is named before the
  // others), then their record counts are compared, in the files' usual order.
  std::vector<std::filesystem::path> all = train_files(root);
  all.push_back(test_file(root));
  const std::size_t count = train ? static_cast<std::size_t>(kTrainBatches) : 1;
  const std::size_t first = train ? 0 : all.size() - 1;
  std::vector<int64_t> all_sizes(all.size(), 0);
  for (std::size_t k = 0; k < all.size(); ++k) {
    const std::size_t i = (first + k) % all.size();
    all_sizes[i] = checked_size(all[i]);
  }
  check_same_record_counts(all, all_sizes);

  const auto begin = static_cast<std::ptrdiff_t>(first);
  const auto end = begin + static_cast<std::ptrdiff_t>(count);
  const std::vector<std::filesystem::path> files(all.begin() + begin, all.begin() + end);
  const std::vector<int64_t> sizes(all_sizes.begin() + begin, all_sizes.begin() + end);
  int64_t total = 0;
  for (const int64_t size : sizes) total += size;
  const int64_t records = total / kCifar10RecordBytes;
  auto raw = torch::empty({records, kCifar10RecordBytes}, torch::kUInt8);
  uint8_t* cursor = raw.data_ptr<uint8_t>();
  for (std::size_t i = 0; i < files.size(); ++i) {
    read_records(files[i], cursor, sizes[i]);
    cursor += sizes[i];
  }
  ImageSplit split;
  split.labels = raw.select(1, 0).to(torch::kInt64);
  split.images = raw.narrow(1, 1, kCifar10RecordBytes - 1)
                     .reshape({records, kCifar10Channels, kCifar10Side, kCifar10Side})
                     .contiguous();
  return split;
}

std::vector<std::string> cifar10_class_names(const std::filesystem::path& root) {
  const auto meta = root / kMetaFile;
  std::error_code ec;
  if (!std::filesystem::exists(meta, ec)) {
    return {kStandardNames.begin(), kStandardNames.end()};
  }
  std::ifstream in(meta);
  if (!in) fail(meta, std::string("unreadable: ") + std::strerror(errno));
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    names.push_back(line.substr(first, last - first + 1));
  }
  if (in.bad()) fail(meta, "unreadable: read error");
  if (static_cast<int64_t>(names.size()) != kCifar10Classes) {
    fail(meta, "expected " + std::to_string(kCifar10Classes) + " class names, one a line (got " +
                   std::to_string(names.size()) + ")");
  }
  return names;
}

}  // namespace sizesel
