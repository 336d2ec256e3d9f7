// Writing a result file safely: checked before any work, replaced atomically, devices written through.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sizesel {

/// Checks, before any work is done, that `path` can take the result: not empty, not a
/// folder, not one of `inputs` (the files the run reads), and its folder writable. Throws
/// InputError naming the path and `flag`, the option that gave it.
void check_output_path(const std::filesystem::path& path, const std::vector<std::filesystem::path>& inputs,
                       const std::string& flag = "--output");

/// Writes `text` to `path`. A regular file (or one not there yet) is replaced atomically: a
/// temporary file in the same folder, then a rename; through a symbolic link, the file it
/// points to is replaced and the link kept. Anything else that exists (/dev/null, a FIFO,
/// /dev/stdout) is written to directly. Throws Error naming the path when it cannot be written.
void write_output(const std::filesystem::path& path, const std::string& text);

/// Prints `text` on stdout, or writes it with write_output() when `output` is given.
void deliver(const std::optional<std::filesystem::path>& output, const std::string& text);

}  // namespace sizesel
