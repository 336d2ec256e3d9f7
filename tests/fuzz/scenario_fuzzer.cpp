// libFuzzer target: the scenario reader (load_scenario) on any bytes. Every input must end in a
// Scenario or in sizesel's own error; any other exception, crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>

#include "fuzz_input.hpp"
#include "sizesel/core/error.hpp"
#include "sizesel/scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const fuzz::Folder folder;
  folder.clear();
  const auto files = fuzz::split_files(data, size);
  const auto scenario_file = folder.write("scenario.json", files.front());
  try {
    (void)sizesel::load_scenario(scenario_file);
  } catch (const sizesel::Error&) {
  }
  return 0;
}
