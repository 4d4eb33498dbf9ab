/* problem_gsl.h -- internal: GSL status codes as gc_status with a message.
 * Not installed; shared by the problem_*.c solvers. */
#ifndef GRADCHAIN_PROBLEM_GSL_H
#define GRADCHAIN_PROBLEM_GSL_H

#include <math.h>
#include <stddef.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>

#include "gradchain/error.h"
#include "core/gsl_handler.h"

/* Turn a GSL status returned while running solver WHAT into a gc_status
 * and record a message.  GSL_EINVAL from a solver's _set means that the
 * endpoints do not bracket a root / minimum. */
static inline int gc_from_gsl(int gsl_status, const char *what)
{
  switch (gsl_status) {
  case GSL_SUCCESS:
    return GC_OK;
  case GSL_EINVAL:
    return gc_error(GC_ENOBRACKET, "%s: the interval does not bracket the "
                    "solution (GSL: %s)", what, gsl_strerror(gsl_status));
  case GSL_ENOMEM:
    return gc_error(GC_ENOMEM, "%s: out of memory", what);
  case GSL_EBADFUNC:
    return gc_error(GC_ENUMERIC, "%s: the function returned NaN or "
                    "infinity (GSL: %s)", what, gsl_strerror(gsl_status));
  default:
    return gc_error(GC_ENOCONV, "%s: the solver failed (GSL: %s)", what,
                    gsl_strerror(gsl_status));
  }
}

/* A solver's two tolerances and its iteration limit must be positive. */
static inline int gc_check_limits(const char *what, double tol1, double tol2,
                                  size_t max_iter)
{
  if (!(tol1 > 0) || !(tol2 > 0) || max_iter == 0)
    return gc_error(GC_EINVAL, "%s: tolerances and max_iter must be "
                    "positive", what);
  return GC_OK;
}

/* The solver ran out of iterations. */
static inline int gc_no_conv(const char *what, unsigned long iter)
{
  return gc_error(GC_ENOCONV, "%s: no convergence after %lu iterations",
                  what, iter);
}

/* How a solver loop ended: converged (done), stopped by GSL status gs, or
 * out of its iter iterations. */
static inline int gc_solver_end(int done, int gs, const char *what,
                                size_t iter)
{
  if (done) return GC_OK;
  return gs && gs != GSL_CONTINUE ? gc_from_gsl(gs, what)
                                  : gc_no_conv(what, (unsigned long)iter);
}

/* The result of a bracketed Brent minimisation. */
typedef struct gc_brent_min {
  double x, f;    /* the minimum found and the function there */
  double lo, hi;  /* the final bracket */
  size_t iter;
} gc_brent_min;

/* Minimise F with GSL's Brent minimiser from guess in [lo, hi] until the
 * bracket is narrower than tol (absolute), at most max_iter iterations;
 * WHAT names the step in messages.  out is filled even on failure. */
static inline int gc_brent_minimise(gc_brent_min *out, gsl_function *F,
                                    double guess, double lo, double hi,
                                    double tol, size_t max_iter,
                                    const char *what)
{
  out->x = out->f = out->lo = out->hi = NAN;
  out->iter = 0;
  gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
  if (!m) return gc_error(GC_ENOMEM, "%s: out of memory", what);
  int gs = gsl_min_fminimizer_set(m, F, guess, lo, hi);
  if (gs) {
    gsl_min_fminimizer_free(m);
    return gc_from_gsl(gs, what);
  }
  size_t it = 0;
  int done = 0;
  while (!done && it < max_iter) {
    it++;
    gs = gsl_min_fminimizer_iterate(m);
    if (gs) break;
    gs = gsl_min_test_interval(gsl_min_fminimizer_x_lower(m),
                               gsl_min_fminimizer_x_upper(m), tol, 0.0);
    if (gs == GSL_SUCCESS) done = 1;
    else if (gs != GSL_CONTINUE) break;
  }
  out->x = gsl_min_fminimizer_x_minimum(m);
  out->f = gsl_min_fminimizer_f_minimum(m);
  out->lo = gsl_min_fminimizer_x_lower(m);
  out->hi = gsl_min_fminimizer_x_upper(m);
  out->iter = it;
  gsl_min_fminimizer_free(m);
  return gc_solver_end(done, gs, what, it);
}

/* The result of a bracketed Brent root search. */
typedef struct gc_brent_bracket {
  double x;       /* the root found */
  double lo, hi;  /* the final bracket */
  size_t iter;
} gc_brent_bracket;

/* Find a root of F in [lo, hi] with GSL's Brent solver until the bracket
 * passes gsl_root_test_interval(epsabs, epsrel) -- or, if zero_stop, F is
 * exactly 0 at the current estimate -- at most max_iter iterations; WHAT
 * names the step in messages.  out is filled even on failure (NaN if
 * never started). */
static inline int gc_brent_solve(gc_brent_bracket *out, gsl_function *F,
                                 double lo, double hi, double epsabs,
                                 double epsrel, size_t max_iter,
                                 int zero_stop, const char *what)
{
  out->x = out->lo = out->hi = NAN;
  out->iter = 0;
  gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
  if (!s) return gc_error(GC_ENOMEM, "%s: out of memory", what);
  int gs = gsl_root_fsolver_set(s, F, lo, hi);
  if (gs) {
    gsl_root_fsolver_free(s);
    return gc_from_gsl(gs, what);
  }
  size_t it = 0;
  int done = 0;
  while (!done && it < max_iter) {
    it++;
    gs = gsl_root_fsolver_iterate(s);
    if (gs) break;
    gs = gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
                                gsl_root_fsolver_x_upper(s), epsabs, epsrel);
    /* Brent may land on the root exactly (a linear F, say) */
    if (gs == GSL_SUCCESS ||
        (zero_stop && GSL_FN_EVAL(F, gsl_root_fsolver_root(s)) == 0))
      done = 1;
    else if (gs != GSL_CONTINUE) break;
  }
  out->x = gsl_root_fsolver_root(s);
  out->lo = gsl_root_fsolver_x_lower(s);
  out->hi = gsl_root_fsolver_x_upper(s);
  out->iter = it;
  gsl_root_fsolver_free(s);
  return gc_solver_end(done, gs, what, it);
}

/* The problems' root search: stops as soon as F is exactly 0. */
static inline int gc_brent_find_root(gc_brent_bracket *out, gsl_function *F,
                                     double lo, double hi, double epsabs,
                                     double epsrel, size_t max_iter,
                                     const char *what)
{
  return gc_brent_solve(out, F, lo, hi, epsabs, epsrel, max_iter, 1, what);
}

/* The same, as the theory layer calls it: *root the estimate, *halfwidth
 * half the final bracket (may be NULL); no early stop when F is exactly 0
 * at the estimate (Brent then shrinks the bracket to it by itself, one
 * iteration later). */
static inline int gc_brent_root(double *root, double *halfwidth,
                                gsl_function *F, double lo, double hi,
                                double epsabs, double epsrel,
                                size_t max_iter, const char *what)
{
  gc_brent_bracket br;
  int st = gc_brent_solve(&br, F, lo, hi, epsabs, epsrel, max_iter, 0, what);
  *root = br.x;
  if (halfwidth) *halfwidth = 0.5 * (br.hi - br.lo);
  return st;
}

#endif
