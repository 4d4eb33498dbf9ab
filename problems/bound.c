/* bound.c -- problem 1: |w sigma'(wa+b)| >= 1 needs |w| >= 4.
 * Calls gc_problem_bound() and prints what the solvers found. */
#include <stdio.h>

#include "gradchain/gradchain.h"

int main(void)
{
  gc_bound_result r;
  if (gc_problem_bound(&r, NULL)) {
    fprintf(stderr, "bound: %s\n", gc_strerror_last());
    return 1;
  }
  printf("z*         = %.17g  (Brent minimiser, %zu iterations, tol %g)\n",
         r.z_star, r.z_iter, r.z_tol);
  printf("sigma'(z*) = %.17g  (closed form 1/4)\n", r.sigma_prime_max);
  printf("w_min      = %.17g  (Brent root, %zu iterations, rel tol %g; "
         "closed form 4)\n", r.w_min, r.w_iter, r.w_tol);
  return 0;
}
