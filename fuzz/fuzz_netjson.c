/* fuzz_netjson.c -- libFuzzer target: any text as a saved network (network2
 * JSON) must load or be refused with a message, never crash. */
#include <stdint.h>
#include <stdlib.h>

#include "gradchain/error.h"
#include "gradchain/net.h"
#include "gradchain/netio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  gc_net *net = NULL;
  int st = gc_net_from_json(&net, (const char *)data, size);
  if (st == GC_OK) {
    if (!net || net->nlayers < 2) abort();
    volatile double sink = net->p.data[net->p.n - 1];
    (void)sink;
  } else if (!gc_strerror_last()[0]) {
    abort();
  }
  gc_net_free(net);
  return 0;
}
