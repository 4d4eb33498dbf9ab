/* gradchain/chain.h -- toy chains: one neuron per layer.
 *
 * A chain of depth L is a gc_net of sizes [1, 1, ..., 1] (L+1 entries):
 * a_0 -> z_1 = w_1 a_0 + b_1 -> a_1 = f(z_1) -> ... -> a_L, cost C(a_L, y).
 * gc_chain_eval() runs the net's forward and backward passes and, beside
 * them, the explicit product of the chapter,
 *
 *   dC/db_j = f'(z_j) * w_{j+1} f'(z_{j+1}) * ... * w_L f'(z_L) * dC/da_L,
 *
 * factor by factor, and compares the two.  Results that leave double's
 * range are flagged, never reported silently as 0 or inf.
 */
#ifndef GRADCHAIN_CHAIN_H
#define GRADCHAIN_CHAIN_H

#include "gradchain/export.h"

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gradchain/activation.h"
#include "gradchain/cost.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_chain {
  size_t depth;        /* L >= 1 */
  double *w, *b;       /* w[j-1], b[j-1] belong to layer j = 1..L */
  double a0, y;        /* input and target */
  gc_activation act;
  gc_cost cost;
  int exploding;       /* b_j = -W a_{j-1}: each arithmetic recomputes b */
  double explode_w;    /* W of the exploding construction */
} gc_chain;

/* The largest depth accepted. */
#define GC_CHAIN_MAX_DEPTH ((size_t)100000000)

GC_API int gc_chain_alloc(gc_chain **c, size_t depth);
GC_API void gc_chain_free(gc_chain *c);

/* Fill w and b from arrays of length depth; or every layer alike; or
 * w_j, b_j ~ N(0,1) (the book's "standard" initialisation) from rng. */
GC_API int gc_chain_set(gc_chain *c, const double *w, const double *b,
                        double a0, double y);
GC_API int gc_chain_set_constant(gc_chain *c, double w, double b, double a0,
                                 double y);
GC_API int gc_chain_set_random(gc_chain *c, gsl_rng *rng, double a0, double y);
/* The exploding construction: w_j = W, b_j = -W a_{j-1}, so every z_j = 0,
 * f'(z_j) = f'(0) (1/4 for the sigmoid) and every factor is W f'(0). */
GC_API int gc_chain_set_exploding(gc_chain *c, double W, double a0, double y);

/* Everything about one evaluation in double precision; arrays indexed
 * j-1 for layer j. */
typedef struct gc_chain_result {
  size_t depth;
  double *z, *a, *fp;     /* z_j, a_j, f'(z_j) */
  double *factor;         /* w_j f'(z_j) */
  double *dC_db;          /* the explicit product */
  double *dC_dw;          /* dC/db_j * a_{j-1} */
  double *dC_db_bp;       /* dC/db_j from the net's backpropagation */
  double *dC_dw_bp;       /* dC/dw_j from the net's backpropagation */
  double dC_daL;          /* dC/da_L */
  double cost;            /* C(a_L, y) */
  double max_ulp;         /* largest |explicit - backprop| in ulps */
  double ulp_bound;       /* what rounding allows (grows with depth) */
  size_t max_ulp_layer;
  int underflow;          /* some product fell below DBL_MIN (or to 0) */
  int overflow;           /* some value became infinite */
  size_t underflow_layer; /* the highest layer j whose dC/db_j underflowed */
  size_t fp_underflow_layer; /* the highest layer j whose f'(z_j) itself
                                underflowed (0: none); dC/db_i for every
                                i <= j underflowed with it */
} gc_chain_result;

GC_API int gc_chain_eval(gc_chain_result **res, const gc_chain *c);
GC_API void gc_chain_result_free(gc_chain_result *res);

/* The cost C as a function of the parameters (forward pass only). */
GC_API int gc_chain_cost(double *cost, const gc_chain *c);

/* Central finite differences of C with respect to each b_j and w_j.
 * fd_db, fd_dw: arrays of depth (either may be NULL); err_db: the
 * difference's own error bound (truncation + rounding) for each layer.
 * Each difference is two forward passes of the whole chain, so the cost
 * grows as depth^2: 2 L^2 layer evaluations for fd_db, as many again for
 * err_db and for fd_dw.  Chains deeper than GC_CHAIN_FD_MAX_DEPTH are
 * refused (GC_ERANGE); at that depth fd_db with err_db is 4e8 layer
 * evaluations, about 40 s on the development machine. */
#define GC_CHAIN_FD_MAX_DEPTH ((size_t)10000)
GC_API int gc_chain_fd(double *fd_db, double *fd_dw, double *err_db,
                       const gc_chain *c);

#ifdef __cplusplus
}
#endif
#endif
