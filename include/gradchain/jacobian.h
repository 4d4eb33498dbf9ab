/* gradchain/jacobian.h -- products of layer Jacobians in wide nets: their
 * singular values, depth by depth, and their Lyapunov exponents.
 *
 * A product P_l = diag(d_l) A_l ... diag(d_1) A_1 is accumulated one factor
 * at a time (the caller owns the loop, gc_jacobian_push).  Two products of
 * a net are of interest:
 *   the input-output Jacobian  J_l = D_l W_l ... D_1 W_1 = d a^l / d x,
 *     factors A = W_l, d = f'(z^l), l = 1, 2, ...;
 *   the backward product of the chapter's equation 124, which maps
 *     delta^L to delta^(L-k):  D_(L-k) W_(L-k+1)^T ... D_(L-1) W_L^T,
 *     factors A = W_(L-k+1)^T, d = f'(z^(L-k)), k = 1, 2, ...
 * In a wide net with weights N(0, sigma_w2/n) at the fixed point q* both
 * have mean squared singular value chi1^depth (gradchain/meanfield.h).
 *
 * The product is kept divided by its Frobenius norm, with the log of the
 * norm beside it, so that no depth under- or overflows.  Dense products
 * are the library's kernels (gradchain/kernels.h); singular values are
 * GSL's SVD (Golub-Reinsch); the Lyapunov exponents re-orthonormalise k
 * directions after every factor with GSL's Householder QR and average
 * ln|R_ii| (Benettin's method), their standard errors from independent
 * blocks of layers.
 *
 * Resolution.  A product formed in double carries rounding of about
 * depth * eps * sigma_max, so a singular value far below that (the small
 * end of a deep, ill-conditioned product) is not resolved by any SVD of
 * it; the Lyapunov exponents, which never form the product, are.
 */
#ifndef GRADCHAIN_JACOBIAN_H
#define GRADCHAIN_JACOBIAN_H

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gradchain/export.h"
#include "gradchain/init.h"
#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_jacobian_params {
  const size_t *spectrum_depths; /* full SVD at these depths (any order) */
  size_t nspectrum;
  size_t lyapunov;  /* number of Lyapunov directions k (0: none) */
  size_t blocks;    /* blocks of layers for the standard errors (>= 2) */
} gc_jacobian_params;

/* The record of one depth. */
typedef struct gc_jacobian_layer {
  size_t depth, rows, cols;  /* the product is rows x cols */
  double log_mean_sq;  /* ln of the mean squared singular value,
                          ||P||_F^2 / min(rows, cols); -inf: P = 0 */
  double mean_sq;      /* its exp; NaN where that under- or overflows */
  double max_singular; /* every depth (subspace iteration, or the SVD) */
  double min_singular; /* at spectrum depths only (SVD); NaN elsewhere */
  double log_max_singular, log_min_singular; /* their logs (never under-
                                                or overflow) */
  int has_spectrum;
} gc_jacobian_layer;

typedef struct gc_jacobian gc_jacobian;

/* Bytes a product with n0 rows, factors up to max_width wide and
 * max_depth factors needs (workspace, records and spectra). */
GC_API double gc_jacobian_bytes(size_t n0, size_t max_width, size_t max_depth,
                         const gc_jacobian_params *p);

/* Start from the identity of size n0 (the product's fixed side: the input
 * for J, the output layer for the backward product).  At most max_depth
 * factors, none wider than max_width.  NULL params: no spectra, no
 * Lyapunov exponents.  GC_ERANGE, before allocating anything, when the
 * size exceeds 80% of the machine's memory; GC_EINVAL for a bad
 * parameter. */
GC_API int gc_jacobian_alloc(gc_jacobian **j, size_t n0, size_t max_width,
                      size_t max_depth, const gc_jacobian_params *p);
GC_API void gc_jacobian_free(gc_jacobian *j);

/* Multiply by the factor diag(d) A from the left: A is n x m row-major
 * (or, if transpose, A is stored m x n and the factor uses its transpose),
 * m the product's current width, d of length n.  Records the new depth
 * (and its spectrum, if asked).  GC_ENUMERIC if the factor makes the
 * product NaN or infinite. */
GC_API int gc_jacobian_push(gc_jacobian *j, const double *A, size_t n, size_t m,
                     int transpose, const double *d);

GC_API size_t gc_jacobian_depth(const gc_jacobian *j);
/* Records of depths 1..depth, at index depth-1. */
GC_API const gc_jacobian_layer *gc_jacobian_layers(const gc_jacobian *j);

/* The singular values at a spectrum depth, descending, as logs (ln sigma:
 * finite whatever the depth; -inf for an exact 0).  NULL if depth was not
 * a spectrum depth or is not reached yet. */
GC_API const double *gc_jacobian_log_spectrum(const gc_jacobian *j, size_t depth,
                                       size_t *count);

/* A histogram of a log spectrum ls (count values, descending, as
 * gc_jacobian_log_spectrum gives): bins of width bw aligned to multiples
 * of bw, from the bin of the smallest value to that of the largest; bin b
 * has centre lo + (b + 1/2) bw and frac[b] the fraction of the values in
 * it.  Returns the number of bins (at most max; 0 if a value is not
 * finite).  centre and frac may be NULL to count the bins. */
GC_API size_t gc_jacobian_histogram(double *centre, double *frac, size_t max,
                                    const double *ls, size_t count,
                                    double bw);

/* The k Lyapunov exponents (mean ln|R_ii| per factor, in the order of the
 * directions, which is descending up to noise) and their standard errors
 * (the spread of the blocks' means / sqrt(blocks)).  A product that
 * annihilates a direction gives -inf for it (standard error 0 if every
 * block did, inf if some did not), never NaN.  GC_EINVAL if there were no
 * directions or fewer factors than blocks. */
GC_API int gc_jacobian_lyapunov(double *exponents, double *stderrs,
                         const gc_jacobian *j);

/* Push the layers of net at the input x (sizes[0] values): J into fwd
 * (n0 = sizes[0]) and the backward product into bwd (n0 = sizes[L-1]);
 * either may be NULL. */
GC_API int gc_jacobian_of_net(gc_jacobian *fwd, gc_jacobian *bwd, const gc_net *net,
                       const double *x);

/* A random net drawn one layer at a time, so that its depth costs no
 * memory: depth layers of width n (the input x has n0 values), each drawn
 * by the trainer's initialiser (gc_net_init_sigma: kind, sigma_w,
 * sigma_b) from rng, pushed into fwd (J). */
GC_API int gc_jacobian_random(gc_jacobian *fwd, size_t n0, size_t n, size_t depth,
                       gc_activation act, gc_init kind, double sigma_w,
                       double sigma_b, const double *x, gsl_rng *rng);

/* The variances (sigma_w2, sigma_b2) of mean-field theory (weights of
 * variance sigma_w2/n_in) that the initialiser kind draws for a layer of
 * n_in inputs and n_out outputs; sigma_w and sigma_b as for
 * gc_net_init_sigma (gaussian, orthogonal). */
GC_API void gc_jacobian_init_variances(double *sigma_w2, double *sigma_b2,
                                       gc_init kind, size_t n_in,
                                       size_t n_out, double sigma_w,
                                       double sigma_b);

/* The variances of a given net's parameters, as mean-field theory sees
 * them: sigma_w2 = mean over layers of n_in * mean(w^2), sigma_b2 = mean
 * over layers of mean(b^2). */
GC_API void gc_jacobian_net_variances(double *sigma_w2, double *sigma_b2,
                                      const gc_net *net);

/* x: n Gaussian values scaled so that |x|^2 / n = q exactly (q >= 0). */
GC_API void gc_jacobian_input(double *x, size_t n, double q, gsl_rng *rng);

#ifdef __cplusplus
}
#endif
#endif
