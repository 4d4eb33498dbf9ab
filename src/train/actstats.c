/* actstats.c -- per-layer activation statistics over a fixed sample. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_statistics_double.h>

#include "gradchain/actstats.h"
#include "gradchain/error.h"
#include "gradchain/evaluate.h"

int gc_activation_saturated(gc_activation act, double a)
{
  switch (act) {
  case GC_ACT_SIGMOID: return a < 0.01 || a > 0.99;
  case GC_ACT_TANH:
  case GC_ACT_HARD_TANH:
  case GC_ACT_ERF: return fabs(a) > 0.99;
  case GC_ACT_RELU: return a == 0.0;
  case GC_ACT_LEAKY_RELU: return a <= 0.0;
  case GC_ACT_SOFTPLUS: return a < 0.01;
  default: return 0;
  }
}

double gc_quantile(double *x, size_t n, double p)
{
  double h = (double)(n - 1) * p;
  size_t k = (size_t)floor(h);
  if (k >= n - 1) return gsl_stats_select(x, 1, n, n - 1);
  /* two selections rather than one: no reliance on how the first leaves
   * the array */
  double lo = gsl_stats_select(x, 1, n, k);
  double hi = gsl_stats_select(x, 1, n, k + 1);
  return lo + (h - (double)k) * (hi - lo);
}

static gc_activation layer_act(const gc_net *net, size_t l)
{
  (void)l;
  return net->act;
}

int gc_actstats_alloc(gc_actstats **out, const gc_net *net,
                      const gc_dataset *d, size_t n, size_t cap)
{
  *out = NULL;
  size_t L = net->nlayers;
  if (L < 3)
    return gc_error(GC_EINVAL, "activation statistics need a hidden layer "
                    "(the net has %zu layers)", L);
  if (n == 0 || n > d->n)
    return gc_error(GC_EINVAL, "a sample of %zu examples from a set of %zu",
                    n, d->n);
  if (d->dim != net->sizes[0])
    return gc_error(GC_EINVAL, "the data have %zu inputs per example but the "
                    "net's first layer has %zu neurons", d->dim,
                    net->sizes[0]);
  if (cap == 0) cap = GC_EVAL_BATCH;
  if (cap > n) cap = n;
  size_t total = 0;
  for (size_t l = 1; l + 1 < L; l++) {
    if (net->sizes[l] > SIZE_MAX / sizeof(double) / n ||
        total > SIZE_MAX / sizeof(double) - n * net->sizes[l])
      return gc_error(GC_ERANGE, "activation sample too large");
    total += n * net->sizes[l];
  }
  if (d->dim > SIZE_MAX / sizeof(double) / cap)
    return gc_error(GC_ERANGE, "activation sample too large");
  gc_actstats *s = calloc(1, sizeof *s);
  if (!s) return gc_error(GC_ENOMEM, "out of memory");
  s->net = net;
  s->data = d;
  s->n = n;
  s->cap = cap;
  s->nhidden = L - 2;
  s->x = malloc(cap * d->dim * sizeof *s->x);
  s->vals = calloc(L, sizeof *s->vals);
  s->block = malloc(total * sizeof *s->block);
  int st = s->x && s->vals && s->block
               ? gc_workspace_alloc(&s->ws, net, cap)
               : gc_error(GC_ENOMEM, "out of memory for the activation "
                          "sample");
  if (st) {
    gc_actstats_free(s);
    return st;
  }
  double *q = s->block;
  for (size_t l = 1; l + 1 < L; l++) {
    s->vals[l] = q;
    q += n * net->sizes[l];
  }
  *out = s;
  return GC_OK;
}

void gc_actstats_free(gc_actstats *s)
{
  if (!s) return;
  gc_workspace_free(s->ws);
  free(s->x);
  free(s->vals);
  free(s->block);
  free(s);
}

/* The statistics of N values of a layer computing act; v is reordered. */
static int layer_stats(gc_layer_stats *o, double *v, size_t N,
                       gc_activation act)
{
  double sum = 0.0;
  size_t sat = 0;
  for (size_t i = 0; i < N; i++) {
    sum += v[i];
    sat += (size_t)gc_activation_saturated(act, v[i]);
  }
  if (isnan(sum))
    return gc_error(GC_ENUMERIC, "NaN among the activations of layer %zu",
                    o->layer);
  double mean = sum / (double)N, ss = 0.0;
  for (size_t i = 0; i < N; i++) ss += (v[i] - mean) * (v[i] - mean);
  o->mean = mean;
  o->sd = sqrt(ss / (double)N);
  o->saturated = (double)sat / (double)N;
  o->p97_5 = gc_quantile(v, N, 0.975);
  o->p50 = gc_quantile(v, N, 0.5);
  o->p2_5 = gc_quantile(v, N, 0.025);
  return GC_OK;
}

int gc_actstats_run(gc_layer_stats *out, gc_actstats *s)
{
  const gc_net *net = s->net;
  size_t L = net->nlayers;
  for (size_t first = 0; first < s->n; first += s->cap) {
    size_t B = s->n - first < s->cap ? s->n - first : s->cap;
    gc_dataset_batch(s->x, NULL, s->data, NULL, first, B);
    int st = gc_net_forward(net, s->ws, s->x, B);
    if (st) return st;
    for (size_t l = 1; l + 1 < L; l++) {
      size_t k = B * net->sizes[l];
      const double *a = s->ws->a[l];
      double *v = s->vals[l] + first * net->sizes[l];
      for (size_t i = 0; i < k; i++) v[i] = a[i];
    }
  }
  for (size_t l = 1; l + 1 < L; l++) {
    out[l - 1].layer = l;
    int st = layer_stats(&out[l - 1], s->vals[l], s->n * net->sizes[l],
                         layer_act(net, l));
    if (st) return st;
  }
  return GC_OK;
}
