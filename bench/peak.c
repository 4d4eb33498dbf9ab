/* peak.c -- the machine's double-precision FMA peak, measured so that it
 * cannot be fooled.
 *
 * - Enough independent chains: a chain of fused multiply-adds
 *   (acc = acc*a + c) issues one FMA per latency, so the pipes are full only
 *   with latency x pipes chains or more (4 x 2 = 8 on current AVX-512 cores,
 *   4 x 2 with 256-bit vectors on Zen, 4-5 x 2 on AVX2 cores).  The probe runs
 *   8, 12, 16 and 24 chains; the peak is the best of them, and the table
 *   shows where the rate stops growing.  With 32 vector registers (AVX-512),
 *   24 chains plus the two constants still fit; bench/README.md shows the
 *   loops' assembly (objdump -d), every FMA register to register.
 * - Time that the scheduler cannot steal: a loaded machine hands a process
 *   only part of a core, and wall time then divides the peak by the load
 *   (58.4 GFLOP/s against 87.5 was two runnable processes on each core's
 *   worth of time).  Each run is timed by the thread's own CPU clock
 *   (CLOCK_THREAD_CPUTIME_ID) beside the wall clock; the peak is from the
 *   CPU clock, the wall clock's ratio to it says how loaded the machine was.
 * - Best of several runs of about 40 ms each (the first ones also raise the
 *   clock from idle), with the slowest run and the median for the spread.
 * - On every core at once: one OpenMP thread per core, each pinned to its
 *   own CPU for the run (the process's CPU mask restored after), and again
 *   unpinned; the all-core peak is the sum of the threads' rates.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include "peak.h"

static volatile double peak_sink;

static double clock_s(clockid_t id)
{
  struct timespec t;
  clock_gettime(id, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#if defined(__AVX512F__)
typedef __m512d pv;
#define PV_LANES 8
#define PV_SET1(x) _mm512_set1_pd(x)
#define PV_FMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define PV_ADD(a, b) _mm512_add_pd((a), (b))
#define PV_SUM(v) _mm512_reduce_add_pd(v)
#define PV_ISA "AVX-512 (zmm, 8 doubles)"
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256d pv;
#define PV_LANES 4
#define PV_SET1(x) _mm256_set1_pd(x)
#define PV_FMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define PV_ADD(a, b) _mm256_add_pd((a), (b))
static double PV_SUM(pv v)
{
  double o[4];
  _mm256_storeu_pd(o, v);
  return o[0] + o[1] + o[2] + o[3];
}
#define PV_ISA "AVX2 + FMA (ymm, 4 doubles)"
#else
typedef double pv;
#define PV_LANES 1
#define PV_SET1(x) (x)
#define PV_FMA(a, b, c) fma((a), (b), (c))
#define PV_ADD(a, b) ((a) + (b))
#define PV_SUM(v) (v)
#define PV_ISA "scalar fma()"
#endif

/* NC independent chains, iters rounds; returns the flops done (2 per lane
 * per FMA).  acc*a + c converges to c/(1-a) = 0.01: no overflow, no
 * subnormals.  Named fma_chains_NC so that objdump finds each loop. */
#define FMA_CHAINS(NC)                                                     \
  __attribute__((noinline)) static double fma_chains_##NC(long iters,       \
                                                          double seed)      \
  {                                                                        \
    pv acc[NC];                                                            \
    const pv a = PV_SET1(0.9999999), c = PV_SET1(1e-9);                    \
    _Pragma("GCC unroll 32") for (int r = 0; r < NC; r++)                  \
      acc[r] = PV_SET1(seed + r);                                          \
    for (long i = 0; i < iters; i++) {                                     \
      _Pragma("GCC unroll 32") for (int r = 0; r < NC; r++)                \
        acc[r] = PV_FMA(acc[r], a, c);                                     \
    }                                                                      \
    pv s = acc[0];                                                         \
    _Pragma("GCC unroll 32") for (int r = 1; r < NC; r++)                  \
      s = PV_ADD(s, acc[r]);                                               \
    peak_sink = PV_SUM(s);                                                 \
    return 2.0 * PV_LANES * NC * (double)iters;                            \
  }
FMA_CHAINS(8)
FMA_CHAINS(12)
FMA_CHAINS(16)
FMA_CHAINS(24)

static const int chain_counts[] = {8, 12, 16, 24};
#define NCHAINS (sizeof chain_counts / sizeof *chain_counts)

static double fma_chains(int nc, long iters, double seed)
{
  switch (nc) {
  case 8: return fma_chains_8(iters, seed);
  case 12: return fma_chains_12(iters, seed);
  case 16: return fma_chains_16(iters, seed);
  default: return fma_chains_24(iters, seed);
  }
}

/* One timed run: rates by the thread's CPU clock and by the wall clock. */
static void one_run(int nc, long iters, double seed, double *cpu_rate,
                    double *wall_rate)
{
  double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
  double f = fma_chains(nc, iters, seed);
  double c1 = clock_s(CLOCK_THREAD_CPUTIME_ID), w1 = clock_s(CLOCK_MONOTONIC);
  *cpu_rate = f / (c1 - c0) * 1e-9;
  *wall_rate = f / (w1 - w0) * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void summarise(const double *v, int n, double *best, double *median,
                      double *worst)
{
  double s[64];
  memcpy(s, v, (size_t)n * sizeof *s);
  qsort(s, (size_t)n, sizeof *s, cmp_double);
  *worst = s[0];
  *best = s[n - 1];
  *median = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* iterations for about `seconds` of one chain count at `gflops` */
static long iters_for(int nc, double seconds, double gflops)
{
  double per_iter = 2.0 * PV_LANES * nc;
  long it = (long)(seconds * gflops * 1e9 / per_iter);
  return it < 1000 ? 1000 : it;
}

#ifdef _OPENMP
/* Pin the calling thread to the k-th CPU of mask (k modulo its size). */
static void pin_to(const cpu_set_t *mask, int k)
{
  int n = CPU_COUNT(mask), seen = 0;
  k %= n > 0 ? n : 1;
  for (int c = 0; c < CPU_SETSIZE; c++) {
    if (!CPU_ISSET(c, mask)) continue;
    if (seen++ == k) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(c, &one);
      sched_setaffinity(0, sizeof one, &one);
      return;
    }
  }
}

/* All threads at once, `runs` times; per run the sum over threads of
 * their CPU-clock rates, and the total flops over the wall time. */
static void all_cores(int nc, long iters, int runs, int pinned,
                      double *cpu_sum, double *wall_sum, int *threads)
{
  cpu_set_t mask;
  int have_mask = sched_getaffinity(0, sizeof mask, &mask) == 0;
  for (int r = 0; r < runs; r++) {
    double rate = 0, flops = 0;
    double w0 = clock_s(CLOCK_MONOTONIC);
#pragma omp parallel reduction(+ : rate, flops)
    {
      if (pinned && have_mask) pin_to(&mask, omp_get_thread_num());
#pragma omp barrier
      double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
      double f = fma_chains(nc, iters, 1.0 + omp_get_thread_num());
      double c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
      rate += f / (c1 - c0) * 1e-9;
      flops += f;
      if (pinned && have_mask) sched_setaffinity(0, sizeof mask, &mask);
#pragma omp single nowait
      *threads = omp_get_num_threads();
    }
    double w1 = clock_s(CLOCK_MONOTONIC);
    cpu_sum[r] = rate;
    wall_sum[r] = flops / (w1 - w0) * 1e-9;
  }
}
#endif

void peak_measure(peak_result *p, int quick, int verbose)
{
  const int runs = quick ? 5 : 9;
  const double run_s = quick ? 0.02 : 0.04;
  double cpu[64], wall[64];
  memset(p, 0, sizeof *p);
  p->runs = runs;
  p->isa = PV_ISA;
  /* warm up: raise the clock, fault in the code */
  double cr, wr;
  one_run(16, iters_for(16, 0.05, 50), 0.5, &cr, &wr);
  double est = cr;
  if (verbose)
    printf("FMA probe: %s, %d runs of ~%.0f ms per line, by thread CPU "
           "time (wall-clock rate beside)\n"
           "  chains   best GFLOP/s   median   slowest | wall best  wall "
           "median\n", PV_ISA, runs, run_s * 1e3);
  for (size_t ci = 0; ci < NCHAINS; ci++) {
    int nc = chain_counts[ci];
    long it = iters_for(nc, run_s, est);
    for (int r = 0; r < runs; r++)
      one_run(nc, it, 1.0 + r, &cpu[r], &wall[r]);
    double b, m, w, wb, wm, ww;
    summarise(cpu, runs, &b, &m, &w);
    summarise(wall, runs, &wb, &wm, &ww);
    if (verbose)
      printf("  %6d   %12.1f   %6.1f   %7.1f | %9.1f  %11.1f\n", nc, b, m,
             w, wb, wm);
    if (b > p->one) {
      p->one = b;
      p->one_median = m;
      p->one_worst = w;
      p->one_wall = wb;
      p->chains = nc;
    }
  }
  p->threads = 1;
  p->all = p->all_pinned = p->all_unpinned = p->one;
  p->all_wall = p->one_wall;
#ifdef _OPENMP
  if (omp_get_max_threads() > 1) {
    long it = iters_for(p->chains, run_s, p->one);
    for (int pinned = 1; pinned >= 0; pinned--) {
      all_cores(p->chains, it, runs, pinned, cpu, wall, &p->threads);
      double b, m, w, wb, wm, ww;
      summarise(cpu, runs, &b, &m, &w);
      summarise(wall, runs, &wb, &wm, &ww);
      if (verbose)
        printf("  %d threads, %s, %d chains each: best %.1f GFLOP/s "
               "(%.1f per thread), median %.1f, slowest %.1f | wall best "
               "%.1f\n", p->threads, pinned ? "pinned" : "unpinned",
               p->chains, b, b / p->threads, m, w, wb);
      if (pinned) {
        p->all_pinned = b;
        p->all_median = m;
        p->all_worst = w;
        p->all_wall = wb;
      } else {
        p->all_unpinned = b;
      }
    }
    p->all = p->all_pinned > p->all_unpinned ? p->all_pinned
                                             : p->all_unpinned;
  }
#endif
}
