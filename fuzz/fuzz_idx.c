/* fuzz_idx.c -- libFuzzer target for the IDX reader (plain and gzip).
 *
 * gc_idx_read() takes a path, so the input is written to an anonymous
 * in-memory file (memfd) and read back through /proc/self/fd/N: no disk,
 * no temporary names.  An input starting 0x1f 0x8b exercises the gzip path;
 * the fuzzer also gets a gzip-compressed copy of every input, so the
 * checks behind the inflater see the same mutations as the plain ones. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "gradchain/error.h"
#include "gradchain/idx.h"

static int fd = -1;
static char path[64];

/* A successful read must agree with the bytes, decoded here by hand:
 * plain holds the uncompressed file (for the gzip case, the bytes that
 * were compressed). */
static void check(const gc_idx *idx, const uint8_t *plain, size_t n)
{
  if (n < 4 || plain[0] || plain[1] || plain[2] != 8) abort();
  unsigned nd = plain[3];
  if (idx->ndims != nd || nd < 1 || nd > GC_IDX_MAX_DIMS) abort();
  size_t h = 4 + 4 * (size_t)nd, prod = 1;
  if (n < h) abort();
  for (unsigned i = 0; i < nd; i++) {
    const uint8_t *p = plain + 4 + 4 * i;
    size_t d = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
               p[3];
    if (idx->dims[i] != d) abort();
    prod *= d;
  }
  if (prod != idx->size || n - h != idx->size) abort();
  if (idx->size && memcmp(idx->data, plain + h, idx->size)) abort();
}

static void read_bytes(const uint8_t *data, size_t size, const uint8_t *plain,
                       size_t n)
{
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
    abort();
  gc_idx *idx = NULL;
  int st = gc_idx_read(&idx, path);
  if (st == GC_OK) {
    if (plain) check(idx, plain, n);
    gc_idx_free(idx);
  } else if (idx || !*gc_strerror_last()) {
    abort(); /* a failure must leave no result and must say why */
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (fd < 0) {
    fd = memfd_create("fuzz_idx", 0);
    if (fd < 0) abort();
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  read_bytes(data, size, gz ? NULL : data, size);
  /* the same bytes behind gzip (small inputs only: keep it fast) */
  if (size < 4096 && !gz) {
    uLongf zlen = compressBound(size) + 32;
    uint8_t *z = malloc(zlen);
    z_stream s;
    memset(&s, 0, sizeof s);
    if (!z || deflateInit2(&s, 1, Z_DEFLATED, 15 + 16, 8,
                           Z_DEFAULT_STRATEGY) != Z_OK)
      abort();
    s.next_in = (Bytef *)data;
    s.avail_in = (uInt)size;
    s.next_out = z;
    s.avail_out = (uInt)zlen;
    if (deflate(&s, Z_FINISH) != Z_STREAM_END) abort();
    size_t n = s.total_out;
    deflateEnd(&s);
    read_bytes(z, n, data, size);
    free(z);
  }
  return 0;
}
