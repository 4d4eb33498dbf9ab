/* gradchain/cost.h -- the quadratic, cross-entropy and log-likelihood
 * costs. */
#ifndef GRADCHAIN_COST_H
#define GRADCHAIN_COST_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_cost {
  GC_COST_QUADRATIC = 0,    /* C = 1/2 ||a - y||^2 */
  GC_COST_CROSS_ENTROPY,    /* C = -sum [y ln a + (1-y) ln(1-a)] */
  GC_COST_LOG_LIKELIHOOD    /* C = -sum y ln a, = -ln a_y for a one-hot y;
                               only with a softmax output (see net.h) */
} gc_cost;

/* "quadratic", "cross-entropy" or "log-likelihood" (also the class names
 * "QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost" of the saved
 * files; network2 has only the first two). */
GC_API int gc_cost_from_name(gc_cost *cost, const char *name);
GC_API const char *gc_cost_name(gc_cost cost);          /* "quadratic" ...      */
GC_API const char *gc_cost_network2_name(gc_cost cost); /* "QuadraticCost" ... */

/* C(a, y) for one example of n outputs.  Cross-entropy and log-likelihood
 * follow network2's np.nan_to_num: a term 0*ln 0 counts 0, and ln 0 counts
 * as -DBL_MAX. */
GC_API double gc_cost_value(gc_cost cost, size_t n, const double *a, const double *y);

/* dC/da for one output value (log-likelihood: -y/a). */
GC_API double gc_cost_dC_da(gc_cost cost, double a, double y);

#ifdef __cplusplus
}
#endif
#endif
