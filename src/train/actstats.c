/* actstats.c -- per-layer activation statistics over a fixed sample. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "gradchain/actstats.h"
#include "gradchain/error.h"

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

static inline void swap2(double *x, size_t i, size_t j)
{
  double t = x[i];
  x[i] = x[j];
  x[j] = t;
}

/* Reorder x[lo..hi] (inclusive) so that x[k] is the value of rank k-lo in
 * it, everything before it <= x[k] and everything after >= x[k]: Hoare's
 * selection with a median-of-three pivot, deterministic. */
static void select_k(double *x, size_t lo, size_t hi, size_t k)
{
  while (hi > lo + 1) {
    size_t mid = lo + (hi - lo) / 2;
    swap2(x, mid, lo + 1);
    if (x[lo] > x[hi]) swap2(x, lo, hi);
    if (x[lo + 1] > x[hi]) swap2(x, lo + 1, hi);
    if (x[lo] > x[lo + 1]) swap2(x, lo, lo + 1);
    /* x[lo] <= pivot = x[lo+1] <= x[hi]: sentinels for both scans */
    size_t i = lo + 1, j = hi;
    double pivot = x[lo + 1];
    for (;;) {
      do i++; while (x[i] < pivot);
      do j--; while (x[j] > pivot);
      if (j < i) break;
      swap2(x, i, j);
    }
    x[lo + 1] = x[j];
    x[j] = pivot;
    if (j >= k) hi = j - 1;
    if (j <= k) lo = i;
  }
  if (hi == lo + 1 && x[hi] < x[lo]) swap2(x, lo, hi);
}

/* The smallest of x[lo..hi] */
static double min_of(const double *x, size_t lo, size_t hi)
{
  double m = x[lo];
  for (size_t i = lo + 1; i <= hi; i++)
    if (x[i] < m) m = x[i];
  return m;
}

/* Type-7 quantiles q[0..m-1] of x[0..n-1] at increasing p[0..m-1], from
 * the largest down: each selection works inside the part left of the
 * previous one, and the order statistic next to rank k is the smallest
 * value right of it. */
static void quantiles(double *q, double *x, size_t n, const double *p,
                      size_t m)
{
  size_t hi = n - 1;       /* x[0..hi] holds the hi+1 smallest values */
  double above = 0;        /* the value of rank hi+1 (when hi < n-1) */
  for (size_t t = m; t-- > 0;) {
    double h = (double)(n - 1) * p[t];
    size_t k = (size_t)floor(h);
    if (k >= n - 1) {
      select_k(x, 0, hi, hi);
      q[t] = x[hi];
      continue;
    }
    select_k(x, 0, hi, k);
    double next = k + 1 <= hi ? min_of(x, k + 1, hi) : above;
    q[t] = x[k] + (h - (double)k) * (next - x[k]);
    above = next;
    hi = k;
  }
}

double gc_quantile(double *x, size_t n, double p)
{
  double q;
  quantiles(&q, x, n, &p, 1);
  return q;
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
  if (cap == 0) cap = GC_STATS_BATCH;
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
  static const double p[3] = {0.025, 0.5, 0.975};
  double q[3];
  quantiles(q, v, N, p, 3);
  o->p2_5 = q[0];
  o->p50 = q[1];
  o->p97_5 = q[2];
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
                         net->act[l]);
    if (st) return st;
  }
  return GC_OK;
}
