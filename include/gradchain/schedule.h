/* gradchain/schedule.h -- momentum schedules: the momentum mu_t of the
 * t-th mini-batch update (t = 0, 1, ...).
 *
 *   constant   mu_t = mu_max
 *   sutskever  mu_t = min(1 - 2^(-1 - log2(floor(t/250) + 1)), mu_max)
 *              = min(1 - 1/(2 (floor(t/250) + 1)), mu_max): 0.5 for the
 *              first 250 updates, then 0.75, 0.8333..., 0.875, ... up to
 *              the cap (Sutskever, Martens, Dahl and Hinton 2013, eq. 5).
 */
#ifndef GRADCHAIN_SCHEDULE_H
#define GRADCHAIN_SCHEDULE_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_schedule {
  GC_SCHEDULE_CONSTANT = 0,
  GC_SCHEDULE_SUTSKEVER
} gc_schedule;

/* Updates per step of Sutskever's schedule. */
#define GC_SUTSKEVER_PERIOD ((size_t)250)

/* "constant" or "sutskever" (status 0 or GC_EINVAL with a message), and
 * back. */
GC_API int gc_schedule_from_name(gc_schedule *s, const char *name);
GC_API const char *gc_schedule_name(gc_schedule s);

/* mu_t of schedule s with cap mu_max. */
GC_API double gc_schedule_momentum(gc_schedule s, double mu_max, size_t t);

#ifdef __cplusplus
}
#endif
#endif
