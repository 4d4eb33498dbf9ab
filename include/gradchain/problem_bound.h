/* gradchain/problem_bound.h -- problem 1: |w sigma'(wa+b)| >= 1 needs
 * |w| >= 4.
 *
 * The maximum of sigma' is found with GSL's bracketed Brent minimiser on
 * -sigma'(z); the smallest |w| with |w| max sigma' = 1 with GSL's Brent
 * root solver.  Both report their final bracket and iteration count.
 */
#ifndef GRADCHAIN_PROBLEM_BOUND_H
#define GRADCHAIN_PROBLEM_BOUND_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_bound_params {
  double z_lo, z_guess, z_hi; /* minimiser bracket: -sigma'(z_guess) must be
                                 below -sigma' at both ends */
  double z_tol;               /* stop when the z bracket is below this */
  double w_lo, w_hi;          /* root bracket for |w| */
  double w_tol;               /* relative tolerance of the root */
  size_t max_iter;            /* per solver */
} gc_bound_params;

typedef struct gc_bound_result {
  double z_star;          /* argmax sigma' */
  double sigma_prime_max; /* sigma'(z_star) */
  double w_min;           /* root of |w| sigma_prime_max = 1 */
  double z_lo, z_hi;      /* minimiser's final bracket */
  size_t z_iter;
  double w_lo, w_hi;      /* root solver's final bracket */
  size_t w_iter;
  double z_tol, w_tol;    /* the tolerances used */
} gc_bound_result;

/* Defaults: bracket (-1, 0.5, 1), z_tol 1e-7 (sigma' is flat to second
 * order at its maximum, so z is resolved only to ~sqrt(DBL_EPSILON)),
 * root bracket [1, 10], w_tol 1e-15, 100 iterations. */
GC_API void gc_bound_params_default(gc_bound_params *p);

/* p == NULL means defaults.  GC_ENOBRACKET, GC_ENOCONV or GC_EINVAL on
 * failure, with a message. */
GC_API int gc_problem_bound(gc_bound_result *r, const gc_bound_params *p);

#ifdef __cplusplus
}
#endif
#endif
