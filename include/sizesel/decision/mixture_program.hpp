// The mixture LP's building blocks, shared by select_mixture() and the weight-stability analysis.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sizesel/decision/linear_program.hpp"
#include "sizesel/decision/selection.hpp"

namespace sizesel {

/// Which LP row holds which kMixture constraint.
struct MixtureRow {
  std::size_t constraint = 0;  ///< index into SelectionInput::constraints
  std::size_t row = 0;         ///< index into LinearProgram::rows
};

struct MixtureProgram {
  /// Columns x_i in [0,1] (upper bound 0 when the option is not eligible) with objective
  /// score_i; row 0 is Σ x_i = 1; one row per kMixture constraint.
  LinearProgram lp;
  std::vector<MixtureRow> constraint_rows;
};

/// The mixture LP for `input` and the options evaluate_options() gave for it, with each
/// kMixture constraint at its exact limit, or (`relaxed`) at relaxed_limit(): the exact LP is
/// solved first, so that no tiny share exploits the tolerance; the relaxed one only when the
/// exact one is infeasible through rounding (a mean of 0.30000000000000004 against 0.3).
[[nodiscard]] MixtureProgram mixture_program(const SelectionInput& input, const std::vector<OptionResult>& options,
                                             bool relaxed);

/// Shares with rounding noise removed: values below 1e-9 become 0, the rest rescaled to sum 1.
[[nodiscard]] std::vector<double> clean_shares(const std::vector<double>& values);

/// The index of the largest share, the first of those within 1e-7 of it.
[[nodiscard]] std::size_t largest_share(const std::vector<double>& shares);

/// Among the points of `lp` optimal for objectives[0], then objectives[1], ..., the mixture the
/// tie rule prefers (the most share to the first option, then the second, ...), cleaned;
/// nullopt when `lp` is infeasible.
[[nodiscard]] std::optional<std::vector<double>> preferred_mixture(const LinearProgram& lp,
                                                                   std::vector<std::vector<double>> objectives);

}  // namespace sizesel
