/* problem_activation.c -- problem 5: other activations, random chains. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>

#include "gradchain/error.h"
#include "gradchain/problem_activation.h"
#include "problems/problem_gsl.h"

void gc_act_chain_params_default(gc_act_chain_params *p)
{
  p->nchains = 10001;
  p->wscale = 1.0;
  p->seed = 1;
  p->ndepths = 3;
  p->depths[0] = 10;
  p->depths[1] = 30;
  p->depths[2] = 100;
}

static double neg_abs_deriv(double z, void *act)
{
  return -fabs(gc_activation_deriv(*(const gc_activation *)act, z));
}

#define SCAN_HALF 40.0
#define SCAN_STEP 1e-2

static int deriv_sup(double *sup, double *argmax, int *attained,
                     size_t *iter, gc_activation act)
{
  if ((unsigned)act >= GC_ACT_COUNT)
    return gc_error(GC_EINVAL, "activation: unknown activation %d", (int)act);
  long n = (long)(2 * SCAN_HALF / SCAN_STEP);
  long best = 0;
  double fbest = -1;
  for (long i = 0; i <= n; i++) {
    double d = fabs(gc_activation_deriv(act, -SCAN_HALF + i * SCAN_STEP));
    if (d > fbest) {
      fbest = d;
      best = i;
    }
  }
  *iter = 0;
  double zb = -SCAN_HALF + best * SCAN_STEP;
  double fl = best > 0 ? fabs(gc_activation_deriv(act, zb - SCAN_STEP)) : 0;
  double fr = best < n ? fabs(gc_activation_deriv(act, zb + SCAN_STEP)) : 0;
  double fend = fabs(gc_activation_deriv(act, SCAN_HALF));
  if (fend >= fbest &&
      fabs(gc_activation_deriv(act, SCAN_HALF - 10)) < fbest) {
    /* still rising over the last stretch: a supremum at +infinity */
    *sup = fbest;
    *argmax = INFINITY;
    *attained = 0;
    return GC_OK;
  }
  if (!(fbest > fl && fbest > fr)) {
    /* flat maximum (ReLU: 1 for every z > 0, identity) */
    *sup = fbest;
    *argmax = zb;
    *attained = 1;
    return GC_OK;
  }
  /* a strict interior maximum: refine with Brent */
  gsl_function F = {neg_abs_deriv, &act};
  gc_brent_min bm;
  int st = gc_brent_minimise(&bm, &F, zb, zb - SCAN_STEP, zb + SCAN_STEP,
                             1e-7, 100, "activation: maximising |f'|");
  *iter = bm.iter;
  if (st) return st;
  double z = bm.x;
  *argmax = z;
  *sup = fabs(gc_activation_deriv(act, z));
  *attained = 1;
  return GC_OK;
}

int gc_activation_deriv_sup(double *sup, double *argmax, int *attained,
                            size_t *iter, gc_activation act)
{
  gsl_error_handler_t *h = gc_gsl_handler_off();
  return gc_gsl_handler_restore(h, deriv_sup(sup, argmax, attained, iter,
                                             act));
}

/* The q-quantile of sorted x[0..n-1] (linear interpolation between order
 * statistics; -inf stays -inf rather than giving 0 * -inf = NaN). */
static double quantile(const double *x, size_t n, double q)
{
  double pos = q * (double)(n - 1);
  size_t i = (size_t)floor(pos);
  double f = pos - (double)i;
  if (i + 1 >= n || f == 0) return x[i];
  if (isinf(x[i]) || isinf(x[i + 1])) return x[i];
  return x[i] + f * (x[i + 1] - x[i]);
}

int gc_problem_activation(gc_act_result *r, gc_activation act,
                          const gc_act_chain_params *p)
{
  gc_act_chain_params def;
  if (!p) {
    gc_act_chain_params_default(&def);
    p = &def;
  }
  if (p->nchains == 0 || p->nchains > 100000000)
    return gc_error(GC_EINVAL, "activation: the number of chains must be "
                    "1 .. 1e8");
  if (!isfinite(p->wscale) || !(p->wscale > 0))
    return gc_error(GC_EINVAL, "activation: the weight scale must be a "
                    "positive number");
  if (p->ndepths == 0 || p->ndepths > GC_PROBLEM_ACT_MAX_DEPTHS)
    return gc_error(GC_EINVAL, "activation: between 1 and %d depths",
                    GC_PROBLEM_ACT_MAX_DEPTHS);
  for (size_t k = 0; k < p->ndepths; k++)
    if (p->depths[k] == 0 || p->depths[k] > 1000000 ||
        (k > 0 && p->depths[k] <= p->depths[k - 1]))
      return gc_error(GC_EINVAL, "activation: depths must increase, from 1 "
                      "to 1e6");
  int st = gc_activation_deriv_sup(&r->deriv_max, &r->argmax, &r->attained,
                                   &r->brent_iter, act);
  if (st) return st;
  r->act = act;
  r->w_bound = 1.0 / r->deriv_max;
  r->ndepths = p->ndepths;

  size_t N = p->nchains, L = p->depths[p->ndepths - 1];
  double *a = malloc(N * sizeof *a), *z = malloc(N * sizeof *z),
         *fp = malloc(N * sizeof *fp), *w = malloc(N * sizeof *w),
         *logp = malloc(N * sizeof *logp), *sorted = malloc(N * sizeof *sorted);
  gsl_rng *rng = gc_gsl_rng_alloc(gsl_rng_mt19937);
  if (!a || !z || !fp || !w || !logp || !sorted || !rng) {
    st = gc_error(GC_ENOMEM, "activation: out of memory for %zu chains", N);
    goto out;
  }
  gsl_rng_set(rng, p->seed);
  for (size_t i = 0; i < N; i++) {
    a[i] = gsl_rng_uniform(rng);
    logp[i] = 0;
  }
  size_t k = 0;
  for (size_t j = 1; j <= L; j++) {
    for (size_t i = 0; i < N; i++) {
      w[i] = gsl_ran_gaussian(rng, p->wscale);
      double b = gsl_ran_gaussian(rng, 1.0);
      z[i] = w[i] * a[i] + b;
    }
    gc_activation_forward(a, fp, act, N, z);
    for (size_t i = 0; i < N; i++)
      logp[i] += log10(fabs(w[i] * fp[i])); /* log10(0) = -inf */
    if (j == p->depths[k]) {
      r->depths[k] = j;
      size_t zeros = 0;
      for (size_t i = 0; i < N; i++) {
        sorted[i] = logp[i];
        zeros += isinf(logp[i]) && logp[i] < 0;
        if (isnan(logp[i])) {
          st = gc_error(GC_ENUMERIC, "activation: NaN in a chain");
          goto out;
        }
      }
      gsl_sort(sorted, 1, N);
      r->q10[k] = quantile(sorted, N, 0.1);
      r->median[k] = quantile(sorted, N, 0.5);
      r->q90[k] = quantile(sorted, N, 0.9);
      r->zero_fraction[k] = (double)zeros / (double)N;
      r->median_nonzero[k] = zeros < N ? quantile(sorted + zeros, N - zeros,
                                                  0.5)
                                       : NAN;
      k++;
    }
  }
out:
  free(a);
  free(z);
  free(fp);
  free(w);
  free(logp);
  free(sorted);
  if (rng) gsl_rng_free(rng);
  return st;
}
