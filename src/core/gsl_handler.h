/* gsl_handler.h -- internal: GSL's error handler is process state.
 *
 * An entry point that wants GSL's status codes back (instead of GSL's
 * default handler, which aborts) turns the handler off and puts the
 * caller's handler back before it returns:
 *
 *   gsl_error_handler_t *h = gc_gsl_handler_off();
 *   return gc_gsl_handler_restore(h, work(...));
 *
 * Not installed.  (The handler is global in GSL, not per thread.) */
#ifndef GRADCHAIN_GSL_HANDLER_H
#define GRADCHAIN_GSL_HANDLER_H

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

static inline gsl_error_handler_t *gc_gsl_handler_off(void)
{
  return gsl_set_error_handler_off();
}

/* Reinstall h (NULL: GSL's default) and pass status through. */
static inline int gc_gsl_handler_restore(gsl_error_handler_t *h, int status)
{
  gsl_set_error_handler(h);
  return status;
}

/* gsl_rng_alloc, NULL when out of memory (GSL's default handler would
 * abort). */
static inline gsl_rng *gc_gsl_rng_alloc(const gsl_rng_type *type)
{
  gsl_error_handler_t *h = gc_gsl_handler_off();
  gsl_rng *r = gsl_rng_alloc(type);
  gc_gsl_handler_restore(h, 0);
  return r;
}

#endif
