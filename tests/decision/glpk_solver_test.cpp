#include "sizesel/decision/glpk_solver.hpp"

#include <catch2/catch.hpp>

#include <cctype>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sizesel/core/error.hpp"
#include "sizesel/decision/linear_program.hpp"

namespace sizesel {
namespace {

LpColumn continuous(std::string name, double objective, double lower = 0.0,
                    double upper = kLpInfinity) {
  return LpColumn{std::move(name), lower, upper, objective, LpColumnKind::kContinuous};
}

LpColumn integer(std::string name, double objective, double lower = 0.0,
                 double upper = kLpInfinity) {
  return LpColumn{std::move(name), lower, upper, objective, LpColumnKind::kInteger};
}

/// GLPK's own sample problem: max 10x1 + 6x2 + 4x3 subject to
///   x1 + x2 + x3 <= 100,  10x1 + 4x2 + 5x3 <= 600,  2x1 + 2x2 + 6x3 <= 300,  x >= 0.
/// By hand: x3 = 0 and the first two rows bind, so x1 = 100/3, x2 = 200/3, z = 2200/3.
LinearProgram glpk_sample() {
  LinearProgram lp;
  lp.name = "sample";
  lp.columns = {continuous("x1", 10), continuous("x2", 6), continuous("x3", 4)};
  lp.rows = {at_most("p", dense_terms({1, 1, 1}), 100), at_most("q", dense_terms({10, 4, 5}), 600),
             at_most("r", dense_terms({2, 2, 6}), 300)};
  return lp;
}

/// A program with one valid column and one valid row, to be broken by each validation test.
LinearProgram small_valid() {
  LinearProgram lp;
  lp.columns = {continuous("x", 1, 0, 4), integer("n", 1, 0, 3)};
  lp.rows = {at_most("cap", dense_terms({1, 1}), 5)};
  return lp;
}

void require_rejected(const LinearProgram& lp, const std::string& part) {
  REQUIRE_THROWS_AS(validate(lp), SolverError);
  REQUIRE_THROWS_WITH(validate(lp), Catch::Matchers::Contains(part));
  // solve_with_glpk validates first: GLPK, which would abort the process, never sees it.
  REQUIRE_THROWS_AS(solve_with_glpk(lp), SolverError);
}

}  // namespace

TEST_CASE("An LP with a known optimum is solved to that optimum", "[decision]") {
  const LpSolution solution = solve_with_glpk(glpk_sample());
  REQUIRE(solution.status == LpStatus::kOptimal);
  CHECK(solution.objective == Approx(2200.0 / 3.0));
  REQUIRE(solution.column_values.size() == 3);
  CHECK(solution.column_values[0] == Approx(100.0 / 3.0));
  CHECK(solution.column_values[1] == Approx(200.0 / 3.0));
  CHECK(solution.column_values[2] == Approx(0.0).margin(1e-9));
}

TEST_CASE("A minimisation with an equality row reaches its optimum on a bound", "[decision]") {
  // min x + y subject to x - y = 2, x >= 0, y >= 1: x = y + 2, so z = 2y + 2 is least at y = 1.
  LinearProgram lp;
  lp.sense = LpSense::kMinimize;
  lp.columns = {continuous("x", 1), continuous("y", 1, 1.0)};
  lp.rows = {equal_to("link", {{0, 1.0}, {1, -1.0}}, 2)};
  const LpSolution solution = solve_with_glpk(lp);
  REQUIRE(solution.status == LpStatus::kOptimal);
  CHECK(solution.objective == Approx(4.0));
  CHECK(solution.column_values[0] == Approx(3.0));
  CHECK(solution.column_values[1] == Approx(1.0));
}

TEST_CASE("A program without rows is solved on its column bounds", "[decision]") {
  LinearProgram lp;
  lp.columns = {continuous("x", 2, -1, 3), continuous("y", -1, -2, 5)};
  const LpSolution solution = solve_with_glpk(lp);
  REQUIRE(solution.status == LpStatus::kOptimal);
  CHECK(solution.objective == Approx(8.0));
}

TEST_CASE("Integer columns make the optimum integral where the relaxation is fractional",
          "[decision]") {
  // max x + y subject to 2x + 2y <= 3: the relaxation reaches 1.5, integers only 1.
  LinearProgram lp;
  lp.columns = {continuous("x", 1), continuous("y", 1)};
  lp.rows = {at_most("cap", dense_terms({2, 2}), 3)};
  const LpSolution relaxed = solve_with_glpk(lp);
  REQUIRE(relaxed.status == LpStatus::kOptimal);
  CHECK(relaxed.objective == Approx(1.5));

  lp.columns[0].kind = LpColumnKind::kInteger;
  lp.columns[1].kind = LpColumnKind::kInteger;
  const LpSolution integral = solve_with_glpk(lp);
  REQUIRE(integral.status == LpStatus::kOptimal);
  CHECK(integral.objective == Approx(1.0));
  CHECK(integral.column_values[0] + integral.column_values[1] == Approx(1.0));
}

TEST_CASE("A binary knapsack picks the most valuable subset that fits", "[decision]") {
  // Values 5, 4, 3; weights 2, 3, 1; capacity 5. Subsets that fit: {a,b} = 9 (weight 5),
  // {a,c} = 8, {b,c} = 7, singletons. {a,b,c} weighs 6.
  LinearProgram lp;
  lp.columns = {binary_column("a", 5), binary_column("b", 4), binary_column("c", 3)};
  lp.rows = {at_most("weight", dense_terms({2, 3, 1}), 5)};
  const LpSolution solution = solve_with_glpk(lp);
  REQUIRE(solution.status == LpStatus::kOptimal);
  CHECK(solution.objective == Approx(9.0));
  CHECK(solution.column_values == std::vector<double>{1, 1, 0});
}

TEST_CASE("An infeasible LP is reported as infeasible instead of crashing", "[decision]") {
  LinearProgram lp;
  lp.columns = {continuous("x", 1), continuous("y", 1)};
  lp.rows = {at_least("low", dense_terms({1, 1}), 2), at_most("high", dense_terms({1, 1}), 1)};
  const LpSolution solution = solve_with_glpk(lp);
  CHECK(solution.status == LpStatus::kInfeasible);
  CHECK(solution.column_values.empty());
  CHECK_FALSE(solution.message.empty());
}

TEST_CASE("An integer problem whose relaxation is feasible but has no integer point is infeasible",
          "[decision]") {
  // 2n = 1 has the fractional solution n = 0.5 only.
  LinearProgram lp;
  lp.columns = {integer("n", 1, 0, 5)};
  lp.rows = {equal_to("odd", dense_terms({2}), 1)};
  CHECK(solve_with_glpk(lp).status == LpStatus::kInfeasible);
}

TEST_CASE("An integer problem whose relaxation is infeasible is infeasible", "[decision]") {
  LinearProgram lp;
  lp.columns = {binary_column("a", 1), binary_column("b", 1)};
  lp.rows = {at_least("too_many", dense_terms({1, 1}), 3)};
  CHECK(solve_with_glpk(lp).status == LpStatus::kInfeasible);
}

TEST_CASE("An unbounded LP is reported as unbounded", "[decision]") {
  // max x + y subject to x - y <= 1, x, y >= 0: (t + 1, t) is feasible for every t.
  LinearProgram lp;
  lp.columns = {continuous("x", 1), continuous("y", 1)};
  lp.rows = {at_most("gap", {{0, 1.0}, {1, -1.0}}, 1)};
  CHECK(solve_with_glpk(lp).status == LpStatus::kUnbounded);
}

TEST_CASE("An integer problem with an unbounded relaxation is reported as unbounded",
          "[decision]") {
  LinearProgram lp;
  lp.columns = {integer("x", 1), integer("y", 0)};
  lp.rows = {at_most("gap", {{0, 1.0}, {1, -2.0}}, 1)};
  CHECK(solve_with_glpk(lp).status == LpStatus::kUnbounded);
}

TEST_CASE("A problem both primal and dual infeasible is reported as infeasible, not unbounded",
          "[decision]") {
  // x is free with a positive objective and in no row (dual infeasible: GLPK's presolver stops
  // there, saying only "no dual feasible solution"); the rows on y and z contradict each other.
  LinearProgram lp;
  lp.columns = {continuous("x", 1, -kLpInfinity, kLpInfinity), continuous("y", 0),
                continuous("z", 0)};
  lp.rows = {at_least("low", dense_terms({0, 1, 1}), 2), at_most("high", dense_terms({0, 1, 1}), 1)};
  CHECK(solve_with_glpk(lp).status == LpStatus::kInfeasible);

  lp.columns[0].kind = LpColumnKind::kInteger;
  CHECK(solve_with_glpk(lp).status == LpStatus::kInfeasible);
}

TEST_CASE("Infinite bounds mean no bound and are accepted", "[decision]") {
  LinearProgram lp;
  lp.sense = LpSense::kMinimize;
  lp.columns = {continuous("x", 1, -kLpInfinity, kLpInfinity)};
  lp.rows = {LpRow{"range", {{0, 1.0}}, -3.0, kLpInfinity}};
  REQUIRE_NOTHROW(validate(lp));
  const LpSolution solution = solve_with_glpk(lp);
  REQUIRE(solution.status == LpStatus::kOptimal);
  CHECK(solution.objective == Approx(-3.0));
}

TEST_CASE("Validation rejects what GLPK would abort on, with SolverError", "[decision]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  REQUIRE_NOTHROW(validate(small_valid()));

  SECTION("no columns") {
    LinearProgram lp;
    require_rejected(lp, "at least one is needed");
  }
  SECTION("a NaN objective coefficient") {
    LinearProgram lp = small_valid();
    lp.columns[0].objective = nan;
    require_rejected(lp, "column 0 'x': objective coefficient is not finite");
  }
  SECTION("an infinite objective coefficient") {
    LinearProgram lp = small_valid();
    lp.columns[1].objective = kLpInfinity;
    require_rejected(lp, "column 1 'n': objective coefficient is not finite");
  }
  SECTION("a NaN column bound") {
    LinearProgram lp = small_valid();
    lp.columns[0].upper = nan;
    require_rejected(lp, "bound is NaN");
  }
  SECTION("a column's lower bound above its upper bound") {
    LinearProgram lp = small_valid();
    lp.columns[0].lower = 5;
    require_rejected(lp, "column 0 'x': lower bound exceeds upper bound (got [5, 4])");
  }
  SECTION("a row's lower bound above its upper bound") {
    LinearProgram lp = small_valid();
    lp.rows[0].lower = 6;
    require_rejected(lp, "row 0 'cap': lower bound exceeds upper bound");
  }
  SECTION("a lower bound of +inf") {
    LinearProgram lp = small_valid();
    lp.rows[0] = LpRow{"cap", dense_terms({1, 1}), kLpInfinity, kLpInfinity};
    require_rejected(lp, "lower bound is +inf");
  }
  SECTION("an upper bound of -inf") {
    LinearProgram lp = small_valid();
    lp.columns[0].lower = -kLpInfinity;
    lp.columns[0].upper = -kLpInfinity;
    require_rejected(lp, "upper bound is -inf");
  }
  SECTION("a NaN row coefficient") {
    LinearProgram lp = small_valid();
    lp.rows[0].terms[1].value = nan;
    require_rejected(lp, "row 0 'cap': coefficient of column 1 is not finite");
  }
  SECTION("a term whose column is out of range") {
    LinearProgram lp = small_valid();
    lp.rows[0].terms.push_back(LpTerm{2, 1.0});
    require_rejected(lp, "term refers to column 2, but there are 2 columns");
  }
  SECTION("a column twice in one row") {
    LinearProgram lp = small_valid();
    lp.rows[0].terms.push_back(LpTerm{0, 1.0});
    require_rejected(lp, "column 0 appears twice");
  }
  SECTION("a binary column with bounds outside [0, 1]") {
    LinearProgram lp = small_valid();
    lp.columns.push_back(LpColumn{"b", 0, 2, 1, LpColumnKind::kBinary});
    require_rejected(lp, "binary column's bounds must lie within [0, 1]");
  }
  SECTION("an integer column with a fractional bound") {
    LinearProgram lp = small_valid();
    lp.columns[1].upper = 2.5;
    require_rejected(lp, "integer column has a fractional bound");
  }
  SECTION("a name longer than GLPK allows") {
    LinearProgram lp = small_valid();
    lp.columns[0].name = std::string(kMaxLpNameLength + 1, 'x');
    require_rejected(lp, "at most 255 allowed");
  }
  SECTION("a name with a control character") {
    LinearProgram lp = small_valid();
    lp.rows[0].name = "cap\n";
    require_rejected(lp, "name contains a control character");
  }
}

TEST_CASE("The same column may appear in different rows", "[decision]") {
  LinearProgram lp = small_valid();
  lp.rows.push_back(at_least("floor", dense_terms({1, 1}), 1));
  REQUIRE_NOTHROW(validate(lp));
  const LpSolution solution = solve_with_glpk(lp);
  REQUIRE(solution.status == LpStatus::kOptimal);
  CHECK(solution.objective == Approx(5.0));
}

TEST_CASE("Row helpers set the bounds their names say and dense terms skip zeros", "[decision]") {
  const std::vector<LpTerm> terms = dense_terms({0, 2, 0, -1});
  REQUIRE(terms.size() == 2);
  CHECK(terms[0].column == 1);
  CHECK(terms[0].value == 2);
  CHECK(terms[1].column == 3);
  CHECK(terms[1].value == -1);

  const LpRow low = at_least("low", terms, 1);
  CHECK(low.lower == 1);
  CHECK(low.upper == kLpInfinity);
  const LpRow high = at_most("high", terms, 2);
  CHECK(high.lower == -kLpInfinity);
  CHECK(high.upper == 2);
  const LpRow fixed = equal_to("fixed", terms, 3);
  CHECK(fixed.lower == 3);
  CHECK(fixed.upper == 3);

  const LpColumn b = binary_column("b", 0.5);
  CHECK(b.kind == LpColumnKind::kBinary);
  CHECK(b.lower == 0);
  CHECK(b.upper == 1);
  CHECK(b.objective == 0.5);
}

TEST_CASE("Only integer or binary columns make a program a MIP", "[decision]") {
  LinearProgram lp = glpk_sample();
  CHECK_FALSE(is_mip(lp));
  lp.columns[2].kind = LpColumnKind::kBinary;
  CHECK(is_mip(lp));
}

TEST_CASE("GLPK's version is reported as major.minor", "[decision]") {
  const std::string version = glpk_version();
  REQUIRE_FALSE(version.empty());
  CHECK(std::isdigit(static_cast<unsigned char>(version.front())) != 0);
  CHECK(version.find('.') != std::string::npos);
}

TEST_CASE("Every solver status has a name", "[decision]") {
  CHECK(to_string(LpStatus::kOptimal) == "optimal");
  CHECK(to_string(LpStatus::kInfeasible) == "infeasible");
  CHECK(to_string(LpStatus::kUnbounded) == "unbounded");
  CHECK(to_string(LpStatus::kFailed) == "failed");
}

}  // namespace sizesel
