/* gradchain/meanfield.h -- mean-field signal propagation in wide nets.
 *
 * A net with weights N(0, sigma_w2/N), biases N(0, sigma_b2) and
 * activation phi propagates, with z ~ N(0,1),
 *   the length map       q -> L(q) = sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2,
 *   the correlation map  c -> C(c) = (sigma_w2 E[phi(u1) phi(u2)] + sigma_b2) / q*,
 *                        u1 = sqrt(q*) z1, u2 = sqrt(q*)(c z1 + sqrt(1-c^2) z2),
 * and the squared gradient norm changes by chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2]
 * per layer (Poole et al. 2016; Schoenholz et al. 2017).
 *
 * Gaussian expectations are Gauss-Hermite sums (GSL's fixed Hermite rule
 * with weight exp(-x^2/2)); an activation with kinks (ReLU, hard-tanh) is
 * integrated piecewise instead, by composite Gauss-Legendre split at the
 * kinks.  Every quantity is computed twice, with a fine and a coarse rule;
 * the difference, plus the root finders' tolerances and rounding, is its
 * error estimate.  Fixed points are roots (GSL's Brent solver), never the
 * limit of an iterated map.
 */
#ifndef GRADCHAIN_MEANFIELD_H
#define GRADCHAIN_MEANFIELD_H

#include <stddef.h>

#include "gradchain/activation.h"
#include "gradchain/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* q* beyond this is "no fixed point" (the length map outgrows q). */
#define GC_MEANFIELD_Q_MAX 1e6

typedef struct gc_meanfield_params {
  size_t nodes;    /* Gauss-Hermite nodes of the 1-D integrals (fine rule) */
  size_t nodes_2d; /* nodes per axis of the correlation map's integral */
  double tol;      /* relative tolerance of the root finders */
  size_t max_iter; /* per root */
} gc_meanfield_params;

/* Defaults: 200 nodes, 96 per axis in 2-D, tol 1e-14, 200 iterations.
 * The coarse rules have 3/4 as many nodes. */
GC_API void gc_meanfield_params_default(gc_meanfield_params *p);

/* The workspace: the quadrature rules for one activation.  Read-only
 * once allocated, so one workspace may serve several threads. */
typedef struct gc_meanfield gc_meanfield;

/* NULL params means the defaults.  NULL on failure (message set). */
GC_API gc_meanfield *gc_meanfield_alloc(gc_activation act,
                                 const gc_meanfield_params *p);
GC_API void gc_meanfield_free(gc_meanfield *w);
GC_API gc_activation gc_meanfield_activation(const gc_meanfield *w);

/* One 1-D expectation over z ~ N(0,1) at variance q, with the fine rule:
 *   GC_MF_PHI2    E[phi(sqrt(q) z)^2]
 *   GC_MF_DPHI2   E[phi'(sqrt(q) z)^2]
 *   GC_MF_D2PHI   E[phi''(sqrt(q) z) phi(sqrt(q) z)], kinks' delta terms
 *                 included
 *   GC_MF_STEIN   E[phi(sqrt(q) z) phi'(sqrt(q) z) z] / sqrt(q), which
 *                 equals E[phi'^2] + E[phi'' phi] (q > 0)
 * err (may be NULL) gets |fine - coarse|. */
typedef enum gc_mf_integral {
  GC_MF_PHI2 = 0,
  GC_MF_DPHI2,
  GC_MF_D2PHI,
  GC_MF_STEIN
} gc_mf_integral;
GC_API int gc_meanfield_expect(double *val, double *err, const gc_meanfield *w,
                        gc_mf_integral which, double q);

/* The 2-D expectations at variance q and correlation c in [-1, 1]:
 * *pp = E[phi(u1) phi(u2)], *dd = E[phi'(u1) phi'(u2)] (fine rule). */
GC_API int gc_meanfield_expect2(double *pp, double *dd, const gc_meanfield *w,
                         double q, double c);

typedef struct gc_meanfield_result {
  double sigma_w2, sigma_b2;
  double q_star, chi1, c_star, chi_c, chi_q;
  double xi_q, xi_c, xi_grad;
  /* error estimates of each of the above */
  double q_star_err, chi1_err, c_star_err, chi_c_err, chi_q_err;
  double xi_q_err, xi_c_err, xi_grad_err;
  int chaotic; /* chi1 > 1: c* < 1 is the nontrivial root */
} gc_meanfield_result;

/* q*, chi1, c*, chi_c = dC/dc at c*, chi_q = L'(q*), and the depth scales
 *   xi_q = -1/ln chi_q,  xi_c = -1/ln chi_c,  xi_grad = -1/ln chi1
 * (infinite where the log is 0; xi_grad < 0 in the chaotic phase: the
 * gradient grows e-fold every |xi_grad| layers).  With sigma_b2 = 0 and phi(0) = 0 the
 * trivial fixed point q* = 0 is the answer when it is stable.
 * GC_EINVAL for a variance that is negative or not finite (sigma_w2 must
 * be > 0); GC_ERANGE when the length map has no fixed point below
 * GC_MEANFIELD_Q_MAX. */
GC_API int gc_meanfield_point(gc_meanfield_result *r, const gc_meanfield *w,
                       double sigma_w2, double sigma_b2);

/* The fixed point q* alone (fine rule, Brent on L(q) - q). */
GC_API int gc_meanfield_qstar(double *q_star, const gc_meanfield *w,
                       double sigma_w2, double sigma_b2);

typedef struct gc_meanfield_critical_result {
  double sigma_b2;
  double sigma_w2, sigma_w2_err; /* where chi1 = 1 */
  double q_star, q_star_err;     /* there; +inf if unbounded */
  int q_star_unbounded; /* positively homogeneous phi with sigma_b2 > 0:
                           q* grows without bound on the critical line */
} gc_meanfield_critical_result;

/* The critical sigma_w2 at which chi1 = 1 for this sigma_b2 (Brent on
 * chi1(sigma_w2) - 1, each chi1 at its own q*).  For a positively
 * homogeneous activation (ReLU, identity) chi1 does not depend on q and
 * the line is sigma_w2 = 1/E[phi'(z)^2]. */
GC_API int gc_meanfield_critical(gc_meanfield_critical_result *r,
                          const gc_meanfield *w, double sigma_b2);

/* The phase diagram on the grid sigma_w2[i] x sigma_b2[j] (row j of nw
 * values at index j*nw + i): chi1 and xi_c (NaN where q* does not exist
 * and *missing counts them), and the critical sigma_w2 for each sigma_b2
 * (NaN where there is none).  Uses the workspace's rules without error
 * estimates (one pass), OpenMP over the points; the result does not
 * depend on the thread count. */
GC_API int gc_meanfield_grid(double *chi1, double *xi_c, double *crit_w2,
                      size_t *missing, const gc_meanfield *w, size_t nw,
                      const double *sigma_w2, size_t nb,
                      const double *sigma_b2);

#ifdef __cplusplus
}
#endif
#endif
