// How far each weight can move before the recommendation changes, and who wins beyond.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sizesel/decision/selection.hpp"

namespace sizesel {

/// One weight's range, all other weights fixed. Weights are used as given, not rescaled to
/// sum 1. At either end of the range the recommendation ties with the one that wins beyond.
struct WeightRange {
  std::size_t criterion = 0;  ///< index into SelectionInput::criteria
  double weight = 0;          ///< the weight as given
  double low = 0;             ///< the recommendation holds for weights in [low, high]; low >= 0
  double high = 0;            ///< kLpInfinity when no increase changes it
  /// The option that wins just below `low` (nullopt when low is 0: weights stay >= 0) and just
  /// above `high` (nullopt when high is infinite). In mixture mode: the largest share of the
  /// mixture that takes over, given in full in shares_below / shares_above.
  std::optional<std::size_t> below;
  std::optional<std::size_t> above;
  std::vector<double> shares_below;
  std::vector<double> shares_above;
};

/// The smallest single-weight change that changes the recommendation.
struct WeightFlip {
  std::size_t range = 0;  ///< index into Stability::ranges
  double to = 0;          ///< the weight at which the recommendation ties with `winner`
  double change = 0;      ///< to - weight (negative: a decrease)
  std::size_t winner = 0; ///< who wins beyond `to`
  bool rise = false;      ///< the change is an increase (`to` is the range's high end)
};

struct Stability {
  std::vector<WeightRange> ranges;          ///< one per criterion, in input order
  std::optional<WeightFlip> smallest_flip;  ///< nullopt when no single weight can change it
};

/// The stability of `selection` (from select_one or, when it holds a mixture, select_mixture)
/// on `input`. Empty when nothing is recommended.
/// Single: exact, from the scores: option i overtakes the recommended r where
///   (score_r - score_i) + (w - w_k)(n_rk - n_ik) = 0.
/// Mixture: exact up to GLPK's tolerances, from two LPs per weight over the weight and the
/// dual variables of the mixture LP: the range is every w for which a dual solution proves the
/// chosen mixture optimal; beyond an end, the new mixture is found by lexicographic LPs.
/// Throws SolverError when GLPK fails.
[[nodiscard]] Stability weight_stability(const SelectionInput& input, const Selection& selection);

}  // namespace sizesel
