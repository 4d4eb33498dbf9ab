/* fuzz_netjson.c -- libFuzzer target for the network2 JSON reader.
 *
 * gc_net_from_json() takes a length, not a C string: the bytes are copied
 * into a buffer of exactly that size, so AddressSanitizer sees any read
 * past the end (the text is not NUL-terminated).  A net that loads is
 * written back out (by printf here, not by gc_net_save) and must load
 * again to the same bits. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/netio.h"

/* network2's layout written here with printf ("%.17g" is exact), read
 * back: the same sizes, cost and, bit for bit, parameters. */
static void round_trip(const gc_net *net)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) abort();
  size_t L = net->nlayers;
  fputs("{\"sizes\": [", f);
  for (size_t l = 0; l < L; l++) fprintf(f, "%s%zu", l ? ", " : "", net->sizes[l]);
  fputs("], \"weights\": [", f);
  for (size_t l = 1; l < L; l++) {
    fputs(l > 1 ? ", [" : "[", f);
    for (size_t i = 0; i < net->sizes[l]; i++) {
      fputs(i ? ", [" : "[", f);
      for (size_t k = 0; k < net->sizes[l - 1]; k++)
        fprintf(f, "%s%.17g", k ? ", " : "",
                net->p.w[l][i * net->sizes[l - 1] + k]);
      fputc(']', f);
    }
    fputc(']', f);
  }
  fputs("], \"biases\": [", f);
  for (size_t l = 1; l < L; l++) {
    fputs(l > 1 ? ", [" : "[", f);
    for (size_t i = 0; i < net->sizes[l]; i++)
      fprintf(f, "%s[%.17g]", i ? ", " : "", net->p.b[l][i]);
    fputc(']', f);
  }
  fprintf(f, "], \"cost\": \"%s\"}", gc_cost_network2_name(net->cost));
  fclose(f);
  gc_net *back = NULL;
  if (gc_net_from_json(&back, buf, len) != GC_OK) abort();
  if (back->nlayers != L || back->cost != net->cost || back->p.n != net->p.n)
    abort();
  for (size_t l = 0; l < L; l++)
    if (back->sizes[l] != net->sizes[l]) abort();
  if (memcmp(back->p.data, net->p.data, net->p.n * sizeof(double))) abort();
  gc_net_free(back);
  free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size ? size : 1);
  if (!text) abort();
  memcpy(text, data, size);
  gc_net *net = NULL;
  int st = gc_net_from_json(&net, text, size);
  if (st == GC_OK) {
    /* a loaded net has at least two layers and finite parameters */
    if (!net || net->nlayers < 2) abort();
    for (size_t k = 0; k < net->p.n; k++)
      if (!isfinite(net->p.data[k])) abort();
    round_trip(net);
    gc_net_free(net);
  } else if (net || !*gc_strerror_last()) {
    abort();
  }
  free(text);
  return 0;
}
