/* gradchain/speeds.h -- the chapter's "speed of learning" of each hidden
 * layer: the length of dC/db^l averaged over a set of examples. */
#ifndef GRADCHAIN_SPEEDS_H
#define GRADCHAIN_SPEEDS_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/dataset.h"
#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* For the first n examples of d: g^l = (1/n) sum_x dC_x/db^l for every
 * layer l = 1..L-1 (into mean_grad->b, if mean_grad != NULL, a gc_params
 * allocated like the net), and speeds[l-1] = ||g^l|| for the hidden layers
 * l = 1..L-2 (nlayers - 2 values).  Runs through the net's own forward and
 * backward passes, 250 examples at a time. */
GC_API int gc_layer_speeds(double *speeds, gc_params *mean_grad,
                           const gc_net *net, const gc_dataset *d, size_t n);

#ifdef __cplusplus
}
#endif
#endif
