/* textfile.h -- internal: read a whole (bounded) text file into memory. */
#ifndef GRADCHAIN_TEXTFILE_H
#define GRADCHAIN_TEXTFILE_H

#include <stddef.h>

/* Read path into a malloc'ed *buf of *len bytes.  A file larger than max
 * bytes is refused as "not WHAT" (GC_EFORMAT); open/read failures are
 * GC_EIO, naming the file. */
int gc_read_text_file(char **buf, size_t *len, const char *path, size_t max,
                      const char *what);

#endif
