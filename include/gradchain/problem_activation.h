/* gradchain/problem_activation.h -- problem 5: would an activation with a
 * larger derivative avoid the unstable gradient?
 *
 * For one activation f: sup |f'| (a grid scan of f' on [-40, 40] refined
 * with GSL's Brent minimiser when the maximum is interior and strict), the
 * analogue 1/sup|f'| of the |w| >= 4 bound, and the distribution of
 * log10 |prod_j w_j f'(z_j)| over random one-neuron-per-layer chains with
 * w_j ~ N(0, wscale^2), b_j ~ N(0,1) and input a_0 ~ U(0,1) (seeded gsl_rng, mt19937; the
 * same draws for every activation).  The depths share their chains: the
 * product at depth 10 is the first 10 factors of the one at depth 100.
 */
#ifndef GRADCHAIN_PROBLEM_ACTIVATION_H
#define GRADCHAIN_PROBLEM_ACTIVATION_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/activation.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GC_PROBLEM_ACT_MAX_DEPTHS 16

typedef struct gc_act_chain_params {
  size_t nchains;          /* default 10001 */
  double wscale;           /* w_j ~ N(0, wscale^2); default 1 */
  unsigned long seed;      /* default 1 */
  size_t ndepths;          /* default 3: 10, 30, 100 */
  size_t depths[GC_PROBLEM_ACT_MAX_DEPTHS]; /* increasing, >= 1 */
} gc_act_chain_params;

typedef struct gc_act_result {
  gc_activation act;
  double deriv_max;  /* sup |f'| */
  double argmax;     /* where it is reached; +inf if only in the limit */
  int attained;      /* 1 if max, 0 if a supremum approached at infinity */
  size_t brent_iter; /* Brent iterations of the refinement (0 if none) */
  double w_bound;    /* |w f'(z)| >= 1 needs |w| >= 1/sup|f'| (strictly
                        greater when the sup is not attained) */
  size_t ndepths;
  size_t depths[GC_PROBLEM_ACT_MAX_DEPTHS];
  /* over chains, log10 |product| at each depth (-inf when it is 0) */
  double q10[GC_PROBLEM_ACT_MAX_DEPTHS];
  double median[GC_PROBLEM_ACT_MAX_DEPTHS];
  double q90[GC_PROBLEM_ACT_MAX_DEPTHS];
  double zero_fraction[GC_PROBLEM_ACT_MAX_DEPTHS]; /* product exactly 0 */
  /* median over the chains whose product is not 0 (NaN if none) */
  double median_nonzero[GC_PROBLEM_ACT_MAX_DEPTHS];
} gc_act_result;

GC_API void gc_act_chain_params_default(gc_act_chain_params *p);

/* Everything above for one activation.  p == NULL means defaults. */
GC_API int gc_problem_activation(gc_act_result *r, gc_activation act,
                                 const gc_act_chain_params *p);

#ifdef __cplusplus
}
#endif
#endif
