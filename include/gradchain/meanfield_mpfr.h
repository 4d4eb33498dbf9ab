/* gradchain/meanfield_mpfr.h -- a mean-field point re-evaluated in MPFR.
 *
 * E[phi(sqrt(q) z)^2] and E[phi'(sqrt(q) z)^2], z ~ N(0,1), at any
 * precision:
 *   - smooth activations (sigmoid, tanh, softplus, erf): the trapezoid
 *     rule on |z| <= Z, Z^2/2 = (prec + 48) ln 2 + ln(2 + q), its step
 *     halved until two successive sums agree to 2^-(prec+8).  For an
 *     integrand analytic in a strip |Im z| < d (tanh: d = pi/(2 sqrt q);
 *     sigmoid, softplus: pi/sqrt q; erf: entire) the rule converges
 *     like exp(-2 pi d/h) (Trefethen and Weideman 2014), so the last halving
 *     leaves an error far below the agreement it stopped at;
 *   - piecewise-linear ones (identity, relu, leaky-relu, hard-tanh):
 *     closed forms in erf (no quadrature is needed, and none would converge fast at the
 *     kinks).
 * q* is the root of sigma_w2 E[phi^2](q) + sigma_b2 - q by the secant
 * method from the double q* (direct for the homogeneous activations).
 * Everything is computed at prec + 32 bits and rounded to prec.
 */
#ifndef GRADCHAIN_MEANFIELD_MPFR_H
#define GRADCHAIN_MEANFIELD_MPFR_H

#include "gradchain/export.h"

#include <stddef.h>
#include <stdio.h>   /* mpfr.h declares its FILE functions only after it */
#include <mpfr.h>

#include "gradchain/activation.h"
#include "gradchain/meanfield.h"

#ifdef __cplusplus
extern "C" {
#endif

/* val = E[phi(sqrt(q) z)^2] (GC_MF_PHI2) or E[phi'(sqrt(q) z)^2]
 * (GC_MF_DPHI2) at val's precision; q >= 0.  *nodes (may be NULL) gets
 * the number of quadrature nodes used (0 for a closed form).  GC_EINVAL
 * for another integral or q < 0. */
GC_API int gc_meanfield_mpfr_expect(mpfr_t val, size_t *nodes,
                                    gc_activation act, gc_mf_integral which,
                                    mpfr_srcptr q);

/* q* and chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2], computed to precision
 * prec and rounded to the outputs' own precisions, from the double fixed point q_start
 * (gc_meanfield_point's).  *iters (may be NULL) gets the secant steps.
 * GC_ENOCONV if the secant method does not settle in 200 steps. */
GC_API int gc_meanfield_mpfr_point(mpfr_t q_star, mpfr_t chi1,
                                   size_t *iters, gc_activation act,
                                   double sigma_w2, double sigma_b2,
                                   double q_start, mpfr_prec_t prec);

/* The same for sigma_w2 and sigma_b2 given as decimal strings, read into
 * MPFR at the working precision (correctly rounded, never through a
 * double): the digits then belong to the decimal problem typed.  GC_EINVAL
 * (naming the variance) for a string gc_mpfr_set_str does not read. */
GC_API int gc_meanfield_mpfr_point_decimal(mpfr_t q_star, mpfr_t chi1,
                                           size_t *iters, gc_activation act,
                                           const char *sigma_w2,
                                           const char *sigma_b2,
                                           double q_start, mpfr_prec_t prec);

#ifdef __cplusplus
}
#endif
#endif
