/* mpfr_digits.c -- MPFR numbers as decimal digits: how many a precision
 * carries, printing, the digits a reference value confirms; and typed
 * decimals read into MPFR. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/mpfr_digits.h"

#define RND MPFR_RNDN

int gc_mpfr_set_str(mpfr_ptr x, const char *s, mpfr_rnd_t rnd)
{
  /* base 0: decimal, or 0x/0b prefixes, as strtod reads them */
  mpfr_flags_t flags = mpfr_flags_save();
  char *end;
  mpfr_clear_flags();
  mpfr_strtofr(x, s, &end, 0, rnd);
  int range = mpfr_overflow_p() || mpfr_underflow_p();
  mpfr_flags_restore(flags, MPFR_FLAGS_ALL);
  if (end == s || *end != '\0')
    return gc_error(GC_EINVAL, "'%s' is not a number", s);
  if (range)
    return gc_error(GC_ERANGE, "'%s' is beyond MPFR's exponent range (about "
                    "10^-%.2g to 10^%.2g)", s,
                    -(double)mpfr_get_emin() * 0.30102999566398119521,
                    (double)mpfr_get_emax() * 0.30102999566398119521);
  if (!mpfr_number_p(x)) /* "inf", "nan" as such */
    return gc_error(GC_EINVAL, "'%s' is not a finite number", s);
  return GC_OK;
}

size_t gc_mpfr_digits(mpfr_prec_t prec)
{
  return (size_t)floor((double)prec * 0.30102999566398119521);
}

int gc_mpfr_snprint(char *buf, size_t size, mpfr_srcptr x, size_t digits)
{
  if (mpfr_nan_p(x)) return snprintf(buf, size, "nan");
  if (mpfr_inf_p(x)) return snprintf(buf, size, mpfr_signbit(x) ? "-inf" : "inf");
  if (mpfr_zero_p(x)) return snprintf(buf, size, "0");
  if (digits < 1) digits = 1;
  mpfr_exp_t e;
  char *s = mpfr_get_str(NULL, &e, 10, digits, x, RND);
  if (!s) return snprintf(buf, size, "nan");
  const char *d = s;
  int neg = *d == '-';
  if (neg) d++;
  /* value = 0.d1d2d3... x 10^e = d1.d2d3... x 10^(e-1) */
  int n = snprintf(buf, size, "%s%c%s%s%se%+ld", neg ? "-" : "", d[0],
                   d[1] ? "." : "", d + 1, "", (long)(e - 1));
  mpfr_free_str(s);
  return n;
}

/* d significant digits of x as a fixed-point string (malloc'ed) */
static char *fixed_digits(mpfr_t x, size_t d)
{
  mpfr_exp_t e;
  char *m = mpfr_get_str(NULL, &e, 10, d, x, MPFR_RNDN);
  if (!m) return NULL;
  const char *dig = m[0] == '-' ? m + 1 : m;
  size_t nd = strlen(dig);
  size_t len = nd + 8 + (size_t)(e < 0 ? -e : e);
  char *out = malloc(len), *o = out;
  if (!out) {
    mpfr_free_str(m);
    return NULL;
  }
  if (m[0] == '-') *o++ = '-';
  if (e <= 0) {
    *o++ = '0';
    *o++ = '.';
    for (mpfr_exp_t i = 0; i < -e; i++) *o++ = '0';
    memcpy(o, dig, nd);
    o += nd;
  } else if ((size_t)e >= nd) {
    memcpy(o, dig, nd);
    o += nd;
    for (size_t i = nd; i < (size_t)e; i++) *o++ = '0';
  } else {
    memcpy(o, dig, (size_t)e);
    o += e;
    *o++ = '.';
    memcpy(o, dig + e, nd - (size_t)e);
    o += nd - (size_t)e;
  }
  *o = '\0';
  mpfr_free_str(m);
  return out;
}

size_t gc_mpfr_confirmed_digits(char *buf, size_t size, mpfr_t x,
                                mpfr_t ref, mpfr_prec_t prec)
{
  if (size) buf[0] = '\0';
  if (!mpfr_number_p(x) || !mpfr_number_p(ref) || mpfr_zero_p(ref))
    return 0;
  size_t dmax = (size_t)floor((double)prec * 0.30102999566398120);
  /* start from the agreement that |x - ref| / |ref| suggests */
  mpfr_t diff;
  mpfr_init2(diff, 64);
  mpfr_sub(diff, x, ref, MPFR_RNDN);
  mpfr_div(diff, diff, ref, MPFR_RNDN);
  double rel = fabs(mpfr_get_d(diff, MPFR_RNDN));
  mpfr_clear(diff);
  size_t d = dmax;
  if (rel > 0) {
    double guess = floor(-log10(rel)) + 1;
    if (guess < (double)d) d = guess < 1 ? 1 : (size_t)guess;
  }
  for (; d >= 1; d--) {
    char *a = fixed_digits(x, d), *b = fixed_digits(ref, d);
    int same = a && b && strcmp(a, b) == 0;
    if (same && size) {
      strncpy(buf, a, size - 1);
      buf[size - 1] = '\0';
    }
    free(a);
    free(b);
    if (same) return d;
  }
  return 0;
}
