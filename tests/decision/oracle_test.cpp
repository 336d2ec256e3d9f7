// Independent oracles for select_one, select_mixture and weight_stability on random small grid tables.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sizesel/core/constraint.hpp"
#include "sizesel/decision/linear_program.hpp"
#include "sizesel/decision/selection.hpp"
#include "sizesel/decision/weight_stability.hpp"

namespace sizesel {
namespace {

/// The oracles' own rounding allowance: values on the grids are small binary fractions and
/// integers, so exact answers are rationals with small denominators, far from this.
constexpr double kExact = 1e-9;

const std::vector<std::string> kMetrics = {"m0", "m1", "m2"};

double scale_of(double x) { return std::max(1.0, std::abs(x)); }

/// The documented constraint semantics, re-implemented: relative tolerance kConstraintTolerance.
bool holds(const Constraint& constraint, double value) {
  const double tolerance = kConstraintTolerance * scale_of(constraint.limit);
  return constraint.kind == BoundKind::kMin ? value >= constraint.limit - tolerance
                                            : value <= constraint.limit + tolerance;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

/// Random draws from small grids with a fixed seed.
class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  int integer(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  bool one_in(int n) { return integer(0, n - 1) == 0; }
  template <typename T>
  const T& pick(const std::vector<T>& values) {
    return values[static_cast<std::size_t>(integer(0, static_cast<int>(values.size()) - 1))];
  }

 private:
  std::mt19937_64 rng_;
};

/// 1-6 options, 1-4 criteria, 0-3 constraints on three metrics. Weights and normalized values
/// are multiples of 0.25 in [0, 1] (weights often exactly 0, never all 0), raw values integers
/// 0..5, limits multiples of 0.5 in [0, 5] or some option's raw value; a quarter of the options
/// repeat an earlier one. Constraints apply to the mixture or to each option, in `mixture`
/// tables two to one, else evenly. Outside `mixture` tables, a third of the tables move one raw
/// value just inside or just outside the tolerance of a constraint on it.
SelectionInput random_table(Draw& draw, bool mixture) {
  const auto options = static_cast<std::size_t>(draw.integer(1, 6));
  const auto criteria = static_cast<std::size_t>(draw.integer(1, 4));
  const auto constraints = static_cast<std::size_t>(draw.integer(0, 3));
  SelectionInput input;
  for (std::size_t j = 0; j < criteria; ++j) {
    input.criteria.push_back("c" + std::to_string(j));
    input.weights.push_back(draw.one_in(3) ? 0.0 : 0.25 * draw.integer(0, 4));
  }
  if (std::all_of(input.weights.begin(), input.weights.end(), [](double w) { return w == 0; })) {
    input.weights[static_cast<std::size_t>(draw.integer(0, static_cast<int>(criteria) - 1))] =
        0.25 * draw.integer(1, 4);
  }
  for (std::size_t i = 0; i < options; ++i) {
    input.options.push_back("o" + std::to_string(i));
    if (i > 0 && draw.one_in(4)) {
      const auto copy = static_cast<std::size_t>(draw.integer(0, static_cast<int>(i) - 1));
      input.normalized.push_back(input.normalized[copy]);
      input.raw.push_back(input.raw[copy]);
      continue;
    }
    std::vector<double> row;
    for (std::size_t j = 0; j < criteria; ++j) row.push_back(0.25 * draw.integer(0, 4));
    input.normalized.push_back(row);
    std::map<std::string, double> raw;
    for (const std::string& metric : kMetrics) raw[metric] = draw.integer(0, 5);
    input.raw.push_back(raw);
  }
  for (std::size_t c = 0; c < constraints; ++c) {
    Constraint constraint;
    constraint.metric = draw.pick(kMetrics);
    constraint.kind = draw.one_in(2) ? BoundKind::kMin : BoundKind::kMax;
    constraint.limit = draw.one_in(3) ? draw.pick(input.raw).at(constraint.metric)
                                      : 0.5 * draw.integer(0, 10);
    constraint.scope = draw.integer(0, mixture ? 2 : 1) != 0 ? ConstraintScope::kMixture
                                                             : ConstraintScope::kEachOption;
    input.constraints.push_back(constraint);
  }
  if (!mixture && !input.constraints.empty() && draw.one_in(3)) {
    const Constraint& constraint = draw.pick(input.constraints);
    const std::vector<double> offsets = {-2e-9, -0.5e-9, 0.5e-9, 2e-9};
    const auto option = static_cast<std::size_t>(draw.integer(0, static_cast<int>(options) - 1));
    input.raw[option][constraint.metric] =
        constraint.limit + draw.pick(offsets) * scale_of(constraint.limit);
  }
  return input;
}

/// In a third of the tables with two or more options, makes one option a copy of another except
/// for a score just inside or just outside kTieTolerance of it (the normalized value changed
/// may leave [0, 1] by that little).
void perturb_scores(Draw& draw, SelectionInput& input) {
  const int options = static_cast<int>(input.options.size());
  if (options < 2 || !draw.one_in(3)) return;
  const auto from = static_cast<std::size_t>(draw.integer(0, options - 1));
  auto to = static_cast<std::size_t>(draw.integer(0, options - 2));
  if (to >= from) ++to;
  std::vector<std::size_t> counting;
  for (std::size_t j = 0; j < input.weights.size(); ++j) {
    if (input.weights[j] > 0) counting.push_back(j);
  }
  const std::size_t k = draw.pick(counting);
  const std::vector<double> offsets = {-2e-9, -0.5e-9, 0.5e-9, 2e-9};
  input.normalized[to] = input.normalized[from];
  input.normalized[to][k] += draw.pick(offsets) / input.weights[k];
}

/// The table in full, for the message of a failing check.
std::string describe(const SelectionInput& input) {
  std::ostringstream out;
  out << std::setprecision(17) << "weights [";
  for (std::size_t j = 0; j < input.weights.size(); ++j) out << (j ? ", " : "") << input.weights[j];
  out << "]\n";
  for (std::size_t i = 0; i < input.options.size(); ++i) {
    out << input.options[i] << ": normalized [";
    for (std::size_t j = 0; j < input.normalized[i].size(); ++j) {
      out << (j ? ", " : "") << input.normalized[i][j];
    }
    out << "] raw {";
    bool first = true;
    for (const auto& [metric, value] : input.raw[i]) {
      out << (first ? "" : ", ") << metric << ": " << value;
      first = false;
    }
    out << "}\n";
  }
  for (const Constraint& constraint : input.constraints) {
    out << constraint.metric << (constraint.kind == BoundKind::kMin ? " >= " : " <= ")
        << constraint.limit
        << (constraint.scope == ConstraintScope::kMixture ? " (mixture)\n" : " (each option)\n");
  }
  return out.str();
}

std::vector<double> scores_at(const SelectionInput& input, const std::vector<double>& weights) {
  std::vector<double> scores;
  for (const std::vector<double>& row : input.normalized) {
    double score = 0;
    for (std::size_t j = 0; j < weights.size(); ++j) score += weights[j] * row[j];
    scores.push_back(score);
  }
  return scores;
}

std::vector<double> with_weight(const SelectionInput& input, std::size_t k, double weight) {
  std::vector<double> weights = input.weights;
  weights[k] = weight;
  return weights;
}

SelectionInput reweighted(SelectionInput input, std::size_t k, double weight) {
  input.weights[k] = weight;
  return input;
}

/// Per option, from the raw values alone.
struct OptionVerdicts {
  std::vector<bool> feasible;                    ///< every constraint, whatever its scope
  std::vector<bool> eligible;                    ///< every kEachOption constraint
  std::vector<std::vector<std::size_t>> violated;  ///< indices of violated constraints
};

OptionVerdicts judge_options(const SelectionInput& input) {
  OptionVerdicts verdicts;
  for (std::size_t i = 0; i < input.options.size(); ++i) {
    std::vector<std::size_t> violated;
    bool eligible = true;
    for (std::size_t c = 0; c < input.constraints.size(); ++c) {
      const Constraint& constraint = input.constraints[c];
      if (holds(constraint, input.raw[i].at(constraint.metric))) continue;
      violated.push_back(c);
      if (constraint.scope == ConstraintScope::kEachOption) eligible = false;
    }
    verdicts.feasible.push_back(violated.empty());
    verdicts.eligible.push_back(eligible);
    verdicts.violated.push_back(violated);
  }
  return verdicts;
}

/// Brute force over options.
struct SingleAnswer {
  std::optional<std::size_t> best;  ///< first feasible option within kTieTolerance of the optimum
  double objective = 0;
  std::vector<std::size_t> tied;    ///< the other feasible options within kTieTolerance
};

SingleAnswer best_single(const std::vector<bool>& feasible, const std::vector<double>& scores) {
  SingleAnswer answer;
  std::optional<double> optimum;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (feasible[i] && (!optimum || scores[i] > *optimum)) optimum = scores[i];
  }
  if (!optimum) return answer;
  answer.objective = *optimum;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!feasible[i] || scores[i] < *optimum - kTieTolerance) continue;
    if (answer.best) {
      answer.tied.push_back(i);
    } else {
      answer.best = i;
    }
  }
  return answer;
}

/// Solves the square system m·y = b by Gaussian elimination with partial pivoting; nullopt when
/// it is singular. Entries are integers or 1, so a non-zero pivot is far above the threshold.
std::optional<std::vector<double>> solve_square(std::vector<std::vector<double>> m,
                                                std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t col = 0; col < n; ++col) {
    std::size_t pivot = col;
    for (std::size_t r = col + 1; r < n; ++r) {
      if (std::abs(m[r][col]) > std::abs(m[pivot][col])) pivot = r;
    }
    if (std::abs(m[pivot][col]) < 1e-9) return std::nullopt;
    std::swap(m[pivot], m[col]);
    std::swap(b[pivot], b[col]);
    for (std::size_t r = col + 1; r < n; ++r) {
      const double factor = m[r][col] / m[col][col];
      for (std::size_t c = col; c < n; ++c) m[r][c] -= factor * m[col][c];
      b[r] -= factor * b[col];
    }
  }
  std::vector<double> y(n, 0.0);
  for (std::size_t r = n; r-- > 0;) {
    double sum = b[r];
    for (std::size_t c = r + 1; c < n; ++c) sum -= m[r][c] * y[c];
    y[r] = sum / m[r][r];
  }
  return y;
}

std::size_t popcount(unsigned mask) {
  std::size_t count = 0;
  for (; mask != 0; mask &= mask - 1) ++count;
  return count;
}

/// Every vertex of the mixture polytope {x >= 0, Σ x = 1, x_i = 0 unless eligible, the kMixture
/// rows}: for each set R of rows taken as equalities and each support S of eligible options
/// with |S| = |R| + 1, the solution of the square system, kept when it is feasible.
std::vector<std::vector<double>> mixture_vertices(const SelectionInput& input,
                                                  const std::vector<bool>& eligible) {
  std::vector<const Constraint*> rows;
  for (const Constraint& constraint : input.constraints) {
    if (constraint.scope == ConstraintScope::kMixture) rows.push_back(&constraint);
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < eligible.size(); ++i) {
    if (eligible[i]) candidates.push_back(i);
  }
  const std::size_t n = input.options.size();
  std::vector<std::vector<double>> vertices;
  for (unsigned support = 1; support < (1u << candidates.size()); ++support) {
    std::vector<std::size_t> columns;
    for (std::size_t s = 0; s < candidates.size(); ++s) {
      if (support & (1u << s)) columns.push_back(candidates[s]);
    }
    for (unsigned active = 0; active < (1u << rows.size()); ++active) {
      if (popcount(active) + 1 != columns.size()) continue;
      std::vector<std::vector<double>> m = {std::vector<double>(columns.size(), 1.0)};
      std::vector<double> b = {1.0};
      for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!(active & (1u << r))) continue;
        std::vector<double> coefficients;
        for (std::size_t i : columns) coefficients.push_back(input.raw[i].at(rows[r]->metric));
        m.push_back(coefficients);
        b.push_back(rows[r]->limit);
      }
      const auto y = solve_square(m, b);
      if (!y) continue;
      std::vector<double> x(n, 0.0);
      bool ok = true;
      for (std::size_t s = 0; s < columns.size(); ++s) {
        if ((*y)[s] < -kExact) ok = false;
        x[columns[s]] = std::max(0.0, (*y)[s]);
      }
      for (const Constraint* row : rows) {
        double value = 0;
        for (std::size_t i = 0; i < n; ++i) value += x[i] * input.raw[i].at(row->metric);
        const double slack =
            row->kind == BoundKind::kMin ? value - row->limit : row->limit - value;
        if (slack < -kExact * scale_of(row->limit)) ok = false;
      }
      if (!ok) continue;
      const bool known = std::any_of(vertices.begin(), vertices.end(), [&](const auto& v) {
        for (std::size_t i = 0; i < n; ++i) {
          if (std::abs(v[i] - x[i]) > kExact) return false;
        }
        return true;
      });
      if (!known) vertices.push_back(x);
    }
  }
  return vertices;
}

/// The LP optimum over the vertices, and the documented tie rule applied to the optimal ones.
struct MixtureAnswer {
  bool feasible = false;
  double objective = 0;
  std::vector<double> chosen;  ///< the optimal vertex giving most to option 0, then 1, ...
  bool unique = true;          ///< a single optimal vertex
  std::vector<std::size_t> tied;  ///< no share in `chosen`, a share in another optimal vertex
};

MixtureAnswer best_mixture(const std::vector<std::vector<double>>& vertices,
                           const std::vector<double>& scores) {
  MixtureAnswer answer;
  if (vertices.empty()) return answer;
  answer.feasible = true;
  answer.objective = -std::numeric_limits<double>::infinity();
  for (const auto& x : vertices) answer.objective = std::max(answer.objective, dot(scores, x));
  std::vector<const std::vector<double>*> optimal;
  for (const auto& x : vertices) {
    if (dot(scores, x) >= answer.objective - kExact * scale_of(answer.objective)) {
      optimal.push_back(&x);
    }
  }
  auto lexicographically_larger = [](const std::vector<double>& a, const std::vector<double>& b) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] > b[i] + kExact) return true;
      if (a[i] < b[i] - kExact) return false;
    }
    return false;
  };
  const std::vector<double>* chosen = optimal.front();
  for (const auto* x : optimal) {
    if (lexicographically_larger(*x, *chosen)) chosen = x;
  }
  answer.chosen = *chosen;
  answer.unique = optimal.size() == 1;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (answer.chosen[i] > kExact) continue;
    if (std::any_of(optimal.begin(), optimal.end(), [&](const auto* x) { return (*x)[i] > kExact; })) {
      answer.tied.push_back(i);
    }
  }
  return answer;
}

/// Rows and bounds tight at `x` beyond the n of a vertex (the Σ x = 1 row counts one): > 0 means
/// a degenerate vertex.
int excess_tight(const SelectionInput& input, const std::vector<double>& x) {
  int tight = 1;
  for (double share : x) tight += share <= kExact ? 1 : 0;
  for (const Constraint& constraint : input.constraints) {
    if (constraint.scope != ConstraintScope::kMixture) continue;
    double value = 0;
    for (std::size_t i = 0; i < x.size(); ++i) value += x[i] * input.raw[i].at(constraint.metric);
    if (std::abs(value - constraint.limit) <= kExact * scale_of(constraint.limit)) ++tight;
  }
  return tight - static_cast<int>(x.size());
}

/// What is wrong with `shares` as a mixture of `input`; empty when nothing is. Shares must be
/// >= 0, sum to 1, be 0 for ineligible options and meet every kMixture constraint within 1e-7
/// relative (GLPK's feasibility tolerance).
std::string mixture_defect(const SelectionInput& input, const std::vector<bool>& eligible,
                           const std::vector<double>& shares) {
  std::ostringstream out;
  out << std::setprecision(17);
  if (shares.size() != input.options.size()) return "wrong number of shares";
  double total = 0;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    total += shares[i];
    if (!(shares[i] >= 0)) out << "share " << i << " is " << shares[i] << "; ";
    if (!eligible[i] && shares[i] != 0) out << "ineligible " << i << " has " << shares[i] << "; ";
  }
  if (std::abs(total - 1) > kExact) out << "shares sum to " << total << "; ";
  for (const Constraint& constraint : input.constraints) {
    if (constraint.scope != ConstraintScope::kMixture) continue;
    double value = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
      value += shares[i] * input.raw[i].at(constraint.metric);
    }
    const double slack =
        constraint.kind == BoundKind::kMin ? value - constraint.limit : constraint.limit - value;
    if (slack < -1e-7 * scale_of(constraint.limit)) {
      out << constraint.metric << " at " << value << " violates limit " << constraint.limit << "; ";
    }
  }
  return out.str();
}

std::string show(double value) {
  std::ostringstream out;
  out << std::setprecision(17) << value;
  return out.str();
}

std::string show(const std::vector<double>& values) {
  std::ostringstream out;
  out << std::setprecision(17) << "[";
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << "]";
  return out.str();
}

bool close_shares(const std::vector<double>& a, const std::vector<double>& b, double tolerance) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::abs(a[i] - b[i]) > tolerance) return false;
  }
  return true;
}

/// The vertex within 1e-7 of `shares` in every share, if there is one.
std::optional<std::vector<double>> nearest_vertex(const std::vector<std::vector<double>>& vertices,
                                                  const std::vector<double>& shares) {
  for (const auto& vertex : vertices) {
    if (close_shares(vertex, shares, 1e-7)) return vertex;
  }
  return std::nullopt;
}

/// Index of the first largest share, as the oracle reads "the option with the largest share".
std::size_t first_largest(const std::vector<double>& shares) {
  const double largest = *std::max_element(shares.begin(), shares.end());
  std::size_t i = 0;
  while (shares[i] < largest - kExact) ++i;
  return i;
}

/// The checks on each option's result, shared by both modes.
void check_options(const SelectionInput& input, const Selection& selection,
                   const OptionVerdicts& verdicts, const std::vector<double>& scores) {
  REQUIRE(selection.options.size() == input.options.size());
  for (std::size_t i = 0; i < input.options.size(); ++i) {
    const OptionResult& option = selection.options[i];
    INFO("option " << i);
    REQUIRE(option.name == input.options[i]);
    REQUIRE(option.feasible == verdicts.feasible[i]);
    REQUIRE(option.eligible == verdicts.eligible[i]);
    REQUIRE(option.score == Approx(scores[i]).margin(1e-12));
    REQUIRE(option.excluded_by.size() == verdicts.violated[i].size());
    for (std::size_t e = 0; e < option.excluded_by.size(); ++e) {
      const Exclusion& exclusion = option.excluded_by[e];
      const Constraint& constraint = input.constraints[verdicts.violated[i][e]];
      const double value = input.raw[i].at(constraint.metric);
      REQUIRE(exclusion.constraint.metric == constraint.metric);
      REQUIRE(exclusion.constraint.kind == constraint.kind);
      REQUIRE(exclusion.constraint.limit == constraint.limit);
      REQUIRE(exclusion.value == value);
      REQUIRE(exclusion.shortfall == Approx(constraint.kind == BoundKind::kMin
                                                ? constraint.limit - value
                                                : value - constraint.limit)
                                         .margin(1e-15));
      REQUIRE(exclusion.shortfall > 0);
    }
  }
}

/// The checks on smallest_flip, shared by both modes: the finite end nearest the current weight
/// among the ends that have a winner.
void check_smallest_flip(const Stability& stability) {
  std::optional<double> nearest;
  for (const WeightRange& range : stability.ranges) {
    if (range.below) nearest = std::min(nearest.value_or(kLpInfinity), range.weight - range.low);
    if (range.above) nearest = std::min(nearest.value_or(kLpInfinity), range.high - range.weight);
  }
  REQUIRE(stability.smallest_flip.has_value() == nearest.has_value());
  if (!nearest) return;
  const WeightFlip& flip = *stability.smallest_flip;
  REQUIRE(flip.range < stability.ranges.size());
  const WeightRange& range = stability.ranges[flip.range];
  const bool down = flip.to == range.low && range.below && flip.winner == *range.below;
  const bool up = flip.to == range.high && range.above && flip.winner == *range.above;
  REQUIRE((down || up));
  REQUIRE(flip.change == flip.to - range.weight);
  REQUIRE(std::abs(flip.change) == Approx(*nearest).margin(1e-12));
}

}  // namespace

TEST_CASE("The oracles find hand-computed answers on tiny tables", "[decision][oracle]") {
  SelectionInput input;
  input.options = {"a", "b", "c"};
  input.criteria = {"P"};
  input.weights = {1.0};
  input.normalized = {{1.0}, {0.5}, {0.0}};
  input.raw = {{{"m0", 4}}, {{"m0", 1}}, {{"m0", 0}}};
  input.constraints = {Constraint{"m0", BoundKind::kMax, 2, ConstraintScope::kMixture}};
  const std::vector<double> scores = scores_at(input, input.weights);

  SECTION("single mode: the budget excludes a; b is the best of the rest") {
    const SingleAnswer answer = best_single(judge_options(input).feasible, scores);
    CHECK(answer.best == std::optional<std::size_t>(1));
    CHECK(answer.objective == 0.5);
    CHECK(answer.tied.empty());
  }
  SECTION("mixture mode: a and b share 1:2 so that 4/3 + 2/3 = 2, scoring 2/3") {
    // Vertices: b, c (alone); a+b and a+c on the budget: (1/3, 2/3, 0) and (1/2, 0, 1/2).
    const auto vertices = mixture_vertices(input, {true, true, true});
    CHECK(vertices.size() == 4);
    const MixtureAnswer answer = best_mixture(vertices, scores);
    REQUIRE(answer.feasible);
    CHECK(answer.objective == Approx(2.0 / 3));
    CHECK(close_shares(answer.chosen, {1.0 / 3, 2.0 / 3, 0.0}, 1e-12));
    CHECK(answer.unique);
    CHECK(excess_tight(input, answer.chosen) == 0);
  }
  SECTION("mixture mode: an unreachable minimum leaves no vertex") {
    input.constraints.push_back(Constraint{"m0", BoundKind::kMin, 5, ConstraintScope::kMixture});
    CHECK(mixture_vertices(input, {true, true, true}).empty());
  }
  SECTION("mixture mode: a repeated option ties, and the tie rule gives the first its share") {
    input.normalized[2] = {1.0};
    input.raw[2] = {{"m0", 4}};
    const MixtureAnswer answer = best_mixture(mixture_vertices(input, {true, true, true}),
                                              scores_at(input, input.weights));
    CHECK(answer.objective == Approx(2.0 / 3));
    CHECK(close_shares(answer.chosen, {1.0 / 3, 2.0 / 3, 0.0}, 1e-12));
    CHECK_FALSE(answer.unique);
    CHECK(answer.tied == std::vector<std::size_t>{2});
  }
}

TEST_CASE("Select_one recommends the first best feasible option that enumeration finds, on random grid tables",
          "[decision][oracle]") {
  Draw draw(0x5e1ec7011eULL);
  constexpr int kTables = 5000;
  int infeasible = 0;
  int tied = 0;
  int at_limit = 0;
  int near_limit = 0;
  int near_tie = 0;
  for (int trial = 0; trial < kTables; ++trial) {
    SelectionInput input = random_table(draw, false);
    perturb_scores(draw, input);
    INFO("table " << trial << ":\n" << describe(input));
    const OptionVerdicts verdicts = judge_options(input);
    const std::vector<double> scores = scores_at(input, input.weights);
    const SingleAnswer answer = best_single(verdicts.feasible, scores);
    const Selection selection = select_one(input);

    check_options(input, selection, verdicts, scores);
    REQUIRE(selection.recommended == answer.best);
    REQUIRE(selection.tied == answer.tied);
    REQUIRE_FALSE(selection.mixture.has_value());
    if (!answer.best) {
      ++infeasible;
      REQUIRE(selection.objective == 0);
      REQUIRE(selection.solver_status == "infeasible");
    } else {
      REQUIRE(selection.solver_status == "optimal");
      REQUIRE(std::abs(selection.objective - answer.objective) <= 1e-6 * scale_of(answer.objective));
      REQUIRE(selection.options[*selection.recommended].score >= answer.objective - kTieTolerance);
    }
    tied += answer.tied.empty() ? 0 : 1;
    bool exact = false;
    bool near = false;
    for (const Constraint& constraint : input.constraints) {
      for (const auto& raw : input.raw) {
        const double value = raw.at(constraint.metric);
        exact = exact || value == constraint.limit;
        near = near || (value != constraint.limit &&
                        std::abs(value - constraint.limit) < 1e-8 * scale_of(constraint.limit));
      }
    }
    at_limit += exact ? 1 : 0;
    near_limit += near ? 1 : 0;
    bool close = false;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      for (std::size_t j = 0; j < scores.size(); ++j) {
        const double gap = std::abs(scores[i] - scores[j]);
        close = close || (verdicts.feasible[i] && verdicts.feasible[j] && gap > 0 && gap < 1e-8);
      }
    }
    near_tie += close ? 1 : 0;
  }
  WARN("select_one oracle: " << kTables << " tables, " << infeasible << " infeasible, " << tied
                             << " tied, " << at_limit << " with a raw value exactly at a limit, "
                             << near_limit << " with one within rounding of a limit, "
                             << near_tie << " with feasible scores within rounding of each other");
  CHECK(infeasible >= 50);
  CHECK(tied >= 50);
  CHECK(at_limit >= 50);
  CHECK(near_limit >= 50);
  CHECK(near_tie >= 50);
}

TEST_CASE("Select_mixture reaches the optimum that vertex enumeration finds and applies the tie rule, on random grid tables",
          "[decision][oracle]") {
  Draw draw(0x0417c7a2e5ULL);
  constexpr int kTables = 4000;
  int infeasible = 0;
  int tied = 0;
  int degenerate = 0;
  int mixed = 0;
  int excluded = 0;
  int shadow_checked = 0;
  int beyond_tolerance = 0;  // shares meeting a limit within 1e-7 but not within kConstraintTolerance
  for (int trial = 0; trial < kTables; ++trial) {
    const SelectionInput input = random_table(draw, true);
    INFO("table " << trial << ":\n" << describe(input));
    const OptionVerdicts verdicts = judge_options(input);
    const std::vector<double> scores = scores_at(input, input.weights);
    const auto vertices = mixture_vertices(input, verdicts.eligible);
    const MixtureAnswer answer = best_mixture(vertices, scores);
    const Selection selection = select_mixture(input);

    check_options(input, selection, verdicts, scores);
    REQUIRE(selection.recommended.has_value() == answer.feasible);
    REQUIRE(selection.mixture.has_value() == answer.feasible);
    if (!answer.feasible) {
      ++infeasible;
      REQUIRE(selection.objective == 0);
      REQUIRE(selection.tied.empty());
      REQUIRE(selection.solver_status == "infeasible");
      continue;
    }
    const MixtureResult& mixture = *selection.mixture;
    const std::vector<double>& shares = mixture.shares;
    INFO("library shares " << show(shares) << ", oracle " << show(answer.chosen) << " scoring "
                           << answer.objective);
    REQUIRE(selection.solver_status == "optimal");
    REQUIRE(mixture_defect(input, verdicts.eligible, shares).empty());
    for (const ConstraintActivity& activity : mixture.constraints) {
      beyond_tolerance += holds(activity.constraint, activity.value) ? 0 : 1;
    }
    REQUIRE(std::abs(selection.objective - answer.objective) <= 1e-6 * scale_of(answer.objective));
    REQUIRE(std::abs(dot(scores, shares) - answer.objective) <= 1e-7 * scale_of(answer.objective));
    REQUIRE(close_shares(shares, answer.chosen, 1e-7));
    REQUIRE(*selection.recommended == first_largest(answer.chosen));
    REQUIRE(mixture.unique == answer.unique);
    REQUIRE(selection.tied == answer.tied);

    std::size_t row = 0;
    const bool nondegenerate = excess_tight(input, answer.chosen) == 0;
    for (std::size_t c = 0; c < input.constraints.size(); ++c) {
      const Constraint& constraint = input.constraints[c];
      if (constraint.scope != ConstraintScope::kMixture) continue;
      INFO("mixture constraint " << row);
      REQUIRE(row < mixture.constraints.size());
      const ConstraintActivity& activity = mixture.constraints[row++];
      double value = 0;
      for (std::size_t i = 0; i < shares.size(); ++i) {
        value += answer.chosen[i] * input.raw[i].at(constraint.metric);
      }
      REQUIRE(activity.constraint.metric == constraint.metric);
      REQUIRE(activity.constraint.kind == constraint.kind);
      REQUIRE(activity.constraint.limit == constraint.limit);
      REQUIRE(activity.value == Approx(value).margin(1e-7));
      const bool tight = std::abs(value - constraint.limit) <= kExact * scale_of(constraint.limit);
      REQUIRE(activity.binding == tight);
      REQUIRE(activity.slack >= -1e-7 * scale_of(constraint.limit));
      if (!tight) REQUIRE(activity.shadow_price == 0);
      if (tight && nondegenerate && answer.unique) {
        // A non-degenerate unique optimum has a unique dual: the derivative of the optimum.
        const double h = 1e-6 * scale_of(constraint.limit);
        auto optimum_with_limit = [&](double limit) {
          SelectionInput moved = input;
          moved.constraints[c].limit = limit;
          const MixtureAnswer at = best_mixture(mixture_vertices(moved, verdicts.eligible), scores);
          REQUIRE(at.feasible);
          return at.objective;
        };
        const double slope =
            (optimum_with_limit(constraint.limit + h) - optimum_with_limit(constraint.limit - h)) /
            (2 * h);
        REQUIRE(activity.shadow_price == Approx(slope).margin(1e-6));
        ++shadow_checked;
      }
    }
    REQUIRE(row == mixture.constraints.size());

    tied += answer.unique ? 0 : 1;
    degenerate += nondegenerate ? 0 : 1;
    mixed += std::count_if(shares.begin(), shares.end(), [](double x) { return x > 0; }) > 1 ? 1 : 0;
    const bool some_excluded = std::any_of(verdicts.eligible.begin(), verdicts.eligible.end(),
                                           [](bool e) { return !e; });
    excluded += some_excluded ? 1 : 0;
  }
  WARN("select_mixture oracle: " << kTables << " tables, " << infeasible << " infeasible, "
                                 << tied << " with several optimal mixtures, " << degenerate
                                 << " with a degenerate optimal vertex, " << mixed
                                 << " mixing options, " << excluded
                                 << " with an option kept out by a per-option constraint, "
                                 << shadow_checked << " shadow prices checked");
  // GLPK's exact simplex polishes every LP, so no mixture may lean on GLPK's 1e-7 tolerance.
  CHECK(beyond_tolerance == 0);
  CHECK(infeasible >= 50);
  CHECK(tied >= 50);
  CHECK(degenerate >= 50);
  CHECK(mixed >= 50);
  CHECK(excluded >= 50);
  CHECK(shadow_checked >= 50);
}

TEST_CASE("Single-mode weight ranges are exact: the recommendation holds inside and the reported winner takes over just beyond",
          "[decision][oracle]") {
  Draw draw(0x57ab1e1ULL);
  constexpr int kTables = 1500;
  int tables = 0;
  int finite_ends = 0;
  int collapsed = 0;
  int shared_crossings = 0;
  while (tables < kTables) {
    const SelectionInput input = random_table(draw, false);
    const Selection selection = select_one(input);
    if (!selection.recommended) continue;
    ++tables;
    INFO("table " << tables << ":\n" << describe(input));
    const std::size_t r = *selection.recommended;
    const std::vector<bool> feasible = judge_options(input).feasible;
    const Stability stability = weight_stability(input, selection);
    REQUIRE(stability.ranges.size() == input.criteria.size());

    for (std::size_t k = 0; k < input.criteria.size(); ++k) {
      const WeightRange& range = stability.ranges[k];
      INFO("criterion " << k << ": weight " << show(range.weight) << " in [" << show(range.low)
                        << ", " << show(range.high) << "]");
      auto scores = [&](double weight) { return scores_at(input, with_weight(input, k, weight)); };
      auto winner = [&](double weight) { return best_single(feasible, scores(weight)).best; };
      auto r_is_optimal = [&](double weight) {
        const std::vector<double> s = scores(weight);
        return s[r] >= best_single(feasible, s).objective - kExact * scale_of(s[r]);
      };
      REQUIRE(range.criterion == k);
      REQUIRE(range.weight == input.weights[k]);
      REQUIRE(0 <= range.low);
      REQUIRE(range.low <= range.weight);
      REQUIRE(range.weight <= range.high);
      REQUIRE(range.below.has_value() == (range.low > 0));
      REQUIRE(range.above.has_value() == (range.high < kLpInfinity));

      // At both ends the recommendation ties with the best; strictly inside it is still chosen.
      REQUIRE(r_is_optimal(range.low));
      if (range.high < kLpInfinity) REQUIRE(r_is_optimal(range.high));
      const double top = std::min(range.high, range.weight + 10);
      if (top > range.low) {
        for (double t : {0.3, 0.7}) {
          const double inside = range.low + t * (top - range.low);
          REQUIRE(winner(inside) == r);
        }
        REQUIRE(select_one(reweighted(input, k, range.low + 0.3 * (top - range.low))).recommended == r);
      } else {
        ++collapsed;
      }
      if (range.high == kLpInfinity) REQUIRE(winner(range.weight + 1000) == r);

      // Just beyond a finite end the reported option wins outright.
      auto check_beyond = [&](double weight, std::size_t reported) {
        INFO("beyond the end, at " << show(weight) << ", option " << reported << " should win");
        const std::vector<double> s = scores(weight);
        REQUIRE(s[reported] > s[r]);
        REQUIRE(winner(weight) == reported);
        REQUIRE(select_one(reweighted(input, k, weight)).recommended == reported);
        const double end = weight < range.weight ? range.low : range.high;
        shared_crossings += best_single(feasible, scores(end)).tied.size() >= 2 ? 1 : 0;
      };
      if (range.below) {
        ++finite_ends;
        check_beyond(range.low - std::min(1e-6 * scale_of(range.low), range.low / 2), *range.below);
      }
      if (range.above) {
        ++finite_ends;
        check_beyond(range.high + 1e-6 * scale_of(range.high), *range.above);
      }
    }
    check_smallest_flip(stability);
  }
  WARN("single-mode weight stability oracle: " << tables << " tables, " << finite_ends
                                               << " finite range ends, " << collapsed
                                               << " ranges collapsed to the current weight, "
                                               << shared_crossings
                                               << " ends where three or more options tie");
  CHECK(finite_ends >= 300);
  CHECK(collapsed >= 20);
  CHECK(shared_crossings >= 20);
}

TEST_CASE("Mixture-mode weight ranges are exact: the mixture stays optimal inside and the reported mixture takes over just beyond",
          "[decision][oracle]") {
  Draw draw(0x3a1e5ab1eULL);
  constexpr int kTables = 1000;
  int tables = 0;
  int finite_ends = 0;
  int collapsed = 0;
  double smallest_loss = kLpInfinity;
  while (tables < kTables) {
    const SelectionInput input = random_table(draw, true);
    const Selection selection = select_mixture(input);
    if (!selection.recommended) continue;
    ++tables;
    INFO("table " << tables << ":\n" << describe(input));
    const std::vector<bool> eligible = judge_options(input).eligible;
    const auto vertices = mixture_vertices(input, eligible);
    // GLPK's shares carry noise up to its tolerances; the claims are about the vertex they name.
    INFO("chosen mixture " << show(selection.mixture->shares));
    const auto snapped = nearest_vertex(vertices, selection.mixture->shares);
    REQUIRE(snapped.has_value());
    const std::vector<double> chosen = *snapped;
    const Stability stability = weight_stability(input, selection);
    REQUIRE(stability.ranges.size() == input.criteria.size());

    for (std::size_t k = 0; k < input.criteria.size(); ++k) {
      const WeightRange& range = stability.ranges[k];
      INFO("criterion " << k << ": weight " << show(range.weight) << " in [" << show(range.low)
                        << ", " << show(range.high) << "]");
      // How far `shares` falls short of the optimum at `weight` (>= 0 up to rounding).
      auto loss = [&](const std::vector<double>& shares, double weight) {
        const std::vector<double> s = scores_at(input, with_weight(input, k, weight));
        const double optimum = best_mixture(vertices, s).objective;
        return (optimum - dot(s, shares)) / scale_of(optimum);
      };
      REQUIRE(range.criterion == k);
      REQUIRE(range.weight == input.weights[k]);
      REQUIRE(0 <= range.low);
      REQUIRE(range.low <= range.weight);
      REQUIRE(range.weight <= range.high);
      REQUIRE(range.below.has_value() == (range.low > 0));
      REQUIRE(range.above.has_value() == (range.high < kLpInfinity));

      REQUIRE(loss(chosen, range.low) <= 1e-7);
      if (range.high < kLpInfinity) REQUIRE(loss(chosen, range.high) <= 1e-7);
      const double top = std::min(range.high, range.weight + 10);
      if (top > range.low) {
        for (double t : {0.3, 0.7}) REQUIRE(loss(chosen, range.low + t * (top - range.low)) <= kExact);
        // The optimal face inside the range is the one at the current weight: same tie-broken mixture.
        const Selection inside = select_mixture(reweighted(input, k, range.low + 0.3 * (top - range.low)));
        INFO("re-solved inside: " << show(inside.mixture->shares));
        REQUIRE(close_shares(inside.mixture->shares, selection.mixture->shares, 1e-7));
      } else {
        ++collapsed;
      }
      if (range.high == kLpInfinity) REQUIRE(loss(chosen, range.weight + 1000) <= kExact);

      auto check_beyond = [&](double weight, std::size_t reported, const std::vector<double>& shares) {
        INFO("beyond the end, at " << show(weight) << ", mixture " << show(shares) << " should take over");
        REQUIRE(mixture_defect(input, eligible, shares).empty());
        const auto taking_over = nearest_vertex(vertices, shares);
        REQUIRE(taking_over.has_value());
        const double chosen_loss = loss(chosen, weight);
        smallest_loss = std::min(smallest_loss, chosen_loss);
        REQUIRE(chosen_loss > 1e-12);
        REQUIRE(loss(*taking_over, weight) <= kExact);
        // The oracle's answer there, not select_mixture's: an independent check.
        const MixtureAnswer there = best_mixture(vertices, scores_at(input, with_weight(input, k, weight)));
        INFO("the oracle's tie-broken optimum there: " << show(there.chosen));
        REQUIRE(close_shares(shares, there.chosen, 1e-7));
        REQUIRE(reported == first_largest(there.chosen));
      };
      if (range.below) {
        ++finite_ends;
        check_beyond(range.low - std::min(1e-6 * scale_of(range.low), range.low / 2), *range.below,
                     range.shares_below);
      }
      if (range.above) {
        ++finite_ends;
        check_beyond(range.high + 1e-6 * scale_of(range.high), *range.above, range.shares_above);
      }
    }
    check_smallest_flip(stability);
  }
  WARN("mixture-mode weight stability oracle: " << tables << " tables, " << finite_ends
                                                << " finite range ends, " << collapsed
                                                << " ranges collapsed to the current weight; "
                                                   "smallest relative loss just beyond an end "
                                                << smallest_loss);
  CHECK(finite_ends >= 200);
  CHECK(collapsed >= 10);
}

// Regression: select_mixture once trusted GLPK's floating-point optimality tolerance (about
// 1e-7), so a mixture worse than the optimum by less than that came back as optimal and unique.
TEST_CASE("Select_mixture finds the optimum when a mixture falls short of it by less than GLPK's tolerance",
          "[decision][oracle]") {
  SelectionInput input;
  input.options = {"a", "b"};
  input.criteria = {"P"};
  input.weights = {1.0};
  input.normalized = {{1.0}, {1.0 - 1e-7}};
  input.raw = {{{"m", 4}}, {{"m", 1}}};
  input.constraints = {Constraint{"m", BoundKind::kMin, 2.5, ConstraintScope::kMixture}};
  // a alone meets m >= 2.5 and scores 1; the half-and-half mixture scores 1 - 0.5e-7.
  const MixtureAnswer answer = best_mixture(mixture_vertices(input, {true, true}), {1.0, 1.0 - 1e-7});
  REQUIRE(close_shares(answer.chosen, {1.0, 0.0}, 0));
  const Selection selection = select_mixture(input);
  REQUIRE(selection.mixture.has_value());
  INFO("shares " << show(selection.mixture->shares));
  CHECK(selection.objective >= 1.0 - kTieTolerance);
  CHECK(selection.recommended == std::optional<std::size_t>(0));
  CHECK(close_shares(selection.mixture->shares, {1.0, 0.0}, 1e-7));
}

// Regression: where two mixture constraints bind at one vertex, the shares once violated one of
// them by more than kConstraintTolerance (within GLPK's 1e-7), so satisfies() rejected them.
TEST_CASE("Select_mixture meets every mixture constraint within kConstraintTolerance when two bind at one vertex",
          "[decision][oracle]") {
  SelectionInput input;
  input.options = {"a", "b"};
  input.criteria = {"P"};
  input.weights = {1.0};
  input.normalized = {{0.0}, {1.0}};
  input.raw = {{{"m0", 0}, {"m1", 1}}, {{"m0", 4}, {"m1", 5}}};
  input.constraints = {Constraint{"m1", BoundKind::kMin, 4, ConstraintScope::kMixture},
                       Constraint{"m0", BoundKind::kMax, 3, ConstraintScope::kMixture}};
  // b as far as m0 <= 3 allows: (1/4, 3/4), where m1 = 1/4 + 15/4 = 4 binds as well.
  const MixtureAnswer answer = best_mixture(mixture_vertices(input, {true, true}), {0.0, 1.0});
  REQUIRE(close_shares(answer.chosen, {0.25, 0.75}, 1e-15));
  const Selection selection = select_mixture(input);
  REQUIRE(selection.mixture.has_value());
  INFO("shares " << show(selection.mixture->shares));
  for (const ConstraintActivity& activity : selection.mixture->constraints) {
    INFO(activity.constraint.metric << " at " << show(activity.value));
    CHECK(satisfies(activity.constraint, activity.value));
  }
  CHECK(selection.objective <= 0.75 + kTieTolerance);
}

}  // namespace sizesel
