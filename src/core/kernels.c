/* kernels.c -- dense kernels for the mini-batch forward and backward
 * passes, blocked for registers and vectorised: AVX-512, or AVX2 with FMA,
 * or portable scalar code (fma() where the target has a fast one).
 *
 * Reproducibility.  Every output element is summed in an order fixed by
 * the shapes and the build alone (each step a fused multiply-add where the
 * build has FMA, else a multiply then an add):
 *   affine:   Z[i][j] = b[j] + hsum(lanes), where lane l holds the sum of
 *             A[i][k] W[j][k] over k = l, l+VL, l+2VL, ... ascending (VL =
 *             8, 4 or 1 doubles), and hsum is the vector width's fixed
 *             reduction tree;
 *   backprop: P[i][k] = F[i][k] * (sum of D[i][j] W[j][k], j ascending);
 *   grad:     G[j][k] = sum of D[i][j] A[i][k], i ascending;
 *             g[j] = sum of D[i][j], i ascending.
 *   grad_step: W[j][k] = a*W[j][k] - s*G[j][k], G[j][k] summed as in
 *             grad, then two separately rounded products and a difference.
 * Register tiles and column panels only choose which elements are computed
 * together, never the order within one.  Threads (OpenMP, for large calls
 * only) share out output elements, never a sum, so the number of threads
 * changes no result.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif

#include "gradchain/error.h"
#include "gradchain/kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* ------------------------------------------------- vector abstraction */
#if defined(__AVX512F__)
typedef __m512d vd;
typedef __mmask8 vmask;
#define VL 8
#define VZERO() _mm512_setzero_pd()
#define VLOAD(p) _mm512_loadu_pd(p)
#define VLOADM(p, mk) _mm512_maskz_loadu_pd((mk), (p))
#define VSTORE(p, v) _mm512_storeu_pd((p), (v))
#define VSTOREM(p, mk, v) _mm512_mask_storeu_pd((p), (mk), (v))
#define VSET1(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define VMUL(a, b) _mm512_mul_pd((a), (b))
#define VSUB(a, b) _mm512_sub_pd((a), (b))
#define VMASKZ(mk, v) _mm512_maskz_mov_pd((mk), (v))
#define VHSUM(v) _mm512_reduce_add_pd(v)
INLINE vmask vmask_first(size_t r) { return (vmask)((1u << r) - 1u); }
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256d vd;
typedef __m256i vmask;
#define VL 4
#define VZERO() _mm256_setzero_pd()
#define VLOAD(p) _mm256_loadu_pd(p)
#define VLOADM(p, mk) _mm256_maskload_pd((p), (mk))
#define VSTORE(p, v) _mm256_storeu_pd((p), (v))
#define VSTOREM(p, mk, v) _mm256_maskstore_pd((p), (mk), (v))
#define VSET1(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define VMUL(a, b) _mm256_mul_pd((a), (b))
#define VSUB(a, b) _mm256_sub_pd((a), (b))
#define VMASKZ(mk, v) _mm256_and_pd(_mm256_castsi256_pd(mk), (v))
INLINE double VHSUM(vd v)
{
  __m128d lo = _mm256_castpd256_pd128(v), hi = _mm256_extractf128_pd(v, 1);
  lo = _mm_add_pd(lo, hi);
  return _mm_cvtsd_f64(_mm_add_sd(lo, _mm_unpackhi_pd(lo, lo)));
}
INLINE vmask vmask_first(size_t r)
{
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)r),
                            _mm256_setr_epi64x(0, 1, 2, 3));
}
#else
typedef double vd;
typedef int vmask;
#define VL 1
#define VZERO() 0.0
#define VLOAD(p) (*(p))
#define VLOADM(p, mk) ((mk) ? *(p) : 0.0)
#define VSTORE(p, v) (*(p) = (v))
#define VSTOREM(p, mk, v) ((mk) ? (void)(*(p) = (v)) : (void)0)
#define VSET1(x) (x)
#ifdef FP_FAST_FMA
#define VFMA(a, b, c) fma((a), (b), (c))
#else /* fma() would be a slow library call: multiply, then add */
#define VFMA(a, b, c) ((a) * (b) + (c))
#endif
#define VMUL(a, b) ((a) * (b))
#define VSUB(a, b) ((a) - (b))
#define VMASKZ(mk, v) ((mk) ? (v) : 0.0)
#define VHSUM(v) (v)
INLINE vmask vmask_first(size_t r) { return r > 0; }
#endif

/* Keep a loaded vector in a register: without this GCC folds the load into
 * every FMA that uses it, and the loads then outnumber the FMAs. */
#if VL > 1 && defined(__GNUC__)
#define VKEEP(x) __asm__("" : "+v"(x))
/* Make pointer p depend on vector v, so that loads through p stay after
 * the computation of v.  The SGD step's a and s are read through such a
 * pointer after the multiply-add loop: otherwise GCC 12 broadcasts them
 * before it, and the loop then runs out of registers (its y vectors are
 * spilled to the stack). */
#define VAFTER(p, v) __asm__("" : "+r"(p) : "v"(v))
#else
#define VKEEP(x) ((void)0)
#define VAFTER(p, v) ((void)0)
#endif

#ifdef _OPENMP
#define GC_PRAGMA(x) _Pragma(#x)
#else
#define GC_PRAGMA(x)
#endif

/* Calls doing fewer multiply-adds than this run on one thread: below it a
 * split call is faster alone but the epoch around it is slower (W and G
 * move between the cores' caches at every mini-batch, and the idle thread
 * spins); the measurements are in bench/README.md. */
#ifndef GC_KERNEL_PAR_MIN
#define GC_KERNEL_PAR_MIN ((size_t)1 << 25)
#endif

/* ------------------------------------------------------------- affine */

/* Register tile of the affine kernel: AR rows of A times AC rows of W,
 * AR*AC accumulators; per step AR+AC loads feed AR*AC FMAs.  5 x 5 (25
 * accumulators, 5 + 5 loaded vectors: 30 of AVX-512's 32 registers) fits
 * a mini-batch of 10 and 30 neurons exactly. */
#ifndef AR
#define AR 5
#endif
#ifndef AC
#define AC 5
#endif
/* Work unit of the threaded path: ARG rows by ACG neurons. */
#define ARG ((size_t)4 * AR)
#ifndef ACG
#define ACG ((size_t)3 * AC)
#endif
/* K panels: the AR rows of A are read once per neuron tile; at 784 inputs
 * they are 31 KB, which with the W rows streaming through does not stay in
 * a 48 KB L1, and both then come from L2 at every tile.  So the inputs are
 * cut into panels of AKP (a multiple of VL): the panel of A (5 x 256
 * doubles, 10 KB) stays in L1 while AKG neuron tiles use it, and each
 * tile's accumulators wait in a buffer (AKG tiles, 12.8 KB) for the next
 * panel.  A lane's sum goes on where it stopped: the same order, the same
 * bits. */
#ifndef AKPV
#define AKPV 32
#endif
#define AKP ((size_t)AKPV * VL)
#define AKG ((size_t)8)

/* acc[r][c] += A[r][k..k+VL) * W[c][k..k+VL) lane by lane, the vectors
 * loaded under mask mk if MASKED. */
INLINE void affine_step(size_t R, size_t C, size_t m, const double *A,
                        const double *W, size_t k, int MASKED, vmask mk,
                        vd acc[AR][AC])
{
  vd w[AC];
#pragma GCC unroll 8
  for (size_t c = 0; c < C; c++) {
    w[c] = MASKED ? VLOADM(W + c * m + k, mk) : VLOAD(W + c * m + k);
    VKEEP(w[c]);
  }
#pragma GCC unroll 8
  for (size_t r = 0; r < R; r++) {
    vd a = MASKED ? VLOADM(A + r * m + k, mk) : VLOAD(A + r * m + k);
#pragma GCC unroll 8
    for (size_t c = 0; c < C; c++) acc[r][c] = VFMA(a, w[c], acc[r][c]);
  }
}

/* Z[r][c] = b[c] + hsum(sum_k A[r][k] W[c][k]) for r < R, c < C, with R <=
 * AR and C <= AC; lane l of the sum takes k = l, l + VL, ... ascending.
 * This call adds inputs [k0, k1) (k1 == m or a multiple of VL): its
 * accumulators start at zero if k0 == 0, else from buf; they end in Z if
 * k1 == m, else in buf. */
INLINE void affine_tile(size_t R, size_t C, size_t n, size_t m, size_t k0,
                        size_t k1, const double *A, const double *W,
                        const double *b, double *Z, vd *buf)
{
  vd acc[AR][AC];
#pragma GCC unroll 8
  for (size_t r = 0; r < R; r++)
#pragma GCC unroll 8
    for (size_t c = 0; c < C; c++)
      acc[r][c] = k0 ? buf[r * AC + c] : VZERO();
#if VL == 8
  /* one loop, its last vector masked (free with AVX-512): a separate
   * masked step after the loop made GCC 12 spill an accumulator of the
   * 5 x 5 tile */
  for (size_t k = k0; k < k1; k += VL)
    affine_step(R, C, m, A, W, k, 1, vmask_first(k1 - k < VL ? k1 - k : VL),
                acc);
#else
  const size_t kv = k1 - (k1 - k0) % VL;
  size_t k = k0;
  for (; k < kv; k += VL) affine_step(R, C, m, A, W, k, 0, vmask_first(0), acc);
  if (k < k1) affine_step(R, C, m, A, W, k, 1, vmask_first(k1 - k), acc);
#endif
  if (k1 < m) {
#pragma GCC unroll 8
    for (size_t r = 0; r < R; r++)
#pragma GCC unroll 8
      for (size_t c = 0; c < C; c++) buf[r * AC + c] = acc[r][c];
    return;
  }
#pragma GCC unroll 8
  for (size_t r = 0; r < R; r++)
#pragma GCC unroll 8
    for (size_t c = 0; c < C; c++) Z[r * n + c] = VHSUM(acc[r][c]) + b[c];
}

/* R rows (R <= AR) against nc neurons (at most AKG tiles), inputs [k0,
 * k1); tile t keeps its accumulators in buf[t]. */
INLINE void affine_rows(size_t R, size_t nc, size_t n, size_t m, size_t k0,
                        size_t k1, const double *A, const double *W,
                        const double *b, double *Z, vd (*buf)[AR * AC])
{
  size_t j = 0, t = 0;
  for (; j + AC <= nc; j += AC, t++)
    affine_tile(R, AC, n, m, k0, k1, A, W + j * m, b + j, Z + j, buf[t]);
#define AFFINE_TAIL(C) \
  affine_tile(R, (C), n, m, k0, k1, A, W + j * m, b + j, Z + j, buf[t])
  switch (nc - j) {
#if AC > 6
#error "affine_rows: add cases for AC > 6"
#endif
#if AC > 5
  case 5: AFFINE_TAIL(5); break;
#endif
#if AC > 4
  case 4: AFFINE_TAIL(4); break;
#endif
#if AC > 3
  case 3: AFFINE_TAIL(3); break;
#endif
#if AC > 2
  case 2: AFFINE_TAIL(2); break;
#endif
  case 1: AFFINE_TAIL(1); break;
  default: break;
  }
#undef AFFINE_TAIL
}

/* R rows against neurons [0, nc): groups of AKG tiles, each through all
 * the K panels. */
INLINE void affine_rowblock(size_t R, size_t nc, size_t n, size_t m,
                            const double *A, const double *W,
                            const double *b, double *Z)
{
  vd buf[AKG][AR * AC];
  for (size_t j = 0; j < nc; j += AKG * AC) {
    size_t ncg = nc - j < AKG * AC ? nc - j : AKG * AC;
    for (size_t k0 = 0; k0 < m; k0 += AKP) {
      size_t k1 = m - k0 <= AKP ? m : k0 + AKP;
      affine_rows(R, ncg, n, m, k0, k1, A, W + j * m, b + j, Z + j, buf);
    }
  }
}

/* Rows [0, nr) by neurons [0, nc). */
static void affine_block(size_t nr, size_t nc, size_t n, size_t m,
                         const double *A, const double *W, const double *b,
                         double *Z)
{
  size_t i = 0;
  for (; i + AR <= nr; i += AR)
    affine_rowblock(AR, nc, n, m, A + i * m, W, b, Z + i * n);
  switch (nr - i) {
#if AR > 5
#error "affine_block: add cases for AR > 5"
#endif
#if AR > 4
  case 4: affine_rowblock(4, nc, n, m, A + i * m, W, b, Z + i * n); break;
#endif
#if AR > 3
  case 3: affine_rowblock(3, nc, n, m, A + i * m, W, b, Z + i * n); break;
#endif
#if AR > 2
  case 2: affine_rowblock(2, nc, n, m, A + i * m, W, b, Z + i * n); break;
#endif
  case 1: affine_rowblock(1, nc, n, m, A + i * m, W, b, Z + i * n); break;
  default: break;
  }
}

void gc_kernel_affine(double *Z, size_t B, size_t n, size_t m,
                      const double *A, const double *W, const double *b)
{
  const size_t gr = (B + ARG - 1) / ARG, gc = (n + ACG - 1) / ACG;
  const size_t ng = gr * gc;
  if (B * n * m >= GC_KERNEL_PAR_MIN && ng > 1) {
    GC_PRAGMA(omp parallel for schedule(static))
    for (size_t q = 0; q < ng; q++) {
      size_t i = q / gc * ARG, j = q % gc * ACG;
      size_t nr = B - i < ARG ? B - i : ARG, nc = n - j < ACG ? n - j : ACG;
      affine_block(nr, nc, n, m, A + i * m, W + j * m, b + j, Z + i * n + j);
    }
  } else {
    affine_block(B, n, n, m, A, W, b, Z);
  }
}

/* ------------------------------------------------- outer-product tiles */

/* Register tile shared by backprop and grad: OR output rows times OV
 * vectors of columns. */
#ifndef OR
#define OR 5
#endif
#ifndef OV
#define OV 4
#endif

/* How a tile's sums are stored (every mode sums the same way). */
enum {
  OUT_SET,  /* O = sum, or sum * F */
  OUT_STEP  /* O = a*O - s*sum, the products rounded separately (the SGD
               step with the sum as the gradient); *bad = 1 if a result is
               NaN or infinite */
};

/* For r < R, and the VW = V*VL columns from 0 (the last vector masked by mk
 * if MASKED):
 *   O[r][col] = sum over t < T, ascending, of X[t*xt + r*xr] * Y[t*yt + col]
 * then, if F != NULL, times F[r*fr + col]; or, in mode OUT_STEP, O[r][col]
 * = a*O[r][col] - s*sum. */
INLINE void outer_tile(size_t R, size_t V, int MASKED, vmask mk, size_t T,
                       const double *X, size_t xt, size_t xr, const double *Y,
                       size_t yt, const double *F, size_t fr, double *O,
                       size_t orow, int mode, const double *as, int *bad)
{
  vd acc[OR][OV];
#pragma GCC unroll 8
  for (size_t r = 0; r < R; r++)
#pragma GCC unroll 8
    for (size_t v = 0; v < V; v++) acc[r][v] = VZERO();
  for (size_t t = 0; t < T; t++) {
    vd y[OV];
    const double *yp = Y + t * yt;
#pragma GCC unroll 8
    for (size_t v = 0; v < V; v++) {
      y[v] = (MASKED && v + 1 == V) ? VLOADM(yp + v * VL, mk)
                                    : VLOAD(yp + v * VL);
      VKEEP(y[v]);
    }
    const double *xp = X + t * xt;
#pragma GCC unroll 8
    for (size_t r = 0; r < R; r++) {
      vd x = VSET1(xp[r * xr]);
#pragma GCC unroll 8
      for (size_t v = 0; v < V; v++) acc[r][v] = VFMA(x, y[v], acc[r][v]);
    }
  }
  if (mode == OUT_STEP) {
    /* chk = sum of result * 0 (each product exact, so one multiply-add):
     * NaN if a result is NaN or infinite, else 0; reduced to an integer
     * per tile, so that no vector lives across tiles to take a register
     * from the loop above */
    const double *asa = as;
    VAFTER(asa, acc[0][0]);
    const vd va = VSET1(asa[0]), vs = VSET1(asa[1]);
    vd chk = VZERO();
#pragma GCC unroll 8
    for (size_t r = 0; r < R; r++) {
#pragma GCC unroll 8
      for (size_t v = 0; v < V; v++) {
        double *o = O + r * orow + v * VL;
        if (MASKED && v + 1 == V) {
          vd w = VSUB(VMUL(va, VLOADM(o, mk)), VMUL(vs, acc[r][v]));
          VSTOREM(o, mk, w);
          chk = VFMA(VMASKZ(mk, w), VZERO(), chk);
        } else {
          vd w = VSUB(VMUL(va, VLOAD(o)), VMUL(vs, acc[r][v]));
          VSTORE(o, w);
          chk = VFMA(w, VZERO(), chk);
        }
      }
    }
    double h = VHSUM(chk);
    *bad |= !(h == h);
    return;
  }
#pragma GCC unroll 8
  for (size_t r = 0; r < R; r++) {
#pragma GCC unroll 8
    for (size_t v = 0; v < V; v++) {
      vd q = acc[r][v];
      if (MASKED && v + 1 == V) {
        if (F) q = VMUL(q, VLOADM(F + r * fr + v * VL, mk));
        VSTOREM(O + r * orow + v * VL, mk, q);
      } else {
        if (F) q = VMUL(q, VLOAD(F + r * fr + v * VL));
        VSTORE(O + r * orow + v * VL, q);
      }
    }
  }
}

/* R output rows (R <= OR), columns [k0, k1) of width m; k1 == m or k1 - k0
 * a multiple of VL. */
INLINE void outer_rows(size_t R, size_t k0, size_t k1, size_t T,
                       const double *X, size_t xt, size_t xr, const double *Y,
                       size_t yt, const double *F, size_t fr, double *O,
                       size_t orow, int mode, const double *as, int *bad)
{
  size_t k = k0;
  for (; k + OV * VL <= k1; k += OV * VL)
    outer_tile(R, OV, 0, vmask_first(0), T, X, xt, xr, Y + k, yt,
               F ? F + k : NULL, fr, O + k, orow, mode, as, bad);
  for (; k + VL <= k1; k += VL)
    outer_tile(R, 1, 0, vmask_first(0), T, X, xt, xr, Y + k, yt,
               F ? F + k : NULL, fr, O + k, orow, mode, as, bad);
  if (k < k1)
    outer_tile(R, 1, 1, vmask_first(k1 - k), T, X, xt, xr, Y + k, yt,
               F ? F + k : NULL, fr, O + k, orow, mode, as, bad);
}

/* Output rows [0, nrow) in tiles of OR, columns [k0, k1). Row r of X is
 * at X + r*xr, row r of O at O + r*orow, of F at F + r*fr.  Returns 1 if
 * mode is OUT_STEP and a result is NaN or infinite, else 0.  Inlined into
 * one function per mode (below), so that each is compiled for its own. */
INLINE int outer_block(size_t nrow, size_t k0, size_t k1, size_t T,
                       const double *X, size_t xt, size_t xr,
                       const double *Y, size_t yt, const double *F,
                       size_t fr, double *O, size_t orow, int mode,
                       const double *as)
{
  int bad = 0;
  size_t r = 0;
  for (; r + OR <= nrow; r += OR)
    outer_rows(OR, k0, k1, T, X + r * xr, xt, xr, Y, yt,
               F ? F + r * fr : NULL, fr, O + r * orow, orow, mode, as, &bad);
  const double *Xr = X + r * xr, *Fr = F ? F + r * fr : NULL;
  double *Or = O + r * orow;
#define OUTER_ROWS(R) outer_rows((R), k0, k1, T, Xr, xt, xr, Y, yt, Fr, fr, \
                                 Or, orow, mode, as, &bad)
  switch (nrow - r) {
#if OR > 6
#error "outer_block: add cases for OR > 6"
#endif
#if OR > 5
  case 5: OUTER_ROWS(5); break;
#endif
#if OR > 4
  case 4: OUTER_ROWS(4); break;
#endif
#if OR > 3
  case 3: OUTER_ROWS(3); break;
#endif
#if OR > 2
  case 2: OUTER_ROWS(2); break;
#endif
  case 1: OUTER_ROWS(1); break;
  default: break;
  }
#undef OUTER_ROWS
  return bad;
}

static int outer_block_set(size_t nrow, size_t k0, size_t k1, size_t T,
                           const double *X, size_t xt, size_t xr,
                           const double *Y, size_t yt, const double *F,
                           size_t fr, double *O, size_t orow)
{
  return outer_block(nrow, k0, k1, T, X, xt, xr, Y, yt, F, fr, O, orow,
                     OUT_SET, NULL);
}

static int outer_block_step(size_t nrow, size_t k0, size_t k1, size_t T,
                            const double *X, size_t xt, size_t xr,
                            const double *Y, size_t yt, double *O,
                            size_t orow, double a, double s)
{
  /* a and s are read from memory after each tile's multiply-add loop
   * (see VAFTER), not held in registers across it */
  const double as[2] = {a, s};
  return outer_block(nrow, k0, k1, T, X, xt, xr, Y, yt, NULL, 0, O, orow,
                     OUT_STEP, as);
}

/* outer_block, compiled for mode */
INLINE int outer_block_mode(size_t nrow, size_t k0, size_t k1, size_t T,
                            const double *X, size_t xt, size_t xr,
                            const double *Y, size_t yt, const double *F,
                            size_t fr, double *O, size_t orow, int mode,
                            double a, double s)
{
  if (mode == OUT_STEP)
    return outer_block_step(nrow, k0, k1, T, X, xt, xr, Y, yt, O, orow, a,
                            s);
  return outer_block_set(nrow, k0, k1, T, X, xt, xr, Y, yt, F, fr, O, orow);
}

/* Columns are cut into panels of KP (a multiple of OV*VL) so that the
 * rows of Y a panel reads stay in L1 while all output rows use them. */
#define KP ((size_t)4 * OV * VL)
/* Panel width of the threaded path (a multiple of OV*VL). */
#ifndef KPP
#define KPP ((size_t)4 * OV * VL)
#endif

static int outer(size_t nrow, size_t m, size_t T, const double *X,
                 size_t xt, size_t xr, const double *Y, size_t yt,
                 const double *F, size_t fr, double *O, size_t orow,
                 int mode, double a, double s)
{
  const size_t np = (m + KPP - 1) / KPP;
  int bad = 0;
  if (nrow * m * T >= GC_KERNEL_PAR_MIN && np > 1) {
    GC_PRAGMA(omp parallel for schedule(static) reduction(|:bad))
    for (size_t p = 0; p < np; p++) {
      size_t k0 = p * KPP, k1 = m - k0 < KPP ? m : k0 + KPP;
      bad |= outer_block_mode(nrow, k0, k1, T, X, xt, xr, Y, yt, F, fr, O,
                              orow, mode, a, s);
    }
  } else {
    for (size_t k0 = 0; k0 < m; k0 += KP) {
      size_t k1 = m - k0 < KP ? m : k0 + KP;
      bad |= outer_block_mode(nrow, k0, k1, T, X, xt, xr, Y, yt, F, fr, O,
                              orow, mode, a, s);
    }
  }
  return bad;
}

/* ----------------------------------------------------------- backprop */

void gc_kernel_backprop(double *P, size_t B, size_t n, size_t m,
                        const double *D, const double *W, const double *F)
{
  /* P[i][k] = F[i][k] * sum_j D[i][j] W[j][k]: output rows i, t = j */
  outer(B, m, n, D, 1, n, W, m, F, m, P, m, OUT_SET, 0.0, 0.0);
}

/* --------------------------------------------------------------- grad */

/* g[j] = sum of D[i][j], i ascending */
static void column_sums(size_t B, size_t n, const double *D, double *g)
{
  for (size_t j = 0; j < n; j++) {
    double s = 0.0;
    for (size_t i = 0; i < B; i++) s += D[i * n + j];
    g[j] = s;
  }
}

void gc_kernel_grad(double *G, double *g, size_t B, size_t n, size_t m,
                    const double *D, const double *A)
{
  /* G[j][k] = sum_i D[i][j] A[i][k]: output rows j, t = i */
  outer(n, m, B, D, n, 1, A, m, NULL, 0, G, m, OUT_SET, 0.0, 0.0);
  column_sums(B, n, D, g);
}

int gc_kernel_grad_step(double *W, double *g, size_t B, size_t n, size_t m,
                        const double *D, const double *A, double a, double s)
{
  /* W[j][k] = a*W[j][k] - s*sum_i D[i][j] A[i][k] */
  int bad = outer(n, m, B, D, n, 1, A, m, NULL, 0, W, m, OUT_STEP, a, s);
  column_sums(B, n, D, g);
  if (bad)
    return gc_error(GC_ENUMERIC, "a weight became NaN or infinite in an SGD "
                    "step of a %zu x %zu layer", n, m);
  return GC_OK;
}

/* -------------------------------------------------- exp and sigmoid */

/* e^x for x in [-708, 708], lane by lane, the same operations whatever the
 * vector width: k = round(x / ln 2) by the 1.5*2^52 shifter; r = x - k ln 2
 * in two steps (ln2hi has 42 bits, so k ln2hi is exact for |k| < 2^11 and
 * x - k ln2hi is exact as well); e^r by its Taylor polynomial of degree 13
 * (truncation below 4.2e-18 for |r| <= ln2/2), Horner with fused
 * multiply-adds; times 2^k, built in the exponent bits (k in [-1021,
 * 1021]: the result is normal and the product exact).  Measured against
 * MPFR: at most 0.873 ulp over 3.2 million arguments chosen where r is
 * near +-ln2/2 (the worst case; 0.976 when the polynomial ended 1 + (r +
 * r^2 q) instead); tests/check_kernels.c asserts 1 ulp. */
#define EXP_LO (-708.0)
#define EXP_HI 708.0
#if VL == 8
#define VADD(a, b) _mm512_add_pd((a), (b))
#define VDIV(a, b) _mm512_div_pd((a), (b))
#define VABSNEG(v) _mm512_castsi512_pd(_mm512_or_si512(             \
    _mm512_castpd_si512(v), _mm512_set1_epi64((long long)0x8000000000000000ULL)))
typedef __m512i vi;
#define VTOI(v) _mm512_castpd_si512(v)
#define ITOV(i) _mm512_castsi512_pd(i)
#define VISUB(a, b) _mm512_sub_epi64((a), (b))
#define VIADD(a, b) _mm512_add_epi64((a), (b))
#define VISET1(x) _mm512_set1_epi64(x)
#define VISHL(a, n) _mm512_slli_epi64((a), (n))
#define VSELECT_GE0(z, yes, no) \
  _mm512_mask_blend_pd(_mm512_cmp_pd_mask((z), VZERO(), _CMP_GE_OQ), (no), (yes))
#define VINRANGE_MASK(x) \
  ((unsigned)_mm512_cmp_pd_mask((x), VSET1(EXP_LO), _CMP_GE_OQ) & \
   (unsigned)_mm512_cmp_pd_mask((x), VSET1(EXP_HI), _CMP_LE_OQ))
#define VCLAMP(x) _mm512_min_pd(_mm512_max_pd((x), VSET1(EXP_LO)), VSET1(EXP_HI))
#elif VL == 4
#define VADD(a, b) _mm256_add_pd((a), (b))
#define VDIV(a, b) _mm256_div_pd((a), (b))
#define VABSNEG(v) _mm256_or_pd((v), _mm256_set1_pd(-0.0))
typedef __m256i vi;
#define VTOI(v) _mm256_castpd_si256(v)
#define ITOV(i) _mm256_castsi256_pd(i)
#define VISUB(a, b) _mm256_sub_epi64((a), (b))
#define VIADD(a, b) _mm256_add_epi64((a), (b))
#define VISET1(x) _mm256_set1_epi64x(x)
#define VISHL(a, n) _mm256_slli_epi64((a), (n))
#define VSELECT_GE0(z, yes, no) \
  _mm256_blendv_pd((no), (yes), _mm256_cmp_pd((z), VZERO(), _CMP_GE_OQ))
#define VINRANGE_MASK(x) \
  ((unsigned)_mm256_movemask_pd(_mm256_and_pd(                          \
      _mm256_cmp_pd((x), VSET1(EXP_LO), _CMP_GE_OQ),                    \
      _mm256_cmp_pd((x), VSET1(EXP_HI), _CMP_LE_OQ))))
#define VCLAMP(x) _mm256_min_pd(_mm256_max_pd((x), VSET1(EXP_LO)), VSET1(EXP_HI))
#else
#define VADD(a, b) ((a) + (b))
#define VDIV(a, b) ((a) / (b))
#define VABSNEG(v) (-fabs(v))
INLINE vd vpow2_from_shifted(vd t, vd shifter)
{
  uint64_t bt, bs;
  memcpy(&bt, &t, sizeof bt);
  memcpy(&bs, &shifter, sizeof bs);
  uint64_t b = (bt - bs + 1023u) << 52;
  double r;
  memcpy(&r, &b, sizeof r);
  return r;
}
#define VSELECT_GE0(z, yes, no) ((z) >= 0 ? (yes) : (no))
#define VINRANGE_MASK(x) ((unsigned)((x) >= EXP_LO && (x) <= EXP_HI))
#define VCLAMP(x) ((x) < EXP_LO ? EXP_LO : (x) > EXP_HI ? EXP_HI : (x))
#endif
#define VALL_LANES ((1u << VL) - 1u)
#if VL > 1
/* 2^k from t = x log2e + 1.5*2^52, whose low bits hold k */
INLINE vd vpow2_from_shifted(vd t, vd shifter)
{
  vi k = VISUB(VTOI(t), VTOI(shifter));
  return ITOV(VISHL(VIADD(k, VISET1(1023)), 52));
}
#endif

#if VL == 1 && !defined(FP_FAST_FMA)
/* Without fused multiply-adds the polynomial's roundings reach 1.11 ulp
 * (measured): the portable build keeps libm's exp. */
INLINE vd vexp_core(vd x) { return exp(x); }
#else
INLINE vd vexp_core(vd x)
{
  const vd shifter = VSET1(0x1.8p52);
  const vd t = VFMA(x, VSET1(0x1.71547652b82fep+0), shifter);
  const vd kd = VSUB(t, shifter);
  vd r = VFMA(kd, VSET1(-0x1.62e42fefa38p-1), x);
  r = VFMA(kd, VSET1(-0x1.ef35793c7673p-45), r);
  vd q = VSET1(0x1.6124613a86d09p-33);
  q = VFMA(q, r, VSET1(0x1.1eed8eff8d898p-29));
  q = VFMA(q, r, VSET1(0x1.ae64567f544e4p-26));
  q = VFMA(q, r, VSET1(0x1.27e4fb7789f5cp-22));
  q = VFMA(q, r, VSET1(0x1.71de3a556c734p-19));
  q = VFMA(q, r, VSET1(0x1.a01a01a01a01ap-16));
  q = VFMA(q, r, VSET1(0x1.a01a01a01a01ap-13));
  q = VFMA(q, r, VSET1(0x1.6c16c16c16c17p-10));
  q = VFMA(q, r, VSET1(0x1.1111111111111p-7));
  q = VFMA(q, r, VSET1(0x1.5555555555555p-5));
  q = VFMA(q, r, VSET1(0x1.5555555555555p-3));
  q = VFMA(q, r, VSET1(0x1p-1));
  q = VFMA(q, r, VSET1(1.0));
  const vd p = VFMA(q, r, VSET1(1.0));
  return VMUL(p, vpow2_from_shifted(t, shifter));
}
#endif

/* y[i] for the lanes of x outside [EXP_LO, EXP_HI] (or NaN): libm's exp,
 * which is what they need (subnormal, zero, overflow, NaN) */
static void exp_fix_lanes(double *y, const double *x, size_t len,
                          unsigned inrange)
{
  for (size_t l = 0; l < len; l++)
    if (!(inrange >> l & 1u)) y[l] = exp(x[l]);
}

void gc_kernel_exp(double *y, size_t n, const double *x)
{
  for (size_t i = 0; i < n; i += VL) {
    const size_t len = n - i < VL ? n - i : VL;
    const vmask mk = vmask_first(len);
    const vd v = VLOADM(x + i, mk);
    VSTOREM(y + i, mk, vexp_core(VCLAMP(v)));
    const unsigned in = VINRANGE_MASK(v) | ~((1u << len) - 1u);
    if ((in & VALL_LANES) != VALL_LANES) exp_fix_lanes(y + i, x + i, len, in);
  }
}

void gc_kernel_sigmoid(double *a, double *fp, size_t n, const double *z)
{
  for (size_t i = 0; i < n; i += VL) {
    const size_t len = n - i < VL ? n - i : VL;
    const vmask mk = vmask_first(len);
    const vd v = VLOADM(z + i, mk), x = VABSNEG(v);
    vd t = vexp_core(VCLAMP(x));
    const unsigned in = VINRANGE_MASK(x) | ~((1u << len) - 1u);
    if ((in & VALL_LANES) != VALL_LANES) {
      /* |z| > 708 or NaN: t from libm, then on as the others */
      double tl[VL], xl[VL];
      VSTORE(tl, t);
      VSTORE(xl, x);
      exp_fix_lanes(tl, xl, len, in);
      t = VLOADM(tl, mk);
    }
    /* sigma(z) and sigma'(z) from t = exp(-|z|): no cancellation */
    const vd d = VDIV(VSET1(1.0), VADD(VSET1(1.0), t)), td = VMUL(t, d);
    VSTOREM(a + i, mk, VSELECT_GE0(v, d, td));
    VSTOREM(fp + i, mk, VMUL(td, d));
  }
}

/* ---------------------------------------------------------------- isa */

const char *gc_build_isa(void)
{
#if VL == 8
  return "avx512";
#elif VL == 4
  return "avx2";
#else
  return "portable";
#endif
}

/* ------------------------------------------------------------ buffers */

size_t gc_kernel_pad(size_t n) { return (n + 7) / 8 * 8; }

double *gc_kernel_calloc(size_t n)
{
  if (n > (SIZE_MAX - 64) / sizeof(double)) return NULL;
  size_t bytes = (n * sizeof(double) + 63) / 64 * 64;
  void *p = aligned_alloc(64, bytes ? bytes : 64);
  if (p) memset(p, 0, bytes);
  return p;
}
