/* gradchain/mpfr_expneg.h -- e^{-x} for x >= 0 in MPFR, fast at the
 * precisions of the chains (a few hundred bits), for the sigmoid of
 * a million layers.
 *
 * An evaluator is made for one precision P.  For 0 <= x < 64 it splits
 * x = k1 2^-6 + k2 2^-15 + k3 2^-24 + t exactly (0 <= t < 2^-24), takes
 * e^{-k1/2^6}, e^{-k2/2^15}, e^{-k3/2^24} from three tables (each entry
 * computed once, by mpfr_exp, when first needed) and e^{-t} from its
 * Taylor series, summed in fixed point on GMP limbs (fewer limbs for the
 * later terms).  Everything before the final rounding is carried at
 * P + 12 bits, so the result is within 0.5625 ulp of the true value:
 * faithfully rounded, and correctly rounded but for rare near-ties.
 * Other x (negative, 64 and above, NaN, inf, x with more than P + 12
 * bits) and every x when P is above GC_MPFR_EXPNEG_PREC_MAX go to
 * mpfr_exp and are correctly rounded.
 *
 * The tables hold at most 4096 + 512 + 512 numbers of P + 12 bits (with
 * MPFR's overhead about 0.6 MB at P = 600).  An evaluator is not thread
 * safe: one per thread.
 */
#ifndef GRADCHAIN_MPFR_EXPNEG_H
#define GRADCHAIN_MPFR_EXPNEG_H

#include "gradchain/export.h"

#include <mpfr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Above this precision every call goes to mpfr_exp (faster there). */
#define GC_MPFR_EXPNEG_PREC_MAX 1024

typedef struct gc_mpfr_exp_table gc_mpfr_exp_table;

/* An evaluator for results of `prec` bits (MPFR_PREC_MIN..MPFR_PREC_MAX
 * - 64) into *out.  GC_ERANGE for another precision, GC_ENOMEM when out
 * of memory (*out is then NULL). */
GC_API int gc_mpfr_exp_table_alloc(gc_mpfr_exp_table **out, mpfr_prec_t prec);
GC_API void gc_mpfr_exp_table_free(gc_mpfr_exp_table *e);

/* rop = e^{-x}, rounded to nearest (within 0.5625 ulp, see above).
 * rop should have the evaluator's precision P; with another precision
 * the result is rounded to it but accurate to about P bits only. */
GC_API void gc_mpfr_expneg(mpfr_ptr rop, mpfr_srcptr x, gc_mpfr_exp_table *e);

#ifdef __cplusplus
}
#endif
#endif
