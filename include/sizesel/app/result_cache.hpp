// The results cache: one JSON file per evaluation (candidate x seed), named by the SHA-256 of what determines it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sizesel/core/metrics.hpp"

namespace sizesel {

/// The cache folder when none is given: $SIZESEL_CACHE_DIR, else $XDG_CACHE_HOME/sizesel, else
/// ~/.cache/sizesel.
[[nodiscard]] std::filesystem::path default_cache_dir();

/// Lowercase hex SHA-256 of `text` (OpenSSL).
[[nodiscard]] std::string sha256_hex(const std::string& text);

/// The size and modification time of every regular file directly in `folder`, by name: a
/// changed, added or removed data file changes the cache key.
[[nodiscard]] nlohmann::json folder_fingerprint(const std::filesystem::path& folder);

/// One cached evaluation as `sizesel cache list` shows it.
struct CacheEntryInfo {
  std::filesystem::path file;
  std::string key;
  std::string label;    ///< "scenario / candidate / seed S", as stored
  std::string created;  ///< UTC, ISO 8601
  bool valid = false;   ///< parses and its checksum matches
  double accuracy = 0;
};

/// What a cache entry holds besides its inputs: the metrics, and context the report needs
/// (the dataset's sizes) when nothing is trained.
struct CachedResult {
  Metrics metrics;
  nlohmann::json context;
};

class ResultCache {
 public:
  explicit ResultCache(std::filesystem::path folder);

  [[nodiscard]] const std::filesystem::path& folder() const { return folder_; }

  /// The key of an evaluation: sha256_hex of `inputs` dumped canonically (sorted keys).
  [[nodiscard]] static std::string key_of(const nlohmann::json& inputs);

  /// The stored metrics for `inputs`, or nullopt when there are none, or when the entry is
  /// damaged (unparsable, wrong key, checksum mismatch, metrics incomplete): then `problem`
  /// says what, and the entry is to be recomputed and overwritten, never trusted.
  [[nodiscard]] std::optional<CachedResult> find(const nlohmann::json& inputs, std::string* problem = nullptr) const;

  /// Stores an evaluation atomically: a temporary file in the entry's folder, flushed to disk,
  /// then renamed over the entry, so that a reader (another run sharing the folder) sees either
  /// nothing or a whole entry. Throws Error naming the file when it cannot be written.
  void store(const nlohmann::json& inputs, const CachedResult& result, const std::string& label) const;

  /// Checks, before any training, that entries can be stored: the folder is created when it is
  /// not there, and a file is created in it and removed. Throws Error naming the folder, why,
  /// and what to do (another --cache-dir or SIZESEL_CACHE_DIR, or --no-cache) when that fails.
  void check_writable() const;

  /// Where the training of this evaluation keeps its checkpoint between epochs (next to its
  /// entry, KEY.ckpt); its folder is created.
  [[nodiscard]] std::filesystem::path checkpoint_path(const nlohmann::json& inputs) const;

  /// Every entry, valid or not, sorted by creation time.
  [[nodiscard]] std::vector<CacheEntryInfo> list() const;

  /// Removes every entry (and leftover temporary file and checkpoint); returns how many entries
  /// were removed. Throws Error naming the folder, how many files could not be removed and the
  /// first of them, with why (a read-only folder, say), after removing what it could.
  std::size_t clear() const;

 private:
  [[nodiscard]] std::filesystem::path path_of(const std::string& key) const;

  std::filesystem::path folder_;
};

}  // namespace sizesel
