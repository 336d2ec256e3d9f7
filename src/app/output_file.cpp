#include "sizesel/app/output_file.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "sizesel/core/error.hpp"

namespace sizesel {
namespace {

namespace fs = std::filesystem;

bool is_special(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows symbolic links
  return !ec && fs::exists(status) && !fs::is_regular_file(status) && !fs::is_directory(status);
}

fs::path temporary_next_to(const fs::path& path) { return path.string() + ".tmp-" + std::to_string(::getpid()); }

void write_directly(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw Error(path.string() + ": cannot be opened for writing");
  out << text;
  out.flush();
  if (!out) throw Error(path.string() + ": write failed (disk full?)");
}

void replace_atomically(const fs::path& path, const std::string& text) {
  const fs::path temporary = temporary_next_to(path);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path.string() + ": cannot be written (is the folder there and writable?)");
    out << text;
    out.flush();
    if (!out) {
      out.close();
      std::remove(temporary.c_str());
      throw Error(path.string() + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw Error(path.string() + ": cannot be written: " + ec.message());
  }
}

}  // namespace

void check_output_path(const fs::path& path, const std::vector<fs::path>& inputs, const std::string& flag) {
  if (path.empty()) throw InputError(flag + ": needs a file name (got \"\")");
  const std::string name = path.string();
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(name + ": " + flag + " is a folder; give a file name");
  for (const fs::path& input : inputs) {
    if (fs::exists(path, ec) && fs::equivalent(path, input, ec)) {
      throw InputError(name + ": " + flag + " would overwrite the input file " + input.string());
    }
  }
  if (is_special(path)) return;
  const fs::path target = fs::is_symlink(path, ec) ? fs::weakly_canonical(path, ec) : path;
  const fs::path probe = temporary_next_to(target);
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(name + ": " + flag + " cannot be written (is the folder there and writable?)");
  }
  std::remove(probe.c_str());
}

void write_output(const fs::path& path, const std::string& text) {
  if (is_special(path)) {
    write_directly(path, text);
    return;
  }
  std::error_code ec;
  if (fs::is_symlink(path, ec)) {
    const fs::path target = fs::weakly_canonical(path, ec);
    if (ec) throw Error(path.string() + ": cannot follow the symbolic link: " + ec.message());
    replace_atomically(target, text);
    return;
  }
  replace_atomically(path, text);
}

void deliver(const std::optional<fs::path>& output, const std::string& text) {
  if (output) {
    write_output(*output, text);
  } else {
    std::cout << text << std::flush;
  }
}

}  // namespace sizesel
