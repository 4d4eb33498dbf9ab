/* mksynth.c -- write a small synthetic MNIST-shaped data set (the four IDX
 * files) for the command-line tests: 28x28 images whose label is drawn
 * into them as a bright bar, plus noise, so that a net can learn them.
 * Usage: mksynth DIR NTRAIN NTEST SEED */
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"

static int write_set(const char *dir, const char *img, const char *lab,
                     size_t n, gsl_rng *r)
{
  uint8_t *x = malloc(n * 784), *y = malloc(n);
  if (!x || !y) return 1;
  for (size_t i = 0; i < n; i++) {
    uint8_t label = (uint8_t)gsl_rng_uniform_int(r, 10);
    y[i] = label;
    for (size_t k = 0; k < 784; k++) {
      size_t row = k / 28;
      size_t top = 2 + 2 * (size_t)label;
      int on = row >= top && row < top + 2;
      x[i * 784 + k] = (uint8_t)(on ? 200 + gsl_rng_uniform_int(r, 56)
                                    : gsl_rng_uniform_int(r, 40));
    }
  }
  char p[4096];
  size_t d3[] = {n, 28, 28}, d1[] = {n};
  snprintf(p, sizeof p, "%s/%s", dir, img);
  int st = gc_idx_write(p, 3, d3, x);
  snprintf(p, sizeof p, "%s/%s", dir, lab);
  if (!st) st = gc_idx_write(p, 1, d1, y);
  free(x);
  free(y);
  if (st) fprintf(stderr, "mksynth: %s\n", gc_strerror_last());
  return st != 0;
}

int main(int argc, char **argv)
{
  if (argc != 5) {
    fprintf(stderr, "usage: mksynth DIR NTRAIN NTEST SEED\n");
    return 2;
  }
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, strtoul(argv[4], NULL, 10));
  int st = write_set(argv[1], "train-images-idx3-ubyte",
                     "train-labels-idx1-ubyte", strtoul(argv[2], NULL, 10), r) ||
           write_set(argv[1], "t10k-images-idx3-ubyte",
                     "t10k-labels-idx1-ubyte", strtoul(argv[3], NULL, 10), r);
  gsl_rng_free(r);
  return st;
}
