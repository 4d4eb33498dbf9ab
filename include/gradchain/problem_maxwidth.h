/* gradchain/problem_maxwidth.h -- problem 3: the |w| at which the
 * interval of problem 2 is widest.
 *
 * With s = sqrt(1 - 4/w) the width is W(w) = (4/w) artanh(s), and
 *   dW/dw = (2/w^2) G(w),   G(w) = 1/s - 2 artanh(s),
 * so the maximum is the root of G.  In double precision GSL's Brent
 * minimiser brackets the maximum of W (to ~sqrt(DBL_EPSILON), since W is
 * flat there) and GSL's Brent root solver then finds the root of G to
 * full precision.  gc_maxwidth_mpfr() refines both with Newton's method
 * on G in MPFR (G' analytic).
 */
#ifndef GRADCHAIN_PROBLEM_MAXWIDTH_H
#define GRADCHAIN_PROBLEM_MAXWIDTH_H

#include "gradchain/export.h"

#include <stddef.h>
#include <stdio.h>   /* mpfr.h declares its FILE functions only after it */
#include <mpfr.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_maxwidth_params {
  double w_lo, w_guess, w_hi; /* minimiser bracket, all > 4 */
  double min_tol;             /* absolute tolerance of the minimiser */
  double root_tol;            /* relative tolerance of the root solver */
  size_t max_iter;
} gc_maxwidth_params;

typedef struct gc_maxwidth_result {
  double w_star, width_max;
  double w_err;           /* half the root solver's final bracket */
  double width_err;       /* max |W(end) - W(w_star)| over that bracket,
                             plus the rounding of W */
  double min_w, min_width;     /* the minimiser's answer */
  double min_lo, min_hi;       /* its final bracket */
  size_t min_iter, root_iter;
  double min_tol, root_tol;
} gc_maxwidth_result;

/* Defaults: bracket (4.5, 6, 20), min_tol 1e-6, root_tol 1e-15, 100 its. */
GC_API void gc_maxwidth_params_default(gc_maxwidth_params *p);

/* W(w), w > 4 (NaN otherwise), and G(w) = w^2/2 dW/dw. */
GC_API double gc_maxwidth_width(double w);
GC_API double gc_maxwidth_G(double w);

GC_API int gc_problem_maxwidth(gc_maxwidth_result *r,
                               const gc_maxwidth_params *p);

/* Newton on G in MPFR from w_start (> 4, e.g. the double answer) until
 * the step is below 2^-prec; arithmetic at prec + 32 bits, results
 * rounded with rnd into w_star and width_max (initialised by the caller,
 * at any precision).  *iter gets the number of Newton steps.
 * GC_ENOCONV after max_iter steps; GC_EINVAL for bad arguments. */
GC_API int gc_maxwidth_mpfr(mpfr_t w_star, mpfr_t width_max, mpfr_prec_t prec,
                            mpfr_rnd_t rnd, double w_start, size_t max_iter,
                            size_t *iter);

#ifdef __cplusplus
}
#endif
#endif
