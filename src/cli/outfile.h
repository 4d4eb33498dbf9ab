/* outfile.h -- files written whole or not at all (temporary file, fsync,
 * rename), and gnuplot figures made from them. */
#ifndef GRADCHAIN_OUTFILE_H
#define GRADCHAIN_OUTFILE_H

#include <stdio.h>

#include "io/atomic.h"

typedef struct outfile {
  FILE *f;          /* write here */
  gc_atomic_file a; /* the temporary file behind f */
} outfile;

/* Open DIR/NAME for writing (DIR may be NULL: NAME is a path).  Prints
 * the error and returns non-zero on failure. */
int outfile_open(outfile *o, const char *dir, const char *name);
/* Flush, fsync, close and rename into place; on any failure removes the
 * temporary file, prints the error and returns non-zero. */
int outfile_commit(outfile *o);
/* Give up: close and remove the temporary file. */
void outfile_abort(outfile *o);

/* mkdir -p */
int make_dirs(const char *path);

/* Is gnuplot on the PATH (with the pngcairo terminal)? */
int plot_available(void);
/* Run gnuplot on DIR/SCRIPT (from inside DIR).  0 on success. */
int plot_run(const char *dir, const char *script);

#endif
