/* gradchain/kernels.h -- the dense matrix kernels under the net.
 * Row-major, no aliasing between outputs and inputs. */
#ifndef GRADCHAIN_KERNELS_H
#define GRADCHAIN_KERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Z[B x n] = A[B x m] * W[n x m]^T + b (b broadcast over rows) */
void gc_kernel_affine(double *Z, size_t B, size_t n, size_t m,
                      const double *A, const double *W, const double *b);

/* P[B x m] = (D[B x n] * W[n x m]) .* F[B x m]; F NULL: no product */
void gc_kernel_backprop(double *P, size_t B, size_t n, size_t m,
                        const double *D, const double *W, const double *F);

/* G[n x m] = D[B x n]^T * A[B x m];  g[n] = sum over rows of D */
void gc_kernel_grad(double *G, double *g, size_t B, size_t n, size_t m,
                    const double *D, const double *A);

/* The SGD step of one layer's weights without storing their gradient:
 *   W[n x m] <- a*W - s*G,  G = D[B x n]^T * A[B x m] summed exactly as
 *   gc_kernel_grad sums it;  g[n] = sum over rows of D (as there).
 * a*W and s*G are rounded separately, then subtracted (no fused multiply-
 * add), so W ends bit for bit as gc_kernel_grad followed by the loop
 * w = a*w - s*G would leave it.  Returns 0 if every new weight is finite,
 * GC_ENUMERIC (with a message) if one is NaN or infinite (all of W is
 * updated either way). */
int gc_kernel_grad_step(double *W, double *g, size_t B, size_t n, size_t m,
                        const double *D, const double *A, double a, double s);

#ifdef __cplusplus
}
#endif
#endif
