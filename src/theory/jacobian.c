/* jacobian.c -- layer Jacobian products: the product kept normalised with
 * its log scale, singular values by GSL's SVD, Lyapunov exponents by GSL's
 * Householder QR. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "gradchain/error.h"
#include "gradchain/init.h"
#include "gradchain/jacobian.h"
#include "gradchain/kernels.h"
#include "core/gsl_handler.h"
#include "core/machine.h"

#define POWER_MAX_ITER 500
#define POWER_BLOCK 8
#define POWER_TOL 1e-10

struct gc_jacobian {
  size_t n0, maxw, maxd, depth, cols;
  double ls;         /* ln ||P||_F of the true product */
  double *P, *Z;     /* n0 x cols (normalised), scratch n0 x maxw */
  double *At;        /* a transposed factor, maxw x maxw */
  double *zero;      /* maxw zeros: the affine kernel's bias */
  double *y, *x;     /* subspace iteration: block x n0 (kept between depths),
                        block x maxw */
  gc_jacobian_layer *rec;
  size_t ns, *sdep;  /* spectrum depths */
  double **spec;     /* their log singular values, min(n0, maxw) each */
  size_t *scount;
  size_t k, blocks;  /* Lyapunov directions and blocks */
  double *Q, *QZ;    /* k x cols orthonormal rows, scratch k x maxw */
  double *sumln;     /* blocks x k sums of ln|R_ii| */
  size_t *bcount;    /* factors per block */
};

static size_t min_sz(size_t a, size_t b) { return a < b ? a : b; }
static void start_row(double *y, size_t r, size_t R);

double gc_jacobian_bytes(size_t n0, size_t maxw, size_t maxd,
                         const gc_jacobian_params *p)
{
  double a = (double)n0, w = (double)maxw, mn = (double)min_sz(n0, maxw);
  double mx = a > w ? a : w;
  double b = 8.0 * (2 * a * w + w * w + 9 * w + 8 * a); /* P, Z, At, ... */
  b += (double)maxd * sizeof(gc_jacobian_layer);
  if (p && p->nspectrum)
    b += 8.0 * ((double)p->nspectrum * mn + mx * mn + 2 * mn * mn + 2 * mn);
  if (p && p->lyapunov) {
    double k = (double)p->lyapunov;
    b += 8.0 * (2 * k * w + w * k + w * w + w * k + (double)p->blocks * k);
  }
  return b;
}

void gc_jacobian_free(gc_jacobian *j)
{
  if (!j) return;
  free(j->P);
  free(j->Z);
  free(j->At);
  free(j->zero);
  free(j->y);
  free(j->x);
  free(j->rec);
  if (j->spec)
    for (size_t s = 0; s < j->ns; s++) free(j->spec[s]);
  free(j->spec);
  free(j->sdep);
  free(j->scount);
  free(j->Q);
  free(j->QZ);
  free(j->sumln);
  free(j->bcount);
  free(j);
}

int gc_jacobian_alloc(gc_jacobian **out, size_t n0, size_t maxw,
                      size_t maxd, const gc_jacobian_params *p)
{
  *out = NULL;
  if (n0 == 0 || maxw == 0 || maxd == 0)
    return gc_error(GC_EINVAL, "a Jacobian product needs width and depth "
                    ">= 1 (got input width %zu, width %zu, depth %zu)", n0,
                    maxw, maxd);
  if (maxd > GC_NET_MAX_LAYERS || n0 > GC_NET_MAX_WIDTH ||
      maxw > GC_NET_MAX_WIDTH)
    return gc_error(GC_ERANGE, "a Jacobian product of width %zu and depth "
                    "%zu is beyond the limits (%zu, %zu)", maxw, maxd,
                    GC_NET_MAX_WIDTH, GC_NET_MAX_LAYERS);
  gc_jacobian_params none = {NULL, 0, 0, 0};
  if (!p) p = &none;
  if (p->lyapunov && (p->lyapunov > n0 || p->lyapunov > maxw))
    return gc_error(GC_EINVAL, "%zu Lyapunov directions in a product of "
                    "widths %zu and %zu", p->lyapunov, n0, maxw);
  if (p->lyapunov && (p->blocks < 2 || p->blocks > maxd))
    return gc_error(GC_EINVAL, "%zu blocks for the standard errors of %zu "
                    "layers (need 2 .. depth)", p->blocks, maxd);
  for (size_t s = 0; s < p->nspectrum; s++)
    if (p->spectrum_depths[s] < 1 || p->spectrum_depths[s] > maxd)
      return gc_error(GC_EINVAL, "spectrum depth %zu outside 1 .. %zu",
                      p->spectrum_depths[s], maxd);
  double need = gc_jacobian_bytes(n0, maxw, maxd, p), have = gc_machine_bytes();
  if (need > 0.8 * have)
    return gc_error(GC_ERANGE, "a Jacobian product of width %zu and depth "
                    "%zu needs %.3g GB, more than 80%% of this machine's "
                    "memory", maxw, maxd, need / 1e9);
  gc_jacobian *j = calloc(1, sizeof *j);
  if (!j) return gc_error(GC_ENOMEM, "out of memory for a Jacobian product");
  j->n0 = n0;
  j->maxw = maxw;
  j->maxd = maxd;
  j->cols = n0;
  j->ls = 0.5 * log((double)n0); /* ||I||_F */
  size_t mx = n0 > maxw ? n0 : maxw;
  j->P = malloc(n0 * mx * sizeof *j->P);
  j->Z = malloc(n0 * maxw * sizeof *j->Z);
  j->At = malloc(maxw * mx * sizeof *j->At);
  j->zero = calloc(mx, sizeof *j->zero);
  j->y = malloc(POWER_BLOCK * n0 * sizeof *j->y);
  j->x = malloc(POWER_BLOCK * mx * sizeof *j->x);
  j->rec = calloc(maxd, sizeof *j->rec);
  int bad = !j->P || !j->Z || !j->At || !j->zero || !j->y || !j->x || !j->rec;
  if (!bad && p->nspectrum) {
    j->ns = p->nspectrum;
    j->sdep = malloc(j->ns * sizeof *j->sdep);
    j->scount = calloc(j->ns, sizeof *j->scount);
    j->spec = calloc(j->ns, sizeof *j->spec);
    bad = !j->sdep || !j->scount || !j->spec;
    for (size_t s = 0; !bad && s < j->ns; s++) {
      j->sdep[s] = p->spectrum_depths[s];
      j->spec[s] = malloc(min_sz(n0, mx) * sizeof **j->spec);
      bad = !j->spec[s];
    }
  }
  if (!bad && p->lyapunov) {
    j->k = p->lyapunov;
    j->blocks = p->blocks;
    j->Q = malloc(j->k * mx * sizeof *j->Q);
    j->QZ = malloc(j->k * maxw * sizeof *j->QZ);
    j->sumln = calloc(j->blocks * j->k, sizeof *j->sumln);
    j->bcount = calloc(j->blocks, sizeof *j->bcount);
    bad = !j->Q || !j->QZ || !j->sumln || !j->bcount;
  }
  if (bad) {
    gc_jacobian_free(j);
    return gc_error(GC_ENOMEM, "out of memory for a Jacobian product of "
                    "width %zu", maxw);
  }
  /* P = I / sqrt(n0) (normalised); Q = the first k unit vectors */
  memset(j->P, 0, n0 * n0 * sizeof *j->P);
  for (size_t i = 0; i < n0; i++) j->P[i * n0 + i] = 1 / sqrt((double)n0);
  /* the block's start: fixed, and not orthogonal to any given vector
   * (unlike unit vectors) */
  for (size_t r = 0; r < POWER_BLOCK; r++) start_row(j->y + r * n0, r, n0);
  if (j->k) {
    memset(j->Q, 0, j->k * n0 * sizeof *j->Q);
    for (size_t r = 0; r < j->k; r++) j->Q[r * n0 + r] = 1;
  }
  *out = j;
  return GC_OK;
}

size_t gc_jacobian_depth(const gc_jacobian *j) { return j->depth; }

const gc_jacobian_layer *gc_jacobian_layers(const gc_jacobian *j)
{
  return j->rec;
}

const double *gc_jacobian_log_spectrum(const gc_jacobian *j, size_t depth,
                                       size_t *count)
{
  for (size_t s = 0; s < j->ns; s++)
    if (j->sdep[s] == depth && j->scount[s]) {
      if (count) *count = j->scount[s];
      return j->spec[s];
    }
  if (count) *count = 0;
  return NULL;
}

/* exp(lg), or NaN where that under- or overflows a finite log */
static double exp_or_nan(double lg)
{
  double v = exp(lg);
  if (isfinite(lg) && (v == 0 || !isfinite(v))) return NAN;
  return v;
}

/* Z[r x n] = X[r x m] F^T, F the factor (n x m, or stored m x n when
 * transpose), then column c times d[c]. */
static void apply(gc_jacobian *j, double *Z, const double *X, size_t r,
                  const double *A, size_t n, size_t m, int transpose,
                  const double *d)
{
  const double *F = A;
  if (transpose) {
    for (size_t a = 0; a < n; a++)
      for (size_t b = 0; b < m; b++) j->At[a * m + b] = A[b * n + a];
    F = j->At;
  }
  gc_kernel_affine(Z, r, n, m, X, F, j->zero);
  for (size_t i = 0; i < r; i++)
    for (size_t c = 0; c < n; c++) Z[i * n + c] *= d[c];
}

/* Row r of the block's fixed start. */
static void start_row(double *y, size_t r, size_t R)
{
  for (size_t i = 0; i < R; i++)
    y[i] = cos((double)((r + 1) * (i + 1)) * 0.7548776662);
}

/* Orthonormalise the kb rows of Y (length R): Gram-Schmidt twice ("twice
 * is enough"), since the rows become nearly parallel in a deep product.
 * A row that was (numerically) in the span of the others is replaced by
 * its fixed start and orthonormalised again; one still lost stays 0. */
static void orthonormalise(double *Y, size_t kb, size_t R)
{
  for (size_t r = 0; r < kb; r++) {
    double *y = Y + r * R;
    for (int fresh = 0; fresh < 2; fresh++) {
      double n0 = 0, t = 0;
      for (size_t i = 0; i < R; i++) n0 += y[i] * y[i];
      for (int pass = 0; pass < 2; pass++)
        for (size_t q = 0; q < r; q++) {
          const double *u = Y + q * R;
          double d = 0;
          for (size_t i = 0; i < R; i++) d += u[i] * y[i];
          for (size_t i = 0; i < R; i++) y[i] -= d * u[i];
        }
      for (size_t i = 0; i < R; i++) t += y[i] * y[i];
      if (t > 1e-20 * n0 && t > 0) {
        t = 1 / sqrt(t);
        for (size_t i = 0; i < R; i++) y[i] *= t;
        break;
      }
      if (fresh) memset(y, 0, R * sizeof *y);
      else start_row(y, r, R);
    }
  }
}

/* sigma_max^2 of the normalised P (n0 x cols): subspace iteration on
 * P P^T with kb vectors (the rows of Y, kept from the previous depth, where
 * the top singular vectors are nearly the same), the largest Ritz value of
 * the block as the estimate.  A block reads P once per step for all kb
 * vectors (the kernels' multi-row path), and converges as
 * (sigma_(kb+1)/sigma_1)^2 per step instead of (sigma_2/sigma_1)^2. */
static double power_sq(gc_jacobian *j)
{
  size_t R = j->n0, c = j->cols, kb = min_sz(POWER_BLOCK, min_sz(R, c));
  double est = 0, G[POWER_BLOCK * POWER_BLOCK], ev[POWER_BLOCK];
  gsl_error_handler_t *old = gc_gsl_handler_off();
  gsl_eigen_symm_workspace *ew = gsl_eigen_symm_alloc(kb);
  for (int it = 0; ew && it < POWER_MAX_ITER; it++) {
    orthonormalise(j->y, kb, R);
    gc_kernel_backprop(j->x, kb, R, c, j->y, j->P, NULL); /* X = Y P */
    for (size_t a = 0; a < kb; a++)
      for (size_t b = 0; b <= a; b++) {
        double d = 0;
        for (size_t i = 0; i < c; i++) d += j->x[a * c + i] * j->x[b * c + i];
        G[a * kb + b] = G[b * kb + a] = d;
      }
    gsl_matrix_view gv = gsl_matrix_view_array(G, kb, kb);
    gsl_vector_view evv = gsl_vector_view_array(ev, kb);
    if (gsl_eigen_symm(&gv.matrix, &evv.vector, ew)) break;
    double s = 0;
    for (size_t a = 0; a < kb; a++)
      if (ev[a] > s) s = ev[a];
    int done = s == 0 || fabs(s - est) <= POWER_TOL * s;
    est = s;
    if (done) break;
    gc_kernel_affine(j->y, kb, R, c, j->x, j->P, j->zero); /* Y = X P^T */
  }
  gsl_eigen_symm_free(ew);
  gc_gsl_handler_restore(old, 0);
  return est;
}

/* The SVD of the normalised product into spectrum slot s (log values). */
static int spectrum(gc_jacobian *j, size_t s, gc_jacobian_layer *rec)
{
  size_t R = j->n0, c = j->cols, M = R >= c ? R : c, N = R >= c ? c : R;
  /* off for the allocations too: GSL's default handler aborts */
  gsl_error_handler_t *old = gc_gsl_handler_off();
  gsl_matrix *A = gsl_matrix_alloc(M, N), *V = gsl_matrix_alloc(N, N);
  gsl_vector *S = gsl_vector_alloc(N), *w = gsl_vector_alloc(N);
  int st = GC_OK;
  if (!A || !V || !S || !w) {
    st = gc_error(GC_ENOMEM, "out of memory for the SVD of a %zu x %zu "
                  "product", R, c);
    goto out;
  }
  for (size_t a = 0; a < R; a++)
    for (size_t b = 0; b < c; b++) {
      if (R >= c) gsl_matrix_set(A, a, b, j->P[a * c + b]);
      else gsl_matrix_set(A, b, a, j->P[a * c + b]);
    }
  int gs = gsl_linalg_SV_decomp(A, V, S, w);
  if (gs) {
    st = gc_error(GC_ENOCONV, "the SVD of the product at depth %zu failed "
                  "(GSL: %s)", j->depth, gsl_strerror(gs));
    goto out;
  }
  for (size_t i = 0; i < N; i++)
    j->spec[s][i] = j->ls + log(gsl_vector_get(S, i));
  j->scount[s] = N;
  rec->has_spectrum = 1;
  rec->log_max_singular = j->spec[s][0];
  rec->log_min_singular = j->spec[s][N - 1];
out:
  gsl_matrix_free(A);
  gsl_matrix_free(V);
  gsl_vector_free(S);
  gsl_vector_free(w);
  return gc_gsl_handler_restore(old, st);
}

/* Re-orthonormalise the k directions after a factor: QZ (k x n) holds
 * the images as rows; QR of its transpose, ln|R_ii| into the block's
 * sums, Q's first k columns back as rows. */
static int lyapunov_step(gc_jacobian *j, size_t n)
{
  size_t k = j->k;
  gsl_error_handler_t *old = gc_gsl_handler_off();
  gsl_matrix *Y = gsl_matrix_alloc(n, k), *Qf = gsl_matrix_alloc(n, n);
  gsl_matrix *Rm = gsl_matrix_alloc(n, k);
  gsl_vector *tau = gsl_vector_alloc(k);
  int st = GC_OK;
  if (!Y || !Qf || !Rm || !tau) {
    st = gc_error(GC_ENOMEM, "out of memory for the QR of %zu Lyapunov "
                  "directions", k);
    goto out;
  }
  for (size_t r = 0; r < k; r++)
    for (size_t i = 0; i < n; i++) gsl_matrix_set(Y, i, r, j->QZ[r * n + i]);
  int gs = gsl_linalg_QR_decomp(Y, tau);
  if (!gs) gs = gsl_linalg_QR_unpack(Y, tau, Qf, Rm);
  if (gs) {
    st = gc_error(GC_ENUMERIC, "the QR of the Lyapunov directions at depth "
                  "%zu failed (GSL: %s)", j->depth + 1, gsl_strerror(gs));
    goto out;
  }
  size_t b = j->depth * j->blocks / j->maxd; /* this factor's block */
  for (size_t r = 0; r < k; r++) {
    j->sumln[b * k + r] += log(fabs(gsl_matrix_get(Rm, r, r)));
    for (size_t i = 0; i < n; i++) j->Q[r * n + i] = gsl_matrix_get(Qf, i, r);
  }
  j->bcount[b]++;
out:
  gsl_matrix_free(Y);
  gsl_matrix_free(Qf);
  gsl_matrix_free(Rm);
  gsl_vector_free(tau);
  return gc_gsl_handler_restore(old, st);
}

int gc_jacobian_push(gc_jacobian *j, const double *A, size_t n, size_t m,
                     int transpose, const double *d)
{
  if (j->depth == j->maxd)
    return gc_error(GC_ERANGE, "the Jacobian product already has its %zu "
                    "factors", j->maxd);
  if (m != j->cols || n == 0 || n > j->maxw)
    return gc_error(GC_EINVAL, "a %zu x %zu factor does not fit a product "
                    "of width %zu (at most %zu wide)", n, m, j->cols,
                    j->maxw);
  if (j->k && n < j->k)
    return gc_error(GC_EINVAL, "a factor of width %zu cannot carry %zu "
                    "Lyapunov directions", n, j->k);
  size_t R = j->n0;
  apply(j, j->Z, j->P, R, A, n, m, transpose, d);
  /* normalise: amax first, so that the sum of squares cannot overflow */
  double amax = 0;
  for (size_t i = 0; i < R * n; i++) {
    double v = fabs(j->Z[i]);
    if (!isfinite(v)) {
      amax = v;
      break;
    }
    if (v > amax) amax = v;
  }
  if (!isfinite(amax))
    return gc_error(GC_ENUMERIC, "the Jacobian product became NaN or "
                    "infinite at depth %zu (a factor is not finite)",
                    j->depth + 1);
  double fro = 0;
  if (amax > 0) {
    double s = 0;
    for (size_t i = 0; i < R * n; i++) {
      double v = j->Z[i] / amax;
      s += v * v;
    }
    fro = amax * sqrt(s);
    j->ls += log(fro);
    for (size_t i = 0; i < R * n; i++) j->P[i] = j->Z[i] / fro;
  } else {
    j->ls = -INFINITY;
    memset(j->P, 0, R * n * sizeof *j->P);
  }
  j->cols = n;
  gc_jacobian_layer *rec = &j->rec[j->depth];
  j->depth++;
  rec->depth = j->depth;
  rec->rows = n; /* the product maps the fixed side (n0) to n */
  rec->cols = R;
  rec->log_mean_sq = 2 * j->ls - log((double)min_sz(R, n));
  rec->mean_sq = exp_or_nan(rec->log_mean_sq);
  rec->has_spectrum = 0;
  rec->log_min_singular = NAN;
  int st = GC_OK;
  for (size_t s = 0; s < j->ns && !st; s++)
    if (j->sdep[s] == j->depth) st = spectrum(j, s, rec);
  if (st) return st;
  if (!rec->has_spectrum)
    rec->log_max_singular = fro > 0 ? j->ls + 0.5 * log(power_sq(j))
                                    : -INFINITY;
  rec->max_singular = exp_or_nan(rec->log_max_singular);
  rec->min_singular = exp_or_nan(rec->log_min_singular);
  if (j->k) {
    j->depth--; /* lyapunov_step names the factor by depth + 1 */
    apply(j, j->QZ, j->Q, j->k, A, n, m, transpose, d);
    st = lyapunov_step(j, n);
    j->depth++;
  }
  return st;
}

size_t gc_jacobian_histogram(double *centre, double *frac, size_t max,
                             const double *ls, size_t count, double bw)
{
  if (!count || !isfinite(ls[0]) || !isfinite(ls[count - 1]) || !(bw > 0))
    return 0;
  double lo = bw * floor(ls[count - 1] / bw);
  size_t nb = (size_t)((ls[0] - lo) / bw) + 1;
  if (!centre || !frac) return nb;
  if (nb > max) nb = max;
  size_t i = count; /* values below index i are not binned yet */
  for (size_t b = 0; b < nb; b++) {
    size_t c = 0;
    while (i > 0 && ls[i - 1] < lo + bw * (double)(b + 1)) {
      i--;
      c++;
    }
    if (b + 1 == nb) c += i; /* the top edge */
    centre[b] = lo + bw * ((double)b + 0.5);
    frac[b] = (double)c / (double)count;
  }
  return nb;
}

int gc_jacobian_lyapunov(double *ex, double *se, const gc_jacobian *j)
{
  size_t k = j->k, B = j->blocks;
  if (!k)
    return gc_error(GC_EINVAL, "the product tracks no Lyapunov directions");
  for (size_t b = 0; b < B; b++)
    if (!j->bcount[b])
      return gc_error(GC_EINVAL, "block %zu of %zu has no layers yet (depth "
                      "%zu of %zu)", b + 1, B, j->depth, j->maxd);
  for (size_t r = 0; r < k; r++) {
    double tot = 0, mean = 0, m2 = 0;
    size_t ninf = 0;
    for (size_t b = 0; b < B; b++) {
      double s = j->sumln[b * k + r];
      tot += s;
      if (isinf(s)) {
        ninf++;
        continue;
      }
      mean += s / (double)j->bcount[b];
    }
    if (ninf) {
      ex[r] = -INFINITY;
      se[r] = ninf == B ? 0 : INFINITY;
      continue;
    }
    mean /= (double)B;
    for (size_t b = 0; b < B; b++) {
      double v = j->sumln[b * k + r] / (double)j->bcount[b] - mean;
      m2 += v * v;
    }
    ex[r] = tot / (double)j->depth;
    se[r] = sqrt(m2 / (double)(B - 1) / (double)B);
  }
  return GC_OK;
}

int gc_jacobian_of_net(gc_jacobian *fwd, gc_jacobian *bwd, const gc_net *net,
                       const double *x)
{
  gc_workspace *ws = NULL;
  int st = gc_workspace_alloc(&ws, net, 1);
  if (st) return st;
  st = gc_net_forward(net, ws, x, 1);
  size_t Lo = net->nlayers - 1;
  for (size_t l = 1; fwd && !st && l <= Lo; l++)
    st = gc_jacobian_push(fwd, net->p.w[l], net->sizes[l],
                          net->sizes[l - 1], 0, ws->fp[l]);
  /* delta^(Lo-k) = D_(Lo-k) W_(Lo-k+1)^T delta^(Lo-k+1) */
  for (size_t k = 1; bwd && !st && k < Lo; k++)
    st = gc_jacobian_push(bwd, net->p.w[Lo - k + 1], net->sizes[Lo - k],
                          net->sizes[Lo - k + 1], 1, ws->fp[Lo - k]);
  gc_workspace_free(ws);
  return st;
}

void gc_jacobian_init_variances(double *sw2, double *sb2, gc_init kind,
                                size_t n_in, size_t n_out, double sigma_w,
                                double sigma_b)
{
  double ni = (double)n_in, no = (double)n_out;
  *sb2 = 0;
  switch (kind) {
  case GC_INIT_DEFAULT: *sw2 = 1; *sb2 = 1; break;
  case GC_INIT_LARGE: *sw2 = ni; *sb2 = 1; break;
  case GC_INIT_GLOROT: *sw2 = 2 * ni / (ni + no); break; /* r^2/3 n_in */
  case GC_INIT_HE: *sw2 = 2; break;
  case GC_INIT_UNIFORM: *sw2 = 1.0 / 3; break;
  case GC_INIT_ORTHOGONAL: /* rows of norm sigma_w: variance sigma_w^2/n_in */
  case GC_INIT_GAUSSIAN:
  default:
    *sw2 = sigma_w * sigma_w;
    *sb2 = sigma_b * sigma_b;
    break;
  }
}

void gc_jacobian_net_variances(double *sw2, double *sb2, const gc_net *net)
{
  double w = 0, b = 0;
  size_t L = net->nlayers - 1;
  for (size_t l = 1; l <= L; l++) {
    size_t n = net->sizes[l], m = net->sizes[l - 1];
    double sw = 0, sb = 0;
    for (size_t i = 0; i < n * m; i++) sw += net->p.w[l][i] * net->p.w[l][i];
    for (size_t i = 0; i < n; i++) sb += net->p.b[l][i] * net->p.b[l][i];
    w += sw / (double)n; /* m * mean(w^2) */
    b += sb / (double)n;
  }
  *sw2 = w / (double)L;
  *sb2 = b / (double)L;
}

void gc_jacobian_input(double *x, size_t n, double q, gsl_rng *rng)
{
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    x[i] = gsl_ran_gaussian(rng, 1);
    s += x[i] * x[i];
  }
  double f = s > 0 ? sqrt(q * (double)n / s) : 0;
  for (size_t i = 0; i < n; i++) x[i] *= f;
}

int gc_jacobian_random(gc_jacobian *fwd, size_t n0, size_t n, size_t depth,
                       gc_activation act, gc_init kind, double sigma_w,
                       double sigma_b, const double *x, gsl_rng *rng)
{
  int st;
  gc_net *first = NULL, *rest = NULL;
  gc_workspace *w1 = NULL, *w2 = NULL;
  double *a = malloc(n * sizeof *a);
  size_t s1[2] = {n0, n}, s2[2] = {n, n};
  st = a ? GC_OK : gc_error(GC_ENOMEM, "out of memory for a layer");
  if (!st) st = gc_net_alloc(&first, 2, s1, act, GC_COST_QUADRATIC);
  if (!st) st = gc_net_alloc(&rest, 2, s2, act, GC_COST_QUADRATIC);
  if (!st) st = gc_workspace_alloc(&w1, first, 1);
  if (!st) st = gc_workspace_alloc(&w2, rest, 1);
  for (size_t l = 1; !st && l <= depth; l++) {
    gc_net *net = l == 1 ? first : rest;
    gc_workspace *ws = l == 1 ? w1 : w2;
    st = gc_net_init_sigma(net, kind, sigma_w, sigma_b, rng);
    if (!st) st = gc_net_forward(net, ws, l == 1 ? x : a, 1);
    if (!st) memcpy(a, ws->a[1], n * sizeof *a);
    if (!st)
      st = gc_jacobian_push(fwd, net->p.w[1], n, net->sizes[0], 0, ws->fp[1]);
  }
  gc_workspace_free(w1);
  gc_workspace_free(w2);
  gc_net_free(first);
  gc_net_free(rest);
  free(a);
  return st;
}
