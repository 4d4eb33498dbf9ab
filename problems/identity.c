/* identity.c -- problem 4: a sigmoid neuron as the identity on [0,1].
 * Usage: identity_prog [W1] (default 0.1). */
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"

int main(int argc, char **argv)
{
  double w1 = argc > 1 ? atof(argv[1]) : 0.1;
  gc_identity_neuron t, o;
  gc_identity_info info;
  if (gc_identity_taylor(&t, w1, 10000) ||
      gc_identity_optimise(&o, &info, &t, NULL)) {
    fprintf(stderr, "identity: %s\n", gc_strerror_last());
    return 1;
  }
  printf("Taylor:    w1 %.6g b %.17g w2 %.17g offset %.17g\n"
         "           max error %.6e (w1^2/96 = %.6e, exact %.6e)\n",
         t.w1, t.b, t.w2, t.offset, t.max_error,
         gc_identity_leading_error(w1), gc_identity_taylor_error(w1));
  printf("optimised: w1 %.6g b %.17g w2 %.17g offset %.17g\n"
         "           max error %.6e, %.3f times smaller (%zu iterations)\n",
         o.w1, o.b, o.w2, o.offset, o.max_error, t.max_error / o.max_error,
         info.iter);
  printf("\n%8s %12s %12s %10s\n", "w1", "max error", "w1^2/96", "ratio");
  for (double v = 2; v > 1e-5; v /= 4) {
    gc_identity_neuron n;
    if (gc_identity_taylor(&n, v, 10000)) return 1;
    printf("%8.3g %12.4e %12.4e %10.6f\n", v, n.max_error,
           gc_identity_leading_error(v),
           n.max_error / gc_identity_leading_error(v));
  }
  return 0;
}
