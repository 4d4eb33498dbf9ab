/* gradchain/kernels.h -- the dense matrix kernels under the net.
 * Row-major, no aliasing between outputs and inputs. */
#ifndef GRADCHAIN_KERNELS_H
#define GRADCHAIN_KERNELS_H

#include "gradchain/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Z[B x n] = A[B x m] * W[n x m]^T + b (b broadcast over rows) */
GC_API void gc_kernel_affine(double *Z, size_t B, size_t n, size_t m,
                             const double *A, const double *W,
                             const double *b);

/* P[B x m] = (D[B x n] * W[n x m]) .* F[B x m] */
GC_API void gc_kernel_backprop(double *P, size_t B, size_t n, size_t m,
                               const double *D, const double *W,
                               const double *F);

/* G[n x m] = D[B x n]^T * A[B x m];  g[n] = sum over rows of D */
GC_API void gc_kernel_grad(double *G, double *g, size_t B, size_t n, size_t m,
                           const double *D, const double *A);

/* The SGD step of one layer's weights without storing their gradient:
 *   W[n x m] <- a*W - s*G,  G = D[B x n]^T * A[B x m] summed exactly as
 *   gc_kernel_grad sums it;  g[n] = sum over rows of D (as there).
 * a*W and s*G are rounded separately, then subtracted (no fused multiply-
 * add), so W ends bit for bit as gc_kernel_grad followed by the loop
 * w = a*w - s*G would leave it.  Returns 0 if every new weight is finite,
 * GC_ENUMERIC (with a message) if one is NaN or infinite (all of W is
 * updated either way). */
GC_API int gc_kernel_grad_step(double *W, double *g, size_t B, size_t n,
                               size_t m, const double *D, const double *A,
                               double a, double s);

/* The instruction set the kernels were built for: "avx512", "avx2" (AVX2
 * with FMA) or "portable" (scalar C).  Results are bit-identical for a
 * given seed across runs and thread counts on one build; across builds
 * only when this names the same set (avx512 and avx2 sum in different
 * orders), and a portable build also rounds the sigmoid differently.
 * Saved networks and checkpoints record it as "isa". */
GC_API const char *gc_build_isa(void);

/* y[i] = e^x[i], i < n, within 1 ulp (libm's exp in a build without fused
 * multiply-adds); the same bits for x[i] wherever it
 * stands in x and whatever n (every lane computes alike).  Arguments
 * outside [-708, 708] (results subnormal, zero or overflowing) and NaN go
 * to libm's exp. */
GC_API void gc_kernel_exp(double *y, size_t n, const double *x);

/* The logistic sigmoid and its derivative from t = e^-|z| (gc_kernel_exp's
 * arithmetic): d = 1/(1+t), a = z >= 0 ? d : t d, fp = t d d. */
GC_API void gc_kernel_sigmoid(double *a, double *fp, size_t n, const double *z);

/* n doubles, zeroed, starting at a 64-byte boundary (a cache line and an
 * AVX-512 vector): the kernels run about 1.3 times faster on rows that
 * start there than on malloc's 16-byte boundaries, since no vector load
 * then spans two cache lines.  NULL if out of memory; release with free(). */
GC_API double *gc_kernel_calloc(size_t n);

/* n rounded up to a whole number of 64-byte lines of doubles (a multiple
 * of 8): offsets so padded keep rows inside one gc_kernel_calloc block on
 * 64-byte boundaries.  n must be below SIZE_MAX - 8. */
GC_API size_t gc_kernel_pad(size_t n);

#ifdef __cplusplus
}
#endif
#endif
