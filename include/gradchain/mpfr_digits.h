/* gradchain/mpfr_digits.h -- MPFR numbers as decimal digits, and
 * decimal digits as MPFR numbers. */
#ifndef GRADCHAIN_MPFR_DIGITS_H
#define GRADCHAIN_MPFR_DIGITS_H

#include "gradchain/export.h"

#include <stddef.h>
#include <stdio.h>   /* mpfr.h declares its FILE functions only after it */
#include <mpfr.h>

#ifdef __cplusplus
extern "C" {
#endif

/* x = the number s names, correctly rounded with rnd at x's precision
 * (mpfr_strtofr): a decimal such as "0.7" or "-1.2e-3", or hexadecimal or
 * binary with a 0x or 0b prefix.  Returns GC_EINVAL unless the whole of s
 * is a finite number, GC_ERANGE if it lies beyond the exponent range in
 * force (the caller's: widen it to read numbers such as 1e400000000) or a
 * non-zero value underflows it; x is then unspecified.  MPFR's flags are
 * left as they were.  The one reader of typed numbers into MPFR. */
GC_API int gc_mpfr_set_str(mpfr_ptr x, const char *s, mpfr_rnd_t rnd);

/* x rounded to `digits` significant digits as "-1.2345e+417" ("0" for
 * zero, "inf", "-inf", "nan").  Returns the length it needs (like
 * snprintf); buf may be NULL when size is 0. */
GC_API int gc_mpfr_snprint(char *buf, size_t size, mpfr_srcptr x,
                           size_t digits);

/* Do x and y print the same to `digits` significant digits (as
 * gc_mpfr_snprint prints them)?  1 yes, 0 no, -1 out of memory.  Mostly
 * from one decimal conversion of y and a bound on |x - y|. */
GC_API int gc_mpfr_same_digits(mpfr_srcptr x, mpfr_srcptr y, size_t digits);

/* The number of correct decimal digits for a precision in bits. */
GC_API size_t gc_mpfr_digits(mpfr_prec_t prec);

/* The significant decimal digits of x that a reference value ref
 * (computed at a higher precision) confirms: the largest d <= floor(prec
 * log10 2) for which x and ref rounded to d digits are the same string.
 * That string goes into buf (fixed point, e.g. "6.9100..." or
 * "0.4472..."), cut to fit size; the return value is d (0 if none). */
GC_API size_t gc_mpfr_confirmed_digits(char *buf, size_t size, mpfr_t x,
                                       mpfr_t ref, mpfr_prec_t prec);

#ifdef __cplusplus
}
#endif
#endif
