// The weighted-sum selection model: its input, per-option results, and choosing exactly one option with GLPK.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/decision/linear_program.hpp"

namespace sizesel {

/// Relative tolerance of a constraint: "value >= limit" holds when
/// value >= limit - kConstraintTolerance · max(1, |limit|), and "<=" alike, so a value equal to
/// the limit up to floating-point rounding (0.1 + 0.2 against 0.3) satisfies it.
inline constexpr double kConstraintTolerance = 1e-9;

/// Absolute tolerance on scores: feasible options whose scores lie within it of the optimum tie.
inline constexpr double kTieTolerance = 1e-9;

/// What select_one chooses from.
struct SelectionInput {
  std::vector<std::string> options;             ///< option names, unique and non-empty
  std::vector<std::string> criteria;            ///< criterion names (P, C, ...), for messages
  std::vector<double> weights;                  ///< one per criterion, finite, >= 0, not all 0
  std::vector<std::vector<double>> normalized;  ///< [option][criterion], in [0,1], higher better;
                                                ///< only finiteness is checked
  std::vector<Constraint> constraints;          ///< on raw values
  /// [option]: metric name -> raw value; must hold every constrained metric (other entries
  /// are ignored).
  std::vector<std::map<std::string, double>> raw;
};

/// One constraint an option violates.
struct Exclusion {
  Constraint constraint;
  double value = 0;      ///< the option's raw value of the constrained metric
  double shortfall = 0;  ///< > 0: how far `value` lies on the wrong side of the limit
};

struct OptionResult {
  std::string name;
  bool feasible = false;               ///< satisfies every constraint on its own
  bool eligible = false;               ///< satisfies every kEachOption constraint: may take a share
  std::vector<Exclusion> excluded_by;  ///< every violated constraint, in input order
  double score = 0;                    ///< Σ_j weights[j] · normalized[option][j]
};

/// One mixture-scope constraint at the chosen mixture.
struct ConstraintActivity {
  Constraint constraint;
  double value = 0;         ///< Σ_i x_i · raw_i(metric)
  double slack = 0;         ///< >= 0 up to tolerance: how far `value` lies inside the limit
  bool binding = false;     ///< slack within kConstraintTolerance of 0
  /// Change of the optimal score per unit the limit rises, measured just above the limit
  /// (right derivative); 0 for a constraint that does not bind.
  double shadow_price = 0;
  /// The same rate just below the limit (left derivative). It differs from shadow_price at a
  /// degenerate optimum, where the dual solution is not unique; infinite when lowering the limit
  /// at all makes the problem infeasible.
  double shadow_price_lowering = 0;
};

/// How the traffic (or capacity) is shared among the options.
struct MixtureResult {
  std::vector<double> shares;                   ///< x_i per option, >= 0, summing to 1
  std::vector<ConstraintActivity> constraints;  ///< the kMixture constraints, in input order
  bool unique = true;                           ///< no other mixture reaches the optimal score
  bool relaxed_limits = false;  ///< feasible only with the limits relaxed by kConstraintTolerance
};

struct Selection {
  /// Index of the chosen option (in mixture mode: the option with the largest share); nullopt
  /// when nothing is feasible (a normal outcome).
  /// Tie rule: among feasible options scoring within kTieTolerance of the optimum, the first
  /// in input order (in mixture mode: among optimal mixtures, the one giving the most share to
  /// the first option, then to the second, and so on).
  std::optional<std::size_t> recommended;
  std::vector<OptionResult> options;  ///< one per input option, in input order
  /// The other options that an equally good choice would also use: feasible options within
  /// kTieTolerance of the optimum (single), or options given a share by some other optimal
  /// mixture but none by the chosen one (mixture).
  std::vector<std::size_t> tied;
  double objective = 0;               ///< the optimal score; 0 when nothing is feasible
  std::string solver_status;          ///< to_string(LpStatus) of the GLPK solve
  std::optional<MixtureResult> mixture;  ///< in mixture mode, when feasible
};

/// The limit handed to GLPK: the constraint's limit moved outward by kConstraintTolerance.
[[nodiscard]] double relaxed_limit(const Constraint& constraint);

/// max(1, |x|): the scale relative tolerances multiply.
[[nodiscard]] inline double tolerance_scale(double x) { return x < -1 ? -x : x > 1 ? x : 1.0; }

/// Whether `value` satisfies `constraint`, within kConstraintTolerance.
[[nodiscard]] bool satisfies(const Constraint& constraint, double value);

/// How far `value` lies on the wrong side of the constraint's limit: limit - value for a
/// minimum, value - limit for a maximum (negative when it lies on the right side).
[[nodiscard]] double shortfall(const Constraint& constraint, double value);

/// Checks the input (see select_one for what is rejected); throws InputError.
void validate(const SelectionInput& input);

/// Scores, feasibility, eligibility and exclusions computed from the input alone, without a
/// solver. Assumes validate(input) passed.
[[nodiscard]] std::vector<OptionResult> evaluate_options(const SelectionInput& input);

/// The model handed to GLPK: one binary column x_i per option (objective coefficient its
/// score), the row Σ_i x_i = 1, and per constraint the row Σ_i raw_i(metric) · x_i >= limit
/// (minimum) or <= limit (maximum), its limit relaxed by the tolerance of satisfies().
/// Throws InputError when the input is invalid (see select_one).
[[nodiscard]] LinearProgram selection_program(const SelectionInput& input);

/// Chooses one option: maximises the score over the options satisfying every constraint.
/// Feasibility and exclusions are computed directly from the raw values, the model of
/// selection_program() is solved with GLPK, and the two must agree on feasibility and on the
/// optimal score (within 1e-6 relative, GLPK's own tolerances being coarser than ours).
/// When GLPK accepts an option that violates a constraint by no more than its feasibility
/// tolerance (1e-6 relative), that option is fixed to 0 and the model solved again.
/// Throws InputError on invalid input: no options, sizes that do not match, a duplicate or
/// empty option name, a weight that is negative or not finite, all weights zero, a normalized
/// value that is not finite, a constraint with an empty metric or a limit that is not finite,
/// a constrained metric missing from an option's raw values or not finite there.
/// Throws SolverError when GLPK fails or disagrees with the direct check.
[[nodiscard]] Selection select_one(const SelectionInput& input);

/// Chooses a mixture: the LP  max Σ_i score_i · x_i  subject to Σ_i x_i = 1, x_i >= 0,
/// x_i = 0 for options that are not eligible, and per kMixture constraint
/// Σ_i raw_i(metric) · x_i >= limit (or <= limit), solved with GLPK. Among optimal mixtures
/// the tie rule of Selection picks one (further LPs over the optimal face). Throws as
/// select_one does.
[[nodiscard]] Selection select_mixture(const SelectionInput& input);

}  // namespace sizesel
