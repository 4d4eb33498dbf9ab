/* check_jacobian.c -- Jacobian products against what is known of them
 * independently: the Fuss-Catalan edge of Gaussian products, orthogonal
 * products (all singular values 1), diagonal products (Lyapunov exponents
 * are mean logs), products formed by hand and by finite differences, and
 * mean-field theory's chi1^L for tanh in each phase. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"

static gsl_rng *rng(unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

/* a net of depth L, every layer n wide, default init (W ~ N(0, 1/n)) */
static gc_net *square_net(size_t n, size_t L, gc_activation act,
                          unsigned long seed)
{
  size_t *sizes = malloc((L + 1) * sizeof *sizes);
  for (size_t l = 0; l <= L; l++) sizes[l] = n;
  gc_net *net = NULL;
  ck_assert_int_eq(gc_net_alloc(&net, L + 1, sizes, act, GC_COST_QUADRATIC),
                   0);
  gsl_rng *r = rng(seed);
  gc_net_init(net, GC_INIT_DEFAULT, r);
  gsl_rng_free(r);
  free(sizes);
  return net;
}

static double *unit_input(size_t n, double q, unsigned long seed)
{
  double *x = malloc(n * sizeof *x), s = 0;
  gsl_rng *r = rng(seed);
  for (size_t i = 0; i < n; i++) {
    x[i] = gsl_ran_gaussian(r, 1);
    s += x[i] * x[i];
  }
  for (size_t i = 0; i < n; i++) x[i] *= sqrt(q * (double)n / s);
  gsl_rng_free(r);
  return x;
}

static gc_jacobian *jac(size_t n0, size_t w, size_t L,
                        const gc_jacobian_params *p)
{
  gc_jacobian *j = NULL;
  ck_assert_msg(gc_jacobian_alloc(&j, n0, w, L, p) == 0, "%s",
                gc_strerror_last());
  return j;
}

/* Linear Gaussian products: E[mean sq] = 1; the top eigenvalue of JJ^T
 * approaches the Fuss-Catalan edge (L+1)^(L+1)/L^L as n grows. */
START_TEST(test_fuss_catalan)
{
  const size_t L = 2, ns[] = {50, 200, 800};
  const double edge = 27.0 / 4; /* 3^3 / 2^2 */
  double dev[3];
  for (size_t t = 0; t < 3; t++) {
    size_t n = ns[t];
    double acc = 0;
    const int S = 3; /* seeds: the edge fluctuates by ~ n^(-2/3) */
    for (int s = 0; s < S; s++) {
      gc_net *net = square_net(n, L, GC_ACT_IDENTITY, 10 + (unsigned)s);
      double *x = unit_input(n, 1, 99);
      gc_jacobian *j = jac(n, n, L, NULL);
      ck_assert_int_eq(gc_jacobian_of_net(j, NULL, net, x), 0);
      const gc_jacobian_layer *rec = gc_jacobian_layers(j);
      for (size_t l = 0; l < L; l++) {
        /* ||J||_F^2 / n: mean 1, sd about sqrt(2 (l+1)) / n */
        double sd = sqrt(2.0 * (double)(l + 1)) / (double)n;
        ck_assert_msg(fabs(rec[l].mean_sq - 1) < 6 * sd,
                      "n %zu depth %zu: mean sq %g", n, l + 1,
                      rec[l].mean_sq);
      }
      acc += rec[L - 1].max_singular * rec[L - 1].max_singular;
      gc_jacobian_free(j);
      gc_net_free(net);
      free(x);
    }
    dev[t] = fabs(acc / S - edge) / edge;
  }
  ck_assert_msg(dev[2] < dev[0] && dev[2] < 0.03,
                "edge %g: relative distance %g, %g, %g at n = 50, 200, 800",
                edge, dev[0], dev[1], dev[2]);
}
END_TEST

/* The power iteration's sigma_max against the SVD's. */
START_TEST(test_power_vs_svd)
{
  size_t n = 60, L = 4, d[] = {1, 2, 3, 4};
  gc_net *net = square_net(n, L, GC_ACT_TANH, 3);
  double *x = unit_input(n, 0.5, 4);
  gc_jacobian_params p = {d, 4, 0, 0};
  gc_jacobian *a = jac(n, n, L, NULL), *b = jac(n, n, L, &p);
  ck_assert_int_eq(gc_jacobian_of_net(a, NULL, net, x), 0);
  ck_assert_int_eq(gc_jacobian_of_net(b, NULL, net, x), 0);
  for (size_t l = 0; l < L; l++) {
    double pw = gc_jacobian_layers(a)[l].max_singular;
    double sv = gc_jacobian_layers(b)[l].max_singular;
    ck_assert_msg(fabs(pw - sv) <= 1e-9 * sv, "depth %zu: %.17g vs %.17g",
                  l + 1, pw, sv);
    ck_assert(isnan(gc_jacobian_layers(a)[l].min_singular));
    ck_assert(gc_jacobian_layers(b)[l].min_singular > 0);
  }
  gc_jacobian_free(a);
  gc_jacobian_free(b);
  gc_net_free(net);
  free(x);
}
END_TEST

/* Haar-orthogonal weights (GSL QR of Gaussian matrices, made here) and the
 * identity: every singular value 1, every Lyapunov exponent 0. */
START_TEST(test_orthogonal)
{
  size_t n = 40, L = 30, d[] = {1, 30};
  gc_net *net = square_net(n, L, GC_ACT_IDENTITY, 5);
  gsl_rng *r = rng(6);
  gsl_matrix *A = gsl_matrix_alloc(n, n), *Q = gsl_matrix_alloc(n, n),
             *R = gsl_matrix_alloc(n, n);
  gsl_vector *tau = gsl_vector_alloc(n);
  for (size_t l = 1; l <= L; l++) {
    for (size_t i = 0; i < n * n; i++) A->data[i] = gsl_ran_gaussian(r, 1);
    gsl_linalg_QR_decomp(A, tau);
    gsl_linalg_QR_unpack(A, tau, Q, R);
    memcpy(net->p.w[l], Q->data, n * n * sizeof(double));
  }
  double *x = unit_input(n, 1, 7);
  gc_jacobian_params p = {d, 2, n, 3};
  gc_jacobian *j = jac(n, n, L, &p);
  ck_assert_int_eq(gc_jacobian_of_net(j, NULL, net, x), 0);
  for (size_t s = 0; s < 2; s++) {
    size_t cnt;
    const double *ls = gc_jacobian_log_spectrum(j, d[s], &cnt);
    ck_assert_uint_eq(cnt, n);
    for (size_t i = 0; i < n; i++)
      ck_assert_msg(fabs(ls[i]) < 1e-13, "depth %zu: ln sigma_%zu = %g",
                    d[s], i + 1, ls[i]);
  }
  for (size_t l = 0; l < L; l++)
    ck_assert(fabs(gc_jacobian_layers(j)[l].mean_sq - 1) < 1e-13);
  double ex[40], se[40];
  ck_assert_int_eq(gc_jacobian_lyapunov(ex, se, j), 0);
  for (size_t i = 0; i < n; i++) ck_assert(fabs(ex[i]) < 1e-14);
  gc_jacobian_free(j);
  gsl_matrix_free(A);
  gsl_matrix_free(Q);
  gsl_matrix_free(R);
  gsl_vector_free(tau);
  gsl_rng_free(r);
  gc_net_free(net);
  free(x);
}
END_TEST

/* Diagonal factors: the exponents are the mean logs of the entries, in
 * order; block standard errors by hand; a zero entry gives -inf. */
START_TEST(test_diagonal_lyapunov)
{
  enum { n = 5, L = 12, B = 3 };
  double I[n * n] = {0}, d[L][n];
  for (size_t i = 0; i < n; i++) I[i * n + i] = 1;
  gsl_rng *r = rng(8);
  for (size_t l = 0; l < L; l++)
    for (size_t i = 0; i < n; i++)
      d[l][i] = (gsl_rng_uniform(r) + 0.1) * (i == 3 ? -1 : 1) *
                (i == 4 && l == 7 ? 0 : 1);
  gc_jacobian_params p = {NULL, 0, n, B};
  gc_jacobian *j = jac(n, n, L, &p);
  for (size_t l = 0; l < L; l++)
    ck_assert_int_eq(gc_jacobian_push(j, I, n, n, l % 2, d[l]), 0);
  double ex[n], se[n];
  ck_assert_int_eq(gc_jacobian_lyapunov(ex, se, j), 0);
  for (size_t i = 0; i < 4; i++) {
    double tot = 0, bm[B] = {0}, mean = 0, m2 = 0;
    for (size_t l = 0; l < L; l++) {
      tot += log(fabs(d[l][i]));
      bm[l / (L / B)] += log(fabs(d[l][i])) / (L / B);
    }
    for (size_t b = 0; b < B; b++) mean += bm[b] / B;
    for (size_t b = 0; b < B; b++) m2 += (bm[b] - mean) * (bm[b] - mean);
    ck_assert_msg(fabs(ex[i] - tot / L) < 1e-14, "%zu: %.17g vs %.17g", i,
                  ex[i], tot / L);
    ck_assert(fabs(se[i] - sqrt(m2 / (B - 1) / B)) < 1e-14);
  }
  ck_assert(isinf(ex[4]) && ex[4] < 0 && isinf(se[4]));
  /* the product itself is singular but finite: min sigma 0, never NaN */
  const gc_jacobian_layer *rec = gc_jacobian_layers(j);
  ck_assert(!isnan(rec[L - 1].mean_sq) && rec[L - 1].mean_sq > 0);
  gc_jacobian_free(j);
  gsl_rng_free(r);
}
END_TEST

/* A product that is zero: -inf logs and exponents, 0 values, no NaN. */
START_TEST(test_zero_product)
{
  enum { n = 4, L = 4 };
  double W[n * n], zero[n] = {0};
  for (size_t i = 0; i < n * n; i++) W[i] = 1.0 + (double)i;
  size_t dep[] = {4};
  gc_jacobian_params p = {dep, 1, n, 2};
  gc_jacobian *j = jac(n, n, L, &p);
  for (size_t l = 0; l < L; l++)
    ck_assert_int_eq(gc_jacobian_push(j, W, n, n, 0, zero), 0);
  const gc_jacobian_layer *rec = gc_jacobian_layers(j);
  ck_assert(rec[L - 1].mean_sq == 0 && isinf(rec[L - 1].log_mean_sq));
  ck_assert(rec[L - 1].max_singular == 0 && rec[L - 1].min_singular == 0);
  double ex[n], se[n];
  ck_assert_int_eq(gc_jacobian_lyapunov(ex, se, j), 0);
  for (size_t i = 0; i < n; i++)
    ck_assert(isinf(ex[i]) && ex[i] < 0 && se[i] == 0);
  gc_jacobian_free(j);
}
END_TEST

/* J against finite differences of the net's output, and the backward
 * product against delta propagated by hand, on a net of mixed widths. */
START_TEST(test_against_hand)
{
  size_t sizes[] = {7, 5, 6, 4};
  gc_net *net = NULL;
  ck_assert_int_eq(gc_net_alloc(&net, 4, sizes, GC_ACT_TANH,
                                GC_COST_QUADRATIC), 0);
  gsl_rng *r = rng(11);
  gc_net_init(net, GC_INIT_DEFAULT, r);
  gsl_rng_free(r);
  double *x = unit_input(7, 1, 12);
  size_t sp[] = {3};
  gc_jacobian_params p = {sp, 1, 0, 0};
  gc_jacobian *f = jac(7, 6, 3, &p), *b = jac(4, 6, 2, NULL);
  ck_assert_int_eq(gc_jacobian_of_net(f, b, net, x), 0);
  /* J by central differences: 4 x 7 */
  gc_workspace *ws = NULL;
  ck_assert_int_eq(gc_workspace_alloc(&ws, net, 1), 0);
  double J[4][7], fro = 0, h = 1e-6;
  for (size_t c = 0; c < 7; c++) {
    double xp[7], yp[4];
    memcpy(xp, x, sizeof xp);
    xp[c] += h;
    gc_net_forward(net, ws, xp, 1);
    memcpy(yp, gc_net_output(net, ws), sizeof yp);
    xp[c] -= 2 * h;
    gc_net_forward(net, ws, xp, 1);
    for (size_t o = 0; o < 4; o++) {
      J[o][c] = (yp[o] - gc_net_output(net, ws)[o]) / (2 * h);
      fro += J[o][c] * J[o][c];
    }
  }
  const gc_jacobian_layer *rf = gc_jacobian_layers(f);
  ck_assert_uint_eq(rf[2].rows, 4);
  ck_assert_uint_eq(rf[2].cols, 7);
  ck_assert_msg(fabs(rf[2].mean_sq - fro / 4) < 1e-8 * fro,
                "%.17g vs %.17g", rf[2].mean_sq, fro / 4);
  /* the SVD's squares sum to ||J||_F^2 */
  size_t cnt;
  const double *ls = gc_jacobian_log_spectrum(f, 3, &cnt);
  double ss = 0;
  for (size_t i = 0; i < cnt; i++) ss += exp(2 * ls[i]);
  ck_assert_uint_eq(cnt, 4);
  ck_assert(fabs(ss - fro) < 1e-8 * fro);
  /* backward: delta^2 = D2 W3^T delta^3, delta^1 = D1 W2^T delta^2 for
   * each unit delta^3 = e_o */
  gc_net_forward(net, ws, x, 1);
  double f1 = 0, f2 = 0;
  for (size_t o = 0; o < 4; o++) {
    double d2[6] = {0}, d1[5] = {0};
    for (size_t i = 0; i < 6; i++)
      d2[i] = net->p.w[3][o * 6 + i] * ws->fp[2][i];
    for (size_t i = 0; i < 5; i++) {
      for (size_t k = 0; k < 6; k++) d1[i] += net->p.w[2][k * 5 + i] * d2[k];
      d1[i] *= ws->fp[1][i];
    }
    for (size_t i = 0; i < 6; i++) f2 += d2[i] * d2[i];
    for (size_t i = 0; i < 5; i++) f1 += d1[i] * d1[i];
  }
  const gc_jacobian_layer *rb = gc_jacobian_layers(b);
  ck_assert(fabs(rb[0].mean_sq - f2 / 4) < 1e-13 * f2);
  ck_assert(fabs(rb[1].mean_sq - f1 / 4) < 1e-13 * f1);
  gc_workspace_free(ws);
  gc_jacobian_free(f);
  gc_jacobian_free(b);
  gc_net_free(net);
  free(x);
}
END_TEST

/* tanh in the ordered and the chaotic phase: the mean over seeds of
 * ln(mean sq) at depth L against L ln chi1, within 4 standard errors of
 * that mean plus the O(L/n) finite-width bias. */
START_TEST(test_tanh_phases)
{
  const double pts[2][2] = {{0.6, 0.05}, {2.5, 0.05}};
  const size_t n = 300, L = 12;
  const int S = 6;
  gc_meanfield *mf = gc_meanfield_alloc(GC_ACT_TANH, NULL);
  for (int ph = 0; ph < 2; ph++) {
    gc_meanfield_result m;
    ck_assert_int_eq(gc_meanfield_point(&m, mf, pts[ph][0], pts[ph][1]), 0);
    double *x = unit_input(n, (m.q_star - pts[ph][1]) / pts[ph][0], 13);
    double v[6], mean = 0, m2 = 0;
    for (int s = 0; s < S; s++) {
      gc_jacobian *j = jac(n, n, L, NULL);
      gsl_rng *r = rng(20 + (unsigned)s);
      ck_assert_int_eq(gc_jacobian_random(j, n, n, L, GC_ACT_TANH,
                                          GC_INIT_GAUSSIAN, sqrt(pts[ph][0]),
                                          sqrt(pts[ph][1]), x, r), 0);
      v[s] = gc_jacobian_layers(j)[L - 1].log_mean_sq;
      mean += v[s] / S;
      gc_jacobian_free(j);
      gsl_rng_free(r);
    }
    for (int s = 0; s < S; s++) m2 += (v[s] - mean) * (v[s] - mean);
    double se = sqrt(m2 / (S - 1) / S), th = (double)L * log(m.chi1);
    ck_assert_msg(fabs(mean - th) < 4 * se + 2.0 * (double)L / (double)n,
                  "phase %d (chi1 %g): ln mean sq %g +- %g, theory %g", ph,
                  m.chi1, mean, se, th);
    free(x);
  }
  gc_meanfield_free(mf);
}
END_TEST

/* Histogram of a log spectrum, by hand: bins of 0.5 from floor(-1.2/0.5)
 * * 0.5 = -1.5 up to the bin of 0.7 */
START_TEST(test_histogram)
{
  const double ls[] = {0.7, 0.5, 0.1, -0.2, -0.2, -1.2};
  double c[8], f[8];
  ck_assert_uint_eq(gc_jacobian_histogram(NULL, NULL, 0, ls, 6, 0.5), 5);
  ck_assert_uint_eq(gc_jacobian_histogram(c, f, 8, ls, 6, 0.5), 5);
  const double cc[] = {-1.25, -0.75, -0.25, 0.25, 0.75};
  const double ff[] = {1, 0, 2, 1, 2};
  for (int b = 0; b < 5; b++) {
    ck_assert(fabs(c[b] - cc[b]) < 1e-15);
    ck_assert_msg(fabs(f[b] - ff[b] / 6) < 1e-15, "bin %d: %g", b, f[b]);
  }
  const double bad[] = {0.0, -INFINITY};
  ck_assert_uint_eq(gc_jacobian_histogram(c, f, 8, bad, 2, 0.5), 0);
}
END_TEST

START_TEST(test_bad_input)
{
  gc_jacobian *j = NULL;
  gc_error_clear();
  ck_assert_int_eq(gc_jacobian_alloc(&j, 1000000, 1000000, 10, NULL),
                   GC_ERANGE);
  ck_assert(j == NULL);
  ck_assert(strstr(gc_strerror_last(), "more than 80% of this machine") !=
            NULL);
  size_t bad[] = {0};
  gc_jacobian_params p = {bad, 1, 0, 0};
  ck_assert_int_eq(gc_jacobian_alloc(&j, 3, 3, 2, &p), GC_EINVAL);
  gc_jacobian_params q = {NULL, 0, 4, 2};
  ck_assert_int_eq(gc_jacobian_alloc(&j, 3, 3, 2, &q), GC_EINVAL);
  j = jac(3, 3, 1, NULL);
  double W[9] = {0}, d[3] = {1, 1, 1};
  ck_assert_int_eq(gc_jacobian_push(j, W, 3, 2, 0, d), GC_EINVAL);
  W[4] = INFINITY;
  ck_assert_int_eq(gc_jacobian_push(j, W, 3, 3, 0, d), GC_ENUMERIC);
  gc_jacobian_free(j);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("jacobian");
  TCase *t = tcase_create("products");
  tcase_set_timeout(t, 300);
  tcase_add_test(t, test_fuss_catalan);
  tcase_add_test(t, test_power_vs_svd);
  tcase_add_test(t, test_orthogonal);
  tcase_add_test(t, test_diagonal_lyapunov);
  tcase_add_test(t, test_zero_product);
  tcase_add_test(t, test_against_hand);
  tcase_add_test(t, test_tanh_phases);
  tcase_add_test(t, test_histogram);
  tcase_add_test(t, test_bad_input);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
