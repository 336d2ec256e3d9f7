// `sizesel completion bash`: a bash completion script generated from the command line itself,
// so that it cannot fall behind the subcommands and options.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace sizesel {

/// The script: subcommands at each level, every option's names, and after an option taking a
/// value, its choices (CLI::IsMember), folders (an option named *dir*), files (an option whose
/// description names a file: -o, --report) or nothing (numbers, NAME=VALUE settings, names, free
/// text); positional arguments: their choices, else files.
[[nodiscard]] std::string bash_completion(const CLI::App& app, const std::string& version);

}  // namespace sizesel
