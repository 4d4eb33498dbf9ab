/* atomic.h -- files written whole or not at all, and the directories
 * they go into (internal; exported for the command line).
 *
 * gc_atomic_open() creates PATH.tmp.PID.N beside PATH (exclusively, mode
 * 0666 less the umask); the caller writes to ->f; gc_atomic_commit()
 * flushes, fsyncs, closes and renames it onto PATH, then fsyncs the
 * directory (best effort) so that the rename itself is durable.  Any
 * failure removes the temporary file and leaves PATH as it was, with a
 * GC_EIO message "cannot write PATH: reason". */
#ifndef GRADCHAIN_ATOMIC_H
#define GRADCHAIN_ATOMIC_H

#include <stdio.h>

#include "gradchain/export.h"

typedef struct gc_atomic_file {
  FILE *f;
  char *path; /* final name */
  char *tmp;  /* name while being written */
} gc_atomic_file;

GC_API int gc_atomic_open(gc_atomic_file *a, const char *path);
GC_API int gc_atomic_commit(gc_atomic_file *a);
/* Give up: close and remove the temporary file (a no-op after a failed
 * open or a commit). */
GC_API void gc_atomic_abort(gc_atomic_file *a);

/* mkdir -p: path and its missing parents (mode 0777 less the umask).
 * GC_EIO "cannot create directory P: reason" naming the first that
 * fails, or path itself when it exists but is not a directory. */
GC_API int gc_make_dirs(const char *path);

#endif
