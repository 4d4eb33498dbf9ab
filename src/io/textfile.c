/* textfile.c -- read a whole, bounded text file (saved networks,
 * checkpoints). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "io/textfile.h"

int gc_read_text_file(char **out, size_t *outlen, const char *path,
                      size_t max, const char *what)
{
  *out = NULL;
  *outlen = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return gc_error(GC_EIO, "cannot open %s: %s", path, strerror(errno));
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  int st = GC_OK;
  while (buf) {
    if (len == cap) {
      if (cap >= max) {
        st = gc_error(GC_EFORMAT, "%s: larger than %zu bytes: not %s", path,
                      max, what);
        break;
      }
      char *nb = realloc(buf, 2 * cap);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + len, 1, cap - len, f);
    len += r;
    if (r == 0) {
      if (ferror(f))
        st = gc_error(GC_EIO, "cannot read %s: %s", path, strerror(errno));
      break;
    }
  }
  fclose(f);
  if (!buf) return gc_error(GC_ENOMEM, "out of memory reading %s", path);
  if (st) {
    free(buf);
    return st;
  }
  *out = buf;
  *outlen = len;
  return GC_OK;
}
