// Reading a whole input file (scenario, table, CSV options, cache entry) safely: a clear reason
// when it cannot be read, and a size limit so that an endless device cannot exhaust memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace sizesel {

/// Most bytes an input file may hold: 64 MiB, far above any scenario or table.
inline constexpr std::uintmax_t kMaxInputFileBytes = std::uintmax_t{64} << 20;

/// The whole content of `file`, a `kind` file ("JSON", "CSV"). Throws InputError "FILE: what"
/// when it is a directory, cannot be opened (with the system's reason: missing, permission
/// denied, ...), fails to read, or holds more than kMaxInputFileBytes (reading stops there, so
/// /dev/zero ends too).
[[nodiscard]] std::string read_input_file(const std::filesystem::path& file, const std::string& kind);

}  // namespace sizesel
