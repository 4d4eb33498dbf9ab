/* fuzz_idx.c -- libFuzzer target: any bytes as an IDX file (plain or gzip)
 * must be read or refused with a message, never crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gradchain/error.h"
#include "gradchain/idx.h"

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!path[0]) {
    snprintf(path, sizeof path, "/tmp/gradchain-fuzz-idx-%ld", (long)getpid());
  }
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  gc_idx *idx = NULL;
  int st = gc_idx_read(&idx, path);
  if (st == GC_OK) {
    /* a success must be self-consistent */
    size_t n = 1;
    for (unsigned i = 0; i < idx->ndims; i++) n *= idx->dims[i];
    if (n != idx->size) abort();
    volatile uint8_t sink = idx->size ? idx->data[idx->size - 1] : 0;
    (void)sink;
  } else if (!gc_strerror_last()[0]) {
    abort(); /* an error must say what is wrong */
  }
  gc_idx_free(idx);
  return 0;
}
