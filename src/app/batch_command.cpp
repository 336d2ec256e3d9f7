#include "sizesel/app/batch_command.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "sizesel/app/output_file.hpp"
#include "sizesel/app/pipeline.hpp"
#include "sizesel/app/recommend_command.hpp"
#include "sizesel/app/result_cache.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/core/input_file.hpp"
#include "sizesel/report/text_format.hpp"
#include "sizesel/scenario/scenario.hpp"
#include "sizesel/scenario/table_file.hpp"

namespace sizesel {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

/// Whether `file` holds a table (its top level has "options"); anything unreadable counts as a
/// scenario, whose loader then reports what is wrong. Comments are skipped, as the loaders do.
bool is_table(const fs::path& file) {
  if (file.extension() == ".csv") return true;
  try {
    const Json document = Json::parse(read_input_file(file, "JSON"), nullptr, /*allow_exceptions=*/true,
                                      /*ignore_comments=*/true);
    return document.is_object() && document.contains("options");
  } catch (const Json::exception&) {
    return false;
  } catch (const InputError&) {
    return false;
  }
}

struct Row {
  std::string file;
  std::string kind;
  std::string status;
  std::string recommended;
  int exit_code = 0;
  double seconds = 0;
};

fs::path cache_folder(const CliOptions& options) { return options.cache_dir ? *options.cache_dir : default_cache_dir(); }

}  // namespace

std::vector<fs::path> batch_files(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec) && entry.path().extension() == ".json") found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else if (fs::exists(path, ec)) {
      // A pipe could be read only once, and batch reads each file more than once.
      throw InputError(path.string() + ": not a regular file (a pipe or a device?); batch and validate read each " +
                       "file more than once: give them a file, or use recommend or solve");
    } else {
      throw InputError(path.string() + ": no such file or folder");
    }
  }
  if (files.empty()) throw InputError("no JSON scenario or table found in the paths given");
  return files;
}

int run_validate_command(const std::vector<fs::path>& paths) {
  bool all_valid = true;
  for (const auto& file : batch_files(paths)) {
    try {
      if (is_table(file)) {
        const TableFile table = load_table(file);
        std::cout << fmt::format("ok {}: table \"{}\", {} options, {} criteria\n", file.string(), table.name,
                                 table.problem.table.options.size(), table.problem.table.criteria.size());
      } else {
        const Scenario scenario = load_scenario(file);
        std::cout << fmt::format("ok {}: scenario \"{}\", {} candidates, {} dataset at {}\n", file.string(),
                                 scenario.name, scenario.candidates.size(), to_string(scenario.dataset.format),
                                 scenario.dataset.root.string());
      }
    } catch (const Error& error) {
      all_valid = false;
      std::cerr << "sizesel: error: " << error.what() << '\n';
    }
  }
  return all_valid ? kExitRecommended : kExitInputError;
}

int run_batch_command(const CliOptions& options, const std::vector<fs::path>& paths) {
  const std::vector<fs::path> files = batch_files(paths);
  // Before any work, and never over one of the inputs.
  if (options.output) check_output_path(*options.output, files);
  CliOptions each = options;
  each.output.reset();
  if (!options.no_cache) each.cache_dir = cache_folder(options);

  // Restart once for honest timings if any scenario will train (see ensure_passive_openmp).
  for (const auto& file : files) {
    if (is_table(file)) continue;
    try {
      ScenarioOverrides overrides;
      overrides.data_dir = each.data_dir;
      PipelineOptions pipeline;
      if (!each.no_cache) pipeline.cache_dir = each.cache_dir;
      if (needs_training(load_scenario(file, overrides), pipeline)) {
        ensure_passive_openmp();
        break;
      }
    } catch (const Error&) {
      // Reported when the file's turn comes.
    }
  }

  std::vector<Row> rows;
  std::ostringstream lines;
  bool runtime_error = false;
  bool input_error = false;
  bool infeasible = false;
  for (const auto& file : files) {
    Row row;
    row.file = file.string();
    row.kind = is_table(file) ? "table" : "scenario";
    const auto start = std::chrono::steady_clock::now();
    Json line;
    try {
      const Outcome outcome = row.kind == "table" ? solve_outcome(file, each) : recommend_outcome(file, each);
      line = outcome.json;
      row.exit_code = outcome.exit_code;
      row.status = outcome.json.value("status", std::string());
      row.recommended = outcome.json.value("recommended", Json()).is_string() ? outcome.json["recommended"].get<std::string>()
                                                                               : "-";
      infeasible = infeasible || outcome.exit_code == kExitInfeasible;
    } catch (const Interrupted&) {
      throw;  // the whole batch stops; main says how to resume
    } catch (const InputError& error) {
      row.exit_code = kExitInputError;
      input_error = true;
      line = {{"status", "error"}, {"error", error.what()}};
    } catch (const std::exception& error) {
      row.exit_code = kExitRuntimeError;
      runtime_error = true;
      line = {{"status", "error"}, {"error", error.what()}};
    }
    if (row.status.empty()) row.status = "error";
    if (row.recommended.empty()) row.recommended = "-";
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    line["file"] = row.file;
    line["exit_code"] = row.exit_code;
    lines << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
    if (!options.quiet && row.exit_code != kExitRecommended && row.exit_code != kExitInfeasible) {
      // Errors about the file itself already start with its name.
      const std::string error = line.value("error", std::string());
      const bool named = error.rfind(row.file + ":", 0) == 0;
      std::cerr << "sizesel: batch: " << (named ? error : row.file + ": " + error) << '\n';
    }
    rows.push_back(row);
  }

  std::ostringstream summary;
  std::vector<std::vector<std::string>> table = {{"file", "kind", "status", "recommended", "exit", "seconds"}};
  for (const auto& row : rows) {
    table.push_back({row.file, row.kind, row.status, row.recommended, std::to_string(row.exit_code),
                     fmt::format("{:.1f}", row.seconds)});
  }
  write_table(table, summary);
  const int code = runtime_error ? kExitRuntimeError : input_error ? kExitInputError : infeasible ? kExitInfeasible
                                                                                                 : kExitRecommended;
  summary << fmt::format("{} file{}: {} recommended, {} infeasible, {} failed; exit {}\n", rows.size(), rows.size() == 1 ? "" : "s",
                         std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.exit_code == 0; }),
                         std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.exit_code == 3; }),
                         std::count_if(rows.begin(), rows.end(), [](const Row& r) { return r.exit_code == 1 || r.exit_code == 2; }),
                         code);
  if (options.format == OutputFormat::kJson) {
    deliver(options.output, lines.str());
    std::cerr << summary.str();
  } else {
    deliver(options.output, summary.str());
  }
  return code;
}

int run_cache_list(const CliOptions& options) {
  const ResultCache cache(cache_folder(options));
  const auto entries = cache.list();
  std::vector<std::vector<std::string>> rows = {{"created (UTC)", "key", "evaluation", "accuracy", "checksum"}};
  for (const auto& entry : entries) {
    rows.push_back({entry.created.empty() ? "?" : entry.created, entry.key.substr(0, 12), entry.label,
                    entry.valid ? fmt::format("{:.4f}", entry.accuracy) : "-", entry.valid ? "ok" : "DAMAGED"});
  }
  std::cout << "cache " << cache.folder().string() << ": " << entries.size() << " entries\n";
  if (!entries.empty()) write_table(rows, std::cout);
  return kExitRecommended;
}

int run_cache_clear(const CliOptions& options) {
  const ResultCache cache(cache_folder(options));
  const std::size_t removed = cache.clear();
  std::cout << "cache " << cache.folder().string() << ": removed " << removed << " entries\n";
  return kExitRecommended;
}

}  // namespace sizesel
