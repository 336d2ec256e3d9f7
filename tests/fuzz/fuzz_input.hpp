// What every fuzz target shares: one fuzz input holds several files, which are written into a
// fresh folder before the code under test reads them from disk, as sizesel itself does.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

/// Separates the files of one input. An input without it is one file, so any plain scenario,
/// table or dataset file is a valid seed; tests/fuzz/seeds joins several files with it.
inline constexpr std::string_view kFileSeparator = "\n--8<--\n";

/// The files of one input, in order.
inline std::vector<std::string> split_files(const uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> files;
  std::size_t start = 0;
  for (std::size_t at; (at = input.find(kFileSeparator, start)) != std::string_view::npos;
       start = at + kFileSeparator.size()) {
    files.emplace_back(input.substr(start, at - start));
  }
  files.emplace_back(input.substr(start));
  return files;
}

/// A folder of this process's own, emptied before each input.
class Folder {
 public:
  Folder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sizesel-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~Folder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  Folder(const Folder&) = delete;
  Folder& operator=(const Folder&) = delete;

  /// Removes every file written for the previous input.
  void clear() const {
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      std::filesystem::remove_all(entry.path());
    }
  }

  /// Writes `content` to `name` in the folder and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) std::abort();  // the fuzzer's own folder must be writable
    return file;
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace fuzz
