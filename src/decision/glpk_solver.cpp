#include "sizesel/decision/glpk_solver.hpp"

#include <glpk.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace sizesel {
namespace {

struct ProblemDeleter {
  void operator()(glp_prob* problem) const { glp_delete_prob(problem); }
};
using Problem = std::unique_ptr<glp_prob, ProblemDeleter>;

/// Turns GLPK's terminal output off for its lifetime, then restores the previous setting.
class TerminalSilence {
 public:
  TerminalSilence() : previous_(glp_term_out(GLP_OFF)) {}
  ~TerminalSilence() { glp_term_out(previous_); }
  TerminalSilence(const TerminalSilence&) = delete;
  TerminalSilence& operator=(const TerminalSilence&) = delete;

 private:
  int previous_;
};

const char* name_or_null(const std::string& name) { return name.empty() ? nullptr : name.c_str(); }

int bound_type(double lower, double upper) {
  const bool has_lower = lower != -kLpInfinity;
  const bool has_upper = upper != kLpInfinity;
  if (!has_lower && !has_upper) return GLP_FR;
  if (!has_upper) return GLP_LO;
  if (!has_lower) return GLP_UP;
  return lower == upper ? GLP_FX : GLP_DB;
}

double finite_or_zero(double bound) { return std::isinf(bound) ? 0.0 : bound; }

/// Copies a validated program into a fresh GLPK problem.
///
/// GLPK calls abort() (glp_error) instead of returning an error on any argument it refuses;
/// these are all the calls sizesel makes and what validate() or this file guarantees for each:
/// - glp_set_prob_name, glp_set_col_name, glp_set_row_name: abort on a name of 256 or more
///   characters or with a control character (iscntrl); validate() allows at most 255 bytes and
///   no control character, NUL included; an empty name is passed as NULL, which erases it.
/// - glp_add_cols, glp_add_rows: abort on a count below 1 or above 100,000,000 in all;
///   validate() requires a column and at most kMaxLpDimension of each; rows are added only
///   when there are some.
/// - glp_set_col_bnds, glp_set_row_bnds, glp_set_obj_coef, glp_set_col_kind, glp_set_obj_dir:
///   abort on an index out of range or an unknown type, kind or direction, which this code
///   never passes. They take NaN, infinite or crossed bounds and coefficients without a word;
///   glp_simplex and glp_intopt then report crossed bounds (GLP_EBOUND), but glp_exact aborts
///   converting a non-finite number (mpq_set_d) and the scaling and factorisation misbehave:
///   validate() refuses NaN, +inf lower and -inf upper bounds, crossed bounds, non-finite
///   coefficients, and integer or binary columns with fractional bounds.
/// - glp_set_mat_row: aborts on a column index out of range, a column twice in the row, or more
///   than 500,000,000 coefficients in all; validate() checks each term's column, duplicates and
///   kMaxLpNonZeros. Zero coefficients are allowed (GLPK drops them).
/// - glp_scale_prob: its factors are powers of 2 computed from products of coefficients, and it
///   asserts they are positive and finite: coefficients from about 1e155, and denormals, break
///   it; validate() keeps every non-zero within kMinLpMagnitude..kMaxLpMagnitude.
/// - glp_simplex, glp_exact, glp_intopt: abort on invalid control parameters (the constants
///   below are valid) and, like every GLPK routine, when GLPK's own memory runs out (no
///   validation can prevent that); glp_intopt without the presolver requires an optimal basis,
///   which solve_mip provides.
/// - glp_get_*, glp_mip_*: abort on an index out of range; the loops below stay within the
///   problem's own counts.
/// - glp_term_out: aborts on a flag other than GLP_ON or GLP_OFF (it is given back its own).
Problem load(const LinearProgram& lp) {
  Problem problem(glp_create_prob());
  glp_prob* p = problem.get();
  glp_set_prob_name(p, name_or_null(lp.name));
  glp_set_obj_dir(p, lp.sense == LpSense::kMaximize ? GLP_MAX : GLP_MIN);

  const int columns = static_cast<int>(lp.columns.size());
  glp_add_cols(p, columns);  // validate() guarantees at least one column
  for (int j = 1; j <= columns; ++j) {
    const LpColumn& column = lp.columns[static_cast<std::size_t>(j - 1)];
    glp_set_col_name(p, j, name_or_null(column.name));
    glp_set_col_bnds(p, j, bound_type(column.lower, column.upper), finite_or_zero(column.lower),
                     finite_or_zero(column.upper));
    glp_set_obj_coef(p, j, column.objective);
    glp_set_col_kind(p, j, column.kind == LpColumnKind::kContinuous ? GLP_CV : GLP_IV);
  }

  const int rows = static_cast<int>(lp.rows.size());
  if (rows > 0) glp_add_rows(p, rows);  // GLPK aborts on adding zero rows
  std::vector<int> indices;
  std::vector<double> values;
  for (int i = 1; i <= rows; ++i) {
    const LpRow& row = lp.rows[static_cast<std::size_t>(i - 1)];
    glp_set_row_name(p, i, name_or_null(row.name));
    glp_set_row_bnds(p, i, bound_type(row.lower, row.upper), finite_or_zero(row.lower),
                     finite_or_zero(row.upper));
    // GLPK's arrays are 1-based: element 0 is ignored.
    indices.assign(1, 0);
    values.assign(1, 0.0);
    for (const LpTerm& term : row.terms) {
      indices.push_back(static_cast<int>(term.column) + 1);
      values.push_back(term.value);
    }
    glp_set_mat_row(p, i, static_cast<int>(row.terms.size()), indices.data(), values.data());
  }
  // Raw values range from fractions to parameter counts; scaling keeps the simplex accurate.
  glp_scale_prob(p, GLP_SF_AUTO);
  return problem;
}

LpSolution verdict(LpStatus status, std::string message) {
  LpSolution solution;
  solution.status = status;
  solution.message = std::move(message);
  return solution;
}

/// Why GLPK stopped without a verdict, for return codes that mean "no verdict".
std::string failure_reason(int code) {
  switch (code) {
    case GLP_EBADB: return "the initial basis is invalid";
    case GLP_ESING: return "the basis matrix is singular";
    case GLP_ECOND: return "the basis matrix is ill-conditioned";
    case GLP_EBOUND: return "some variable has incorrect bounds";
    case GLP_EFAIL: return "the solver failed (numerical difficulties)";
    case GLP_EOBJLL: return "the objective reached its lower limit";
    case GLP_EOBJUL: return "the objective reached its upper limit";
    case GLP_EITLIM: return "the iteration limit was exceeded";
    case GLP_ETMLIM: return "the time limit was exceeded";
    case GLP_EROOT: return "no optimal basis for the root LP relaxation";
    case GLP_ESTOP: return "the search was stopped by the application";
    case GLP_EMIPGAP: return "the relative MIP gap tolerance was reached before optimality";
    default: return fmt::format("unexpected GLPK return code {}", code);
  }
}

std::string status_name(int status) {
  switch (status) {
    case GLP_UNDEF: return "undefined";
    case GLP_FEAS: return "feasible";
    case GLP_INFEAS: return "infeasible";
    case GLP_NOFEAS: return "no feasible solution";
    case GLP_OPT: return "optimal";
    case GLP_UNBND: return "unbounded";
    default: return fmt::format("unknown status {}", status);
  }
}

/// The presolver only says "no dual feasible solution", which holds for an unbounded problem
/// and for one that is infeasible as well: the simplex without presolve tells them apart. On
/// badly scaled data the presolver's verdict can also be wrong, and the simplex then finds an
/// optimum: nullopt, the problem holding that optimal basis.
std::optional<LpSolution> classify_dual_infeasible(glp_prob* p, const char* what) {
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  parm.it_lim = kMaxSimplexIterations;
  parm.tm_lim = kSolverTimeLimitMs;
  const int code = glp_simplex(p, &parm);
  if (code != 0) {
    return verdict(LpStatus::kFailed,
                   fmt::format("{} has no dual feasible solution, and the simplex could not tell "
                               "whether it is infeasible: {}",
                               what, failure_reason(code)));
  }
  const int status = glp_get_status(p);
  if (status == GLP_OPT) return std::nullopt;
  if (status == GLP_NOFEAS) {
    return verdict(LpStatus::kInfeasible, fmt::format("{} has no primal feasible solution", what));
  }
  if (status == GLP_UNBND) {
    return verdict(LpStatus::kUnbounded, fmt::format("{} is unbounded", what));
  }
  return verdict(LpStatus::kFailed,
                 fmt::format("{} has no dual feasible solution, yet the simplex ended with "
                             "status '{}'",
                             what, status_name(status)));
}

LpBasis basis_of(int status) {
  switch (status) {
    case GLP_NL: return LpBasis::kAtLower;
    case GLP_NU: return LpBasis::kAtUpper;
    case GLP_NF: return LpBasis::kFree;
    case GLP_NS: return LpBasis::kFixed;
    default: return LpBasis::kBasic;
  }
}

/// Re-solves from the floating-point optimal basis in exact rational arithmetic. The simplex
/// accepts a basis within about 1e-7 of optimal and feasible; sizesel's tie and constraint
/// tolerances are 1e-9, so the basis is made exactly optimal for the (double) data. Should the
/// exact solve fail, the floating-point simplex is run again so that a solution stays in place.
void polish_exactly(glp_prob* p, glp_smcp parm) {
  parm.presolve = GLP_OFF;
  if (glp_exact(p, &parm) == 0) return;
  (void)glp_simplex(p, &parm);
}

LpSolution solve_lp(glp_prob* p) {
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  parm.it_lim = kMaxSimplexIterations;
  parm.tm_lim = kSolverTimeLimitMs;
  const int code = glp_simplex(p, &parm);
  switch (code) {
    case 0: break;
    case GLP_ENOPFS:
      return verdict(LpStatus::kInfeasible, "the LP has no primal feasible solution (presolver)");
    case GLP_ENODFS:
      if (auto classified = classify_dual_infeasible(p, "the LP")) return std::move(*classified);
      break;  // optimal after all, without the presolver
    default: return verdict(LpStatus::kFailed, "simplex: " + failure_reason(code));
  }
  if (glp_get_status(p) == GLP_OPT) polish_exactly(p, parm);
  const int status = glp_get_status(p);
  switch (status) {
    case GLP_OPT: {
      LpSolution solution = verdict(LpStatus::kOptimal, "optimal solution found");
      solution.objective = glp_get_obj_val(p);
      const int columns = glp_get_num_cols(p);
      for (int j = 1; j <= columns; ++j) solution.column_values.push_back(glp_get_col_prim(p, j));
      for (int j = 1; j <= columns; ++j) {
        solution.column_duals.push_back(glp_get_col_dual(p, j));
        solution.column_basis.push_back(basis_of(glp_get_col_stat(p, j)));
      }
      for (int i = 1; i <= glp_get_num_rows(p); ++i) {
        solution.row_values.push_back(glp_get_row_prim(p, i));
        solution.row_duals.push_back(glp_get_row_dual(p, i));
        solution.row_basis.push_back(basis_of(glp_get_row_stat(p, i)));
      }
      return solution;
    }
    case GLP_NOFEAS:
      return verdict(LpStatus::kInfeasible, "the LP has no primal feasible solution");
    case GLP_UNBND: return verdict(LpStatus::kUnbounded, "the LP is unbounded");
    default:
      return verdict(LpStatus::kFailed,
                     fmt::format("simplex ended with status '{}'", status_name(status)));
  }
}

LpSolution solve_mip(glp_prob* p) {
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  parm.tm_lim = kSolverTimeLimitMs;
  int code = glp_intopt(p, &parm);
  if (code == GLP_ENODFS) {
    if (auto classified = classify_dual_infeasible(p, "the LP relaxation")) return std::move(*classified);
    // The relaxation is optimal after all: branch and cut from its optimal basis, which
    // glp_intopt requires without the presolver.
    parm.presolve = GLP_OFF;
    code = glp_intopt(p, &parm);
  }
  switch (code) {
    case 0: break;
    case GLP_ENOPFS:
      return verdict(LpStatus::kInfeasible,
                     "the LP relaxation has no primal feasible solution (presolver)");
    case GLP_ENODFS: return verdict(LpStatus::kFailed, "branch-and-cut: the LP relaxation has no dual feasible solution");
    default: return verdict(LpStatus::kFailed, "branch-and-cut: " + failure_reason(code));
  }
  const int status = glp_mip_status(p);
  switch (status) {
    case GLP_OPT: {
      LpSolution solution = verdict(LpStatus::kOptimal, "integer optimal solution found");
      solution.objective = glp_mip_obj_val(p);
      const int columns = glp_get_num_cols(p);
      for (int j = 1; j <= columns; ++j) solution.column_values.push_back(glp_mip_col_val(p, j));
      for (int i = 1; i <= glp_get_num_rows(p); ++i) solution.row_values.push_back(glp_mip_row_val(p, i));
      return solution;
    }
    case GLP_NOFEAS:
      return verdict(LpStatus::kInfeasible, "the problem has no integer feasible solution");
    default:
      return verdict(LpStatus::kFailed,
                     fmt::format("branch-and-cut ended with status '{}'", status_name(status)));
  }
}

}  // namespace

LpSolution solve_with_glpk(const LinearProgram& lp) {
  validate(lp);
  const TerminalSilence silence;
  const Problem problem = load(lp);
  return is_mip(lp) ? solve_mip(problem.get()) : solve_lp(problem.get());
}

std::string glpk_version() { return glp_version(); }

std::string to_string(LpStatus status) {
  switch (status) {
    case LpStatus::kOptimal: return "optimal";
    case LpStatus::kInfeasible: return "infeasible";
    case LpStatus::kUnbounded: return "unbounded";
    case LpStatus::kFailed: return "failed";
  }
  return "failed";
}

}  // namespace sizesel
