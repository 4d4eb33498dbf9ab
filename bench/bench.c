/* bench.c -- how fast are the dense kernels and one training epoch?
 *
 * Prints, from one run:
 *   1. the machine's double-precision FMA peak, measured here (peak.c) on
 *      one core and on all cores (OpenMP);
 *   2. each kernel at the MNIST shapes of network2 ([784,30,10], mini-batch
 *      10; evaluation batches of 500): time per call, GFLOP/s, fraction of
 *      the one-core peak;
 *   3. one synthetic epoch: 50,000 examples of 784 random bytes through
 *      gc_net_forward + gc_net_backward + an SGD step (L2 decay, as network2),
 *      batch 10, then an evaluation of 10,000 examples in batches of 500;
 *      wall seconds, examples/s, GFLOP/s, fraction of peak, peak RSS.
 *
 * Usage: bench/bench [--quick] [--epoch]
 *   --quick: shorter timing runs; --epoch: skip the kernel table
 * Timings are the best of several repetitions (the machine may be shared),
 * by the thread's CPU clock with one thread and by the wall clock with
 * more (see now()); the peak probe is in peak.c.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "peak.h"
#ifdef GC_HAVE_LIBXSMM
#include <libxsmm.h>
#endif

/* The clock of every timing: the thread's CPU time while one thread runs
 * (a loaded machine then slows the figures only through shared caches and
 * clock speed, not by taking the core away), the wall clock with more. */
static clockid_t bench_clock = CLOCK_MONOTONIC;

/* The wall clock, for the parts of an epoch: reading the thread's CPU
 * clock is a system call (0.8 us measured on this VM, against 22 ns for
 * the wall clock), which at four per mini-batch would be 17 ms of an
 * epoch; the parts are scaled to the epoch's time by the bench clock. */
static double wall(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double now(void)
{
  struct timespec t;
  clock_gettime(bench_clock, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU seconds of all the process's threads */
static double cpu_all(void)
{
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* validation passes timed per epoch */
#define EPASSES 15

static volatile double sink; /* keeps results alive */

static int max_threads(void)
{
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

static void set_threads(int n)
{
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
  bench_clock = n > 1 ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID;
}

/* ---------------------------------------------------------- the kernels */

typedef enum { K_AFFINE, K_BACKPROP, K_GRAD, K_GRAD_STEP } kind;

typedef struct {
  const char *name;
  kind k;
  size_t B, n, m;
} shape;

static double kernel_flops(const shape *s)
{
  double B = (double)s->B, n = (double)s->n, m = (double)s->m;
  switch (s->k) {
  case K_AFFINE: return 2 * B * n * m + B * n;
  case K_BACKPROP: return 2 * B * n * m + B * m;
  case K_GRAD_STEP: return 2 * B * n * m + B * n + 3 * n * m;
  default: return 2 * B * n * m + B * n;
  }
}

static void fill(gsl_rng *r, size_t n, double *x, double lo, double hi)
{
  for (size_t i = 0; i < n; i++) x[i] = lo + (hi - lo) * gsl_rng_uniform(r);
}

typedef struct {
  const shape *s;
  double *A, *W, *b, *Z, *D, *F, *P, *G, *g;
  int xsmm; /* time LIBXSMM instead of the own kernels */
  double *Wt; /* W input-major (m x n), for LIBXSMM's forward */
} operands;

#ifdef GC_HAVE_LIBXSMM
/* LIBXSMM multiplies column-major matrices, C (M x N) = A (M x K) B (K x
 * N) or B transposed; a row-major matrix is its column-major transpose.
 * On the net's layout:
 *   grad:     G^T (m x n) = A^T (m x B) (D^T)^T, D^T transposed: TRANS_B;
 *   backprop: P^T (m x B) = W^T (m x n) D^T (n x B): no transpose;
 *   affine:   Z^T (n x B) = W (n x m) A^T (m x B) needs TRANS_A, which the
 *             1.17 JIT does not generate (dispatch returns NULL); so the
 *             forward is timed with W stored input-major (W^T, m x n row-
 *             major): Z^T = (W^T)^T A^T, a plain NN product.
 * Biases: Z starts as b and the product is added (beta = 1); the biases'
 * gradient (column sums of D) and the SGD step are plain loops. */
static libxsmm_dmmfunction xsmm_kernel(const shape *s)
{
  libxsmm_blasint B = (libxsmm_blasint)s->B, n = (libxsmm_blasint)s->n,
                  m = (libxsmm_blasint)s->m;
  const double one = 1, zero = 0;
  int nn = LIBXSMM_GEMM_FLAG_NONE, tb = LIBXSMM_GEMM_FLAG_TRANS_B;
  switch (s->k) {
  case K_AFFINE:
    return libxsmm_dmmdispatch(n, B, m, &n, &m, &n, &one, &one, &nn, NULL);
  case K_BACKPROP:
    return libxsmm_dmmdispatch(m, B, n, &m, &n, &m, &one, &zero, &nn, NULL);
  default:
    return libxsmm_dmmdispatch(m, n, B, &m, &n, &m, &one, &zero, &tb, NULL);
  }
}

static void xsmm_calls(const operands *o, libxsmm_dmmfunction f, long reps)
{
  const shape *s = o->s;
  const size_t B = s->B, n = s->n, m = s->m;
  for (long i = 0; i < reps; i++) {
    switch (s->k) {
    case K_AFFINE:
      for (size_t r = 0; r < B; r++) memcpy(o->Z + r * n, o->b, n * sizeof(double));
      f(o->Wt, o->A, o->Z);
      break;
    case K_BACKPROP:
      f(o->W, o->D, o->P);
      for (size_t k = 0; k < B * m; k++) o->P[k] *= o->F[k];
      break;
    case K_GRAD:
    case K_GRAD_STEP:
      f(o->A, o->D, o->G);
      for (size_t j = 0; j < n; j++) {
        double t = 0;
        for (size_t r = 0; r < B; r++) t += o->D[r * n + j];
        o->g[j] = t;
      }
      if (s->k == K_GRAD_STEP)
        for (size_t k = 0; k < n * m; k++)
          o->W[k] = 0.9999 * o->W[k] - 1e-3 * o->G[k];
      break;
    }
  }
}
#endif

static double run_calls(const operands *o, long reps)
{
  const shape *s = o->s;
  double t0 = now();
#ifdef GC_HAVE_LIBXSMM
  if (o->xsmm) {
    xsmm_calls(o, xsmm_kernel(s), reps);
    return now() - t0;
  }
#endif
  for (long i = 0; i < reps; i++) {
    switch (s->k) {
    case K_AFFINE: gc_kernel_affine(o->Z, s->B, s->n, s->m, o->A, o->W, o->b);
      break;
    case K_BACKPROP:
      gc_kernel_backprop(o->P, s->B, s->n, s->m, o->D, o->W, o->F);
      break;
    case K_GRAD: gc_kernel_grad(o->G, o->g, s->B, s->n, s->m, o->D, o->A);
      break;
    case K_GRAD_STEP: /* W decays a little at every call, stays finite */
      gc_kernel_grad_step(o->W, o->g, s->B, s->n, s->m, o->D, o->A, 0.9999,
                          1e-3);
      break;
    }
  }
  return now() - t0;
}

/* Seconds per call: best over 5 runs of `reps` calls each, with `reps`
 * chosen so that one run lasts about `target` seconds. */
static double time_kernel(const shape *s, gsl_rng *r, double target,
                          int xsmm)
{
  size_t B = s->B, n = s->n, m = s->m;
  /* cache-line aligned, as the net's weights and workspace */
  operands o = {s, gc_kernel_calloc(B * m), gc_kernel_calloc(n * m),
                gc_kernel_calloc(n), gc_kernel_calloc(B * n),
                gc_kernel_calloc(B * n), gc_kernel_calloc(B * m),
                gc_kernel_calloc(B * m), gc_kernel_calloc(n * m),
                gc_kernel_calloc(n), xsmm, gc_kernel_calloc(n * m)};
  if (!o.A || !o.W || !o.b || !o.Z || !o.D || !o.F || !o.P || !o.G || !o.g ||
      !o.Wt) {
    fprintf(stderr, "bench: out of memory\n");
    exit(1);
  }
  fill(r, B * m, o.A, 0, 1);
  fill(r, n * m, o.W, -0.1, 0.1);
  fill(r, n, o.b, -1, 1);
  fill(r, B * n, o.D, -1, 1);
  fill(r, B * m, o.F, 0, 0.25);
  memset(o.Z, 0, B * n * sizeof(double));
  memset(o.P, 0, B * m * sizeof(double));
  memset(o.G, 0, n * m * sizeof(double));
  memset(o.g, 0, n * sizeof(double));
  for (size_t j = 0; j < n; j++)
    for (size_t k = 0; k < m; k++) o.Wt[k * n + j] = o.W[j * m + k];
  long reps = 1;
  double t;
  while ((t = run_calls(&o, reps)) < target / 4 && reps < (1L << 40))
    reps *= 2;
  reps = (long)ceil((double)reps * target / t);
  double best = INFINITY;
  for (int run = 0; run < 5; run++) {
    t = run_calls(&o, reps) / (double)reps;
    if (t < best) best = t;
  }
  sink = o.Z[0] + o.P[0] + o.G[0] + o.g[0];
  free(o.A); free(o.W); free(o.b); free(o.Z); free(o.D); free(o.F);
  free(o.P); free(o.G); free(o.g); free(o.Wt);
  return best;
}

/* -------------------------------------------------------- one epoch */

typedef struct {
  double train_s, eval_s, flops_train, flops_eval;
  double eval_med, eval_cpu; /* median wall and process CPU of a pass */
  double part[4]; /* seconds in: batch scaling, forward, deltas,
                     gradient + SGD step */
  size_t correct;
} epoch_result;

static double net_flops_per_example(const size_t *sizes, size_t L, int train)
{
  double f = 0;
  for (size_t l = 1; l < L; l++) {
    double n = (double)sizes[l], m = (double)sizes[l - 1];
    f += 2 * n * m + n;                    /* affine */
    if (train) {
      f += 2 * n * m + n;                  /* grad */
      if (l > 1) f += 2 * n * m + m;       /* backprop */
    }
  }
  return f;
}

/* b = b - step * g, the biases' step (the weights' is fused into
 * gc_kernel_grad_step, as in the trainer). */
static void bias_step(size_t n, double *restrict b, const double *restrict g,
                      double step)
{
  for (size_t k = 0; k < n; k++) b[k] = 1.0 * b[k] - step * g[k];
}

static int run_epoch(size_t N, size_t Nval, size_t B, gsl_rng *r,
                     epoch_result *res)
{
  const size_t sizes[3] = {784, 30, 10}, L = 3, dim = 784, EB = 500;
  uint8_t *img = malloc((N + Nval) * dim), *lab = malloc(N + Nval);
  size_t *perm = malloc(N * sizeof *perm);
  double *x = gc_kernel_calloc(EB * dim), *y = malloc(EB * 10 * sizeof *y);
  if (!img || !lab || !perm || !x || !y) return GC_ENOMEM;
  for (size_t i = 0; i < (N + Nval) * dim; i++)
    img[i] = (uint8_t)gsl_rng_uniform_int(r, 256);
  for (size_t i = 0; i < N + Nval; i++)
    lab[i] = (uint8_t)gsl_rng_uniform_int(r, 10);
  gc_dataset train = {N, dim, 10, img, lab};
  gc_dataset val = {Nval, dim, 10, img + N * dim, lab + N};

  gc_net *net;
  int st = gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, GC_COST_CROSS_ENTROPY);
  if (st) return st;
  gc_net_init(net, GC_INIT_DEFAULT, r);
  gc_workspace *ws;
  gc_params grad;
  if ((st = gc_workspace_alloc(&ws, net, B))) return st;
  if ((st = gc_params_alloc_like(&grad, net))) return st;

  const double eta = 0.5, lambda = 5.0;
  double decay = 1.0 - eta * lambda / (double)N, step = eta / (double)B;

  double t0 = now();
  for (size_t i = 0; i < N; i++) perm[i] = i;
  for (size_t i = N - 1; i > 0; i--) {
    size_t j = gsl_rng_uniform_int(r, i + 1), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  double part[4] = {0, 0, 0, 0};
  /* as gc_trainer_epoch: scale the batch and prefetch the next one;
   * forward; the deltas; then per layer the weights' gradient and step in
   * one pass, and the biases' step */
  for (size_t s = 0; s + B <= N; s += B) {
    double q0 = wall();
    gc_dataset_batch(x, y, &train, perm + s, 0, B);
    gc_dataset_prefetch(&train, perm + s + B, s + 2 * B <= N ? B : 0);
    double q1 = wall();
    if ((st = gc_net_forward(net, ws, x, B))) return st;
    double q2 = wall();
    if ((st = gc_net_backward(net, ws, y, NULL))) return st;
    double q3 = wall();
    for (size_t l = 1; l < L; l++) {
      gc_kernel_grad_step(net->p.w[l], grad.b[l], B, sizes[l], sizes[l - 1],
                          ws->delta[l], ws->a[l - 1], decay, step);
      bias_step(sizes[l], net->p.b[l], grad.b[l], step);
    }
    double q4 = wall();
    part[0] += q1 - q0;
    part[1] += q2 - q1;
    part[2] += q3 - q2;
    part[3] += q4 - q3;
  }
  double t1 = now();
  /* the parts, by the wall clock, in proportion of the bench clock's
   * total (they are the same clock with more than one thread) */
  double wsum = part[0] + part[1] + part[2] + part[3];
  for (int k = 0; k < 4 && wsum > 0; k++) part[k] *= (t1 - t0) / wsum;
  /* the validation pass as the trainer runs it (gc_evaluator_run, its
   * batches shared by the threads), EPASSES times: the best by the bench
   * clock, the median by the wall clock, and the median CPU seconds of
   * the whole process (every thread's, spinning included) */
  gc_evaluator *ev;
  if ((st = gc_evaluator_alloc(&ev, net, EB))) return st;
  size_t correct = 0;
  double eb = INFINITY, ew[EPASSES], ec[EPASSES];
  for (int k = 0; k < EPASSES; k++) {
    double c0 = cpu_all(), w0 = wall(), b0 = now();
    if ((st = gc_evaluator_run(NULL, &correct, ev, &val, 0.0))) return st;
    double b1 = now();
    ew[k] = wall() - w0;
    ec[k] = cpu_all() - c0;
    if (b1 - b0 < eb) eb = b1 - b0;
  }
  gc_evaluator_free(ev);
  qsort(ew, EPASSES, sizeof *ew, cmp_double);
  qsort(ec, EPASSES, sizeof *ec, cmp_double);
  double t2 = t1 + eb;
  res->eval_med = ew[EPASSES / 2];
  res->eval_cpu = ec[EPASSES / 2];

  double nparams = 0; /* p.n counts the padding between layers too */
  for (size_t l = 1; l < L; l++) nparams += (double)(sizes[l] * (sizes[l - 1] + 1));
  res->train_s = t1 - t0;
  res->eval_s = t2 - t1;
  res->flops_train = (double)N * net_flops_per_example(sizes, L, 1) +
                     (double)(N / B) * 3 * nparams;
  res->flops_eval = (double)Nval * net_flops_per_example(sizes, L, 0);
  res->correct = correct;
  memcpy(res->part, part, sizeof part);
  sink = net->p.data[0];
  gc_params_free(&grad);
  gc_workspace_free(ws);
  gc_net_free(net);
  free(img); free(lab); free(perm); free(x); free(y);
  return GC_OK;
}

/* ns per value of gc_activation_forward for every activation, on a
 * training layer's worth of pre-activations (10 x 30, z ~ U(-4, 4)) and an
 * evaluation batch's (500 x 30); best of 5 runs of about `target` s. */
static void time_activations(gsl_rng *r, double target)
{
  enum { NSMALL = 300, NBIG = 15000 };
  static double z[NBIG], a[NBIG], fp[NBIG];
  fill(r, NBIG, z, -4.0, 4.0);
  printf("\n%-11s %14s %14s\n", "activation", "ns/value 300", "ns/value 15000");
  for (int act = 0; act < GC_ACT_COUNT; act++) {
    printf("%-11s", gc_activation_name((gc_activation)act));
    for (int k = 0; k < 2; k++) {
      size_t n = k ? NBIG : NSMALL;
      long reps = 1;
      double best = INFINITY;
      for (int run = 0; run < 5; run++) {
        double t0 = now(), t;
        for (long i = 0; i < reps; i++)
          gc_activation_forward(a, fp, (gc_activation)act, n, z);
        t = now() - t0;
        sink += a[n / 2] + fp[n / 3];
        if (t < target / 5 && run == 0) { /* calibrate, then start over */
          reps = (long)(reps * (target / 5) / (t > 1e-7 ? t : 1e-7)) + 1;
          run = -1;
          continue;
        }
        double per = t / (double)reps / (double)n * 1e9;
        if (per < best) best = per;
      }
      printf(" %14.2f", best);
    }
    printf("\n");
  }
}

int main(int argc, char **argv)
{
  int quick = 0, epoch_only = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--epoch")) epoch_only = 1;
    else {
      printf("usage: bench/bench [--quick] [--epoch]\n");
      return strcmp(argv[i], "--help") ? 2 : 0;
    }
  }
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 2024);

  printf("gradchain bench%s\n", quick ? " (quick)" : "");
  peak_result pk;
  peak_measure(&pk, quick, 1);
  double p1 = pk.one, pall = pk.all;
  printf("FMA peak (double): one core %.1f GFLOP/s, %d threads %.1f GFLOP/s\n",
         p1, pk.threads, pall);
  printf("  one core: best of %d runs, median %.1f, slowest %.1f (%d "
         "chains); wall clock %.1f = %.0f%% of it (machine load)\n",
         pk.runs, pk.one_median, pk.one_worst, pk.chains, pk.one_wall,
         100 * pk.one_wall / p1);
#ifdef _OPENMP
  printf("OpenMP: up to %d threads\n", omp_get_max_threads());
#else
  printf("OpenMP: off\n");
#endif

  const shape shapes[] = {
      {"affine   train L1", K_AFFINE, 10, 30, 784},
      {"affine   train L2", K_AFFINE, 10, 10, 30},
      {"affine   eval  L1", K_AFFINE, 500, 30, 784},
      {"affine   eval  L2", K_AFFINE, 500, 10, 30},
      {"grad     train L1", K_GRAD, 10, 30, 784},
      {"grad     train L2", K_GRAD, 10, 10, 30},
      {"grad_step train L1", K_GRAD_STEP, 10, 30, 784},
      {"grad_step train L2", K_GRAD_STEP, 10, 10, 30},
      {"backprop train L2", K_BACKPROP, 10, 10, 30},
  };
  size_t nshapes = epoch_only ? 0 : sizeof shapes / sizeof *shapes;
  int nthr[2] = {1, max_threads()};
  int nvar = nthr[1] > 1 ? 2 : 1;
  double own1[sizeof shapes / sizeof *shapes];
  if (nshapes) {
    printf("\n%-18s %11s", "kernel", "B x n x m");
    for (int v = 0; v < nvar; v++)
      printf(" | %d thread%s: %9s %8s %7s", nthr[v], nthr[v] > 1 ? "s" : "",
             "us/call", "GFLOP/s", v ? "of all" : "of 1c");
    printf("\n");
  }
  for (size_t i = 0; i < nshapes; i++) {
    const shape *s = &shapes[i];
    char dims[32];
    snprintf(dims, sizeof dims, "%zux%zux%zu", s->B, s->n, s->m);
    printf("%-18s %11s", s->name, dims);
    for (int v = 0; v < nvar; v++) {
      set_threads(nthr[v]);
      double t = time_kernel(s, r, quick ? 0.02 : 0.1, 0);
      double gf = kernel_flops(s) / t * 1e-9;
      if (!v) own1[i] = t;
      printf(" | %*s %9.3f %8.2f %6.1f%%", v ? 11 : 10, "", t * 1e6, gf,
             100 * gf / (v ? pall : p1));
    }
    printf("\n");
  }
  (void)own1; /* read only by the LIBXSMM table */
#ifdef GC_HAVE_LIBXSMM
  if (nshapes) {
    libxsmm_init();
    printf("\nLIBXSMM %s (JIT for %s), 1 thread, the same operands "
           "(forward: W input-major)\n%-18s %11s | %9s %8s %7s | %12s\n",
           LIBXSMM_VERSION, libxsmm_get_target_arch(), "kernel", "B x n x m",
           "us/call", "GFLOP/s", "of 1c", "own/LIBXSMM");
    set_threads(1);
    for (size_t i = 0; i < nshapes; i++) {
      const shape *s = &shapes[i];
      char dims[32];
      snprintf(dims, sizeof dims, "%zux%zux%zu", s->B, s->n, s->m);
      if (!xsmm_kernel(s)) {
        printf("%-18s %11s | no kernel\n", s->name, dims);
        continue;
      }
      double t = time_kernel(s, r, quick ? 0.02 : 0.1, 1);
      double gf = kernel_flops(s) / t * 1e-9;
      printf("%-18s %11s | %9.3f %8.2f %6.1f%% | %11.2fx\n", s->name, dims,
             t * 1e6, gf, 100 * gf / p1, own1[i] / t);
    }
    libxsmm_finalize();
  }
#endif
  set_threads(nthr[1]);
  if (!epoch_only) time_activations(r, quick ? 0.02 : 0.1);

  size_t N = quick ? 10000 : 50000, Nval = quick ? 2000 : 10000;
  int runs = quick ? 1 : 3;
  printf("\nsynthetic epoch, [784,30,10], sigmoid + cross-entropy, batch 10 "
         "(best of %d)\n", runs);
  for (int v = 0; v < nvar; v++) {
    set_threads(nthr[v]);
    epoch_result best = {.train_s = INFINITY, .eval_s = INFINITY};
    for (int k = 0; k < runs; k++) {
      epoch_result e;
      int st = run_epoch(N, Nval, 10, r, &e);
      if (st) {
        fprintf(stderr, "bench: epoch failed: %s\n", gc_strerror_last());
        return 1;
      }
      if (e.train_s < best.train_s) {
        double ev = best.eval_s < e.eval_s ? best.eval_s : e.eval_s;
        double em = best.eval_med, ec = best.eval_cpu;
        best = e;
        if (ev < e.eval_s) {
          best.eval_s = ev;
          best.eval_med = em;
          best.eval_cpu = ec;
        }
      } else if (e.eval_s < best.eval_s) {
        best.eval_s = e.eval_s;
        best.eval_med = e.eval_med;
        best.eval_cpu = e.eval_cpu;
      }
    }
    double gtr = best.flops_train / best.train_s * 1e-9;
    double gev = best.flops_eval / best.eval_s * 1e-9;
    double pk = v ? pall : p1;
    printf(" %d thread%s (OMP_NUM_THREADS)\n", nthr[v], nthr[v] > 1 ? "s" : "");
    printf("  train: %zu examples  %.3f s  %.0f examples/s  %.2f GFLOP  "
           "%.2f GFLOP/s  %.1f%% of peak\n",
           N, best.train_s, (double)N / best.train_s,
           best.flops_train * 1e-9, gtr, 100 * gtr / pk);
    printf("         of which: batch scaling %.3f s, forward %.3f s, "
           "deltas %.3f s, gradient + SGD step %.3f s\n",
           best.part[0], best.part[1], best.part[2], best.part[3]);
    printf("  eval:  %zu examples  %.3f s  %.0f examples/s  %.2f GFLOP  "
           "%.2f GFLOP/s  (gc_evaluator_run, batches of 500)\n",
           Nval, best.eval_s, (double)Nval / best.eval_s,
           best.flops_eval * 1e-9, gev);
    printf("         of %d passes: best %.2f ms, median %.2f ms wall, "
           "median CPU of all threads %.2f ms\n", EPASSES,
           1e3 * best.eval_s, 1e3 * best.eval_med, 1e3 * best.eval_cpu);
    double ep = (best.train_s + best.eval_s) * (50000.0 / (double)N);
    printf("  epoch + evaluation (scaled to 50,000 + 10,000): %.3f s; "
           "30 epochs: %.2f s\n", ep, 30 * ep);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak resident memory: %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
  gsl_rng_free(r);
  return 0;
}
