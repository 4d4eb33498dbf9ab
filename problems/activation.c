/* activation.c -- problem 5: sup |f'| and random deep chains for four
 * activations.  Usage: activation_prog [CHAINS [SEED]]. */
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"

int main(int argc, char **argv)
{
  gc_act_chain_params p;
  gc_act_chain_params_default(&p);
  if (argc > 1) p.nchains = (size_t)atol(argv[1]);
  if (argc > 2) p.seed = (unsigned long)atol(argv[2]);
  static const gc_activation acts[] = {GC_ACT_SIGMOID, GC_ACT_TANH, GC_ACT_RELU,
                                       GC_ACT_SOFTPLUS};
  printf("%-9s %8s %8s  depth: median log10|prod w f'(z)| (zero share)\n",
         "f", "sup|f'|", "|w|>=");
  for (size_t i = 0; i < 4; i++) {
    gc_act_result r;
    if (gc_problem_activation(&r, acts[i], &p)) {
      fprintf(stderr, "activation: %s\n", gc_strerror_last());
      return 1;
    }
    printf("%-9s %8.4g %8.4g ", gc_activation_name(acts[i]), r.deriv_max,
           r.w_bound);
    for (size_t k = 0; k < r.ndepths; k++)
      printf("  %zu: %.2f (%.2f)", r.depths[k], r.median[k],
             r.zero_fraction[k]);
    printf("\n");
  }
  return 0;
}
