/* gradchain/jacobian_study.h -- the Jacobian study of a wide net: a random
 * net (or a given one) and its input, the products of gradchain/jacobian.h
 * pushed through it, mean-field theory's q* and chi1 beside them.
 *
 * The seed rule is the runs' (gradchain/run.h): the net from a generator
 * seeded with `seed`, the input from one seeded with gc_run_data_seed().
 * The input has |x|^2/n = (q* - sigma_b2)/sigma_w2, so that the first
 * layer's pre-activations have the fixed-point length q* (1 where there
 * is no such q*), unless the caller gives one. */
#ifndef GRADCHAIN_JACOBIAN_STUDY_H
#define GRADCHAIN_JACOBIAN_STUDY_H

#include <stddef.h>

#include "gradchain/activation.h"
#include "gradchain/export.h"
#include "gradchain/init.h"
#include "gradchain/jacobian.h"
#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_jacobian_study_config {
  size_t width, depth;       /* of the random net (30, 10) */
  gc_activation act;         /* (sigmoid) */
  gc_init init;              /* the trainer's initialiser (default) */
  double sigma_w2, sigma_b2; /* gaussian: weight variance times the fan-in
                                and bias variance; orthogonal: squared gain
                                and bias variance (1, 0) */
  unsigned long seed;        /* (1) */
  const gc_net *net;         /* a given net instead (its own sizes and
                                weights; a sigmoid net); NULL */
  const double *input;       /* a given input of input_width values (the
                                net's input width); NULL: the q* input */
  size_t input_width;
  const size_t *spectra;     /* full spectra at these depths (of J; of the
                                backward product those below depth) */
  size_t nspectra;
  int lyapunov;              /* the Lyapunov spectrum of J (the net drawn
                                one layer at a time; no backward product,
                                no given net) */
  size_t blocks;             /* its blocks of layers (10) */
  int backward;              /* the backward product too (1) */
} gc_jacobian_study_config;

typedef struct gc_jacobian_study {
  size_t input_width, width, depth; /* width: the widest layer */
  gc_activation act;
  double sigma_w2, sigma_b2; /* as theory sees them (measured for a given
                                net: gc_jacobian_net_variances) */
  int have_theory;           /* chi1 known (q* may still be NaN: a
                                homogeneous phi without a fixed point) */
  double q_star, chi1;       /* NaN where unknown */
  char theory_error[256];    /* why there is no theory ("" if there is) */
  gc_jacobian *fwd, *bwd;    /* J, the backward product (NULL if not asked
                                for or depth 1) */
  double seconds, cpu_seconds; /* of the products */
} gc_jacobian_study;

GC_API void gc_jacobian_study_config_init(gc_jacobian_study_config *c);

/* Bytes the study's stored net needs (0 for a given net and for the
 * Lyapunov study, which draws the net one layer at a time; the products'
 * own size is refused by gc_jacobian_alloc). */
GC_API double gc_jacobian_study_bytes(const gc_jacobian_study_config *c);

/* Run the study into *out (free with gc_jacobian_study_free).  GC_EINVAL
 * for a bad parameter (a spectrum depth beyond the net, fewer layers than
 * blocks), GC_ERANGE for a size beyond memory, refused before
 * allocating. */
GC_API int gc_jacobian_study_run(gc_jacobian_study **out,
                                 const gc_jacobian_study_config *c);
GC_API void gc_jacobian_study_free(gc_jacobian_study *s);

/* chi1^depth, NaN without theory. */
GC_API double gc_jacobian_study_chi1_pow(const gc_jacobian_study *s,
                                         size_t depth);

#ifdef __cplusplus
}
#endif
#endif
