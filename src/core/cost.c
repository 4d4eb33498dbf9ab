/* cost.c -- quadratic, cross-entropy and log-likelihood costs. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "gradchain/cost.h"
#include "gradchain/error.h"

int gc_cost_from_name(gc_cost *cost, const char *name)
{
  if (!strcmp(name, "quadratic") || !strcmp(name, "QuadraticCost")) {
    *cost = GC_COST_QUADRATIC;
    return GC_OK;
  }
  if (!strcmp(name, "cross-entropy") || !strcmp(name, "CrossEntropyCost")) {
    *cost = GC_COST_CROSS_ENTROPY;
    return GC_OK;
  }
  if (!strcmp(name, "log-likelihood") || !strcmp(name, "LogLikelihoodCost")) {
    *cost = GC_COST_LOG_LIKELIHOOD;
    return GC_OK;
  }
  return gc_error(GC_EINVAL, "unknown cost '%s' (expected quadratic, "
                  "cross-entropy or log-likelihood)", name);
}

const char *gc_cost_name(gc_cost cost)
{
  return cost == GC_COST_CROSS_ENTROPY    ? "cross-entropy"
         : cost == GC_COST_LOG_LIKELIHOOD ? "log-likelihood"
                                          : "quadratic";
}

const char *gc_cost_network2_name(gc_cost cost)
{
  return cost == GC_COST_CROSS_ENTROPY    ? "CrossEntropyCost"
         : cost == GC_COST_LOG_LIKELIHOOD ? "LogLikelihoodCost"
                                          : "QuadraticCost";
}

/* y*ln(a) with network2's nan_to_num conventions */
static double xlogy(double y, double a)
{
  if (y == 0.0) return 0.0;
  if (a <= 0.0) return -DBL_MAX;
  return y * log(a);
}

double gc_cost_value(gc_cost cost, size_t n, const double *a, const double *y)
{
  double s = 0.0;
  if (cost == GC_COST_QUADRATIC) {
    for (size_t i = 0; i < n; i++) {
      double d = a[i] - y[i];
      s += d * d;
    }
    return 0.5 * s;
  }
  if (cost == GC_COST_LOG_LIKELIHOOD) {
    for (size_t i = 0; i < n; i++) s -= xlogy(y[i], a[i]);
    return isinf(s) ? DBL_MAX : s;
  }
  for (size_t i = 0; i < n; i++) {
    double t = -xlogy(y[i], a[i]) - xlogy(1.0 - y[i], 1.0 - a[i]);
    if (isinf(t)) t = DBL_MAX;
    s += t;
  }
  return s;
}

double gc_cost_dC_da(gc_cost cost, double a, double y)
{
  if (cost == GC_COST_QUADRATIC) return a - y;
  if (cost == GC_COST_LOG_LIKELIHOOD) return -y / a;
  return (a - y) / (a * (1.0 - a));
}
