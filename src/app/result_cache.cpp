#include "sizesel/app/result_cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/core/input_file.hpp"
#include "sizesel/report/metrics_json.hpp"

namespace sizesel {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int kCacheFormat = 1;

std::string now_utc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

/// What the checksum covers: the inputs and the result, as stored.
std::string checksum_of(const Json& inputs, const Json& result) { return sha256_hex(inputs.dump() + "\n" + result.dump()); }

void write_all(int fd, const std::string& text, const fs::path& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) throw Error(path.string() + ": cannot be written (disk full?)");
    written += static_cast<std::size_t>(n);
  }
}

std::optional<Json> read_json(const fs::path& path) {
  try {
    return Json::parse(read_input_file(path, "JSON"));  // size-limited: an entry is a few KiB
  } catch (const Json::exception&) {
    return std::nullopt;
  } catch (const InputError&) {
    return std::nullopt;
  }
}

}  // namespace

fs::path default_cache_dir() {
  if (const char* dir = std::getenv("SIZESEL_CACHE_DIR"); dir != nullptr && *dir != '\0') return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') return fs::path(xdg) / "sizesel";
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return fs::path(home) / ".cache" / "sizesel";
  return fs::temp_directory_path() / "sizesel-cache";
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw Error("SHA-256 failed (OpenSSL)");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Json folder_fingerprint(const fs::path& folder) {
  Json files = Json::object();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const auto time = fs::last_write_time(entry.path(), ec).time_since_epoch();
    files[entry.path().filename().string()] = {
        {"bytes", static_cast<int64_t>(entry.file_size(ec))},
        {"modified_ns", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(time).count())}};
  }
  return files;
}

ResultCache::ResultCache(fs::path folder) : folder_(std::move(folder)) {}

std::string ResultCache::key_of(const Json& inputs) { return sha256_hex(inputs.dump()); }

fs::path ResultCache::path_of(const std::string& key) const { return folder_ / key.substr(0, 2) / (key + ".json"); }

std::optional<CachedResult> ResultCache::find(const Json& inputs, std::string* problem) const {
  const std::string key = key_of(inputs);
  const fs::path path = path_of(key);
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  auto fail = [&](const std::string& what) -> std::optional<CachedResult> {
    if (problem != nullptr) *problem = path.string() + ": " + what + "; recomputing it";
    return std::nullopt;
  };
  const auto entry = read_json(path);
  if (!entry || !entry->is_object()) return fail("damaged cache entry (not valid JSON)");
  if (entry->value("cache_format", 0) != kCacheFormat) return fail("cache entry of another format");
  if (!entry->contains("inputs") || !entry->contains("result") || !entry->contains("checksum")) {
    return fail("incomplete cache entry");
  }
  if (entry->at("inputs") != inputs || entry->value("key", std::string()) != key) {
    return fail("cache entry stored under the wrong key");
  }
  if (entry->at("checksum") != checksum_of(entry->at("inputs"), entry->at("result"))) {
    return fail("cache entry fails its checksum");
  }
  try {
    const Json& result = entry->at("result");
    if (!result.is_object() || !result.contains("metrics") || !result.contains("context")) {
      return fail("incomplete cache entry");
    }
    return CachedResult{metrics_from_json(result.at("metrics")), result.at("context")};
  } catch (const std::exception& error) {
    return fail(std::string("cache entry has incomplete metrics: ") + error.what());
  }
}

void ResultCache::store(const Json& inputs, const CachedResult& cached, const std::string& label) const {
  const std::string key = key_of(inputs);
  const fs::path path = path_of(key);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(path.parent_path().string() + ": cache folder cannot be created: " + ec.message());
  const Json result = {{"metrics", metrics_to_json(cached.metrics)}, {"context", cached.context}};
  const Json entry = {{"cache_format", kCacheFormat}, {"key", key},          {"label", label},
                      {"created", now_utc()},         {"inputs", inputs},    {"result", result},
                      {"checksum", checksum_of(inputs, result)}};
  static std::atomic<int64_t> counter{0};
  const fs::path temporary = path.string() + fmt::format(".tmp-{}-{}", ::getpid(), counter++);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(temporary.string() + ": cache entry cannot be created (read-only folder?)");
  try {
    write_all(fd, entry.dump(1) + "\n", temporary);
    if (::fsync(fd) != 0) throw Error(temporary.string() + ": cannot be flushed to disk");
  } catch (...) {
    ::close(fd);
    fs::remove(temporary, ec);
    throw;
  }
  ::close(fd);
  fs::rename(temporary, path, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw Error(path.string() + ": cache entry cannot be written: " + ec.message());
  }
}

void ResultCache::check_writable() const {
  const auto fail = [&](const std::string& why) {
    throw Error(folder_.string() + ": the results cache folder cannot be written (" + why +
                "); give a writable one with --cache-dir or SIZESEL_CACHE_DIR, or pass --no-cache");
  };
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec) fail(ec.message());
  if (!fs::is_directory(folder_, ec)) fail("not a folder");
  // Named like an entry's temporary file, so that `cache clear` removes one left behind.
  const fs::path probe = folder_ / fmt::format("write-check.tmp-{}", ::getpid());
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(std::strerror(errno));
  ::close(fd);
  fs::remove(probe, ec);
}

std::vector<CacheEntryInfo> ResultCache::list() const {
  std::vector<CacheEntryInfo> entries;
  std::error_code ec;
  for (const auto& item : fs::recursive_directory_iterator(folder_, ec)) {
    if (!item.is_regular_file(ec) || item.path().extension() != ".json") continue;
    CacheEntryInfo info;
    info.file = item.path();
    info.key = item.path().stem().string();
    const auto entry = read_json(item.path());
    if (entry && entry->is_object()) {
      info.label = entry->value("label", std::string());
      info.created = entry->value("created", std::string());
      info.valid = entry->contains("inputs") && entry->contains("result") && entry->contains("checksum") &&
                   entry->at("checksum") == checksum_of(entry->at("inputs"), entry->at("result")) &&
                   key_of(entry->at("inputs")) == info.key;
      const Json accuracy = info.valid ? entry->at("result").value("metrics", Json::object()).value("accuracy", Json())
                                       : Json();
      if (accuracy.is_number()) info.accuracy = accuracy.get<double>();
    }
    entries.push_back(info);
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.created < b.created; });
  return entries;
}

fs::path ResultCache::checkpoint_path(const Json& inputs) const {
  fs::path path = path_of(key_of(inputs));
  path.replace_extension(".ckpt");
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(path.parent_path().string() + ": cache folder cannot be created: " + ec.message());
  return path;
}

std::size_t ResultCache::clear() const {
  std::size_t removed = 0;
  std::size_t failed = 0;
  std::string first_failure;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& item : fs::recursive_directory_iterator(folder_, ec)) {
    if (item.is_regular_file(ec)) files.push_back(item.path());
  }
  for (const auto& file : files) {
    const bool entry = file.extension() == ".json";
    const bool leftover =
        file.filename().string().find(".tmp-") != std::string::npos || file.extension() == ".ckpt";
    if (!entry && !leftover) continue;
    if (fs::remove(file, ec)) {
      removed += entry ? 1 : 0;
    } else if (ec && !failed++) {
      first_failure = file.string() + ": " + ec.message();
    }
  }
  if (failed > 0) {
    throw Error(fmt::format("{}: {} file{} of the results cache could not be removed (first {}); removed {} entries",
                            folder_.string(), failed, failed == 1 ? "" : "s", first_failure, removed));
  }
  return removed;
}

}  // namespace sizesel
