/* check_kernels.c -- the dense kernels against a plain triple loop kept
 * here, summed in long double with exact products and compensation; exact
 * agreement on small integers (no rounding anywhere); no reads or writes
 * outside the arrays (each one ends at an inaccessible page); the same bits
 * from one thread and from several.  The fused SGD step (grad_step) also
 * bit for bit against grad followed by the update loop. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <gsl/gsl_rng.h>
#include <mpfr.h>

#include "gradchain/error.h"
#include "gradchain/kernels.h"
#include "testlib.h"

/* ------------------------------------------------------ guarded arrays */

/* n doubles that end `slack` doubles before a PROT_NONE page, so that a
 * read or write past the end (beyond the slack) faults. */
typedef struct {
  void *base;
  size_t len;
  double *p;
} garray;

static double *galloc(garray *g, size_t n, size_t slack)
{
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t bytes = (n + slack) * sizeof(double);
  size_t data_pages = (bytes + page - 1) / page;
  g->len = (data_pages + 1) * page;
  g->base = mmap(NULL, g->len, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ck_assert_ptr_ne(g->base, MAP_FAILED);
  char *guard = (char *)g->base + data_pages * page;
  ck_assert_int_eq(mprotect(guard, page, PROT_NONE), 0);
  g->p = (double *)(guard - bytes);
  for (size_t i = 0; i < n + slack; i++) g->p[i] = NAN; /* catch unset use */
  return g->p;
}

static void gfree(garray *g) { munmap(g->base, g->len); }

/* ------------------------------------------------------------ reference */

/* Compensated (Neumaier) sum in long double of exact products: each product
 * x*y is split into p + e with e = fma(x, y, -p) exactly. */
typedef struct {
  long double s, c;
  double abs; /* sum of |x*y| */
} csum;

static void csum_add_ld(csum *a, long double t)
{
  long double s = a->s + t;
  if (fabsl(a->s) >= fabsl(t)) a->c += (a->s - s) + t;
  else a->c += (t - s) + a->s;
  a->s = s;
}

static void csum_fma(csum *a, double x, double y)
{
  double p = x * y, e = fma(x, y, -p);
  csum_add_ld(a, p);
  csum_add_ld(a, e);
  a->abs += fabs(p);
}

static long double csum_value(const csum *a) { return a->s + a->c; }

/* |got - exact| in units of u * bound, u = 2^-53 (half an ulp of 1). */
static double err_units(double got, long double exact, double bound)
{
  double d = (double)fabsl((long double)got - exact);
  if (d == 0) return 0;
  return d / (DBL_EPSILON / 2 * bound);
}

/* Reference Z = A W^T + b; worst error of Z in units of u * (sum |terms|). */
static double check_affine(size_t B, size_t n, size_t m, const double *A,
                           const double *W, const double *b, const double *Z)
{
  double worst = 0;
  for (size_t i = 0; i < B; i++)
    for (size_t j = 0; j < n; j++) {
      csum s = {0, 0, 0};
      for (size_t k = 0; k < m; k++) csum_fma(&s, A[i * m + k], W[j * m + k]);
      csum_add_ld(&s, b[j]);
      s.abs += fabs(b[j]);
      double e = err_units(Z[i * n + j], csum_value(&s), s.abs);
      ck_assert_msg(isfinite(Z[i * n + j]), "Z[%zu][%zu] not finite", i, j);
      if (e > worst) worst = e;
    }
  return worst;
}

static double check_backprop(size_t B, size_t n, size_t m, const double *D,
                             const double *W, const double *F,
                             const double *P)
{
  double worst = 0;
  for (size_t i = 0; i < B; i++)
    for (size_t k = 0; k < m; k++) {
      csum s = {0, 0, 0};
      for (size_t j = 0; j < n; j++) csum_fma(&s, D[i * n + j], W[j * m + k]);
      long double exact = csum_value(&s) * F[i * m + k];
      double e = err_units(P[i * m + k], exact, s.abs * fabs(F[i * m + k]));
      ck_assert_msg(isfinite(P[i * m + k]), "P[%zu][%zu] not finite", i, k);
      if (e > worst) worst = e;
    }
  return worst;
}

static double check_grad(size_t B, size_t n, size_t m, const double *D,
                         const double *A, const double *G, const double *g)
{
  double worst = 0;
  for (size_t j = 0; j < n; j++) {
    for (size_t k = 0; k < m; k++) {
      csum s = {0, 0, 0};
      for (size_t i = 0; i < B; i++) csum_fma(&s, D[i * n + j], A[i * m + k]);
      double e = err_units(G[j * m + k], csum_value(&s), s.abs);
      ck_assert_msg(isfinite(G[j * m + k]), "G[%zu][%zu] not finite", j, k);
      if (e > worst) worst = e;
    }
    csum s = {0, 0, 0};
    for (size_t i = 0; i < B; i++) csum_fma(&s, D[i * n + j], 1.0);
    double e = err_units(g[j], csum_value(&s), s.abs);
    if (e > worst) worst = e;
  }
  return worst;
}

/* ---------------------------------------------------------------- tests */

static const size_t batches[] = {1, 3, 10, 500};
static const size_t widths[] = {1, 3, 7, 10, 17, 30, 31};
static const size_t inner[] = {1, 3, 7, 17, 30, 31, 784};
#define LEN(a) (sizeof(a) / sizeof *(a))

/* Largest error allowed for a sum of k terms, in units of u * sum|terms|.
 * The worst case of any summation order is about k; rounding errors that
 * behave like random ones give a few sqrt(k) at most, for any order (the
 * kernels split long sums over vector lanes and do better).  A wrong index
 * or a lost term is off by far more; test_exact_integers checks exactly. */
static double tol(size_t k) { return 4.0 + 3.0 * sqrt((double)k); }

/* The fused SGD step W1 = a*W0 - s*G against the compensated G; the worst
 * error in units of u * (|s| sum|terms| + |a W0| + |s G|): the sum's error
 * scaled by s, plus the roundings of the two products and the
 * difference. */
static double check_grad_step(size_t B, size_t n, size_t m, const double *D,
                              const double *A, double a, double s,
                              const double *W0, const double *W1,
                              size_t sum_tol)
{
  double worst = 0;
  for (size_t j = 0; j < n; j++)
    for (size_t k = 0; k < m; k++) {
      csum c = {0, 0, 0};
      for (size_t i = 0; i < B; i++) csum_fma(&c, D[i * n + j], A[i * m + k]);
      long double g = csum_value(&c);
      long double exact = (long double)a * W0[j * m + k] - (long double)s * g;
      double bound = fabs(s) * c.abs * tol(sum_tol) +
                     3.0 * (double)(fabsl((long double)a * W0[j * m + k]) +
                                    fabsl((long double)s * g));
      double e = err_units(W1[j * m + k], exact, bound);
      ck_assert_msg(isfinite(W1[j * m + k]), "W[%zu][%zu] not finite", j, k);
      if (e > worst) worst = e;
    }
  return worst;
}

static void fill(gsl_rng *r, size_t n, double *x, int positive)
{
  for (size_t i = 0; i < n; i++) {
    double u = gsl_rng_uniform(r);
    x[i] = positive ? u : 2 * u - 1;
  }
}

/* All three kernels on one shape, random data (mixed signs, or all
 * positive, where no cancellation hides an error). */
static void random_case(gsl_rng *r, size_t B, size_t n, size_t m,
                        int positive, size_t slack, double *worst)
{
  garray gA, gW, gb, gZ, gD, gF, gP, gG, gg;
  double *A = galloc(&gA, B * m, slack), *W = galloc(&gW, n * m, slack);
  double *b = galloc(&gb, n, slack), *Z = galloc(&gZ, B * n, 0);
  double *D = galloc(&gD, B * n, slack), *F = galloc(&gF, B * m, slack);
  double *P = galloc(&gP, B * m, 0), *G = galloc(&gG, n * m, 0);
  double *g = galloc(&gg, n, 0);
  fill(r, B * m, A, positive);
  fill(r, n * m, W, positive);
  fill(r, n, b, positive);
  fill(r, B * n, D, positive);
  fill(r, B * m, F, 1);

  gc_kernel_affine(Z, B, n, m, A, W, b);
  double e = check_affine(B, n, m, A, W, b, Z);
  ck_assert_msg(e <= tol(m + 1), "affine B=%zu n=%zu m=%zu: error %g u*sum|t|", B,
                n, m, e);
  if (e > worst[0]) worst[0] = e;

  gc_kernel_backprop(P, B, n, m, D, W, F);
  e = check_backprop(B, n, m, D, W, F, P);
  ck_assert_msg(e <= tol(n + 1), "backprop B=%zu n=%zu m=%zu: error %g u*sum|t|", B,
                n, m, e);
  if (e > worst[1]) worst[1] = e;

  gc_kernel_grad(G, g, B, n, m, D, A);
  e = check_grad(B, n, m, D, A, G, g);
  ck_assert_msg(e <= tol(B), "grad B=%zu n=%zu m=%zu: error %g u*sum|t|", B, n,
                m, e);
  if (e > worst[2]) worst[2] = e;

  /* the fused step: within the rounding bound of the exact sums, and bit
   * for bit the separate grad followed by the update loop */
  const double a = 1.0 - 0.1 * (5.0 / 50000.0), s = 0.1 / (double)B;
  garray gV, gh;
  double *V = galloc(&gV, n * m, 0), *h = galloc(&gh, n, 0);
  memcpy(V, W, n * m * sizeof *V);
  ck_assert_int_eq(gc_kernel_grad_step(V, h, B, n, m, D, A, a, s), GC_OK);
  e = check_grad_step(B, n, m, D, A, a, s, W, V, B);
  ck_assert_msg(e <= 1.0, "grad_step B=%zu n=%zu m=%zu: error %g of the "
                "bound", B, n, m, e);
  for (size_t i = 0; i < n * m; i++) {
    double w = a * W[i] - s * G[i];
    ck_assert_msg(!memcmp(&V[i], &w, sizeof w), "grad_step B=%zu n=%zu "
                  "m=%zu: W[%zu] = %a, grad then update gives %a", B, n, m,
                  i, V[i], w);
  }
  ck_assert(!memcmp(h, g, n * sizeof *h));
  if (e > worst[3]) worst[3] = e;

  gfree(&gA); gfree(&gW); gfree(&gb); gfree(&gZ); gfree(&gD); gfree(&gF);
  gfree(&gP); gfree(&gG); gfree(&gg); gfree(&gV); gfree(&gh);
}

START_TEST(test_random_shapes)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 20 + (unsigned long)_i);
  double worst[4] = {0, 0, 0, 0};
  size_t B = batches[_i];
  for (size_t a = 0; a < LEN(widths); a++)
    for (size_t c = 0; c < LEN(inner); c++) {
      size_t n = widths[a], m = inner[c];
      if (B == 500 && m < 30 && n > 3) continue; /* keep the suite quick */
      random_case(r, B, n, m, (int)((a + c) % 2), (a + c) % 3, worst);
    }
#ifdef CHECK_KERNELS_VERBOSE
  fprintf(stderr, "B=%zu worst error (u*sum|t|): affine %.3g backprop %.3g "
          "grad %.3g grad_step %.3g of its bound\n", B, worst[0], worst[1],
          worst[2], worst[3]);
#endif
  gsl_rng_free(r);
}
END_TEST

/* The MNIST shapes with values like the net's: pixels in [0,1], small
 * weights of both signs; also with the start of every array misaligned. */
START_TEST(test_mnist_shapes)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  double worst[4] = {0, 0, 0, 0};
  for (size_t slack = 0; slack < 3; slack++) {
    random_case(r, 10, 30, 784, 0, slack, worst);
    random_case(r, 10, 10, 30, 1, slack, worst);
  }
  random_case(r, 500, 30, 784, 1, 1, worst);
#ifdef CHECK_KERNELS_VERBOSE
  fprintf(stderr, "MNIST shapes worst error (u*sum|t|): affine %.3g "
          "backprop %.3g grad %.3g grad_step %.3g of its bound\n", worst[0],
          worst[1], worst[2], worst[3]);
#endif
  gsl_rng_free(r);
}
END_TEST

/* Small integers: every product and partial sum is exact in double, so
 * the kernels must give the exact answer whatever their order. */
START_TEST(test_exact_integers)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 99);
  const size_t shapes[][3] = {{1, 1, 1},  {3, 7, 17},   {10, 30, 784},
                              {10, 10, 30}, {5, 31, 9},   {500, 17, 31},
                              {2, 3, 65},  {13, 1, 100}};
  for (size_t q = 0; q < LEN(shapes); q++) {
    size_t B = shapes[q][0], n = shapes[q][1], m = shapes[q][2];
    garray gA, gW, gb, gZ, gD, gF, gP, gG, gg;
    double *A = galloc(&gA, B * m, 0), *W = galloc(&gW, n * m, 1);
    double *b = galloc(&gb, n, 0), *Z = galloc(&gZ, B * n, 0);
    double *D = galloc(&gD, B * n, 1), *F = galloc(&gF, B * m, 0);
    double *P = galloc(&gP, B * m, 0), *G = galloc(&gG, n * m, 0);
    double *g = galloc(&gg, n, 0);
#define RINT(lo, hi) ((double)(lo) + (double)gsl_rng_uniform_int(r, (hi) - (lo) + 1))
    for (size_t i = 0; i < B * m; i++) A[i] = RINT(-255, 255);
    for (size_t i = 0; i < n * m; i++) W[i] = RINT(-1000, 1000);
    for (size_t i = 0; i < n; i++) b[i] = RINT(-100000, 100000);
    for (size_t i = 0; i < B * n; i++) D[i] = RINT(-1000, 1000);
    for (size_t i = 0; i < B * m; i++) F[i] = RINT(-8, 8);
#undef RINT
    gc_kernel_affine(Z, B, n, m, A, W, b);
    gc_kernel_backprop(P, B, n, m, D, W, F);
    gc_kernel_grad(G, g, B, n, m, D, A);
    garray gV, gh;
    double *V = galloc(&gV, n * m, 1), *h = galloc(&gh, n, 0);
    memcpy(V, W, n * m * sizeof *V);
    ck_assert_int_eq(gc_kernel_grad_step(V, h, B, n, m, D, A, 3.0, -2.0),
                     GC_OK);
    for (size_t i = 0; i < B; i++)
      for (size_t j = 0; j < n; j++) {
        double s = b[j]; /* exact: |s| < 2^53 */
        for (size_t k = 0; k < m; k++) s += A[i * m + k] * W[j * m + k];
        ck_assert_msg(Z[i * n + j] == s, "affine %zux%zux%zu Z[%zu][%zu]", B,
                      n, m, i, j);
      }
    for (size_t i = 0; i < B; i++)
      for (size_t k = 0; k < m; k++) {
        double s = 0;
        for (size_t j = 0; j < n; j++) s += D[i * n + j] * W[j * m + k];
        ck_assert_msg(P[i * m + k] == s * F[i * m + k],
                      "backprop %zux%zux%zu P[%zu][%zu]", B, n, m, i, k);
      }
    for (size_t j = 0; j < n; j++) {
      double t = 0;
      for (size_t i = 0; i < B; i++) t += D[i * n + j];
      ck_assert_msg(g[j] == t, "grad g[%zu]", j);
      for (size_t k = 0; k < m; k++) {
        double s = 0;
        for (size_t i = 0; i < B; i++) s += D[i * n + j] * A[i * m + k];
        ck_assert_msg(G[j * m + k] == s, "grad %zux%zux%zu G[%zu][%zu]", B,
                      n, m, j, k);
        ck_assert_msg(V[j * m + k] == 3.0 * W[j * m + k] + 2.0 * s,
                      "grad_step %zux%zux%zu W[%zu][%zu]", B, n, m, j, k);
      }
      ck_assert_msg(h[j] == t, "grad_step g[%zu]", j);
    }
    gfree(&gA); gfree(&gW); gfree(&gb); gfree(&gZ); gfree(&gD); gfree(&gF);
    gfree(&gP); gfree(&gG); gfree(&gg); gfree(&gV); gfree(&gh);
  }
  gsl_rng_free(r);
}
END_TEST

/* Same inputs, same bits: on repeated calls, and (with OpenMP) whether
 * one thread or several do the work, on shapes large enough to be split. */
START_TEST(test_deterministic)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 5);
  /* 700 x 64 x 784 (35M multiply-adds) is above GC_KERNEL_PAR_MIN (2^25) */
  const size_t shapes[][3] = {{500, 30, 784}, {10, 30, 784}, {64, 200, 300},
                              {333, 31, 257}, {700, 64, 784}};
  for (size_t q = 0; q < LEN(shapes); q++) {
    size_t B = shapes[q][0], n = shapes[q][1], m = shapes[q][2];
    double *A = malloc(B * m * sizeof *A), *W = malloc(n * m * sizeof *W);
    double *b = malloc(n * sizeof *b), *D = malloc(B * n * sizeof *D);
    double *F = malloc(B * m * sizeof *F);
    double *out[2][6];
    fill(r, B * m, A, 0);
    fill(r, n * m, W, 0);
    fill(r, n, b, 0);
    fill(r, B * n, D, 0);
    fill(r, B * m, F, 1);
    for (int t = 0; t < 2; t++) {
#ifdef _OPENMP
      int save = omp_get_max_threads();
      if (t == 0) omp_set_num_threads(1);
      else omp_set_num_threads(save < 2 ? 2 : save);
#endif
      out[t][0] = malloc(B * n * sizeof(double));
      out[t][1] = malloc(B * m * sizeof(double));
      out[t][2] = malloc(n * m * sizeof(double));
      out[t][3] = malloc(n * sizeof(double));
      out[t][4] = malloc(n * m * sizeof(double));
      out[t][5] = malloc(n * sizeof(double));
      gc_kernel_affine(out[t][0], B, n, m, A, W, b);
      gc_kernel_backprop(out[t][1], B, n, m, D, W, F);
      gc_kernel_grad(out[t][2], out[t][3], B, n, m, D, A);
      memcpy(out[t][4], W, n * m * sizeof(double));
      ck_assert_int_eq(gc_kernel_grad_step(out[t][4], out[t][5], B, n, m, D, A,
                                           0.999, 0.01), GC_OK);
#ifdef _OPENMP
      omp_set_num_threads(save);
#endif
    }
    ck_assert(!memcmp(out[0][0], out[1][0], B * n * sizeof(double)));
    ck_assert(!memcmp(out[0][1], out[1][1], B * m * sizeof(double)));
    ck_assert(!memcmp(out[0][2], out[1][2], n * m * sizeof(double)));
    ck_assert(!memcmp(out[0][3], out[1][3], n * sizeof(double)));
    ck_assert(!memcmp(out[0][4], out[1][4], n * m * sizeof(double)));
    ck_assert(!memcmp(out[0][5], out[1][5], n * sizeof(double)));
    for (int t = 0; t < 2; t++)
      for (int k = 0; k < 6; k++) free(out[t][k]);
    free(A); free(W); free(b); free(D); free(F);
  }
  gsl_rng_free(r);
}
END_TEST

/* gc_kernel_grad_step reports a NaN or infinite new weight wherever it
 * is: in a full vector or the masked last one of a row, in the first or
 * last row, on the one-thread path and the threaded one (B = 500); and
 * reports none when large weights stay finite (masked-off lanes and
 * values just below overflow do not count). */
START_TEST(test_grad_step_nonfinite)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  const size_t shapes[][3] = {{10, 30, 784}, {3, 7, 17}, {500, 30, 784},
                              {1, 1, 1}, {10, 10, 30}};
  for (size_t q = 0; q < LEN(shapes); q++) {
    size_t B = shapes[q][0], n = shapes[q][1], m = shapes[q][2];
    garray gA, gW, gD, gg;
    double *A = galloc(&gA, B * m, 0), *W = galloc(&gW, n * m, 0);
    double *D = galloc(&gD, B * n, 0), *g = galloc(&gg, n, 0);
    fill(r, B * m, A, 1);
    fill(r, B * n, D, 0);
    const size_t where[] = {0, m - 1, (n - 1) * m, n * m - 1, n * m / 2};
    for (size_t w = 0; w < LEN(where); w++)
      for (int kind = 0; kind < 3; kind++) {
        fill(r, n * m, W, 0);
        /* a = 2: DBL_MAX overflows to inf; a NaN stays NaN; kind 2:
         * 0.25 DBL_MAX * 2 = 0.5 DBL_MAX is fine */
        W[where[w]] = kind == 0 ? DBL_MAX : kind == 1 ? NAN : DBL_MAX / 4;
        int st = gc_kernel_grad_step(W, g, B, n, m, D, A, 2.0, 0.5);
        ck_assert_msg(st == (kind == 2 ? GC_OK : GC_ENUMERIC), "%zux%zux%zu "
                      "weight %zu kind %d: returned %d", B, n, m, where[w],
                      kind, st);
        ck_assert(kind == 2 ? isfinite(W[where[w]]) : !isfinite(W[where[w]]));
      }
    /* a NaN in D makes a whole row of the gradient NaN */
    fill(r, n * m, W, 0);
    D[B * n - 1] = NAN;
    ck_assert_int_eq(gc_kernel_grad_step(W, g, B, n, m, D, A, 1.0, 0.5),
                     GC_ENUMERIC);
    ck_assert(isnan(W[n * m - 1]) && isnan(g[n - 1]));
    gfree(&gA); gfree(&gW); gfree(&gD); gfree(&gg);
  }
  gsl_rng_free(r);
}
END_TEST

/* ------------------------------------------------ exp and the sigmoid */

/* |y - e^x| in units of the ulp of e^x (MPFR at 160 bits), for normal
 * results. */
static double exp_ulps(double y, double x)
{
  mpfr_t e, d;
  mpfr_inits2(160, e, d, (mpfr_ptr)0);
  mpfr_set_d(e, x, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN);
  mpfr_sub_d(d, e, y, MPFR_RNDN);
  int ex;
  frexp(mpfr_get_d(e, MPFR_RNDN), &ex); /* e^x in [2^(ex-1), 2^ex) */
  mpfr_mul_2si(d, d, 53 - ex, MPFR_RNDN);
  double u = fabs(mpfr_get_d(d, MPFR_RNDN));
  mpfr_clears(e, d, (mpfr_ptr)0);
  return u;
}

/* Within 1 ulp of MPFR's e^x over the whole vector range, at its ends and
 * near 0; the same bits whether x[i] is computed alone or with others
 * (every lane, every tail length); libm's value outside the range. */
START_TEST(test_exp_ulp)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 99);
  enum { N = 200003 };
  double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
  ck_assert(x && y);
  for (size_t i = 0; i < N; i++) {
    double u = gsl_rng_uniform(r);
    switch (i % 4) {
    case 0: x[i] = -708.0 + 1416.0 * u; break;       /* the whole range */
    case 1: x[i] = -40.0 * u; break;                  /* the sigmoid's */
    case 2: x[i] = (2 * u - 1) * ldexp(1, -(int)(i % 60)); break; /* near 0 */
    default: x[i] = (2 * u - 1) * 0.35 + (double)(i % 200) * 0.6931471805599453;
    }
  }
  const double ends[] = {-708.0, 708.0, 0.0, -0.0, 0x1p-1074, -0x1p-1074,
                         0.34657359027997264, -0.34657359027997264};
  memcpy(x, ends, sizeof ends);
  gc_kernel_exp(y, N, x);
  double worst = 0, wx = 0;
  for (size_t i = 0; i < N; i++) {
    double e = exp_ulps(y[i], x[i]);
    if (e > worst) { worst = e; wx = x[i]; }
  }
  ck_assert_msg(worst <= 1.0, "exp: %.3f ulp at x = %a", worst, wx);
#ifdef CHECK_KERNELS_VERBOSE
  fprintf(stderr, "exp: worst %.3f ulp at x = %a\n", worst, wx);
#endif
  /* every element alone, and in every tail length: the same bits */
  for (size_t i = 0; i < 4000; i++) {
    double one;
    gc_kernel_exp(&one, 1, &x[i]);
    ck_assert_msg(!memcmp(&one, &y[i], sizeof one), "exp(%a) alone differs", x[i]);
  }
  for (size_t len = 1; len <= 17; len++) {
    double part[17];
    gc_kernel_exp(part, len, x + 5);
    ck_assert(!memcmp(part, y + 5, len * sizeof *part));
  }
  /* outside the range: libm */
  const double out[] = {-708.5, -745.0, -746.0, -INFINITY, 709.5, 710.0,
                        INFINITY, NAN, 12.5};
  double yo[9];
  gc_kernel_exp(yo, 9, out);
  for (size_t i = 0; i < 8; i++) {
    double e = exp(out[i]);
    ck_assert_msg(!memcmp(&yo[i], &e, sizeof e) || (isnan(e) && isnan(yo[i])),
                  "exp(%a) = %a, libm %a", out[i], yo[i], e);
  }
  ck_assert(exp_ulps(yo[8], 12.5) <= 1.0);
  free(x);
  free(y);
  gsl_rng_free(r);
}
END_TEST

/* sigma(z) = 1/(1+e^-z) and sigma'(z) = e^-z/(1+e^-z)^2 within 4 ulp of
 * MPFR, both tails included; NaN stays NaN; the saturated tails where
 * e^-|z| is subnormal or 0. */
START_TEST(test_sigmoid)
{
  enum { N = 4001 };
  double z[N], a[N], fp[N];
  for (size_t i = 0; i < N; i++) z[i] = -800.0 + 0.4 * (double)i + 1e-3 * (double)(i % 7);
  gc_kernel_sigmoid(a, fp, N, z);
  mpfr_t t, s, d;
  mpfr_inits2(160, t, s, d, (mpfr_ptr)0);
  for (size_t i = 0; i < N; i++) {
    mpfr_set_d(t, -z[i], MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);             /* e^-z */
    mpfr_add_ui(s, t, 1, MPFR_RNDN);
    mpfr_ui_div(s, 1, s, MPFR_RNDN);       /* sigma */
    mpfr_mul(d, s, s, MPFR_RNDN);
    mpfr_mul(d, d, t, MPFR_RNDN);          /* sigma' */
    double ea = mpfr_get_d(s, MPFR_RNDN), ed = mpfr_get_d(d, MPFR_RNDN);
    if (ea > 0x1p-1022)
      ck_assert_msg(fabs(a[i] - ea) <= 4 * ldexp(DBL_EPSILON, ilogb(ea)),
                    "sigma(%a) = %a, MPFR %a", z[i], a[i], ea);
    else
      ck_assert_msg(fabs(a[i] - ea) <= 0x1p-1070, "sigma(%a) = %a, MPFR %a", z[i], a[i], ea);
    if (ed > 0x1p-1022)
      ck_assert_msg(fabs(fp[i] - ed) <= 4 * ldexp(DBL_EPSILON, ilogb(ed)),
                    "sigma'(%a) = %a, MPFR %a", z[i], fp[i], ed);
    else
      ck_assert_msg(fabs(fp[i] - ed) <= 0x1p-1070, "sigma'(%a) = %a, MPFR %a", z[i], fp[i], ed);
  }
  mpfr_clears(t, s, d, (mpfr_ptr)0);
  double zn = NAN, an, fn;
  gc_kernel_sigmoid(&an, &fn, 1, &zn);
  ck_assert(isnan(an) && isnan(fn));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kernels");
  TCase *tc = test_case(s, "core");
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_random_shapes, 0, (int)LEN(batches));
  tcase_add_test(tc, test_mnist_shapes);
  tcase_add_test(tc, test_exact_integers);
  tcase_add_test(tc, test_deterministic);
  tcase_add_test(tc, test_grad_step_nonfinite);
  tcase_add_test(tc, test_exp_ulp);
  tcase_add_test(tc, test_sigmoid);
  return test_run(s);
}
