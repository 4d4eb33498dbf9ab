/* gradchain/problem_width.h -- problem 2: the interval of inputs a with
 * |w sigma'(wa+b)| >= 1.
 *
 * For |w| > 4 it is an interval [a_lo, a_hi] centred on -b/w.  Its ends
 * are the roots of g(a) = |w| sigma'(wa+b) - 1 on either side of -b/w,
 * found with GSL's bracketing Brent solver and then polished with
 * Newton's method (g' analytic).  The closed form of the width is
 *   (2/|w|) ln(|w|(1 + sqrt(1 - 4/|w|))/2 - 1).
 */
#ifndef GRADCHAIN_PROBLEM_WIDTH_H
#define GRADCHAIN_PROBLEM_WIDTH_H

#include "gradchain/export.h"

#include <stddef.h>
#include <stdio.h>   /* mpfr.h declares its FILE functions only after it */
#include <mpfr.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_width_kind {
  GC_WIDTH_EMPTY = 0, /* |w| < 4: no a at all */
  GC_WIDTH_POINT,     /* |w| = 4: the single point a = -b/w */
  GC_WIDTH_INTERVAL   /* |w| > 4 */
} gc_width_kind;

/* "empty", "point", "interval" ("?" for anything else), and back
 * (GC_EINVAL with a message for another name). */
GC_API const char *gc_width_kind_name(gc_width_kind kind);
GC_API int gc_width_kind_from_name(gc_width_kind *kind, const char *name);

typedef struct gc_width_params {
  double tol;      /* relative tolerance of the bracketing solver */
  size_t max_iter; /* per solver */
  int polish;      /* follow with Newton steps (1) or not (0) */
} gc_width_params;

typedef struct gc_width_result {
  double w, b;
  gc_width_kind kind;
  double a_lo, a_hi;        /* NaN when empty */
  double width;             /* a_hi - a_lo (0 for a point or empty) */
  double width_closed_form; /* NaN when |w| < 4 */
  double centre;            /* (a_lo + a_hi)/2 */
  double shift;             /* -b/w, the centre predicted */
  double end_err;           /* estimated error of each end: the solver's
                               tolerance plus 4 DBL_EPSILON / |g'(end)|
                               (ill-conditioned as |w| -> 4) */
  size_t iter_lo, iter_hi;     /* Brent iterations for each end */
  size_t polish_lo, polish_hi; /* Newton iterations for each end */
  double tol;
} gc_width_result;

/* Defaults: tol 1e-12, 100 iterations, polish on. */
GC_API void gc_width_params_default(gc_width_params *p);

/* The closed form above for |w| >= 4, evaluated without cancellation
 * near |w| = 4; NaN for |w| < 4 or non-finite w. */
GC_API double gc_width_closed_form(double w);

/* p == NULL means defaults.  GC_EINVAL for NaN/inf or w == 0;
 * GC_ENOBRACKET / GC_ENOCONV if a solver fails. */
GC_API int gc_problem_width(gc_width_result *r, double w, double b,
                            const gc_width_params *p);

/* The interval in MPFR from its closed form: with r = sqrt(1 - 4/|w|)
 * and Z = 2 artanh(r) = log1p(r (1+r) |w|/2) (no cancellation near
 * |w| = 4 or for large |w|), the ends are (-b -+ Z)/w in increasing order
 * and the width is 2Z/|w|.  w and b are taken exactly as the caller set
 * them (e.g. decimals read with gc_mpfr_set_str, at the precision of the
 * outputs plus 32 bits); the arithmetic runs at the outputs' largest
 * precision plus 32 bits and rounds into them with rnd.  *kind is decided
 * by w exactly; for a point a_lo = a_hi = -b/w and width 0; for the empty
 * set NaN ends and width 0.  GC_EINVAL if w is 0 or w, b not numbers. */
GC_API int gc_width_mpfr(mpfr_ptr a_lo, mpfr_ptr a_hi, mpfr_ptr width,
                         gc_width_kind *kind, mpfr_srcptr w, mpfr_srcptr b,
                         mpfr_rnd_t rnd);

#ifdef __cplusplus
}
#endif
#endif
