/* schedule.c -- momentum schedules. */
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/schedule.h"

static const char *const names[] = {"constant", "sutskever"};

int gc_schedule_from_name(gc_schedule *s, const char *name)
{
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(name, names[i])) {
      *s = (gc_schedule)i;
      return GC_OK;
    }
  return gc_error(GC_EINVAL, "unknown momentum schedule '%s' (expected "
                  "constant or sutskever)", name);
}

const char *gc_schedule_name(gc_schedule s)
{
  return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

double gc_schedule_momentum(gc_schedule s, double mu_max, size_t t)
{
  if (s != GC_SCHEDULE_SUTSKEVER) return mu_max;
  /* 2^(-1-log2(k)) = 1/(2k), exactly when k is a power of two */
  double k = (double)(t / GC_SUTSKEVER_PERIOD) + 1.0;
  double mu = 1.0 - 0.5 / k;
  return mu < mu_max ? mu : mu_max;
}
