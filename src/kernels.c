/* kernels.c -- dense kernels for the mini-batch forward and backward
 * passes.  Every sum runs in a fixed order, so results are reproducible. */
#include <string.h>

#include "gradchain/kernels.h"

void gc_kernel_affine(size_t B, size_t n, size_t m, const double *A,
                      const double *W, const double *b, double *Z)
{
  for (size_t i = 0; i < B; i++) {
    const double *x = A + i * m;
    double *z = Z + i * n;
    for (size_t j = 0; j < n; j++) {
      const double *w = W + j * m;
      double s = 0.0;
      for (size_t k = 0; k < m; k++) s += w[k] * x[k];
      z[j] = s + b[j];
    }
  }
}

void gc_kernel_backprop(size_t B, size_t n, size_t m, const double *D,
                        const double *W, const double *F, double *P)
{
  for (size_t i = 0; i < B; i++) {
    const double *d = D + i * n;
    double *p = P + i * m;
    memset(p, 0, m * sizeof *p);
    for (size_t j = 0; j < n; j++) {
      const double dj = d[j];
      const double *w = W + j * m;
      for (size_t k = 0; k < m; k++) p[k] += dj * w[k];
    }
    const double *f = F + i * m;
    for (size_t k = 0; k < m; k++) p[k] *= f[k];
  }
}

void gc_kernel_grad(size_t B, size_t n, size_t m, const double *D,
                    const double *A, double *G, double *g)
{
  memset(G, 0, n * m * sizeof *G);
  memset(g, 0, n * sizeof *g);
  for (size_t i = 0; i < B; i++) {
    const double *d = D + i * n;
    const double *a = A + i * m;
    for (size_t j = 0; j < n; j++) {
      const double dj = d[j];
      double *gr = G + j * m;
      for (size_t k = 0; k < m; k++) gr[k] += dj * a[k];
      g[j] += dj;
    }
  }
}
