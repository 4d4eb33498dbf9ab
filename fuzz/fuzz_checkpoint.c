/* fuzz_checkpoint.c -- libFuzzer target: any text as a training checkpoint
 * must load or be refused with a message, never crash. */
#include <stdint.h>
#include <stdlib.h>

#include "gradchain/checkpoint.h"
#include "gradchain/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  gc_checkpoint *ck = NULL;
  int st = gc_checkpoint_from_json(&ck, (const char *)data, size, "fuzz");
  if (st != GC_OK && !gc_strerror_last()[0]) abort();
  gc_checkpoint_free(ck);
  return 0;
}
