/* gradchain/init.h -- initialisers: how a net's weights and biases are
 * drawn.  n_in and n_out are a layer's fan-in sizes[l-1] and fan-out
 * sizes[l]; every draw comes from the caller's generator, in an order fixed
 * by the kind and the sizes, so the same seed gives the same bits. */
#ifndef GRADCHAIN_INIT_H
#define GRADCHAIN_INIT_H

#include "gradchain/export.h"

#include <gsl/gsl_rng.h>

#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_init {
  GC_INIT_DEFAULT = 0, /* network2: w ~ N(0,1/n_in), b ~ N(0,1) */
  GC_INIT_LARGE,       /* network2's large: w ~ N(0,1), b ~ N(0,1) */
  GC_INIT_GLOROT,      /* Glorot-Bengio normalised: w ~ U(-r,r), r =
                          sqrt(6/(n_in+n_out)); b = 0 */
  GC_INIT_HE,          /* He et al.: w ~ N(0, 2/n_in); b = 0 */
  GC_INIT_ORTHOGONAL,  /* sigma_w times a Haar-random matrix with
                          orthonormal columns (n_out >= n_in) or rows
                          (n_out < n_in); b ~ N(0, sigma_b^2) */
  GC_INIT_GAUSSIAN,    /* mean-field: w ~ N(0, sigma_w^2/n_in),
                          b ~ N(0, sigma_b^2) */
  GC_INIT_UNIFORM      /* Glorot-Bengio "standard": w ~ U(-r,r), r =
                          1/sqrt(n_in); b = 0 */
} gc_init;

#define GC_INIT_COUNT 7

/* "default", "large", "glorot", "he", "orthogonal", "gaussian",
 * "uniform". */
GC_API int gc_init_from_name(gc_init *kind, const char *name);
GC_API const char *gc_init_name(gc_init kind);

/* Draw net's parameters.  sigma_w and sigma_b (finite, >= 0) are used by
 * GC_INIT_GAUSSIAN and GC_INIT_ORTHOGONAL (sigma_w is the orthogonal
 * gain) and ignored by the others.  Orders of the draws:
 *   default, large, gaussian: every layer's biases, then every layer's
 *     weights row by row (network2's order; gaussian with sigma_w =
 *     sigma_b = 1 is the default, bit for bit);
 *   glorot, he, uniform: every layer's weights row by row;
 *   orthogonal: per layer a Gaussian matrix of max(n_in,n_out) rows and
 *     min(n_in,n_out) columns, row by row, made orthonormal by GSL's
 *     Householder QR with the signs of R's diagonal moved into Q (so that
 *     Q is Haar distributed); then every layer's biases.
 * Returns GC_EINVAL for a bad sigma or kind, GC_ENOMEM, or GC_OK. */
GC_API int gc_net_init_sigma(gc_net *net, gc_init kind, double sigma_w,
                      double sigma_b, gsl_rng *rng);

/* gc_net_init_sigma with sigma_w = 1, sigma_b = 0. */
GC_API int gc_net_init(gc_net *net, gc_init kind, gsl_rng *rng);

#ifdef __cplusplus
}
#endif
#endif
