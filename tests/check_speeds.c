/* check_speeds.c -- learning speeds against an independent per-example
 * backpropagation written out in this test (not the core's). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static double sig(double z) { return 1 / (1 + exp(-z)); }

/* delta of every layer for one example, plain loops; cross-entropy with
 * sigmoid output: delta^L = a^L - y; delta^l = (W^{l+1}T delta^{l+1}) s'(z^l) */
static void reference(const gc_net *net, const double *x, const double *y,
                      double delta[][64])
{
  size_t L = net->nlayers;
  double a[8][64];
  memcpy(a[0], x, net->sizes[0] * sizeof(double));
  for (size_t l = 1; l < L; l++)
    for (size_t j = 0; j < net->sizes[l]; j++) {
      double s = net->p.b[l][j];
      for (size_t k = 0; k < net->sizes[l - 1]; k++)
        s += net->p.w[l][j * net->sizes[l - 1] + k] * a[l - 1][k];
      a[l][j] = sig(s);
    }
  for (size_t j = 0; j < net->sizes[L - 1]; j++)
    delta[L - 1][j] = net->cost == GC_COST_CROSS_ENTROPY
                          ? a[L - 1][j] - y[j]
                          : (a[L - 1][j] - y[j]) * a[L - 1][j] * (1 - a[L - 1][j]);
  for (size_t l = L - 2; l >= 1; l--)
    for (size_t k = 0; k < net->sizes[l]; k++) {
      double s = 0;
      for (size_t j = 0; j < net->sizes[l + 1]; j++)
        s += net->p.w[l + 1][j * net->sizes[l] + k] * delta[l + 1][j];
      delta[l][k] = s * a[l][k] * (1 - a[l][k]);
    }
}

/* The last/first ratio from per-seed speeds written in the test: seeds
 * (1, 2, 8) -> 8 and (2, 1, 3) -> 1.5: mean 4.75, sd |8 - 1.5|/sqrt(2). */
START_TEST(test_speeds_last_first)
{
  double per_seed[] = {1, 2, 8, 2, 1, 3};
  gc_speeds_init_result r;
  memset(&r, 0, sizeof r);
  r.seeds = 2;
  r.hidden = 3;
  r.per_seed = per_seed;
  double m, sd;
  gc_speeds_last_first(&m, &sd, &r);
  ck_assert_double_eq_tol(m, 4.75, 1e-15);
  ck_assert_double_eq_tol(sd, 6.5 / sqrt(2), 1e-14);
  r.seeds = 1;
  gc_speeds_last_first(&m, &sd, &r);
  ck_assert(m == 8 && sd == 0);
}
END_TEST

START_TEST(test_speeds_match_reference)
{
  size_t sizes[] = {6, 5, 4, 3, 3};
  const size_t L = 5, N = 600; /* more than one chunk of the library */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 42);
  test_synth data = test_synth_make(TEST_NOISE, N, 6, 3, 41);
  const uint8_t *img = data.img, *lab = data.lab;
  gc_dataset d = data.d;
  for (int cost = 0; cost < 2; cost++) {
    gc_net *net;
    ck_assert_int_eq(gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, (gc_cost)cost), GC_OK);
    gc_net_init(net, GC_INIT_DEFAULT, r);
    double speeds[3];
    gc_params g;
    ck_assert_int_eq(gc_params_alloc_like(&g, net), GC_OK);
    size_t n = 537;
    ck_assert_int_eq(gc_layer_speeds(speeds, &g, net, &d, n), GC_OK);
    double mean[8][64] = {{0}};
    for (size_t i = 0; i < n; i++) {
      double x[6], y[3] = {0, 0, 0}, delta[8][64];
      for (int k = 0; k < 6; k++) x[k] = img[i * 6 + k] / 255.0;
      y[lab[i]] = 1;
      reference(net, x, y, delta);
      for (size_t l = 1; l < L; l++)
        for (size_t j = 0; j < sizes[l]; j++) mean[l][j] += delta[l][j] / n;
    }
    for (size_t l = 1; l + 1 < L; l++) {
      double s2 = 0;
      for (size_t j = 0; j < sizes[l]; j++) {
        s2 += mean[l][j] * mean[l][j];
        ck_assert_double_eq_tol(g.b[l][j], mean[l][j], 1e-14);
      }
      ck_assert_double_eq_tol(speeds[l - 1], sqrt(s2), 1e-14);
    }
    gc_params_free(&g);
    gc_net_free(net);
  }
  /* bad input */
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, GC_COST_QUADRATIC), GC_OK);
  double sp[3];
  ck_assert_int_eq(gc_layer_speeds(sp, NULL, net, &d, 0), GC_EINVAL);
  ck_assert_int_eq(gc_layer_speeds(sp, NULL, net, &d, N + 1), GC_EINVAL);
  gc_dataset bad = d;
  bad.dim = 5;
  ck_assert_int_eq(gc_layer_speeds(sp, NULL, net, &bad, 10), GC_EINVAL);
  gc_net_free(net);
  test_synth_free(&data);
  gsl_rng_free(r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("speeds");
  TCase *tc = test_case(s, "speeds");
  tcase_add_test(tc, test_speeds_match_reference);
  tcase_add_test(tc, test_speeds_last_first);
  return test_run(s);
}
