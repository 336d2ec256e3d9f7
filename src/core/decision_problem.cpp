#include "sizesel/core/decision_problem.hpp"

namespace sizesel {

std::string to_string(DecisionMode mode) { return mode == DecisionMode::kSingle ? "single" : "mixture"; }

}  // namespace sizesel
