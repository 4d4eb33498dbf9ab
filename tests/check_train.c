/* check_train.c -- network2's SGD on the core net: one step and whole
 * epochs against an independent hand-written forward/backward pass of a
 * one-hidden-layer net, the L2 scaling, the monitors against a direct
 * computation, reproducibility, short last batches, divergence, early
 * stopping and a small learnable problem; the fused step bit for bit
 * against gc_net_backward's gradient and the update written out. */
#include <check.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

/* ---------------------------------------------------------------- helpers */

static double sig(double z) { return 1.0 / (1.0 + exp(-z)); }

static gc_net *make_net(const size_t *sizes, size_t L, gc_cost cost,
                        unsigned long seed)
{
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, cost), GC_OK);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  gc_net_init(net, GC_INIT_DEFAULT, r);
  gsl_rng_free(r);
  return net;
}

/* Independent reference: one hidden layer, network2's formulas written out.
 * W1 is n1 x n0, W2 is n2 x n1 (rows = neurons); all sigmoid.
 *   z1 = W1 x + b1, a1 = s(z1), z2 = W2 a1 + b2, a2 = s(z2)
 *   delta2 = a2 - y              (cross-entropy)
 *          = (a2 - y) s'(z2)     (quadratic)
 *   delta1 = (W2^T delta2) .* s'(z1)
 *   dC/dW2 = delta2 a1^T, dC/dW1 = delta1 x^T, dC/db = delta
 * then w <- (1 - eta lambda / n) w - eta/m sum, b <- b - eta/m sum. */
typedef struct {
  size_t n0, n1, n2;
  double *W1, *b1, *W2, *b2;
} ref_net;

static ref_net ref_from(const gc_net *net)
{
  ck_assert_uint_eq(net->nlayers, 3);
  ref_net r;
  r.n0 = net->sizes[0];
  r.n1 = net->sizes[1];
  r.n2 = net->sizes[2];
  r.W1 = malloc(r.n1 * r.n0 * sizeof(double));
  r.b1 = malloc(r.n1 * sizeof(double));
  r.W2 = malloc(r.n2 * r.n1 * sizeof(double));
  r.b2 = malloc(r.n2 * sizeof(double));
  memcpy(r.W1, net->p.w[1], r.n1 * r.n0 * sizeof(double));
  memcpy(r.b1, net->p.b[1], r.n1 * sizeof(double));
  memcpy(r.W2, net->p.w[2], r.n2 * r.n1 * sizeof(double));
  memcpy(r.b2, net->p.b[2], r.n2 * sizeof(double));
  return r;
}

static void ref_free(ref_net *r)
{
  free(r->W1);
  free(r->b1);
  free(r->W2);
  free(r->b2);
}

static void ref_step(ref_net *r, const gc_dataset *d, const size_t *idx,
                     size_t m, double eta, double lambda, gc_cost cost)
{
  size_t n0 = r->n0, n1 = r->n1, n2 = r->n2;
  double *gW1 = calloc(n1 * n0, sizeof(double)), *gb1 = calloc(n1, sizeof(double));
  double *gW2 = calloc(n2 * n1, sizeof(double)), *gb2 = calloc(n2, sizeof(double));
  double x[16], a1[16], z1[16], a2[16], z2[16], d1[16], d2[16];
  ck_assert(n0 <= 16 && n1 <= 16 && n2 <= 16);
  for (size_t e = 0; e < m; e++) {
    size_t ex = idx[e];
    for (size_t k = 0; k < n0; k++) x[k] = d->images[ex * n0 + k] / 255.0;
    for (size_t j = 0; j < n1; j++) {
      z1[j] = r->b1[j];
      for (size_t k = 0; k < n0; k++) z1[j] += r->W1[j * n0 + k] * x[k];
      a1[j] = sig(z1[j]);
    }
    for (size_t i = 0; i < n2; i++) {
      z2[i] = r->b2[i];
      for (size_t j = 0; j < n1; j++) z2[i] += r->W2[i * n1 + j] * a1[j];
      a2[i] = sig(z2[i]);
      double y = d->labels[ex] == i ? 1.0 : 0.0;
      d2[i] = cost == GC_COST_CROSS_ENTROPY ? a2[i] - y
                                       : (a2[i] - y) * a2[i] * (1 - a2[i]);
    }
    for (size_t j = 0; j < n1; j++) {
      double s = 0;
      for (size_t i = 0; i < n2; i++) s += r->W2[i * n1 + j] * d2[i];
      d1[j] = s * a1[j] * (1 - a1[j]);
    }
    for (size_t i = 0; i < n2; i++) {
      gb2[i] += d2[i];
      for (size_t j = 0; j < n1; j++) gW2[i * n1 + j] += d2[i] * a1[j];
    }
    for (size_t j = 0; j < n1; j++) {
      gb1[j] += d1[j];
      for (size_t k = 0; k < n0; k++) gW1[j * n0 + k] += d1[j] * x[k];
    }
  }
  double decay = 1 - eta * lambda / (double)d->n, rate = eta / (double)m;
  for (size_t k = 0; k < n1 * n0; k++) r->W1[k] = decay * r->W1[k] - rate * gW1[k];
  for (size_t k = 0; k < n2 * n1; k++) r->W2[k] = decay * r->W2[k] - rate * gW2[k];
  for (size_t k = 0; k < n1; k++) r->b1[k] -= rate * gb1[k];
  for (size_t k = 0; k < n2; k++) r->b2[k] -= rate * gb2[k];
  free(gW1);
  free(gb1);
  free(gW2);
  free(gb2);
}

static double rel(double a, double b)
{
  return fabs(a - b) / fmax(1e-300, fmax(fabs(a), fabs(b)));
}

static void assert_same(const ref_net *r, const gc_net *net, double tol)
{
  double worst = 0;
  for (size_t k = 0; k < r->n1 * r->n0; k++)
    worst = fmax(worst, rel(r->W1[k], net->p.w[1][k]));
  for (size_t k = 0; k < r->n2 * r->n1; k++)
    worst = fmax(worst, rel(r->W2[k], net->p.w[2][k]));
  for (size_t k = 0; k < r->n1; k++) worst = fmax(worst, rel(r->b1[k], net->p.b[1][k]));
  for (size_t k = 0; k < r->n2; k++) worst = fmax(worst, rel(r->b2[k], net->p.b[2][k]));
  ck_assert_msg(worst < tol, "worst relative difference %g", worst);
}

/* ------------------------------------------------------------------ tests */

/* One SGD step of a [2,2,2] net on 2 of 3 examples, batch 2, lambda > 0,
 * both costs. */
START_TEST(test_one_step_by_hand)
{
  static const uint8_t img[] = {51, 204, 255, 0, 128, 64};
  static const uint8_t lab[] = {1, 0, 1};
  gc_dataset d = {3, 2, 2, img, lab};
  size_t sizes[] = {2, 2, 2};
  for (int c = 0; c < 2; c++) {
    gc_cost cost = c ? GC_COST_CROSS_ENTROPY : GC_COST_QUADRATIC;
    gc_net *net;
    ck_assert_int_eq(gc_net_alloc(&net, 3, sizes, GC_ACT_SIGMOID, cost), GC_OK);
    static const double w1[] = {0.3, -0.8, 1.1, 0.4}, b1[] = {0.1, -0.5};
    static const double w2[] = {-1.2, 0.7, 0.9, 0.25}, b2[] = {0.2, -0.3};
    memcpy(net->p.w[1], w1, sizeof w1);
    memcpy(net->p.b[1], b1, sizeof b1);
    memcpy(net->p.w[2], w2, sizeof w2);
    memcpy(net->p.b[2], b2, sizeof b2);
    ref_net r = ref_from(net);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.batch = 2;
    cfg.eta = 0.7;
    cfg.lambda = 0.9;
    cfg.monitor = 0;
    gc_trainer *t;
    ck_assert_int_eq(gc_trainer_alloc(&t, net, &d, NULL, &cfg), GC_OK);
    size_t idx[] = {2, 0};
    ck_assert_int_eq(gc_trainer_step(t, idx, 2), GC_OK);
    ref_step(&r, &d, idx, 2, 0.7, 0.9, cost);
    assert_same(&r, net, 1e-14);
    /* the weights did move by more than the decay alone */
    ck_assert(fabs(net->p.w[2][0] - w2[0] * (1 - 0.7 * 0.9 / 3)) > 1e-6);
    gc_trainer_free(t);
    ref_free(&r);
    gc_net_free(net);
  }
}
END_TEST

/* The trainer's step (weights' gradient summed and applied in one pass,
 * gc_kernel_grad_step) gives bit for bit what the separate path gives:
 * gc_net_backward's summed gradient, then w = (1 - eta lambda/n) w -
 * (eta/m) g and b = b - (eta/m) g, one rounding per operation.  Widths
 * that leave partial vectors (9, 17, 11), 1 to 4 layers of weights, short
 * steps (m < batch) and steps of one example. */
START_TEST(test_step_matches_unfused)
{
  static const size_t nets[][6] = {{2, 9, 3}, {3, 9, 17, 4},
                                   {4, 17, 11, 9, 10}, {5, 17, 31, 9, 11, 3}};
  for (size_t q = 0; q < sizeof nets / sizeof nets[0]; q++) {
    size_t L = nets[q][0];
    const size_t *sizes = nets[q] + 1;
    test_synth s = test_synth_make(TEST_NOISE, 40, sizes[0], sizes[L - 1],
                                   70 + q);
    gc_net *net = make_net(sizes, L, q % 2 ? GC_COST_QUADRATIC : GC_COST_CROSS_ENTROPY,
                           80 + q), *ref;
    ck_assert_int_eq(gc_net_copy(&ref, net), GC_OK);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.batch = 7;
    cfg.eta = 0.9;
    cfg.lambda = 3.0;
    cfg.monitor = 0;
    gc_trainer *t;
    ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_OK);
    gc_workspace *ws;
    gc_params g;
    ck_assert_int_eq(gc_workspace_alloc(&ws, ref, cfg.batch), GC_OK);
    ck_assert_int_eq(gc_params_alloc_like(&g, ref), GC_OK);
    double *x = malloc(cfg.batch * sizes[0] * sizeof *x);
    double *y = malloc(cfg.batch * sizes[L - 1] * sizeof *y);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 90 + q);
    for (int k = 0; k < 12; k++) {
      size_t m = k % 4 == 3 ? 1 : 1 + gsl_rng_uniform_int(r, cfg.batch);
      size_t idx[7];
      for (size_t i = 0; i < m; i++) idx[i] = gsl_rng_uniform_int(r, s.d.n);
      ck_assert_int_eq(gc_trainer_step(t, idx, m), GC_OK);
      gc_dataset_batch(x, y, &s.d, idx, 0, m);
      ck_assert_int_eq(gc_net_forward(ref, ws, x, m), GC_OK);
      ck_assert_int_eq(gc_net_backward(ref, ws, y, &g), GC_OK);
      double decay = 1.0 - cfg.eta * (cfg.lambda / (double)s.d.n);
      double rate = cfg.eta / (double)m;
      for (size_t l = 1; l < L; l++) {
        for (size_t i = 0; i < sizes[l] * sizes[l - 1]; i++)
          ref->p.w[l][i] = decay * ref->p.w[l][i] - rate * g.w[l][i];
        for (size_t i = 0; i < sizes[l]; i++)
          ref->p.b[l][i] = ref->p.b[l][i] - rate * g.b[l][i];
      }
      ck_assert_msg(!memcmp(net->p.data, ref->p.data,
                            net->p.n * sizeof *net->p.data),
                    "net %zu, step %d (m = %zu): not bit for bit", q, k, m);
    }
    gsl_rng_free(r);
    free(x);
    free(y);
    gc_params_free(&g);
    gc_workspace_free(ws);
    gc_trainer_free(t);
    gc_net_free(ref);
    gc_net_free(net);
    test_synth_free(&s);
  }
}
END_TEST

/* L2: with the same gradient, w_lambda - w_0 = -(eta lambda / n) w, n the
 * training set's size (not the batch's); biases untouched by lambda. */
START_TEST(test_l2_scaling)
{
  test_synth s = test_synth_make(TEST_NOISE, 5, 3, 2, 3);
  size_t sizes[] = {3, 4, 2};
  gc_net *a = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 5), *b;
  ck_assert_int_eq(gc_net_copy(&b, a), GC_OK);
  gc_net *w0;
  ck_assert_int_eq(gc_net_copy(&w0, a), GC_OK);
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.batch = 2;
  cfg.eta = 0.3;
  cfg.monitor = 0;
  gc_trainer *ta, *tb;
  cfg.lambda = 0.0;
  ck_assert_int_eq(gc_trainer_alloc(&ta, a, &s.d, NULL, &cfg), GC_OK);
  cfg.lambda = 2.5;
  ck_assert_int_eq(gc_trainer_alloc(&tb, b, &s.d, NULL, &cfg), GC_OK);
  size_t idx[] = {1, 4};
  ck_assert_int_eq(gc_trainer_step(ta, idx, 2), GC_OK);
  ck_assert_int_eq(gc_trainer_step(tb, idx, 2), GC_OK);
  double f = 0.3 * 2.5 / 5.0;
  for (size_t l = 1; l < 3; l++) {
    for (size_t k = 0; k < sizes[l] * sizes[l - 1]; k++)
      ck_assert_double_eq_tol(b->p.w[l][k] - a->p.w[l][k], -f * w0->p.w[l][k],
                              1e-15);
    for (size_t k = 0; k < sizes[l]; k++)
      ck_assert_double_eq(b->p.b[l][k], a->p.b[l][k]);
  }
  gc_trainer_free(ta);
  gc_trainer_free(tb);
  gc_net_free(a);
  gc_net_free(b);
  gc_net_free(w0);
  test_synth_free(&s);
}
END_TEST

/* Whole epochs with n = 7 and batch 3 (batches 3, 3, 1): the trainer's
 * documented order (gsl_ran_shuffle of 0..n-1 from mt19937 seeded with
 * cfg.seed, once per epoch) replayed through the hand-written reference. */
START_TEST(test_epochs_short_last_batch)
{
  test_synth s = test_synth_make(TEST_NOISE, 7, 3, 3, 7);
  size_t sizes[] = {3, 4, 3};
  for (int c = 0; c < 2; c++) {
    gc_cost cost = c ? GC_COST_CROSS_ENTROPY : GC_COST_QUADRATIC;
    gc_net *net = make_net(sizes, 3, cost, 8);
    ref_net r = ref_from(net);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.batch = 3;
    cfg.eta = 0.8;
    cfg.lambda = 0.4;
    cfg.seed = 42;
    cfg.monitor = 0;
    gc_trainer *t;
    ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_OK);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 42);
    size_t idx[7] = {0, 1, 2, 3, 4, 5, 6};
    for (int e = 0; e < 3; e++) {
      ck_assert_int_eq(gc_trainer_epoch(t, NULL), GC_OK);
      gsl_ran_shuffle(g, idx, 7, sizeof idx[0]);
      ref_step(&r, &s.d, idx, 3, 0.8, 0.4, cost);
      ref_step(&r, &s.d, idx + 3, 3, 0.8, 0.4, cost);
      ref_step(&r, &s.d, idx + 6, 1, 0.8, 0.4, cost);
    }
    ck_assert_uint_eq(t->epoch, 3);
    assert_same(&r, net, 1e-12);
    gsl_rng_free(g);
    gc_trainer_free(t);
    ref_free(&r);
    gc_net_free(net);
  }
  test_synth_free(&s);
}
END_TEST

/* Direct cost and accuracy of a general net, by hand. */
static void direct(const gc_net *net, const gc_dataset *d, double lambda,
                   double *cost, size_t *correct)
{
  size_t L = net->nlayers;
  double a[2][64];
  double c = 0;
  size_t ok = 0;
  for (size_t e = 0; e < d->n; e++) {
    for (size_t k = 0; k < net->sizes[0]; k++)
      a[0][k] = d->images[e * d->dim + k] / 255.0;
    int cur = 0;
    for (size_t l = 1; l < L; l++) {
      for (size_t j = 0; j < net->sizes[l]; j++) {
        double z = net->p.b[l][j];
        for (size_t k = 0; k < net->sizes[l - 1]; k++)
          z += net->p.w[l][j * net->sizes[l - 1] + k] * a[cur][k];
        a[1 - cur][j] = sig(z);
      }
      cur = 1 - cur;
    }
    size_t nL = net->sizes[L - 1], best = 0;
    for (size_t i = 0; i < nL; i++) {
      double y = d->labels[e] == i ? 1.0 : 0.0, ai = a[cur][i];
      if (net->cost == GC_COST_CROSS_ENTROPY)
        c += -(y * log(ai) + (1 - y) * log(1 - ai));
      else
        c += 0.5 * (ai - y) * (ai - y);
      if (ai > a[cur][best]) best = i;
    }
    ok += best == d->labels[e];
  }
  double sw = 0;
  for (size_t l = 1; l < L; l++)
    for (size_t k = 0; k < net->sizes[l] * net->sizes[l - 1]; k++)
      sw += net->p.w[l][k] * net->p.w[l][k];
  *cost = c / (double)d->n + 0.5 * lambda / (double)d->n * sw;
  *correct = ok;
}

/* Monitors after an epoch with eta = 0 (the net is unchanged) against the
 * direct computation, with the evaluation batch (3) dividing neither set:
 * the L2 term uses each set's own size. */
START_TEST(test_monitors)
{
  test_synth tr = test_synth_make(TEST_NOISE, 11, 5, 4, 21);
  test_synth ev = test_synth_make(TEST_NOISE, 7, 5, 4, 22);
  size_t sizes[] = {5, 6, 3, 4};
  for (int c = 0; c < 2; c++) {
    gc_net *net = make_net(sizes, 4, c ? GC_COST_CROSS_ENTROPY : GC_COST_QUADRATIC, 23);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.batch = 4;
    cfg.eta = 0.0;
    cfg.lambda = 3.0;
    cfg.eval_batch = 3;
    cfg.monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_EVAL_COST |
                  GC_MONITOR_TRAIN_ACCURACY | GC_MONITOR_TRAIN_COST;
    gc_trainer *t;
    ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, &ev.d, &cfg), GC_OK);
    gc_epoch_stats st;
    ck_assert_int_eq(gc_trainer_epoch(t, &st), GC_OK);
    ck_assert_uint_eq(st.epoch, 1);
    double cost;
    size_t ok;
    direct(net, &tr.d, 3.0, &cost, &ok);
    ck_assert_double_eq_tol(st.training_cost, cost, 1e-13 * cost);
    ck_assert_uint_eq(st.training_correct, ok);
    ck_assert_double_eq(st.training_accuracy, ok / 11.0);
    direct(net, &ev.d, 3.0, &cost, &ok);
    ck_assert_double_eq_tol(st.evaluation_cost, cost, 1e-13 * cost);
    ck_assert_uint_eq(st.evaluation_correct, ok);
    ck_assert_double_eq(st.evaluation_accuracy, ok / 7.0);
    /* the one-shot evaluation agrees */
    double c2;
    size_t ok2;
    ck_assert_int_eq(gc_net_evaluate(&c2, &ok2, net, &ev.d, 3.0), GC_OK);
    ck_assert_double_eq_tol(c2, cost, 1e-13 * cost);
    ck_assert_uint_eq(ok2, ok);
    gc_trainer_free(t);
    gc_net_free(net);
  }
  /* unmonitored values are NaN */
  {
    gc_net *net = make_net(sizes, 4, GC_COST_CROSS_ENTROPY, 24);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.monitor = GC_MONITOR_TRAIN_COST;
    gc_trainer *t;
    ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, NULL, &cfg), GC_OK);
    gc_epoch_stats st;
    ck_assert_int_eq(gc_trainer_epoch(t, &st), GC_OK);
    ck_assert(isnan(st.evaluation_accuracy) && isnan(st.evaluation_cost));
    ck_assert(isnan(st.training_accuracy) && isfinite(st.training_cost));
    gc_trainer_free(t);
    gc_net_free(net);
  }
  test_synth_free(&tr);
  test_synth_free(&ev);
}
END_TEST

#ifdef _OPENMP
/* The evaluator shares its batches between OpenMP's threads, one lane
 * each; the cost is still summed example after example, so one, two and
 * three threads give the same bits (7 batches of 3, the last short). */
START_TEST(test_evaluator_threads)
{
  test_synth ev = test_synth_make(TEST_NOISE, 19, 5, 4, 31);
  size_t sizes[] = {5, 6, 3, 4};
  gc_net *net = make_net(sizes, 4, GC_COST_CROSS_ENTROPY, 32);
  gc_evaluator *e;
  int save = omp_get_max_threads();
  omp_set_num_threads(3);
  ck_assert_int_eq(gc_evaluator_alloc(&e, net, 3), GC_OK);
  ck_assert_uint_eq(e->lanes, 3); /* a lane per thread OpenMP offers */
  double c[3];
  size_t ok[3];
  for (int k = 0; k < 3; k++) {
    omp_set_num_threads(k + 1);
    ck_assert_int_eq(gc_evaluator_run(&c[k], &ok[k], e, &ev.d, 2.0), GC_OK);
  }
  omp_set_num_threads(save);
  for (int k = 1; k < 3; k++) {
    ck_assert(memcmp(&c[0], &c[k], sizeof c[0]) == 0);
    ck_assert_uint_eq(ok[0], ok[k]);
  }
  double cd;
  size_t okd;
  direct(net, &ev.d, 2.0, &cd, &okd);
  ck_assert_double_eq_tol(c[2], cd, 1e-13 * cd);
  ck_assert_uint_eq(ok[2], okd);
  gc_evaluator_free(e);
  /* allocated on a thread of a region that cannot nest (as in
   * gc_depth_study's runs): one lane, the same bits */
  int levels = omp_get_max_active_levels();
  omp_set_max_active_levels(1);
  size_t lanes[2] = {0, 0}, okn[2] = {0, 0}, team = 0;
  double cn[2] = {0, 0};
  int stn[2] = {-1, -1};
#pragma omp parallel num_threads(2)
  {
    int i = omp_get_thread_num();
    if (i == 0) team = (size_t)omp_get_num_threads();
    gc_evaluator *en;
    stn[i] = gc_evaluator_alloc(&en, net, 3);
    if (!stn[i]) {
      lanes[i] = en->lanes;
      stn[i] = gc_evaluator_run(&cn[i], &okn[i], en, &ev.d, 2.0);
      gc_evaluator_free(en);
    }
  }
  omp_set_max_active_levels(levels);
  for (size_t i = 0; i < team; i++) {
    ck_assert_int_eq(stn[i], GC_OK);
    if (team == 2) ck_assert_uint_eq(lanes[i], 1);
    ck_assert(memcmp(&c[0], &cn[i], sizeof c[0]) == 0);
    ck_assert_uint_eq(ok[0], okn[i]);
  }
  gc_net_free(net);
  test_synth_free(&ev);
}
END_TEST
#endif

START_TEST(test_argmax)
{
  double x[] = {0.1, 0.7, 0.7, 0.2};
  ck_assert_uint_eq(gc_argmax(4, x), 1); /* first of the ties */
  double y[] = {0.1, NAN, 0.9};
  ck_assert_uint_eq(gc_argmax(3, y), 1);
  double z[] = {-1.0};
  ck_assert_uint_eq(gc_argmax(1, z), 0);
}
END_TEST

static void run(gc_net *net, const gc_dataset *d, unsigned long seed,
                size_t epochs)
{
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.batch = 4;
  cfg.eta = 0.5;
  cfg.seed = seed;
  cfg.monitor = GC_MONITOR_TRAIN_COST;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, d, NULL, &cfg), GC_OK);
  for (size_t e = 0; e < epochs; e++)
    ck_assert_int_eq(gc_trainer_epoch(t, NULL), GC_OK);
  gc_trainer_free(t);
}

START_TEST(test_reproducible)
{
  test_synth s = test_synth_make(TEST_NOISE, 30, 6, 3, 31);
  size_t sizes[] = {6, 5, 3};
  gc_net *a = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 32);
  gc_net *b = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 32);
  gc_net *c = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 32);
  run(a, &s.d, 77, 3);
  run(b, &s.d, 77, 3);
  run(c, &s.d, 78, 3);
  ck_assert_int_eq(memcmp(a->p.data, b->p.data, a->p.n * sizeof(double)), 0);
  ck_assert_int_ne(memcmp(a->p.data, c->p.data, a->p.n * sizeof(double)), 0);
  gc_net_free(a);
  gc_net_free(b);
  gc_net_free(c);
  test_synth_free(&s);
}
END_TEST

/* A huge eta overflows the weights (the decay factor alone is -1e200/n):
 * GC_ENUMERIC with the epoch and the layer named. */
START_TEST(test_divergence)
{
  test_synth s = test_synth_make(TEST_NOISE, 20, 4, 2, 41);
  size_t sizes[] = {4, 3, 2};
  gc_net *net = make_net(sizes, 3, GC_COST_QUADRATIC, 42);
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.batch = 2;
  cfg.eta = 1e200;
  cfg.lambda = 1.0;
  cfg.monitor = 0;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_OK);
  ck_assert_int_eq(gc_trainer_epoch(t, NULL), GC_ENUMERIC);
  const char *m = gc_strerror_last();
  ck_assert_msg(strstr(m, "epoch 1") && strstr(m, "layer "), "%s", m);
  gc_trainer_free(t);
  gc_net_free(net);
  test_synth_free(&s);
}
END_TEST

/* eta = 0 never improves: early stopping after N = 2 stops at epoch 3
 * (network2: the first epoch sets the best, then two without a better
 * accuracy). */
START_TEST(test_early_stop)
{
  test_synth s = test_synth_make(TEST_NOISE, 10, 3, 2, 51);
  size_t sizes[] = {3, 2, 2};
  gc_net *net = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 52);
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.batch = 5;
  cfg.eta = 0.0;
  cfg.early_stop = 2;
  cfg.monitor = 0;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, &s.d, &cfg), GC_OK);
  gc_epoch_stats st;
  size_t e = 0;
  while (!t->stopped && e < 10) {
    ck_assert_int_eq(gc_trainer_epoch(t, &st), GC_OK);
    e++;
  }
  ck_assert_uint_eq(e, 3);
  ck_assert_int_eq(st.stop, 1);
  gc_trainer_free(t);
  gc_net_free(net);
  test_synth_free(&s);
}
END_TEST

/* Two separable classes: pixel 0 bright for class 0, pixel 1 bright for
 * class 1, noise elsewhere. */
static test_synth separable(size_t n, unsigned long seed)
{
  test_synth s = test_synth_make(TEST_NOISE, n, 4, 2, seed);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed + 1000);
  for (size_t i = 0; i < n; i++) {
    int c = s.lab[i];
    s.img[i * 4 + 0] = (uint8_t)(c ? gsl_rng_uniform_int(r, 60) : 195 + gsl_rng_uniform_int(r, 61));
    s.img[i * 4 + 1] = (uint8_t)(c ? 195 + gsl_rng_uniform_int(r, 61) : gsl_rng_uniform_int(r, 60));
  }
  gsl_rng_free(r);
  return s;
}

START_TEST(test_learns)
{
  test_synth tr = separable(200, 61), ev = separable(100, 62);
  size_t sizes[] = {4, 5, 2};
  gc_net *net = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 63);
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.batch = 10;
  cfg.eta = 1.0;
  cfg.lambda = 0.1;
  cfg.monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_TRAIN_COST;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, &ev.d, &cfg), GC_OK);
  gc_epoch_stats first, st;
  ck_assert_int_eq(gc_trainer_epoch(t, &first), GC_OK);
  for (int e = 1; e < 15; e++) ck_assert_int_eq(gc_trainer_epoch(t, &st), GC_OK);
  ck_assert_msg(st.evaluation_accuracy >= 0.98, "accuracy %g",
                st.evaluation_accuracy);
  ck_assert(st.training_cost < first.training_cost);
  gc_trainer_free(t);
  gc_net_free(net);
  test_synth_free(&tr);
  test_synth_free(&ev);
}
END_TEST

START_TEST(test_bad_config)
{
  test_synth s = test_synth_make(TEST_NOISE, 10, 3, 2, 71);
  size_t sizes[] = {3, 2, 2}, wrong_in[] = {4, 2, 2}, wrong_out[] = {3, 2, 3};
  gc_net *net = make_net(sizes, 3, GC_COST_CROSS_ENTROPY, 72);
  gc_trainer *t;
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.monitor = 0;
  cfg.batch = 0;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  ck_assert_ptr_null(t);
  cfg.batch = 11;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  cfg.batch = 10;
  cfg.eta = NAN;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  cfg.eta = -0.1;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  cfg.eta = 0.1;
  cfg.lambda = INFINITY;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  cfg.lambda = -1;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  cfg.lambda = 1;
  cfg.monitor = GC_MONITOR_EVAL_COST; /* no evaluation set */
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_EINVAL);
  cfg.monitor = 0;
  gc_net *n2 = make_net(wrong_in, 3, GC_COST_CROSS_ENTROPY, 73);
  ck_assert_int_eq(gc_trainer_alloc(&t, n2, &s.d, NULL, &cfg), GC_EINVAL);
  gc_net_free(n2);
  n2 = make_net(wrong_out, 3, GC_COST_CROSS_ENTROPY, 73);
  ck_assert_int_eq(gc_trainer_alloc(&t, n2, &s.d, NULL, &cfg), GC_EINVAL);
  gc_net_free(n2);
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &s.d, NULL, &cfg), GC_OK);
  size_t idx[] = {10};
  ck_assert_int_eq(gc_trainer_step(t, idx, 1), GC_EINVAL);
  gc_trainer_free(t);
  unsigned m;
  ck_assert_int_eq(gc_monitor_from_names(&m, "eval-cost,train-accuracy"), GC_OK);
  ck_assert_uint_eq(m, GC_MONITOR_EVAL_COST | GC_MONITOR_TRAIN_ACCURACY);
  ck_assert_int_eq(gc_monitor_from_names(&m, "none"), GC_OK);
  ck_assert_uint_eq(m, 0);
  ck_assert_int_eq(gc_monitor_from_names(&m, "eval-cost,"), GC_EINVAL);
  ck_assert_int_eq(gc_monitor_from_names(&m, "accuracy"), GC_EINVAL);
  gc_net_free(net);
  test_synth_free(&s);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("train");
  TCase *tc = test_case(s, "sgd");
  tcase_add_test(tc, test_one_step_by_hand);
  tcase_add_test(tc, test_step_matches_unfused);
  tcase_add_test(tc, test_l2_scaling);
  tcase_add_test(tc, test_epochs_short_last_batch);
  tcase_add_test(tc, test_monitors);
#ifdef _OPENMP
  tcase_add_test(tc, test_evaluator_threads);
#else
  fputs("check_train: test_evaluator_threads skipped: built without OpenMP\n",
        stderr);
#endif
  tcase_add_test(tc, test_argmax);
  tcase_add_test(tc, test_reproducible);
  tcase_add_test(tc, test_divergence);
  tcase_add_test(tc, test_early_stop);
  tcase_add_test(tc, test_learns);
  tcase_add_test(tc, test_bad_config);
  return test_run(s);
}
