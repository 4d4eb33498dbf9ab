/* evaluate.c -- network2's total_cost() and accuracy() over a data set,
 * through the core forward pass in batches of GC_EVAL_BATCH rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gradchain/error.h"
#include "gradchain/evaluate.h"
#include "gradchain/kernels.h"

int gc_evaluator_alloc(gc_evaluator **out, const gc_net *net, size_t cap)
{
  *out = NULL;
  if (cap == 0) cap = GC_EVAL_BATCH;
  size_t n0 = net->sizes[0], nL = net->sizes[net->nlayers - 1];
  if (n0 > ((size_t)-1) / sizeof(double) / cap ||
      nL > ((size_t)-1) / sizeof(double) / cap)
    return gc_error(GC_ERANGE, "evaluation batch too large");
  gc_evaluator *ev = calloc(1, sizeof *ev);
  if (!ev) return gc_error(GC_ENOMEM, "out of memory");
  ev->net = net;
  ev->cap = cap;
#ifdef _OPENMP
  /* inside a parallel region that cannot nest (gc_depth_study's runs)
   * the batches run on the caller's thread alone */
  ev->lanes = omp_get_active_level() >= omp_get_max_active_levels()
                  ? 1 : (size_t)omp_get_max_threads();
#else
  ev->lanes = 1;
#endif
  ev->ws = calloc(ev->lanes, sizeof *ev->ws);
  ev->x = calloc(ev->lanes, sizeof *ev->x);
  ev->y = calloc(ev->lanes, sizeof *ev->y);
  if (!ev->ws || !ev->x || !ev->y) {
    gc_evaluator_free(ev);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  for (size_t q = 0; q < ev->lanes; q++) {
    int st = gc_workspace_alloc(&ev->ws[q], net, cap);
    if (st) {
      gc_evaluator_free(ev);
      return st;
    }
    ev->x[q] = gc_kernel_calloc(cap * n0);
    ev->y[q] = malloc(cap * nL * sizeof *ev->y[q]);
    if (!ev->x[q] || !ev->y[q]) {
      gc_evaluator_free(ev);
      return gc_error(GC_ENOMEM, "out of memory for an evaluation batch");
    }
  }
  *out = ev;
  return GC_OK;
}

void gc_evaluator_free(gc_evaluator *ev)
{
  if (!ev) return;
  for (size_t q = 0; ev->ws && ev->x && ev->y && q < ev->lanes; q++) {
    gc_workspace_free(ev->ws[q]);
    free(ev->x[q]);
    free(ev->y[q]);
  }
  free(ev->ws);
  free(ev->x);
  free(ev->y);
  free(ev->c);
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

int gc_evaluator_run(double *cost, size_t *correct, gc_evaluator *ev,
                     const gc_dataset *d, double lambda)
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
  if (cost && d->n > ev->nc) {
    double *c = realloc(ev->c, d->n * sizeof *c);
    if (!c) return gc_error(GC_ENOMEM, "out of memory for %zu costs", d->n);
    ev->c = c;
    ev->nc = d->n;
  }
  /* A thread takes whole batches on its lane and keeps each example's
   * cost in ev->c; they are added in the order of the examples after the
   * loop, as one thread would.  No thread waits for another's batch, so
   * a thread that the machine's load delays holds up only the end. */
  const size_t nb = (d->n + ev->cap - 1) / ev->cap;
  size_t ok = 0, errq = nb;
  int status = GC_OK;
  char msg[256] = "";
#ifdef _OPENMP
  int threads = omp_get_max_threads();
  if ((size_t)threads > ev->lanes) threads = (int)ev->lanes;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) \
    reduction(+ : ok) if (nb >= 2)
#endif
  for (size_t q = 0; q < nb; q++) {
#ifdef _OPENMP
    int lane = omp_get_thread_num();
#else
    int lane = 0;
#endif
    size_t first = q * ev->cap;
    size_t B = d->n - first < ev->cap ? d->n - first : ev->cap;
    gc_dataset_batch(ev->x[lane], cost ? ev->y[lane] : NULL, d, NULL, first, B);
    gc_workspace *ws = ev->ws[lane];
    int st = gc_net_forward(net, ws, ev->x[lane], B);
    if (st) {
      /* the first failing batch's error, whichever thread ran it (the
       * message is thread-local) */
#ifdef _OPENMP
#pragma omp critical /* unnamed: a named one is an exported symbol */
#endif
      if (q < errq) {
        errq = q;
        status = st;
        snprintf(msg, sizeof msg, "%s", gc_strerror_last());
      }
      continue;
    }
    const double *a = gc_net_output(net, ws);
    for (size_t i = 0; i < B; i++) {
      if (cost)
        ev->c[first + i] = gc_cost_value(net->cost, nL, a + i * nL,
                                         ev->y[lane] + i * nL);
      if (correct && gc_argmax(nL, a + i * nL) == d->labels[first + i]) ok++;
    }
  }
  if (status) return gc_error(status, "%s", msg);
  double csum = 0.0;
  for (size_t i = 0; cost && i < d->n; i++) csum += ev->c[i];
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
  st = gc_evaluator_run(cost, correct, ev, d, lambda);
  gc_evaluator_free(ev);
  return st;
}
