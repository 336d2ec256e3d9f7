// Tests of the results cache: exact round trips, keys that change with every input, damage detected.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/error.hpp"
#include "support/temp_dir.hpp"

using namespace sizesel;
using test_support::TempDir;

namespace {

nlohmann::json inputs(int epochs) {
  return {{"candidate", {{"stages", {1, 1, 1}}, {"width", 16}}}, {"training", {{"epochs", epochs}, {"seed", 1}}}};
}

CachedResult result() {
  CachedResult cached;
  cached.metrics.accuracy = 0.8125;
  cached.metrics.params = 75002;
  cached.metrics.latency_ms_p99 = 1.0 / 3.0;
  cached.metrics.per_class_accuracy = {0.5, 1.0};
  cached.metrics.corruptions = {{"contrast", 5, 0.25}};
  cached.metrics.adversarial = {{1.0 / 255, 0.7}};
  cached.metrics.training_curve = {{1, 2.5, 0.4, 3.0}};
  cached.context = {{"classes", 10}};
  return cached;
}

}  // namespace

TEST_CASE("a stored evaluation comes back exactly, and any changed input misses", "[app][cache]") {
  TempDir dir;
  const ResultCache cache(dir.path() / "cache");
  CHECK_FALSE(cache.find(inputs(3)).has_value());
  cache.store(inputs(3), result(), "s / r8 / seed 1");
  const auto found = cache.find(inputs(3));
  REQUIRE(found.has_value());
  CHECK(found->metrics.accuracy == 0.8125);
  CHECK(found->metrics.params == 75002);
  CHECK(found->metrics.latency_ms_p99 == 1.0 / 3.0);  // every bit of a double survives
  CHECK(found->metrics.per_class_accuracy == std::vector<double>{0.5, 1.0});
  REQUIRE(found->metrics.corruptions.size() == 1);
  CHECK(found->metrics.corruptions[0].corruption == "contrast");
  CHECK(found->metrics.adversarial[0].epsilon == 1.0 / 255);
  CHECK(found->metrics.training_curve[0].loss == 2.5);
  CHECK(found->context["classes"] == 10);
  CHECK_FALSE(cache.find(inputs(4)).has_value());
  CHECK(ResultCache::key_of(inputs(3)) != ResultCache::key_of(inputs(4)));
  CHECK(ResultCache::key_of(inputs(3)).size() == 64);
  const auto entries = cache.list();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].valid);
  CHECK(entries[0].label == "s / r8 / seed 1");
  CHECK(entries[0].accuracy == 0.8125);
}

TEST_CASE("a truncated, edited or misplaced cache entry is reported and never trusted", "[app][cache]") {
  TempDir dir;
  const ResultCache cache(dir.path() / "cache");
  cache.store(inputs(3), result(), "label");
  const auto file = cache.list().at(0).file;
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();

  std::string problem;
  std::ofstream(file, std::ios::trunc) << text.substr(0, text.size() / 2);
  CHECK_FALSE(cache.find(inputs(3), &problem).has_value());
  CHECK_THAT(problem, Catch::Contains("damaged cache entry (not valid JSON); recomputing it"));
  CHECK_FALSE(cache.list().at(0).valid);

  std::string edited = text;
  edited.replace(edited.find("0.8125"), 6, "0.9125");
  std::ofstream(file, std::ios::trunc) << edited;
  CHECK_FALSE(cache.find(inputs(3), &problem).has_value());
  CHECK_THAT(problem, Catch::Contains("fails its checksum"));

  cache.store(inputs(3), result(), "label");  // recomputed and stored again: whole again
  CHECK(cache.find(inputs(3)).has_value());
  CHECK(cache.clear() == 1);
  CHECK(cache.list().empty());
}

TEST_CASE("SHA-256 matches the standard test vector", "[app][cache]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("check_writable creates the cache folder, leaves nothing in it, and names a folder no one can write",
          "[app][cache]") {
  TempDir dir;
  const ResultCache fresh(dir.path() / "new" / "cache");
  REQUIRE_NOTHROW(fresh.check_writable());
  CHECK(std::filesystem::is_directory(dir.path() / "new" / "cache"));
  CHECK(std::filesystem::is_empty(dir.path() / "new" / "cache"));

  // Unwritable even for root, who ignores permission bits: under /proc, and under a regular file.
  const std::string file = dir.write("a-file", "x").string();
  for (const std::string& folder : {std::string("/proc/sizesel-cache"), file + "/cache"}) {
    INFO(folder);
    CHECK_THROWS_AS(ResultCache(folder).check_writable(), Error);
    CHECK_THROWS_WITH(ResultCache(folder).check_writable(),
                      Catch::StartsWith(folder + ": the results cache folder cannot be written (") &&
                          Catch::EndsWith("; give a writable one with --cache-dir or SIZESEL_CACHE_DIR, or pass --no-cache"));
  }
}

TEST_CASE("a read-only cache folder is an error naming it, also for clear, though root writes there all the same",
          "[app][cache]") {
  TempDir dir;
  const ResultCache cache(dir.path() / "cache");
  cache.store(inputs(3), result(), "s / r8 / seed 1");
  const auto folder = dir.path() / "cache";
  std::filesystem::permissions(folder, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                                           std::filesystem::perms::group_read | std::filesystem::perms::group_exec |
                                           std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  for (const auto& sub : std::filesystem::directory_iterator(folder)) {
    std::filesystem::permissions(sub.path(), std::filesystem::perms::owner_write | std::filesystem::perms::group_write |
                                                 std::filesystem::perms::others_write,
                                 std::filesystem::perm_options::remove);
  }
  if (::geteuid() == 0) {
    WARN("skipped: running as root, which writes into a folder of mode 0555 all the same");
    return;
  }
  CHECK_THROWS_WITH(cache.check_writable(), Catch::StartsWith(folder.string() + ": the results cache folder cannot be "
                                                                               "written (Permission denied)"));
  CHECK(cache.find(inputs(3)).has_value());  // reading still works
  CHECK_THROWS_WITH(cache.clear(), Catch::Contains("1 file of the results cache could not be removed (first " +
                                                   folder.string()) &&
                                       Catch::Contains("Permission denied); removed 0 entries"));
  CHECK(cache.find(inputs(3)).has_value());
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
  for (const auto& sub : std::filesystem::directory_iterator(folder)) {
    std::filesystem::permissions(sub.path(), std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
  }
}
