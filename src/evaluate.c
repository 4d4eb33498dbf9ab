/* evaluate.c -- network2's total_cost() and accuracy() over a data set,
 * through the core forward pass in batches of GC_EVAL_BATCH rows. */
#include <math.h>
#include <stdlib.h>

#include "gradchain/error.h"
#include "gradchain/evaluate.h"

int gc_evaluator_alloc(gc_evaluator **out, const gc_net *net, size_t cap)
{
  *out = NULL;
  if (cap == 0) cap = GC_EVAL_BATCH;
  size_t n0 = net->sizes[0], nL = net->sizes[net->nlayers - 1];
  if (n0 > ((size_t)-1) / sizeof(double) / cap ||
      nL > ((size_t)-1) / sizeof(double) / cap)
    return gc_error(GC_ENOMEM, "evaluation batch too large");
  gc_evaluator *ev = calloc(1, sizeof *ev);
  if (!ev) return gc_error(GC_ENOMEM, "out of memory");
  ev->net = net;
  ev->cap = cap;
  int st = gc_workspace_alloc(&ev->ws, net, cap);
  if (st) {
    free(ev);
    return st;
  }
  ev->x = malloc(cap * n0 * sizeof *ev->x);
  ev->y = malloc(cap * nL * sizeof *ev->y);
  if (!ev->x || !ev->y) {
    gc_evaluator_free(ev);
    return gc_error(GC_ENOMEM, "out of memory for an evaluation batch");
  }
  *out = ev;
  return GC_OK;
}

void gc_evaluator_free(gc_evaluator *ev)
{
  if (!ev) return;
  gc_workspace_free(ev->ws);
  free(ev->x);
  free(ev->y);
  free(ev);
}

size_t gc_argmax(size_t n, const double *x)
{
  size_t best = 0;
  if (isnan(x[0])) return 0;
  for (size_t i = 1; i < n; i++) {
    if (isnan(x[i])) return i;
    if (x[i] > x[best]) best = i;
  }
  return best;
}

double gc_net_weight_sqnorm(const gc_net *net)
{
  double s = 0.0;
  for (size_t l = 1; l < net->nlayers; l++) {
    size_t k = net->sizes[l] * net->sizes[l - 1];
    const double *w = net->p.w[l];
    for (size_t i = 0; i < k; i++) s += w[i] * w[i];
  }
  return s;
}

int gc_evaluator_run(gc_evaluator *ev, const gc_dataset *d, double lambda,
                     double *cost, size_t *correct)
{
  const gc_net *net = ev->net;
  size_t nL = net->sizes[net->nlayers - 1];
  if (d->n == 0) return gc_error(GC_EINVAL, "evaluating an empty data set");
  if (d->dim != net->sizes[0])
    return gc_error(GC_EINVAL, "the data have %zu inputs per example but "
                    "the net's first layer has %zu neurons", d->dim,
                    net->sizes[0]);
  if (d->nclasses != nL)
    return gc_error(GC_EINVAL, "the data have %zu classes but the net's "
                    "last layer has %zu neurons", d->nclasses, nL);
  double csum = 0.0;
  size_t ok = 0;
  for (size_t first = 0; first < d->n; first += ev->cap) {
    size_t B = d->n - first < ev->cap ? d->n - first : ev->cap;
    gc_dataset_batch(d, NULL, first, B, ev->x, cost ? ev->y : NULL);
    int st = gc_net_forward(net, ev->ws, ev->x, B);
    if (st) return st;
    const double *a = gc_net_output(net, ev->ws);
    for (size_t i = 0; i < B; i++) {
      if (cost) csum += gc_cost_value(net->cost, nL, a + i * nL, ev->y + i * nL);
      if (correct && gc_argmax(nL, a + i * nL) == d->labels[first + i]) ok++;
    }
  }
  double n = (double)d->n;
  if (cost) *cost = csum / n + 0.5 * (lambda / n) * gc_net_weight_sqnorm(net);
  if (correct) *correct = ok;
  return GC_OK;
}

int gc_net_evaluate(double *cost, size_t *correct, const gc_net *net,
                    const gc_dataset *d, double lambda)
{
  gc_evaluator *ev;
  size_t cap = d->n < GC_EVAL_BATCH ? (d->n ? d->n : 1) : GC_EVAL_BATCH;
  int st = gc_evaluator_alloc(&ev, net, cap);
  if (st) return st;
  st = gc_evaluator_run(ev, d, lambda, cost, correct);
  gc_evaluator_free(ev);
  return st;
}
