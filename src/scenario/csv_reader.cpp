// read_csv_file(): RFC 4180 parsing with Debian's libcsv.
#include <csv.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sizesel/core/error.hpp"
#include "sizesel/core/input_file.hpp"
#include "sizesel/scenario/table_file.hpp"

namespace sizesel {
namespace {

struct Collector {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> current;
};

void on_field(void* data, size_t size, void* collector) {
  auto* c = static_cast<Collector*>(collector);
  c->current.emplace_back(data == nullptr ? "" : std::string(static_cast<const char*>(data), size));
}

void on_row(int /*terminator*/, void* collector) {
  auto* c = static_cast<Collector*>(collector);
  c->rows.push_back(std::move(c->current));
  c->current.clear();
}

class Parser {
 public:
  Parser() {
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
      throw Error("CSV: cannot initialise the parser (out of memory)");
    }
  }
  ~Parser() { csv_free(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  csv_parser* get() { return &parser_; }

 private:
  csv_parser parser_{};
};

}  // namespace

std::vector<std::vector<std::string>> read_csv_file(const std::filesystem::path& file) {
  const std::string name = file.string();
  std::string text = read_input_file(file, "CSV");
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) throw InputError(name + ": file is empty");

  Parser parser;
  Collector collector;
  const size_t parsed = csv_parse(parser.get(), text.data(), text.size(), on_field, on_row, &collector);
  if (parsed != text.size() || csv_fini(parser.get(), on_field, on_row, &collector) != 0) {
    throw InputError(fmt::format("{}: row {}: malformed CSV: {} (a quote left open, or a quote inside an unquoted field?)",
                                 name, collector.rows.size() + 1, csv_strerror(csv_error(parser.get()))));
  }
  for (std::size_t r = 1; r < collector.rows.size(); ++r) {
    if (collector.rows[r].size() != collector.rows[0].size()) {
      throw InputError(fmt::format("{}: row {}: has {} fields, the header has {}", name, r + 1,
                                   collector.rows[r].size(), collector.rows[0].size()));
    }
  }
  return collector.rows;
}

}  // namespace sizesel
