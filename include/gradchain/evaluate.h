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

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/dataset.h"
#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rows per forward pass when evaluating, unless told otherwise. */
#define GC_EVAL_BATCH ((size_t)500)

/* Buffers for evaluating one net: per lane (one per thread) a workspace
 * and the scaled batch; the examples' costs of the last data set. */
typedef struct gc_evaluator {
  const gc_net *net;
  size_t cap;          /* rows per forward pass */
  size_t lanes;        /* omp_get_max_threads() when allocated (1 without
                          OpenMP, or inside a region that cannot nest) */
  gc_workspace **ws;   /* [lanes] */
  double **x, **y;     /* [lanes]: cap x sizes[0], cap x sizes[L-1] */
  double *c;           /* [nc]: each example's cost, summed in order */
  size_t nc;           /* grown to the largest data set evaluated */
} gc_evaluator;

/* cap == 0 means GC_EVAL_BATCH.  Holds one lane per OpenMP thread. */
GC_API int gc_evaluator_alloc(gc_evaluator **ev, const gc_net *net, size_t cap);
GC_API void gc_evaluator_free(gc_evaluator *ev);

/* *cost (if cost != NULL) and *correct (if correct != NULL) over d.  The
 * net's current parameters are used; nothing is allocated except, for the
 * cost, room for d's costs the first time d is larger than any data set
 * evaluated before.  Batches are shared by OpenMP's threads (at most
 * ev->lanes of them); the costs are still summed example after example in
 * order, so the result is the same bits on any number of threads. */
GC_API int gc_evaluator_run(double *cost, size_t *correct, gc_evaluator *ev,
                            const gc_dataset *d, double lambda);

/* sum over layers of ||w^l||^2 (the biases are not regularised). */
GC_API double gc_net_weight_sqnorm(const gc_net *net);

/* Index of the first largest of x[0..n-1] (a NaN counts as largest, as in
 * np.argmax). */
GC_API size_t gc_argmax(size_t n, const double *x);

/* One-shot: allocate, run, free. */
GC_API int gc_net_evaluate(double *cost, size_t *correct, const gc_net *net,
                           const gc_dataset *d, double lambda);

#ifdef __cplusplus
}
#endif
#endif
