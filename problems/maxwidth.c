/* maxwidth.c -- problem 3: the widest interval, in double precision and
 * with MPFR.  Usage: maxwidth_prog [BITS] (default 256). */
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"

int main(int argc, char **argv)
{
  long bits = argc > 1 ? atol(argv[1]) : 256;
  if (bits < 64 || bits > 1000000) {
    fprintf(stderr, "maxwidth: BITS must be 64 .. 1000000\n");
    return 2;
  }
  gc_maxwidth_result r;
  if (gc_problem_maxwidth(&r, NULL)) {
    fprintf(stderr, "maxwidth: %s\n", gc_strerror_last());
    return 1;
  }
  printf("minimiser: w = %.12g after %zu iterations\n", r.min_w, r.min_iter);
  printf("w*        = %.17g +- %.1e (root of dW/dw, %zu iterations)\n",
         r.w_star, r.w_err, r.root_iter);
  printf("width_max = %.17g +- %.1e\n", r.width_max, r.width_err);

  mpfr_t w, W, wr, Wr;
  mpfr_inits2(bits, w, W, (mpfr_ptr)0);
  mpfr_inits2(bits + 64, wr, Wr, (mpfr_ptr)0);
  size_t it, itr;
  if (gc_maxwidth_mpfr(w, W, bits, MPFR_RNDN, r.w_star, 200, &it) ||
      gc_maxwidth_mpfr(wr, Wr, bits + 64, MPFR_RNDN, r.w_star, 200, &itr)) {
    fprintf(stderr, "maxwidth: %s\n", gc_strerror_last());
    return 1;
  }
  size_t len = (size_t)bits / 3 + 16;
  char *s = malloc(len);
  if (!s) return 1;
  size_t d = gc_mpfr_confirmed_digits(s, len, w, wr, bits);
  printf("MPFR %ld bits, %zu Newton steps:\nw*        = %s (%zu digits)\n",
         bits, it, s, d);
  d = gc_mpfr_confirmed_digits(s, len, W, Wr, bits);
  printf("width_max = %s (%zu digits)\n", s, d);
  free(s);
  mpfr_clears(w, W, wr, Wr, (mpfr_ptr)0);
  return 0;
}
