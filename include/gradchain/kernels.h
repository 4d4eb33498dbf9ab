/* gradchain/kernels.h -- the dense matrix kernels under the net.
 * Row-major, no aliasing between outputs and inputs. */
#ifndef GRADCHAIN_KERNELS_H
#define GRADCHAIN_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Z[B x n] = A[B x m] * W[n x m]^T + b (b broadcast over rows) */
void gc_kernel_affine(size_t B, size_t n, size_t m, const double *A,
                      const double *W, const double *b, double *Z);

/* P[B x m] = (D[B x n] * W[n x m]) .* F[B x m] */
void gc_kernel_backprop(size_t B, size_t n, size_t m, const double *D,
                        const double *W, const double *F, double *P);

/* G[n x m] = D[B x n]^T * A[B x m];  g[n] = sum over rows of D */
void gc_kernel_grad(size_t B, size_t n, size_t m, const double *D,
                    const double *A, double *G, double *g);

#ifdef __cplusplus
}
#endif
#endif
