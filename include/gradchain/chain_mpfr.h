/* gradchain/chain_mpfr.h -- toy chains evaluated with MPFR at any
 * precision, with every printed digit correct.
 *
 * gc_chain_mpfr_eval() evaluates the chain (forward pass, the explicit
 * product and dC/dw) at two working precisions, prec + g and
 * prec + g + 32 bits (g = 16 + log2 L guard bits; the two run on two
 * threads), and accepts the result only when every
 * reported quantity, rounded to `digits` significant decimal digits, is the
 * same in both; otherwise it doubles g and tries again.  `digits` is
 * floor(prec * log10(2)), so a 128-bit request gives 38 digits.
 * Exponentials are gc_mpfr_expneg() (gradchain/mpfr_expneg.h), one
 * evaluator per working precision.
 *
 * The weights, biases, input and target are the chain's doubles, taken
 * exactly.  gc_chain_mpfr_eval_decimal() reads them instead from decimal
 * strings (gc_chain_decimal): each working precision reads every string
 * itself, correctly rounded, never through a double, so the digits are
 * those of the decimal problem as written.  For the exploding
 * construction b_j = -W a_{j-1} is recomputed
 * in MPFR, so every z_j is exactly 0.  The exponent range is widened to
 * MPFR's maximum while it computes, so products such as 1e+417 or 1e-650
 * (or 1e-1000000) are represented, not flushed; the caller's range and
 * flags are restored before it returns (in every thread), so a result may
 * lie outside the caller's range: widen it before computing with one.  A
 * product below even the widest range (sigma'(1e308) = e^-1e308) is
 * refused with GC_ERANGE rather than returned as 0.
 */
#ifndef GRADCHAIN_CHAIN_MPFR_H
#define GRADCHAIN_CHAIN_MPFR_H

#include "gradchain/export.h"

#include <stddef.h>
#include <mpfr.h>

#include "gradchain/chain.h"
#include "gradchain/mpfr_digits.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Allowed range of requested precisions, in bits. */
#define GC_MPFR_PREC_MIN 16
#define GC_MPFR_PREC_MAX 1000000

typedef struct gc_chain_mpfr_result {
  mpfr_prec_t prec;      /* the precision asked for */
  mpfr_prec_t working;   /* the larger working precision of the last try */
  size_t digits;         /* correct significant decimal digits */
  size_t depth;
  int layers;            /* per-layer arrays present */
  /* per layer (index j-1), present when layers != 0; at `working` bits */
  mpfr_t *z, *a, *fp, *factor, *dC_db, *dC_dw;
  mpfr_t dC_db1, dC_daL, cost;
  int tries;             /* evaluations made (>= 2) */
} gc_chain_mpfr_result;

/* Evaluate c at `prec` bits; keep every layer's values when `layers`. */
GC_API int gc_chain_mpfr_eval(gc_chain_mpfr_result **out, const gc_chain *c,
                              mpfr_prec_t prec, int layers);

/* A chain's numbers as decimal strings (as gc_mpfr_set_str reads them).
 * w and b hold nw and nb strings: 1 (every layer alike) or the depth; 0
 * (or a NULL string) takes the chain's double for that number. */
typedef struct gc_chain_decimal {
  const char *const *w, *const *b;
  size_t nw, nb;
  const char *a0, *y;      /* input and target */
  const char *explode_w;   /* W of the exploding construction */
} gc_chain_decimal;

/* As gc_chain_mpfr_eval, with the numbers dec gives read from their
 * strings at each working precision (dec == NULL: the chain's doubles).
 * GC_EINVAL or GC_ERANGE, naming the number, if a string is not one
 * gc_mpfr_set_str accepts or a count is neither 1 nor the depth. */
GC_API int gc_chain_mpfr_eval_decimal(gc_chain_mpfr_result **out,
                                      const gc_chain *c,
                                      const gc_chain_decimal *dec,
                                      mpfr_prec_t prec, int layers);
GC_API void gc_chain_mpfr_result_free(gc_chain_mpfr_result *r);

#ifdef __cplusplus
}
#endif
#endif
