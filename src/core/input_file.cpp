#include "sizesel/core/input_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

/// Closes a file descriptor when it goes.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string read_input_file(const std::filesystem::path& file, const std::string& kind) {
  const std::string name = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw InputError(name + ": is a directory, expected a " + kind + " file");
  const Descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw InputError(name + ": cannot be opened: " + std::strerror(errno));
  }
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(name + ": read error: " + std::strerror(errno));
    }
    text.append(chunk, static_cast<std::size_t>(got));
    if (text.size() > kMaxInputFileBytes) {
      throw InputError(fmt::format("{}: larger than {} MiB: not a {} file sizesel reads", name,
                                   kMaxInputFileBytes >> 20, kind));
    }
  }
  return text;
}

}  // namespace sizesel
