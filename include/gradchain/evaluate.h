/* gradchain/evaluate.h -- cost and accuracy of a net over a data set, in
 * large batches through the core forward pass.
 *
 * cost     = (1/n) sum_x C(a(x), y(x)) + 0.5 (lambda/n) sum_l ||w^l||^2
 * accuracy = number of x whose output's argmax (first maximum, like
 *            np.argmax) equals the label
 * with n the size of the data set evaluated -- network2's total_cost() and
 * accuracy().
 */
#ifndef GRADCHAIN_EVALUATE_H
#define GRADCHAIN_EVALUATE_H

#include <stddef.h>

#include "gradchain/dataset.h"
#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rows per forward pass when evaluating, unless told otherwise. */
#define GC_EVAL_BATCH ((size_t)500)

/* Buffers for evaluating one net: per lane (one per thread, two lanes) a
 * workspace, the scaled batch and its examples' costs. */
#define GC_EVAL_LANES 2
typedef struct gc_evaluator {
  const gc_net *net;
  size_t cap;          /* rows per forward pass */
  gc_workspace *ws[GC_EVAL_LANES];
  double *x[GC_EVAL_LANES], *y[GC_EVAL_LANES]; /* cap x sizes[0],
                                                  cap x sizes[L-1] */
  double *c[GC_EVAL_LANES];                    /* cap costs */
} gc_evaluator;

/* cap == 0 means GC_EVAL_BATCH. */
int gc_evaluator_alloc(gc_evaluator **ev, const gc_net *net, size_t cap);
void gc_evaluator_free(gc_evaluator *ev);

/* *cost (if cost != NULL) and *correct (if correct != NULL) over d.  The
 * net's current parameters are used; nothing is allocated.  Batches are
 * shared by two threads (OpenMP) when there are two or more; the costs are
 * still summed example after example in order, so the result is the same
 * bits on any number of threads. */
int gc_evaluator_run(double *cost, size_t *correct, gc_evaluator *ev,
                     const gc_dataset *d, double lambda);

/* sum over layers of ||w^l||^2 (the biases are not regularised). */
double gc_net_weight_sqnorm(const gc_net *net);

/* Index of the first largest of x[0..n-1] (a NaN counts as largest, as in
 * np.argmax). */
size_t gc_argmax(size_t n, const double *x);

/* One-shot: allocate, run, free. */
int gc_net_evaluate(double *cost, size_t *correct, const gc_net *net,
                    const gc_dataset *d, double lambda);

#ifdef __cplusplus
}
#endif
#endif
