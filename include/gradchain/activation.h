/* gradchain/activation.h -- activation functions and their derivatives. */
#ifndef GRADCHAIN_ACTIVATION_H
#define GRADCHAIN_ACTIVATION_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_activation {
  GC_ACT_SIGMOID = 0,
  GC_ACT_TANH,
  GC_ACT_RELU,
  GC_ACT_SOFTPLUS,
  GC_ACT_IDENTITY
} gc_activation;

/* Parse "sigmoid", "tanh", "relu", "softplus", "identity" (status 0 or
 * GC_EINVAL with a message). */
int gc_activation_from_name(gc_activation *act, const char *name);
const char *gc_activation_name(gc_activation act);

/* f(z) and f'(z) for one value, accurate to a few ulp over the whole
 * double range (the sigmoid's derivative is computed from exp(-|z|), so
 * sigma'(40) is 4.2e-18, not 0). */
double gc_activation_value(gc_activation act, double z);
double gc_activation_deriv(gc_activation act, double z);

/* f''(z) away from kinks (0 on the linear pieces of ReLU; the kinks'
 * delta functions are left to the caller). */
double gc_activation_deriv2(gc_activation act, double z);

/* For n values: a[i] = f(z[i]) and fp[i] = f'(z[i]) in one pass. */
void gc_activation_forward(gc_activation act, size_t n, const double *z,
                           double *a, double *fp);

/* Sup over z of |f'(z)| (1/4 for the sigmoid, 1 for the others). */
double gc_activation_deriv_max(gc_activation act);

#ifdef __cplusplus
}
#endif
#endif
