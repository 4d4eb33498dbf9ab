/* gradchain/problem_identity.h -- problem 4: one sigmoid neuron that
 * computes the identity on [0,1], up to a constant offset.
 *
 * The neuron is  y(x) = w2 sigma(w1 x + b) - offset,  meant to be ~ x for
 * x in [0,1]; the offset is what the next neuron's bias absorbs.
 * Taylor construction (x = 1/2 + Delta): b = -w1/2, w2 = 4/w1, so that
 * w2 sigma(w1 Delta) = w2/2 + Delta - w1^2 Delta^3/12 + ..., and
 * offset = w2/2 - 1/2.  Its error is odd in Delta and monotone, so the
 * maximum is at the ends:  1/2 - (2/w1) tanh(w1/4) = w1^2/96 - w1^4/3840
 * + ...
 */
#ifndef GRADCHAIN_PROBLEM_IDENTITY_H
#define GRADCHAIN_PROBLEM_IDENTITY_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_identity_neuron {
  double w1, b, w2, offset;
  double max_error; /* max |y(x) - x| on the grid it was measured on */
} gc_identity_neuron;

/* max over x = i/grid, i = 0..grid, of |w2 sigma(w1 x + b) - offset - x|,
 * the neuron evaluated as written (gc_activation_value). */
GC_API int gc_identity_max_error(double *err, double w1, double b, double w2,
                                 double offset, size_t grid);

/* The Taylor construction for w1 != 0, its error measured on the grid. */
GC_API int gc_identity_taylor(gc_identity_neuron *n, double w1, size_t grid);

/* The Taylor construction's exact maximum error 1/2 - (2/w1) tanh(w1/4)
 * (series for small w1, no cancellation) and its leading term w1^2/96. */
GC_API double gc_identity_taylor_error(double w1);
GC_API double gc_identity_leading_error(double w1);

/* The rounding floor of that neuron evaluated in double: sigma(z) ~ 1/2
 * is rounded to 2^-54, and w2 = 4/w1 magnifies it, so each rounding costs
 * about DBL_EPSILON/|w1| = 2^-52/|w1| (a few of them: the measured error
 * is typically 1-3 times this).  The Taylor error w1^2/96 and this floor
 * balance at w1 = cbrt(96 DBL_EPSILON), about 2.8e-5: below it a smaller
 * w1 makes the neuron worse in double. */
GC_API double gc_identity_rounding_floor(double w1);
GC_API double gc_identity_balanced_w1(void);

typedef struct gc_identity_params {
  size_t opt_grid;  /* grid of the minimax objective (default 1000) */
  size_t grid;      /* grid on which the result is measured (10000) */
  size_t max_iter;  /* Nelder-Mead iterations (5000) */
  double size_tol;  /* stop when the simplex is smaller than size_tol
                       times the start's max error (1e-5) */
} gc_identity_params;

typedef struct gc_identity_info {
  size_t iter;        /* Nelder-Mead iterations used */
  double size;        /* final simplex size */
  int stalled;        /* 1 if stopped because the best value stopped
                         improving (by 1e-9 relative in 300 iterations)
                         rather than by the size test */
} gc_identity_info;

GC_API void gc_identity_params_default(gc_identity_params *p);

/* Minimise the maximum error over b, w2 and offset for start->w1 fixed,
 * with GSL's Nelder-Mead simplex (nmsimplex2) from *start.  Internally the
 * parameters are the slope k = w1 w2/4, the shift c = b/w1 + 1/2 and the
 * constant e = w2/2 - offset + k c (y ~ k (x - 1/2 + c) - k c + e), which
 * are 1, 0, 1/2 for the Taylor neuron.  GC_ENOCONV if neither the size
 * test nor the stall test (see gc_identity_info) stops it within max_iter
 * (opt then still holds the best point). */
GC_API int gc_identity_optimise(gc_identity_neuron *opt,
                                gc_identity_info *info,
                                const gc_identity_neuron *start,
                                const gc_identity_params *p);

#ifdef __cplusplus
}
#endif
#endif
