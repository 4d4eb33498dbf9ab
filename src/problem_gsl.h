/* problem_gsl.h -- internal: GSL status codes as gc_status with a message.
 * Not installed; shared by the problem_*.c solvers. */
#ifndef GRADCHAIN_PROBLEM_GSL_H
#define GRADCHAIN_PROBLEM_GSL_H

#include <gsl/gsl_errno.h>

#include "gradchain/error.h"

/* Turn a GSL status returned while running solver WHAT into a gc_status
 * and record a message.  GSL_EINVAL from a solver's _set means that the
 * endpoints do not bracket a root / minimum. */
static inline int gc_from_gsl(int gsl_status, const char *what)
{
  switch (gsl_status) {
  case GSL_SUCCESS:
    return GC_OK;
  case GSL_EINVAL:
    return gc_error(GC_ENOBRACKET, "%s: the interval does not bracket the "
                    "solution (GSL: %s)", what, gsl_strerror(gsl_status));
  case GSL_ENOMEM:
    return gc_error(GC_ENOMEM, "%s: out of memory", what);
  case GSL_EBADFUNC:
    return gc_error(GC_ENUMERIC, "%s: the function returned NaN or "
                    "infinity (GSL: %s)", what, gsl_strerror(gsl_status));
  default:
    return gc_error(GC_ENOCONV, "%s: the solver failed (GSL: %s)", what,
                    gsl_strerror(gsl_status));
  }
}

/* The solver ran out of iterations. */
static inline int gc_no_conv(const char *what, unsigned long iter)
{
  return gc_error(GC_ENOCONV, "%s: no convergence after %lu iterations",
                  what, iter);
}

#endif
