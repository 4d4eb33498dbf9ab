/* atomic.c -- files written whole or not at all; mkdir -p. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gradchain/error.h"
#include "io/atomic.h"

static int fail(gc_atomic_file *a, int e)
{
  int st = gc_error(GC_EIO, "cannot write %s: %s", a->path,
                    strerror(e ? e : EIO));
  gc_atomic_abort(a);
  return st;
}

int gc_atomic_open(gc_atomic_file *a, const char *path)
{
  static unsigned counter; /* names differ between writers of one process */
  memset(a, 0, sizeof *a);
  size_t n = strlen(path) + 48;
  a->path = strdup(path);
  a->tmp = malloc(n);
  if (!a->path || !a->tmp) {
    gc_atomic_abort(a);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  int fd = -1, e = 0;
  for (int tries = 0; fd < 0 && tries < 100; tries++) {
    unsigned k;
#pragma omp atomic capture
    k = counter++;
    snprintf(a->tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(), k);
    /* O_EXCL: never another writer's file; 0666: the umask decides */
    fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    e = errno;
    if (fd < 0 && e != EEXIST) break;
  }
  if (fd < 0) {
    free(a->tmp); /* nothing to remove */
    a->tmp = NULL;
    return fail(a, e);
  }
  a->f = fdopen(fd, "w");
  if (!a->f) {
    e = errno;
    close(fd);
    return fail(a, e);
  }
  return GC_OK;
}

int gc_atomic_commit(gc_atomic_file *a)
{
  int e = 0;
  if (fflush(a->f)) e = errno;
  else if (ferror(a->f)) e = EIO; /* an earlier write failed */
  if (!e && fsync(fileno(a->f))) e = errno;
  if (fclose(a->f) && !e) e = errno;
  a->f = NULL;
  if (!e && rename(a->tmp, a->path)) e = errno;
  if (e) return fail(a, e);
  free(a->tmp);
  a->tmp = NULL;
  /* make the rename itself durable (best effort) */
  int dfd = open(dirname(a->path), O_RDONLY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  free(a->path);
  a->path = NULL;
  return GC_OK;
}

void gc_atomic_abort(gc_atomic_file *a)
{
  if (a->f) fclose(a->f);
  if (a->tmp) unlink(a->tmp);
  free(a->tmp);
  free(a->path);
  memset(a, 0, sizeof *a);
}

int gc_make_dirs(const char *path)
{
  char *p = strdup(path);
  if (!p) return gc_error(GC_ENOMEM, "out of memory");
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        int st = gc_error(GC_EIO, "cannot create directory %s: %s", p,
                          strerror(errno));
        free(p);
        return st;
      }
      *s = c;
      if (!c) break;
    }
  }
  free(p);
  struct stat sb;
  if (stat(path, &sb) != 0)
    return gc_error(GC_EIO, "cannot create directory %s: %s", path,
                    strerror(errno));
  if (!S_ISDIR(sb.st_mode))
    return gc_error(GC_EIO, "cannot create directory %s: %s", path,
                    strerror(ENOTDIR));
  return GC_OK;
}
