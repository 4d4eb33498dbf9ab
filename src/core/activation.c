/* activation.c -- sigmoid, tanh, ReLU, softplus, identity, leaky ReLU,
 * erf and hard-tanh. */
#include <math.h>
#include <string.h>

#include "gradchain/activation.h"
#include "gradchain/kernels.h"
#include "gradchain/error.h"
#include "core/names.h"

static const char *const names[GC_ACT_COUNT] = {
    "sigmoid", "tanh", "relu", "softplus", "identity", "leaky-relu", "erf",
    "hard-tanh"};

int gc_activation_from_name(gc_activation *act, const char *name)
{
  int k = gc_name_index(names, GC_NAMES_COUNT(names), name);
  if (k >= 0) {
    *act = (gc_activation)k;
    return GC_OK;
  }
  return gc_error(GC_EINVAL,
                  "unknown activation '%s' (expected sigmoid, tanh, relu, "
                  "softplus, identity, leaky-relu, erf or hard-tanh)", name);
}

const char *gc_activation_name(gc_activation act)
{
  return gc_name_of(names, GC_NAMES_COUNT(names), (unsigned)act);
}

static inline void softplus2(double z, double *a, double *fp)
{
  /* log(1+e^z) = max(z,0) + log1p(e^{-|z|}); its derivative is sigma(z) */
  double t = exp(-fabs(z));
  double d = 1.0 / (1.0 + t);
  *a = (z > 0 ? z : 0.0) + log1p(t);
  *fp = z >= 0 ? d : t * d;
}

static inline void tanh2(double z, double *a, double *fp)
{
  /* 1 - tanh^2 loses everything for large |z|; 4/(e^z+e^-z)^2 does not */
  double t = exp(-2.0 * fabs(z));
  double th = tanh(z);
  *a = th;
  *fp = 4.0 * t / ((1.0 + t) * (1.0 + t));
}

/* erf(c z) with c = sqrt(pi)/2, whose derivative c 2/sqrt(pi) e^{-c^2 z^2}
 * is e^{-u^2} with u = c z */
#define ERF_C 0.88622692545275801364
static inline void erf2(double z, double *a, double *fp)
{
  double u = ERF_C * z;
  *a = erf(u);
  *fp = exp(-u * u);
}

double gc_activation_value(gc_activation act, double z)
{
  double a, fp;
  gc_activation_forward(&a, &fp, act, 1, &z);
  return a;
}

double gc_activation_deriv(gc_activation act, double z)
{
  double a, fp;
  gc_activation_forward(&a, &fp, act, 1, &z);
  return fp;
}

void gc_activation_forward(double *a, double *fp, gc_activation act,
                           size_t n, const double *z)
{
  switch (act) {
  case GC_ACT_SIGMOID: /* vectorised, its own exp (kernels.c) */
    gc_kernel_sigmoid(a, fp, n, z);
    break;
  case GC_ACT_TANH:
    for (size_t i = 0; i < n; i++) tanh2(z[i], &a[i], &fp[i]);
    break;
  case GC_ACT_RELU:
    for (size_t i = 0; i < n; i++) {
      a[i] = z[i] > 0 ? z[i] : 0.0;
      fp[i] = z[i] > 0 ? 1.0 : 0.0;
    }
    break;
  case GC_ACT_SOFTPLUS:
    for (size_t i = 0; i < n; i++) softplus2(z[i], &a[i], &fp[i]);
    break;
  case GC_ACT_LEAKY_RELU:
    for (size_t i = 0; i < n; i++) {
      a[i] = z[i] > 0 ? z[i] : GC_LEAKY_RELU_SLOPE * z[i];
      fp[i] = z[i] > 0 ? 1.0 : GC_LEAKY_RELU_SLOPE;
    }
    break;
  case GC_ACT_ERF:
    for (size_t i = 0; i < n; i++) erf2(z[i], &a[i], &fp[i]);
    break;
  case GC_ACT_HARD_TANH:
    for (size_t i = 0; i < n; i++) {
      a[i] = z[i] > 1.0 ? 1.0 : z[i] < -1.0 ? -1.0 : z[i]; /* NaN stays */
      fp[i] = z[i] > -1.0 && z[i] < 1.0 ? 1.0 : 0.0;
    }
    break;
  case GC_ACT_IDENTITY:
  default:
    for (size_t i = 0; i < n; i++) {
      a[i] = z[i];
      fp[i] = 1.0;
    }
    break;
  }
}

double gc_activation_deriv_max(gc_activation act)
{
  return act == GC_ACT_SIGMOID ? 0.25 : 1.0;
}

double gc_activation_deriv2(gc_activation act, double z)
{
  double a, fp;
  gc_activation_forward(&a, &fp, act, 1, &z);
  switch (act) {
  case GC_ACT_SIGMOID: /* sigma' (1 - 2 sigma) */
    return fp * (1.0 - 2.0 * a);
  case GC_ACT_TANH: /* -2 tanh sech^2 */
    return -2.0 * a * fp;
  case GC_ACT_SOFTPLUS: /* sigma'(z) */
  {
    double t = exp(-fabs(z));
    return t / ((1.0 + t) * (1.0 + t));
  }
  case GC_ACT_ERF: /* d/dz e^{-pi z^2/4} */
    return -0.5 * M_PI * z * fp;
  default: /* piecewise linear */
    return 0.0;
  }
}
