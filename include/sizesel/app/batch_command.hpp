// `sizesel batch`: decide many scenarios and tables in one go, for CI; and `sizesel cache list|clear`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sizesel/app/cli_options.hpp"

namespace sizesel {

/// The JSON files `paths` name: files as given, folders' *.json files (not recursive), sorted.
/// Throws InputError for a path that does not exist.
[[nodiscard]] std::vector<std::filesystem::path> batch_files(const std::vector<std::filesystem::path>& paths);

/// Runs each file (a scenario with "candidates" through recommend, a table with "options"
/// through solve), sharing one results cache. With --format json, prints one JSON document per
/// file and line (JSON Lines: the report plus "file" and "exit_code", or for a file that failed
/// "status": "error" and "error"), and the summary table on stderr; with text, the summary on
/// stdout. Returns 0 when every file recommended, else 2 when any had a runtime error, else 1
/// when any had an input error, else 3 (something infeasible).
[[nodiscard]] int run_batch_command(const CliOptions& options, const std::vector<std::filesystem::path>& paths);

/// `sizesel validate`: reads each file of batch_files(paths) as batch would (a scenario, or a
/// table) with every check of its reader, without loading data, training or solving; prints
/// `ok FILE: ...` per valid file on stdout and the one-line error of each invalid one on stderr.
/// Returns 0 when every file is valid, else 1.
[[nodiscard]] int run_validate_command(const std::vector<std::filesystem::path>& paths);

/// `sizesel cache list`: every entry (created, key, label, accuracy, whether its checksum holds).
[[nodiscard]] int run_cache_list(const CliOptions& options);

/// `sizesel cache clear`: removes every entry; prints how many.
[[nodiscard]] int run_cache_clear(const CliOptions& options);

}  // namespace sizesel
