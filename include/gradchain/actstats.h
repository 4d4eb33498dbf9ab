/* gradchain/actstats.h -- the activations of every hidden layer over a
 * fixed sample: Glorot and Bengio's (2010) monitor of saturation.
 *
 * The sample is the first n examples of a data set (Glorot and Bengio
 * took 300 test images), put through gc_net_forward in batches of up to
 * `cap` rows.  For each hidden layer l = 1..L-2 the n * sizes[l] values
 * a^l_j(x) (all units and all examples pooled) give
 *
 *   mean, sd     the mean and the population standard deviation (divisor
 *                N = n * sizes[l]), both summed in a fixed order;
 *   p2_5, p50, p97_5
 *                the 2.5th, 50th and 97.5th percentiles, interpolated
 *                linearly between order statistics (Hyndman and Fan's type
 *                7, R's and numpy's default): with x_(1) <= ... <= x_(N)
 *                and h = (N-1) p, Q(p) = x_(k+1) + (h-k)(x_(k+2) - x_(k+1)),
 *                k = floor(h);
 *   saturated    the fraction of values that gc_activation_saturated()
 *                counts as saturated.
 *
 * The same net and sample give the same bits on every run and thread
 * count.
 */
#ifndef GRADCHAIN_ACTSTATS_H
#define GRADCHAIN_ACTSTATS_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/activation.h"
#include "gradchain/dataset.h"
#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Glorot and Bengio's sample size. */
#define GC_STATS_SAMPLE ((size_t)300)

/* Rows per forward pass of the sample unless told otherwise: few enough
 * that a 784x100 layer's product stays below the size at which the
 * kernels go parallel (on the shared 2-core machine a parallel pass over
 * 300 rows took 2-3 times the serial one; bench/README.md). */
#define GC_STATS_BATCH ((size_t)100)

/* One hidden layer's statistics. */
typedef struct gc_layer_stats {
  size_t layer;              /* 1 .. L-2 */
  double mean, sd;
  double p2_5, p50, p97_5;
  double saturated;          /* a fraction in [0, 1] */
} gc_layer_stats;

/* When an activation record was taken (or-ed: a record every K updates
 * that falls at an epoch's end is that epoch's record too). */
enum {
  GC_ACTREC_INITIAL = 1,     /* before the first epoch */
  GC_ACTREC_EPOCH = 2,       /* after an epoch */
  GC_ACTREC_EVERY = 4        /* after a multiple of stats_every updates */
};

/* One record of the activation monitor of a run (run.h). */
typedef struct gc_act_record {
  size_t batches;            /* mini-batch updates done when it was taken */
  size_t epoch;              /* epochs finished then */
  unsigned kind;             /* GC_ACTREC_* */
} gc_act_record;

/* 1 if the activation value a of a unit computing act counts as
 * saturated, where its slope is (nearly) flat:
 *   sigmoid              a < 0.01 or a > 0.99
 *   tanh, hard-tanh, erf |a| > 0.99
 *   relu                 a == 0 (dead)
 *   leaky-relu           a <= 0 (on the slope-0.01 side)
 *   softplus             a < 0.01 (slope 1 - e^-a < 0.01)
 *   identity             never */
GC_API int gc_activation_saturated(gc_activation act, double a);

/* The type-7 quantile Q(p) of x[0..n-1] (n >= 1, 0 <= p <= 1, no NaN);
 * x is reordered. */
GC_API double gc_quantile(double *x, size_t n, double p);

/* The statistics of every hidden layer of one net over one sample. */
typedef struct gc_actstats {
  const gc_net *net;         /* not owned; its current parameters are used */
  const gc_dataset *data;    /* not owned */
  size_t n, cap;             /* sample size, rows per forward pass */
  size_t nhidden;            /* L - 2 */
  gc_workspace *ws;
  double *x;                 /* one batch of inputs, cap x sizes[0] */
  double **vals;             /* vals[l]: n x sizes[l] activations, l =
                                1..L-2 */
  double *block;
} gc_actstats;

/* The first n examples of d (1 <= n <= d->n), cap rows per pass (0:
 * GC_STATS_BATCH), for a net with at least one hidden layer. */
GC_API int gc_actstats_alloc(gc_actstats **s, const gc_net *net,
                             const gc_dataset *d, size_t n, size_t cap);
GC_API void gc_actstats_free(gc_actstats *s);

/* out[0..nhidden-1]: layers 1..L-2 of the net as it is now.  A NaN among
 * the activations gives GC_ENUMERIC. */
GC_API int gc_actstats_run(gc_layer_stats *out, gc_actstats *s);

#ifdef __cplusplus
}
#endif
#endif
