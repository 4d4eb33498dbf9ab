/* idx.c -- reading and writing IDX files (plain or gzip-compressed).
 *
 * Everything the header claims is checked before the data are allocated:
 * for a plain file against the file's size; for a gzip file (whose length
 * is unknown until it is inflated) against GC_IDX_MAX_BYTES, and the data
 * buffer then grows geometrically with what the stream really holds, so
 * a lying header cannot make us allocate much more than the file's
 * contents.  After the data, a gzip stream must end (that read also makes
 * zlib check the CRC). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "gradchain/error.h"
#include "gradchain/idx.h"
#include "io/atomic.h"

#define HDR_MAX (4 + 4 * GC_IDX_MAX_DIMS)

/* A source of bytes: a plain file descriptor or a gzip stream. */
typedef struct source {
  const char *path;
  int fd;       /* plain: the descriptor; -1 once handed to zlib */
  gzFile gz;    /* gzip: the stream, else NULL */
} source;

/* zlib's message for a stream opened by gzdopen() starts "<fd:N>: ":
 * the descriptor number means nothing to a user (the path is named
 * already), so drop it. */
static const char *gz_message(gzFile gz, int *zerr)
{
  const char *m = gzerror(gz, zerr);
  const char *c = strstr(m, ">: ");
  if (!strncmp(m, "<fd:", 4) && c) m = c + 3;
  return m;
}

/* Read up to n bytes into buf; *nread is the number read (short only at
 * the end of the data).  Returns a status (the error recorded). */
static int src_read(source *s, void *buf, size_t n, size_t *nread)
{
  unsigned char *p = buf;
  size_t got = 0;
  *nread = 0;
  while (got < n) {
    size_t want = n - got;
    if (want > ((size_t)1 << 30)) want = (size_t)1 << 30;
    if (s->gz) {
      int r = gzread(s->gz, p + got, (unsigned)want);
      if (r < 0) {
        int zerr;
        const char *m = gz_message(s->gz, &zerr);
        if (zerr == Z_ERRNO)
          return gc_error(GC_EIO, "%s: read error: %s", s->path,
                          strerror(errno));
        return gc_error(GC_EFORMAT, "%s: corrupt gzip data (%s)", s->path,
                        m);
      }
      if (r == 0) {
        int zerr;
        const char *m = gz_message(s->gz, &zerr);
        if (zerr == Z_BUF_ERROR)
          return gc_error(GC_EFORMAT, "%s: truncated gzip stream (%s)",
                          s->path, m);
        break;
      }
      got += (size_t)r;
    } else {
      ssize_t r = read(s->fd, p + got, want);
      if (r < 0) {
        if (errno == EINTR) continue;
        return gc_error(GC_EIO, "%s: read error: %s", s->path,
                        strerror(errno));
      }
      if (r == 0) break;
      got += (size_t)r;
    }
  }
  *nread = got;
  return GC_OK;
}

static void src_close(source *s)
{
  if (s->gz) gzclose(s->gz);
  else if (s->fd >= 0) close(s->fd);
}

static uint32_t be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

/* "60000 x 28 x 28 = 47040000 bytes", "5 bytes" (claim: the product,
 * ULLONG_MAX when too large to print) */
static const char *declared(char *buf, size_t len, const gc_idx *idx,
                            unsigned long long claim)
{
  size_t k = 0;
  buf[0] = '\0';
  if (idx->ndims > 1) {
    for (unsigned i = 0; i < idx->ndims && k < len; i++)
      k += (size_t)snprintf(buf + k, len - k, "%s%zu", i ? " x " : "",
                            idx->dims[i]);
    if (k < len && claim != ULLONG_MAX)
      k += (size_t)snprintf(buf + k, len - k, " = ");
  }
  if (k < len) {
    if (claim != ULLONG_MAX)
      snprintf(buf + k, len - k, "%llu byte%s", claim, claim == 1 ? "" : "s");
    else
      snprintf(buf + k, len - k, " bytes");
  }
  return buf;
}

/* Read and check the header (magic, type, ndims, dims) from s; fill idx's
 * ndims and dims.  *claim is the product of the dims, saturated at
 * ULLONG_MAX (at most 4 dims below 2^31 each cannot overflow that
 * unnoticed); idx->size is set only when *claim <= GC_IDX_MAX_BYTES. */
static int read_header(source *s, gc_idx *idx, unsigned long long *claim)
{
  unsigned char h[HDR_MAX];
  size_t r;
  int st = src_read(s, h, 4, &r);
  if (st) return st;
  if (r < 4)
    return gc_error(GC_EFORMAT, "%s: too short for an IDX header (%zu "
                    "byte%s)", s->path, r, r == 1 ? "" : "s");
  if (h[0] != 0 || h[1] != 0)
    return gc_error(GC_EFORMAT, "%s: bad magic number 0x%02x%02x%02x%02x "
                    "(an IDX file starts with two zero bytes)", s->path, h[0],
                    h[1], h[2], h[3]);
  if (h[2] != 0x08)
    return gc_error(GC_EFORMAT, "%s: data type 0x%02x is not supported (only "
                    "unsigned byte, 0x08)", s->path, h[2]);
  unsigned nd = h[3];
  if (nd < 1 || nd > GC_IDX_MAX_DIMS)
    return gc_error(GC_EFORMAT, "%s: %u dimensions in the header (1 to %d "
                    "supported)", s->path, nd, GC_IDX_MAX_DIMS);
  st = src_read(s, h + 4, 4 * (size_t)nd, &r);
  if (st) return st;
  if (r < 4 * (size_t)nd)
    return gc_error(GC_EFORMAT, "%s: truncated header: %u dimension%s "
                    "declared but the file ends after %zu bytes", s->path, nd,
                    nd == 1 ? "" : "s", 4 + r);
  idx->ndims = nd;
  unsigned long long prod = 1;
  for (unsigned i = 0; i < nd; i++) {
    uint32_t d = be32(h + 4 + 4 * i);
    if (d == 0)
      return gc_error(GC_EFORMAT, "%s: dimension %u of %u is 0 (no data)",
                      s->path, i + 1, nd);
    if (d > GC_IDX_MAX_DIM)
      return gc_error(GC_EFORMAT, "%s: dimension %u is %lu, more than 2^31-1 "
                      "(corrupt header)", s->path, i + 1, (unsigned long)d);
    idx->dims[i] = d;
    prod = prod > ULLONG_MAX / d ? ULLONG_MAX : prod * d;
  }
  *claim = prod;
  if (prod <= GC_IDX_MAX_BYTES) idx->size = (size_t)prod;
  return GC_OK;
}

static int too_big_error(const source *s, const gc_idx *idx,
                         unsigned long long claim)
{
  char db[160];
  return gc_error(GC_ERANGE, "%s: the header declares %s of data, more than "
                  "the reader's limit of %zu MiB", s->path,
                  declared(db, sizeof db, idx, claim), GC_IDX_MAX_BYTES >> 20);
}

static int read_plain(source *s, gc_idx *idx, unsigned long long fsize)
{
  unsigned long long claim;
  int st = read_header(s, idx, &claim);
  if (st) return st;
  char db[160];
  unsigned long long have = fsize - (4 + 4ULL * idx->ndims);
  declared(db, sizeof db, idx, claim);
  if (have < claim)
    return gc_error(GC_EFORMAT, "%s: truncated: the header declares %s of "
                    "data but the file holds %llu", s->path, db, have);
  if (have > claim)
    return gc_error(GC_EFORMAT, "%s: %llu byte%s of trailing data after the "
                    "%s the header declares", s->path, have - claim,
                    have - claim == 1 ? "" : "s", db);
  if (claim > GC_IDX_MAX_BYTES) return too_big_error(s, idx, claim);
  idx->data = malloc(idx->size);
  if (!idx->data)
    return gc_error(GC_ENOMEM, "%s: cannot allocate %zu bytes", s->path,
                    idx->size);
  size_t r;
  st = src_read(s, idx->data, idx->size, &r);
  if (st) return st;
  if (r != idx->size)
    return gc_error(GC_EIO, "%s: short read (%zu of %zu bytes; did the file "
                    "change?)", s->path, r, idx->size);
  return GC_OK;
}

static int read_gzip(source *s, gc_idx *idx)
{
  unsigned long long claim;
  int st = read_header(s, idx, &claim);
  if (st) return st;
  if (claim > GC_IDX_MAX_BYTES) return too_big_error(s, idx, claim);
  char db[160];
  declared(db, sizeof db, idx, claim);
  size_t cap = idx->size < ((size_t)1 << 20) ? idx->size : (size_t)1 << 20;
  size_t got = 0;
  idx->data = malloc(cap);
  if (!idx->data)
    return gc_error(GC_ENOMEM, "%s: cannot allocate %zu bytes", s->path, cap);
  while (got < idx->size) {
    if (got == cap) {
      size_t nc = cap * 2 < idx->size ? cap * 2 : idx->size;
      uint8_t *p = realloc(idx->data, nc);
      if (!p)
        return gc_error(GC_ENOMEM, "%s: cannot allocate %zu bytes", s->path,
                        nc);
      idx->data = p;
      cap = nc;
    }
    size_t r;
    st = src_read(s, idx->data + got, cap - got, &r);
    if (st) return st;
    got += r;
    if (got < cap) break; /* end of stream */
  }
  if (got < idx->size)
    return gc_error(GC_EFORMAT, "%s: truncated: the header declares %s of "
                    "data but the gzip stream holds %zu", s->path, db, got);
  unsigned char extra[64];
  size_t r;
  st = src_read(s, extra, sizeof extra, &r);
  if (st) return st;
  if (r > 0)
    return gc_error(GC_EFORMAT, "%s: trailing data after the %s the header "
                    "declares", s->path, db);
  return GC_OK;
}

int gc_idx_read(gc_idx **out, const char *path)
{
  *out = NULL;
  source s = {path, -1, NULL};
  s.fd = open(path, O_RDONLY | O_CLOEXEC);
  if (s.fd < 0)
    return gc_error(GC_EIO, "cannot open %s: %s", path, strerror(errno));
  struct stat sb;
  if (fstat(s.fd, &sb) != 0) {
    int e = errno;
    close(s.fd);
    return gc_error(GC_EIO, "cannot stat %s: %s", path, strerror(e));
  }
  if (!S_ISREG(sb.st_mode)) {
    close(s.fd);
    return gc_error(GC_EIO, "%s is not a regular file", path);
  }
  if (sb.st_size == 0) {
    close(s.fd);
    return gc_error(GC_EFORMAT, "%s is empty (an IDX file has at least a "
                    "4-byte header)", path);
  }
  gc_idx *idx = calloc(1, sizeof *idx);
  if (!idx) {
    close(s.fd);
    return gc_error(GC_ENOMEM, "out of memory reading %s", path);
  }
  unsigned char m[2];
  size_t r;
  int st = src_read(&s, m, 2, &r);
  if (st) {
    /* recorded */
  } else if (lseek(s.fd, 0, SEEK_SET) != 0) {
    st = gc_error(GC_EIO, "cannot seek in %s: %s", path, strerror(errno));
  } else if (r == 2 && m[0] == 0x1f && m[1] == 0x8b) {
    s.gz = gzdopen(s.fd, "rb");
    if (!s.gz) {
      st = gc_error(GC_ENOMEM, "cannot open a gzip stream on %s", path);
    } else {
      s.fd = -1; /* owned by zlib now */
      gzbuffer(s.gz, 1 << 17);
      st = read_gzip(&s, idx);
    }
  } else {
    st = read_plain(&s, idx, (unsigned long long)sb.st_size);
  }
  src_close(&s);
  if (st) {
    gc_idx_free(idx);
    return st;
  }
  *out = idx;
  return GC_OK;
}

void gc_idx_free(gc_idx *idx)
{
  if (!idx) return;
  free(idx->data);
  free(idx);
}

int gc_idx_write(const char *path, unsigned ndims, const size_t *dims,
                 const uint8_t *data)
{
  if (ndims < 1 || ndims > GC_IDX_MAX_DIMS)
    return gc_error(GC_EINVAL, "gc_idx_write %s: %u dimensions (1 to %d "
                    "supported)", path, ndims, GC_IDX_MAX_DIMS);
  unsigned char h[HDR_MAX] = {0, 0, 0x08, (unsigned char)ndims};
  size_t size = 1;
  for (unsigned i = 0; i < ndims; i++) {
    if (dims[i] < 1 || dims[i] > GC_IDX_MAX_DIM)
      return gc_error(GC_EINVAL, "gc_idx_write %s: dimension %u is %zu (1 to "
                      "2^31-1 allowed)", path, i + 1, dims[i]);
    if (size > SIZE_MAX / dims[i])
      return gc_error(GC_ERANGE, "gc_idx_write %s: data too large", path);
    size *= dims[i];
    unsigned char *p = h + 4 + 4 * i;
    p[0] = (unsigned char)(dims[i] >> 24);
    p[1] = (unsigned char)(dims[i] >> 16);
    p[2] = (unsigned char)(dims[i] >> 8);
    p[3] = (unsigned char)dims[i];
  }
  gc_atomic_file out;
  int st = gc_atomic_open(&out, path);
  if (st) return st;
  /* a failed write shows in ferror */
  fwrite(h, 1, 4 + 4 * (size_t)ndims, out.f);
  fwrite(data, 1, size, out.f);
  return gc_atomic_commit(&out);
}
