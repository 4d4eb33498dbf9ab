/* gradchain/net.h -- the layered network: the one core that both the toy
 * chains (every layer of width 1) and the MNIST trainer run on.
 *
 * Layout.  Layer l = 1..L-1 (layer 0 is the input) has weights w[l], a
 * sizes[l] x sizes[l-1] matrix stored row-major (network2's layout), and
 * biases b[l] of sizes[l].  All weights and biases live in one block,
 * params.data, so that an SGD step or a save is one loop.
 *
 * Layer l applies its own activation act[l] element by element, except
 * that a softmax output layer (GC_OUTPUT_SOFTMAX) replaces the last one's.
 *
 * A mini-batch is a matrix with one example per row.  gc_net_forward()
 * fills the workspace with z, a = f(z) and f'(z) for every layer;
 * gc_net_backward() then gives delta^l = dC/db^l for every example and
 * layer, and the gradients summed over the batch.
 */
#ifndef GRADCHAIN_NET_H
#define GRADCHAIN_NET_H

#include "gradchain/export.h"

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gradchain/activation.h"
#include "gradchain/cost.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Weights and biases (or their gradients) of a net, in one block. */
typedef struct gc_params {
  size_t n;       /* number of doubles in data */
  double *data;
  double **w;     /* w[l] points into data; w[0] == NULL */
  double **b;     /* likewise */
} gc_params;

/* The output layer. */
typedef enum gc_output {
  GC_OUTPUT_SIGMOID = 0, /* element by element, with the last layer's
                            act[L-1]: the sigmoid for every net the trainer
                            builds (a chain's output takes its one
                            activation) */
  GC_OUTPUT_SOFTMAX      /* a_j = e^{z_j} / sum_k e^{z_k} */
} gc_output;

/* "sigmoid" or "softmax". */
GC_API int gc_output_from_name(gc_output *out, const char *name);
GC_API const char *gc_output_name(gc_output out);

/* Whether an output layer and a cost go together: GC_OK, or GC_EINVAL with
 * the reason.  Refused: the log-likelihood without a softmax (with
 * independent outputs, -ln a_y falls by raising every output, right or
 * wrong), and the softmax with any other cost (the quadratic cost brings
 * back the learning slowdown through the softmax's derivative, which the
 * pair softmax/log-likelihood removes; cross-entropy scores each output as
 * an independent yes/no probability, which outputs summing to 1 are not).
 * With the softmax and the log-likelihood the output error is a - y. */
GC_API int gc_output_cost_check(gc_output out, gc_cost cost);

typedef struct gc_net {
  size_t nlayers;     /* L, input layer included (>= 2) */
  size_t *sizes;      /* sizes[0..L-1], every one >= 1 */
  gc_activation *act; /* act[l]: layer l's activation, l = 1..L-1 (act[0]
                         unused) */
  gc_output output;   /* GC_OUTPUT_SOFTMAX overrides act[L-1] */
  gc_cost cost;
  gc_params p;
} gc_net;

/* Per-batch storage: z, a, f'(z) and delta for every layer, for up to
 * `cap` examples.  a[0] is the input of the last forward pass. */
typedef struct gc_workspace {
  size_t nlayers, cap, batch;
  size_t *sizes;
  const double *in;   /* the input rows of the last forward pass */
  double **z, **a, **fp, **delta; /* [l], cap * sizes[l] doubles; [0] unused
                                     except a[0] == in */
  double *block;
} gc_workspace;

/* Largest number of layers / neurons per layer / parameters accepted. */
#define GC_NET_MAX_LAYERS ((size_t)100000000)
#define GC_NET_MAX_WIDTH ((size_t)100000000)
#define GC_NET_MAX_PARAMS ((size_t)1 << 31)

/* A net of the given sizes whose every layer applies act, with an element
 * by element output layer (GC_OUTPUT_SIGMOID) and the given cost (not the
 * log-likelihood, which needs the softmax: see gc_net_set_output).  The
 * parameters are all 0. */
GC_API int gc_net_alloc(gc_net **net, size_t nlayers, const size_t *sizes,
                 gc_activation act, gc_cost cost);
GC_API void gc_net_free(gc_net *net);
GC_API int gc_net_copy(gc_net **dst, const gc_net *src);

/* The hidden layers' activations: n == L-2 gives act[1..L-2] in order, n
 * == 1 gives every hidden layer acts[0].  Any other n, or an unknown
 * activation, is GC_EINVAL. */
GC_API int gc_net_set_activations(gc_net *net, size_t n, const gc_activation *acts);

/* The output layer and the cost together (checked by
 * gc_output_cost_check).  GC_OUTPUT_SIGMOID also sets act[L-1] to the
 * sigmoid. */
GC_API int gc_net_set_output(gc_net *net, gc_output out, gc_cost cost);

/* 1 if every layer is a sigmoid and the output is element by element:
 * network2's net. */
GC_API int gc_net_is_sigmoid(const gc_net *net);

GC_API int gc_params_alloc_like(gc_params *g, const gc_net *net);
GC_API void gc_params_free(gc_params *g);

GC_API int gc_workspace_alloc(gc_workspace **ws, const gc_net *net, size_t cap);
GC_API void gc_workspace_free(gc_workspace *ws);

/* x: batch x sizes[0], row-major.  Keeps a pointer to x for backward. */
GC_API int gc_net_forward(const gc_net *net, gc_workspace *ws, const double *x,
                          size_t batch);

/* y: batch x sizes[L-1] targets, for the batch of the last forward pass.
 * Fills ws->delta[l] (per example) and, if grad != NULL, sets grad to the
 * gradient of the summed cost over the batch. */
GC_API int gc_net_backward(const gc_net *net, gc_workspace *ws,
                           const double *y, gc_params *grad);

/* The output layer's activations of the last forward pass. */
static inline const double *gc_net_output(const gc_net *net,
                                          const gc_workspace *ws)
{
  return ws->a[net->nlayers - 1];
}

#ifdef __cplusplus
}
#endif

#include "gradchain/init.h" /* gc_init and gc_net_init, once declared */
#endif
