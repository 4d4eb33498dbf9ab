/* width.c -- problem 2: the interval of a with |w sigma'(wa+b)| >= 1,
 * for a few w (and b), against the closed form.
 * Usage: width_prog [W [B]] (default: a table over w). */
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"

static int one(double w, double b)
{
  gc_width_result r;
  if (gc_problem_width(&r, w, b, NULL)) {
    fprintf(stderr, "width: %s\n", gc_strerror_last());
    return 1;
  }
  if (r.kind == GC_WIDTH_EMPTY)
    printf("%6g %6g  empty set\n", w, b);
  else if (r.kind == GC_WIDTH_POINT)
    printf("%6g %6g  the point a = %.17g\n", w, b, r.a_lo);
  else
    printf("%6g %6g  [%.15f, %.15f]  width %.17g  closed form %.17g  "
           "diff %+.1e  centre+b/w %+.1e\n",
           w, b, r.a_lo, r.a_hi, r.width, r.width_closed_form,
           r.width - r.width_closed_form, r.centre - r.shift);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc > 1) return one(atof(argv[1]), argc > 2 ? atof(argv[2]) : 0);
  static const double ws[] = {3, 4, 4.5, 5, 6, 6.9, 8, 10, 20, 100, -6.9};
  int st = 0;
  printf("     w      b  interval                              width\n");
  for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) st |= one(ws[i], 0);
  st |= one(6, 3);
  st |= one(6, -100);
  return st;
}
