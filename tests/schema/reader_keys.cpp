// Prints, as one JSON object, the keys the scenario and table readers allow in each object and
// the names they know (presets, corruptions), for tests/schema/schema_test.py to compare with
// the schemas in docs/.
#include <iostream>

#include <nlohmann/json.hpp>

#include "sizesel/core/candidate_spec.hpp"
#include "sizesel/core/measurement_spec.hpp"
#include "sizesel/scenario/scenario.hpp"
#include "sizesel/scenario/table_file.hpp"

int main() {
  const nlohmann::json keys = {
      {"scenario", sizesel::scenario_keys()},
      {"table", sizesel::table_keys()},
      // Value lists whose error messages do not spell them out, by the pointer of the value.
      {"values", {{"/candidates/*/preset", sizesel::preset_names()},
                  {"/measurement/corruptions/*", sizesel::known_corruptions()}}},
  };
  std::cout << keys.dump(2) << '\n';
  return 0;
}
