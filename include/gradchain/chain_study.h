/* gradchain/chain_study.h -- the chapter's picture of vanishing and
 * exploding gradients along a chain: |dC/db_j| at every layer j of
 * sigmoid chains with weights and biases drawn N(0,1), one chain per
 * seed, and of the exploding construction (every factor W/4).
 */
#ifndef GRADCHAIN_CHAIN_STUDY_H
#define GRADCHAIN_CHAIN_STUDY_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_chain_study_config {
  size_t depth;        /* layers L (30) */
  size_t seeds;        /* random chains drawn from seeds 1..seeds (5) */
  double a0, y;        /* the random chains' input and target (1, 0) */
  double W;            /* the exploding chain's weight (100) */
  double explode_a0;   /* and its input (0.5); target y */
} gc_chain_study_config;

typedef struct gc_chain_study_result {
  gc_chain_study_config config;
  double *random;      /* seeds x depth: |dC/db_j| of seed s+1 at
                          random[s * depth + j - 1] */
  double *exploding;   /* depth: |dC/db_j| of the exploding chain */
} gc_chain_study_result;

/* The chapter's chains: sigmoid, quadratic cost, the defaults above. */
GC_API void gc_chain_study_config_init(gc_chain_study_config *c);

/* Evaluate every chain (gc_chain_eval).  0, or a GC_E* code with its
 * message; on failure *res holds nothing to free. */
GC_API int gc_chain_study(gc_chain_study_result *res,
                          const gc_chain_study_config *c);
GC_API void gc_chain_study_result_free(gc_chain_study_result *res);

#ifdef __cplusplus
}
#endif

#endif
