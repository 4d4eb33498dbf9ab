/* dataset.c -- turning stored bytes into a mini-batch of doubles. */
#include <string.h>

#include "gradchain/dataset.h"

void gc_dataset_batch(double *x, double *y, const gc_dataset *d,
                      const size_t *idx, size_t first, size_t B)
{
  const double s = 1.0 / 255.0;
  for (size_t i = 0; i < B; i++) {
    size_t e = idx ? idx[i] : first + i;
    const uint8_t *p = d->images + e * d->dim;
    double *xi = x + i * d->dim;
#pragma omp simd
    for (size_t k = 0; k < d->dim; k++) xi[k] = p[k] * s;
    if (y) {
      double *yi = y + i * d->nclasses;
      memset(yi, 0, d->nclasses * sizeof *yi);
      if (d->labels[e] < d->nclasses) yi[d->labels[e]] = 1.0;
    }
  }
}

void gc_dataset_prefetch(const gc_dataset *d, const size_t *idx, size_t B)
{
#if defined(__GNUC__)
  enum { LINE = 64 };
  for (size_t i = 0; i < B && d->dim; i++) {
    const uint8_t *p = d->images + idx[i] * d->dim;
    /* every cache line the row touches, its last byte's included */
    const uintptr_t first = (uintptr_t)p / LINE;
    const uintptr_t last = ((uintptr_t)p + d->dim - 1) / LINE;
    for (uintptr_t q = first; q <= last; q++)
      __builtin_prefetch((const void *)(q * LINE), 0, 3);
    __builtin_prefetch(d->labels + idx[i], 0, 3);
  }
#else
  (void)d;
  (void)idx;
  (void)B;
#endif
}
