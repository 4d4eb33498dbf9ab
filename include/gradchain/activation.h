/* gradchain/activation.h -- activation functions and their derivatives. */
#ifndef GRADCHAIN_ACTIVATION_H
#define GRADCHAIN_ACTIVATION_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_activation {
  GC_ACT_SIGMOID = 0,
  GC_ACT_TANH,
  GC_ACT_RELU,
  GC_ACT_SOFTPLUS,
  GC_ACT_IDENTITY,
  GC_ACT_LEAKY_RELU,  /* z for z > 0, 0.01 z otherwise */
  GC_ACT_ERF,         /* erf(sqrt(pi) z / 2): slope 1 at 0, like tanh, and
                         its Gaussian integrals have closed forms */
  GC_ACT_HARD_TANH    /* max(-1, min(1, z)) */
} gc_activation;

/* The number of activations (valid values are 0 .. GC_ACT_COUNT-1). */
#define GC_ACT_COUNT 8

/* The slope of the leaky ReLU for z <= 0. */
#define GC_LEAKY_RELU_SLOPE 0.01

/* Parse "sigmoid", "tanh", "relu", "softplus", "identity", "leaky-relu",
 * "erf", "hard-tanh" (status 0 or GC_EINVAL with a message). */
GC_API int gc_activation_from_name(gc_activation *act, const char *name);
GC_API const char *gc_activation_name(gc_activation act);

/* f(z) and f'(z) for one value, accurate to a few ulp over the whole
 * double range (the sigmoid's derivative is computed from exp(-|z|), so
 * sigma'(40) is 4.2e-18, not 0).  At the kinks (z = 0 for the ReLUs,
 * |z| = 1 for hard-tanh) f' takes the value of the flat side: ReLU'(0) =
 * 0, leaky'(0) = 0.01, hard-tanh'(+-1) = 0. */
GC_API double gc_activation_value(gc_activation act, double z);
GC_API double gc_activation_deriv(gc_activation act, double z);

/* f''(z) away from kinks (0 on the linear pieces of ReLU; the kinks'
 * delta functions are left to the caller). */
GC_API double gc_activation_deriv2(gc_activation act, double z);

/* For n values: a[i] = f(z[i]) and fp[i] = f'(z[i]) in one pass. */
GC_API void gc_activation_forward(double *a, double *fp, gc_activation act,
                                  size_t n, const double *z);

/* Sup over z of |f'(z)| (1/4 for the sigmoid, 1 for the others). */
GC_API double gc_activation_deriv_max(gc_activation act);

/* The same found numerically, as for an activation without a known
 * answer: a grid scan of |f'| on [-40, 40], refined with GSL's Brent
 * minimiser when the maximum is interior and strict.  *argmax is where it
 * is reached (+inf if only approached as z -> inf, then *attained = 0),
 * *iter the Brent iterations (0 if none). */
GC_API int gc_activation_deriv_sup(double *sup, double *argmax, int *attained,
                                   size_t *iter, gc_activation act);

#ifdef __cplusplus
}
#endif
#endif
