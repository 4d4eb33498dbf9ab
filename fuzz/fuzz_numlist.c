/* fuzz_numlist.c -- libFuzzer target: the command line's number and list
 * parsers on any text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The parsers print their one-line errors on stderr: run this target with
 * -close_fd_mask=2 (scripts/fuzz-check does). */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  double *d = NULL, x;
  size_t *z = NULL, n = 0, v;
  if (cli_parse_doubles(s, "--weights", &d, &n) == 0) {
    for (size_t i = 0; i < n; i++)
      if (d[i] != d[i]) abort(); /* NaN must be refused */
    free(d);
  }
  if (cli_parse_sizes(s, "--sizes", 1, 1000, &z, &n) == 0) {
    for (size_t i = 0; i < n; i++)
      if (z[i] < 1 || z[i] > 1000) abort();
    free(z);
  }
  (void)cli_parse_double(s, "--eta", &x);
  (void)cli_parse_size(s, "--depth", 1, 100, &v);
  free(s);
  return 0;
}
