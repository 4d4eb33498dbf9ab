/* gradchain/error.h -- status codes and the last error's message.
 *
 * Every libgradchain function that can fail returns a gc_status (0 on
 * success) and leaves a one-line, human-readable explanation that
 * gc_strerror_last() returns.  The library never prints and never exits.
 */
#ifndef GRADCHAIN_ERROR_H
#define GRADCHAIN_ERROR_H

#include "gradchain/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_status {
  GC_OK = 0,
  GC_EINVAL = 1,     /* invalid argument (NaN, size 0, mismatched lengths) */
  GC_ENOMEM = 2,     /* an allocation failed */
  GC_EIO = 3,        /* a file could not be opened, read or written */
  GC_EFORMAT = 4,    /* a file's contents are malformed */
  GC_ERANGE = 5,     /* a value out of the representable / allowed range,
                        or a request above a documented size limit */
  GC_ENOCONV = 6,    /* an iterative solver did not converge */
  GC_ENOBRACKET = 7, /* a root or minimum is not bracketed */
  GC_ENUMERIC = 8,   /* NaN or infinity appeared in a computation */
  GC_ENODATA = 9     /* a data set is missing */
} gc_status;

/* The message of the last error raised in this thread ("" if none). */
GC_API const char *gc_strerror_last(void);

/* A short generic description of a status code. */
GC_API const char *gc_status_name(int status);

/* Record an error for this thread and return CODE; printf-style message.
 * Used by the library and by programs built on it. */
GC_API int gc_error(int code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* Forget the last error. */
GC_API void gc_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
