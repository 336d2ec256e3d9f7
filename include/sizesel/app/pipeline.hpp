// The recommend pipeline: scenario -> dataset -> train and measure each candidate -> decision.
#pragma once

#include <ostream>

#include "sizesel/report/run_report.hpp"
#include "sizesel/scenario/scenario.hpp"

namespace sizesel {

/// Walks the whole data flow of DESIGN.md for one scenario. Progress lines go to `log`
/// (nullptr: silent). A candidate whose training fails is reported as failed and left out of
/// the decision. Throws DataError when the dataset cannot be loaded, TrainingError when the
/// device is unusable, SolverError when the solver fails.
[[nodiscard]] RunReport run_recommend(const Scenario& scenario, std::ostream* log);

/// The criteria table and the constrainable metrics of the candidates that have metrics,
/// in scenario order; sets each such candidate's `row`.
[[nodiscard]] DecisionProblem decision_problem(const Scenario& scenario, std::vector<CandidateResult>& candidates);

}  // namespace sizesel
