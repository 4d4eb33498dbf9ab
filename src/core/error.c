/* error.c -- the thread-local last-error message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gradchain/error.h"

static _Thread_local char last_message[512];

const char *gc_strerror_last(void) { return last_message; }

void gc_error_clear(void) { last_message[0] = '\0'; }

int gc_error(int code, const char *fmt, ...)
{
  /* format aside first: the arguments may include gc_strerror_last(), to
   * prefix the previous message with context */
  char buf[sizeof last_message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  memcpy(last_message, buf, sizeof buf);
  return code;
}

const char *gc_status_name(int status)
{
  switch (status) {
  case GC_OK: return "success";
  case GC_EINVAL: return "invalid argument";
  case GC_ENOMEM: return "out of memory";
  case GC_EIO: return "input/output error";
  case GC_EFORMAT: return "malformed file";
  case GC_ERANGE: return "value out of range";
  case GC_ENOCONV: return "solver did not converge";
  case GC_ENOBRACKET: return "root or minimum not bracketed";
  case GC_ENUMERIC: return "NaN or infinity in computation";
  case GC_ENODATA: return "data set missing";
  default: return "unknown error";
  }
}
