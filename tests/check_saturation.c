/* check_saturation.c -- activation statistics against a forward pass and
 * percentiles written in the test, saturation on nets built to saturate a
 * known number of units, the momentum schedules against their formulas. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>

#include "gradchain/gradchain.h"

/* n random images of dim pixels (labels of ncl classes). */
typedef struct sample {
  gc_dataset d;
  uint8_t *img, *lab;
} sample;

static sample sample_make(size_t dim, size_t ncl, size_t n, unsigned long seed)
{
  sample s;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  s.img = malloc(n * dim);
  s.lab = malloc(n);
  for (size_t i = 0; i < n * dim; i++)
    s.img[i] = (uint8_t)gsl_rng_uniform_int(r, 256);
  for (size_t i = 0; i < n; i++)
    s.lab[i] = (uint8_t)gsl_rng_uniform_int(r, ncl);
  gc_dataset d = {n, dim, ncl, s.img, s.lab};
  s.d = d;
  gsl_rng_free(r);
  return s;
}

static void sample_free(sample *s)
{
  free(s->img);
  free(s->lab);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Type 7 from a sorted copy: h = (N-1)p, x_(k+1) + (h-k)(x_(k+2)-x_(k+1)),
 * written with 0-based indices. */
static double sorted_quantile(const double *sorted, size_t N, double p)
{
  double h = (double)(N - 1) * p;
  double k = floor(h);
  size_t i = (size_t)k;
  if (i + 1 >= N) return sorted[N - 1];
  return sorted[i] + (h - k) * (sorted[i + 1] - sorted[i]);
}

START_TEST(test_quantile_by_hand)
{
  /* 1..10 shuffled: Q(p) = 1 + 9p */
  double a[10] = {7, 2, 10, 4, 1, 9, 3, 8, 6, 5};
  double b[10];
  memcpy(b, a, sizeof a);
  ck_assert_double_eq_tol(gc_quantile(b, 10, 0.025), 1.225, 1e-15);
  memcpy(b, a, sizeof a);
  ck_assert_double_eq_tol(gc_quantile(b, 10, 0.5), 5.5, 1e-15);
  memcpy(b, a, sizeof a);
  ck_assert_double_eq_tol(gc_quantile(b, 10, 0.975), 9.775, 1e-15);
  memcpy(b, a, sizeof a);
  ck_assert_double_eq(gc_quantile(b, 10, 0.0), 1.0);
  memcpy(b, a, sizeof a);
  ck_assert_double_eq(gc_quantile(b, 10, 1.0), 10.0);
  /* ties: {0,0,0,1}, h = 3p: Q(0.975) = 0 + 0.925 (1 - 0) */
  double c[4] = {0, 1, 0, 0};
  ck_assert_double_eq_tol(gc_quantile(c, 4, 0.975), 0.925, 1e-15);
  double c2[4] = {0, 1, 0, 0};
  ck_assert_double_eq(gc_quantile(c2, 4, 0.5), 0.0);
  /* an odd count's median is its middle value; one value is every
   * quantile */
  double d[3] = {3, -1, 2};
  ck_assert_double_eq(gc_quantile(d, 3, 0.5), 2.0);
  double e[1] = {4.5};
  ck_assert_double_eq(gc_quantile(e, 1, 0.025), 4.5);
  /* random sets, many with ties, against sorting */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  double *x = malloc(300 * sizeof *x), *y = malloc(300 * sizeof *y);
  static const double ps[] = {0, 0.025, 0.1, 0.5, 0.9, 0.975, 1};
  for (size_t n = 1; n <= 300; n += 7)
    for (int ties = 0; ties < 2; ties++) {
      for (size_t i = 0; i < n; i++)
        x[i] = ties ? (double)gsl_rng_uniform_int(r, 4)
                    : gsl_ran_gaussian(r, 1.0);
      memcpy(y, x, n * sizeof *x);
      qsort(y, n, sizeof *y, cmp_double);
      for (size_t k = 0; k < sizeof ps / sizeof *ps; k++) {
        ck_assert_double_eq(gc_quantile(x, n, ps[k]),
                            sorted_quantile(y, n, ps[k]));
      }
    }
  free(x);
  free(y);
  gsl_rng_free(r);
}
END_TEST

/* Forward pass written out: a^l = f(W^l a^{l-1} + b^l), row by row. */
static double *direct_activations(const gc_net *net, const gc_dataset *d,
                                  size_t n, size_t layer)
{
  size_t width = 0;
  for (size_t l = 0; l < net->nlayers; l++)
    if (net->sizes[l] > width) width = net->sizes[l];
  double *cur = malloc(width * sizeof *cur), *nxt = malloc(width * sizeof *nxt);
  double *out = malloc(n * net->sizes[layer] * sizeof *out);
  for (size_t x = 0; x < n; x++) {
    for (size_t k = 0; k < d->dim; k++)
      cur[k] = d->images[x * d->dim + k] / 255.0;
    for (size_t l = 1; l <= layer; l++) {
      for (size_t j = 0; j < net->sizes[l]; j++) {
        double z = net->p.b[l][j];
        for (size_t k = 0; k < net->sizes[l - 1]; k++)
          z += net->p.w[l][j * net->sizes[l - 1] + k] * cur[k];
        nxt[j] = gc_activation_value(net->act[l], z);
      }
      memcpy(cur, nxt, net->sizes[l] * sizeof *cur);
    }
    memcpy(out + x * net->sizes[layer], cur, net->sizes[layer] * sizeof *cur);
  }
  free(cur);
  free(nxt);
  return out;
}

static void check_against_direct(const gc_net *net, const gc_dataset *d,
                                 size_t n, size_t cap)
{
  gc_actstats *s;
  ck_assert_int_eq(gc_actstats_alloc(&s, net, d, n, cap), GC_OK);
  size_t H = net->nlayers - 2;
  gc_layer_stats *st = calloc(H, sizeof *st);
  ck_assert_int_eq(gc_actstats_run(st, s), GC_OK);
  for (size_t l = 1; l <= H; l++) {
    size_t N = n * net->sizes[l];
    double *v = direct_activations(net, d, n, l);
    long double sum = 0, ss = 0;
    size_t sat = 0;
    for (size_t i = 0; i < N; i++) sum += v[i];
    long double mean = sum / N;
    for (size_t i = 0; i < N; i++) {
      ss += (v[i] - mean) * (v[i] - mean);
      if (net->act[l] == GC_ACT_SIGMOID) sat += v[i] < 0.01 || v[i] > 0.99;
      else if (net->act[l] == GC_ACT_TANH) sat += fabs(v[i]) > 0.99;
      else if (net->act[l] == GC_ACT_RELU) sat += v[i] == 0.0;
    }
    qsort(v, N, sizeof *v, cmp_double);
    const gc_layer_stats *o = &st[l - 1];
    ck_assert_uint_eq(o->layer, l);
    ck_assert_double_eq_tol(o->mean, (double)mean, 1e-13);
    ck_assert_double_eq_tol(o->sd, sqrt((double)(ss / N)), 1e-13);
    ck_assert_double_eq_tol(o->p2_5, sorted_quantile(v, N, 0.025), 1e-13);
    ck_assert_double_eq_tol(o->p50, sorted_quantile(v, N, 0.5), 1e-13);
    ck_assert_double_eq_tol(o->p97_5, sorted_quantile(v, N, 0.975), 1e-13);
    ck_assert_double_eq(o->saturated, (double)sat / (double)N);
    free(v);
  }
  /* the same bits a second time */
  gc_layer_stats *again = calloc(H, sizeof *again);
  ck_assert_int_eq(gc_actstats_run(again, s), GC_OK);
  ck_assert(!memcmp(st, again, H * sizeof *st));
  free(again);
  free(st);
  gc_actstats_free(s);
}

START_TEST(test_stats_against_direct)
{
  static const size_t sizes[] = {12, 9, 7, 5, 3};
  sample sm = sample_make(12, 3, 50, 11);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 5, sizes, GC_ACT_SIGMOID,
                                GC_COST_CROSS_ENTROPY), GC_OK);
  gc_net_init(net, GC_INIT_DEFAULT, r);
  /* the statistics of the net as saved and loaded back */
  char path[] = "/tmp/check_saturation_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(gc_net_save(path, net), GC_OK);
  gc_net *loaded;
  ck_assert_int_eq(gc_net_load(&loaded, path), GC_OK);
  unlink(path);
  /* 37 of 50 examples in batches of 8 (the last one 5), and in one */
  check_against_direct(loaded, &sm.d, 37, 8);
  check_against_direct(loaded, &sm.d, 37, 0);
  gc_net_free(loaded);
  /* other activations: tanh, and ReLU whose dead units are exact zeros,
   * and one per layer (each layer's statistics by its own rule) */
  gc_activation acts[] = {GC_ACT_TANH, GC_ACT_RELU};
  for (size_t k = 0; k < 2; k++) {
    ck_assert_int_eq(gc_net_set_activations(net, 1, &acts[k]), GC_OK);
    check_against_direct(net, &sm.d, 50, 16);
  }
  gc_activation mixed[] = {GC_ACT_RELU, GC_ACT_SIGMOID, GC_ACT_TANH};
  ck_assert_int_eq(gc_net_set_activations(net, 3, mixed), GC_OK);
  check_against_direct(net, &sm.d, 50, 16);
  gc_net_free(net);
  gsl_rng_free(r);
  sample_free(&sm);
}
END_TEST

/* A net [4, h1, h2, 2] whose hidden units ignore the input (weights 0)
 * and take the biases given: each unit's activation is f(b_j) for every
 * example. */
static gc_net *bias_net(gc_activation act, size_t h1, const double *b1,
                        size_t h2, const double *b2)
{
  size_t sizes[] = {4, h1, h2, 2};
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 4, sizes, act, GC_COST_QUADRATIC),
                   GC_OK);
  memcpy(net->p.b[1], b1, h1 * sizeof *b1);
  memcpy(net->p.b[2], b2, h2 * sizeof *b2);
  return net;
}

static void check_saturated(gc_net *net, const gc_dataset *d, double f1,
                            double f2)
{
  gc_actstats *s;
  gc_layer_stats st[2];
  ck_assert_int_eq(gc_actstats_alloc(&s, net, d, d->n, 7), GC_OK);
  ck_assert_int_eq(gc_actstats_run(st, s), GC_OK);
  ck_assert_double_eq(st[0].saturated, f1);
  ck_assert_double_eq(st[1].saturated, f2);
  gc_actstats_free(s);
  gc_net_free(net);
}

START_TEST(test_saturated_known_units)
{
  sample sm = sample_make(4, 2, 20, 5);
  /* sigmoid: sigma(+-10) = 0.99995 / 4.5e-5 saturate, sigma(0) = 0.5 does
   * not; sigma(4.6) = 0.99005 is past 0.99, sigma(4.5) = 0.98901 not */
  {
    double b1[] = {10, 10, -10, 0, 0, 0}, b2[] = {4.6, 4.5, -4.6, 0, -4.5};
    check_saturated(bias_net(GC_ACT_SIGMOID, 6, b1, 5, b2), &sm.d, 3.0 / 6,
                    2.0 / 5);
  }
  /* tanh: |a| > 0.99 is |z| > atanh(0.99) = 2.6467 */
  {
    double b1[] = {2.7, -2.7, 2.6, -2.6}, b2[] = {5, 0, 1};
    check_saturated(bias_net(GC_ACT_TANH, 4, b1, 3, b2), &sm.d, 2.0 / 4,
                    1.0 / 3);
  }
  /* hard-tanh: |z| >= 1 clips to +-1 */
  {
    double b1[] = {1.5, -1, 0.995, 0.5}, b2[] = {0.98, 0.991};
    check_saturated(bias_net(GC_ACT_HARD_TANH, 4, b1, 2, b2), &sm.d,
                    3.0 / 4, 1.0 / 2);
  }
  /* ReLU: dead for z <= 0 (relu(0) = 0 exactly), alive above */
  {
    double b1[] = {-1, 0, 1, 2, -3}, b2[] = {0.5, -0.5, 0.25, 0.0};
    check_saturated(bias_net(GC_ACT_RELU, 5, b1, 4, b2), &sm.d, 3.0 / 5,
                    2.0 / 4);
  }
  /* identity never saturates */
  {
    double b1[] = {100, -100}, b2[] = {1e9};
    check_saturated(bias_net(GC_ACT_IDENTITY, 2, b1, 1, b2), &sm.d, 0.0, 0.0);
  }
  ck_assert(gc_activation_saturated(GC_ACT_ERF, -0.995));
  ck_assert(!gc_activation_saturated(GC_ACT_ERF, 0.98));
  ck_assert(gc_activation_saturated(GC_ACT_LEAKY_RELU, -0.001));
  ck_assert(!gc_activation_saturated(GC_ACT_LEAKY_RELU, 0.001));
  ck_assert(gc_activation_saturated(GC_ACT_SOFTPLUS, 0.005));
  ck_assert(!gc_activation_saturated(GC_ACT_SOFTPLUS, 0.02));
  sample_free(&sm);
}
END_TEST

START_TEST(test_actstats_refusals)
{
  sample sm = sample_make(4, 2, 20, 5);
  size_t flat[] = {4, 2};
  gc_net *net;
  gc_actstats *s;
  ck_assert_int_eq(gc_net_alloc(&net, 2, flat, GC_ACT_SIGMOID,
                                GC_COST_QUADRATIC), GC_OK);
  gc_error_clear();
  ck_assert_int_eq(gc_actstats_alloc(&s, net, &sm.d, 10, 0), GC_EINVAL);
  ck_assert(*gc_strerror_last());
  gc_net_free(net);
  double b1[] = {0, 0}, b2[] = {0};
  net = bias_net(GC_ACT_SIGMOID, 2, b1, 1, b2);
  gc_error_clear();
  ck_assert_int_eq(gc_actstats_alloc(&s, net, &sm.d, 0, 0), GC_EINVAL);
  ck_assert(*gc_strerror_last());
  gc_error_clear();
  ck_assert_int_eq(gc_actstats_alloc(&s, net, &sm.d, 21, 0), GC_EINVAL);
  ck_assert(*gc_strerror_last());
  /* a NaN parameter: refused, not reported as statistics */
  ck_assert_int_eq(gc_actstats_alloc(&s, net, &sm.d, 20, 0), GC_OK);
  net->p.b[2][0] = NAN;
  gc_layer_stats st[2];
  gc_error_clear();
  ck_assert_int_eq(gc_actstats_run(st, s), GC_ENUMERIC);
  ck_assert(strstr(gc_strerror_last(), "layer 2"));
  gc_actstats_free(s);
  gc_net_free(net);
  sample_free(&sm);
}
END_TEST

/* 50 examples as MNIST's split: 30 training, 20 validation (and test). */
static gc_mnist split(const sample *sm)
{
  gc_mnist m;
  memset(&m, 0, sizeof m);
  m.training = m.validation = m.test = sm->d;
  m.training.n = 30;
  m.validation.n = m.test.n = 20;
  m.validation.images = m.test.images = sm->img + 30 * sm->d.dim;
  m.validation.labels = m.test.labels = sm->lab + 30;
  return m;
}

/* network2's run description with the given sizes. */
static void config_for(gc_run_config *c, size_t nlayers, const size_t *sizes)
{
  gc_run_config_init(c);
  ck_assert_int_eq(gc_run_config_set_sizes(c, nlayers, sizes), GC_OK);
}

/* The run's activation records against the trainer driven by hand here:
 * the net after b updates, its statistics taken directly, for every b
 * where a record is due; the monitor leaves the training's bits alone. */
static void check_run_records(size_t every)
{
  sample sm = sample_make(12, 3, 50, 21);
  gc_mnist m = split(&sm);
  static const size_t sizes[] = {12, 9, 7, 3};
  gc_run_config c;
  config_for(&c, 4, sizes);
  c.epochs = 3;
  c.batch = 4; /* 8 steps an epoch, the last of 2 examples */
  c.eta = 0.5;
  c.lambda = 0.1;
  c.seed = 5;
  c.eval_batch = 6;
  c.stats_sample = 15;
  c.stats_every = every;
  c.monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_ACTIVATIONS;
  gc_run_result res, plain;
  ck_assert_int_eq(gc_run_perform(&res, &c, &m, NULL, NULL), GC_OK);
  c.monitor = GC_MONITOR_EVAL_ACCURACY;
  ck_assert_int_eq(gc_run_perform(&plain, &c, &m, NULL, NULL), GC_OK);
  ck_assert(!memcmp(res.history, plain.history, 3 * sizeof *res.history));
  ck_assert_uint_eq(plain.nrecords, 0);
  ck_assert_uint_eq(res.nhidden, 2);

  gc_net *net;
  ck_assert_int_eq(gc_run_net_alloc(&net, &c), GC_OK);
  gc_train_config tc;
  gc_run_train_config(&tc, &c);
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &m.training, &m.validation, &tc),
                   GC_OK);
  gc_actstats *as;
  ck_assert_int_eq(gc_actstats_alloc(&as, net, &m.validation, 15, 0), GC_OK);
  gc_layer_stats mine[2];
  size_t i = 0, b = 0;
  ck_assert_int_eq(gc_actstats_run(mine, as), GC_OK);
  ck_assert_uint_eq(res.act_records[0].batches, 0);
  ck_assert_uint_eq(res.act_records[0].kind, GC_ACTREC_INITIAL);
  ck_assert(!memcmp(gc_run_result_layers(&res, i++), mine, sizeof mine));
  for (size_t e = 1; e <= 3; e++) {
    gsl_ran_shuffle(t->rng, t->idx, 30, sizeof *t->idx);
    for (size_t k = 0; k < 30; k += 4) {
      ck_assert_int_eq(gc_trainer_step(t, t->idx + k, k + 4 <= 30 ? 4 : 2),
                       GC_OK);
      b++;
      unsigned kind = (every && b % every == 0 ? GC_ACTREC_EVERY : 0) |
                      (k + 4 >= 30 ? GC_ACTREC_EPOCH : 0);
      if (!kind) continue;
      ck_assert_uint_lt(i, res.nrecords);
      ck_assert_uint_eq(res.act_records[i].batches, b);
      ck_assert_uint_eq(res.act_records[i].kind, kind);
      ck_assert_uint_eq(res.act_records[i].epoch, kind & GC_ACTREC_EPOCH
                                                      ? e : e - 1);
      ck_assert_int_eq(gc_actstats_run(mine, as), GC_OK);
      ck_assert(!memcmp(gc_run_result_layers(&res, i++), mine, sizeof mine));
    }
  }
  ck_assert_uint_eq(i, res.nrecords);
  ck_assert_ptr_null(gc_run_result_layers(&res, i));
  gc_actstats_free(as);
  gc_trainer_free(t);
  gc_net_free(net);
  gc_run_result_free(&res);
  gc_run_result_free(&plain);
  sample_free(&sm);
}

START_TEST(test_run_records)
{
  check_run_records(0);
  check_run_records(5);  /* never at an epoch's end (8, 16, 24) */
  check_run_records(4);  /* every other one at an epoch's end */
  check_run_records(1);
}
END_TEST

/* A run checkpointed after each epoch and resumed gives the activation
 * records of the uninterrupted run, bit for bit. */
START_TEST(test_run_records_resume)
{
  sample sm = sample_make(12, 3, 50, 23);
  gc_mnist m = split(&sm);
  static const size_t sizes[] = {12, 6, 5, 3};
  gc_run_config c;
  config_for(&c, 4, sizes);
  c.epochs = 3;
  c.batch = 4;
  c.eta = 0.5;
  c.stats_sample = 20;
  c.stats_every = 3;
  c.monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_ACTIVATIONS;
  gc_run_result whole;
  ck_assert_int_eq(gc_run_perform(&whole, &c, &m, NULL, NULL), GC_OK);
  char path[] = "/tmp/check_saturation_ck_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  gc_run *r;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_OK);
  for (size_t e = 0; e < 3; e++) {
    ck_assert_int_eq(gc_run_iterate(r), GC_OK);
    ck_assert_int_eq(gc_run_checkpoint(r, path), GC_OK);
    gc_run_free(r);
    gc_checkpoint *ck;
    ck_assert_int_eq(gc_checkpoint_load(&ck, path), GC_OK);
    gc_run_config k;
    ck_assert_int_eq(gc_run_config_from_checkpoint(&k, ck), GC_OK);
    ck_assert_uint_eq(k.stats_sample, 20);
    ck_assert_uint_eq(k.stats_every, 3);
    ck_assert(k.monitor & GC_MONITOR_ACTIVATIONS);
    ck_assert_int_eq(gc_run_alloc(&r, &k, &m), GC_OK);
    ck_assert_int_eq(gc_run_restore(r, ck), GC_OK);
    gc_checkpoint_free(ck);
  }
  const gc_run_result *res = &r->result;
  ck_assert_uint_eq(res->nrecords, whole.nrecords);
  for (size_t i = 0; i < whole.nrecords; i++) {
    ck_assert_uint_eq(res->act_records[i].batches, whole.act_records[i].batches);
    ck_assert_uint_eq(res->act_records[i].epoch, whole.act_records[i].epoch);
    ck_assert_uint_eq(res->act_records[i].kind, whole.act_records[i].kind);
  }
  ck_assert(!memcmp(res->act_layers, whole.act_layers,
                    whole.nrecords * whole.nhidden * sizeof *whole.act_layers));
  gc_run_free(r);
  unlink(path);
  gc_run_result_free(&whole);
  sample_free(&sm);
}
END_TEST

START_TEST(test_run_monitor_refusals)
{
  sample sm = sample_make(12, 3, 50, 21);
  gc_mnist m = split(&sm);
  static const size_t sizes[] = {12, 9, 3};
  gc_run_config c;
  config_for(&c, 3, sizes);
  ck_assert_uint_eq(c.stats_sample, 300);
  ck_assert_uint_eq(c.stats_every, 0);
  c.epochs = 1;
  c.monitor = GC_MONITOR_ACTIVATIONS;
  gc_run *r;
  gc_error_clear();
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_EINVAL); /* 300 > 20 */
  ck_assert(strstr(gc_strerror_last(), "300"));
  c.stats_sample = 0;
  gc_error_clear();
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_EINVAL);
  ck_assert(*gc_strerror_last());
  c.stats_sample = 20;
  c.eval_set = GC_EVAL_SET_NONE;
  gc_error_clear();
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_EINVAL);
  ck_assert(strstr(gc_strerror_last(), "evaluation set"));
  c.eval_set = GC_EVAL_SET_VALIDATION;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_OK);
  ck_assert_uint_eq(r->result.nrecords, 1);
  gc_run_free(r);
  static const size_t flat[] = {12, 3};
  ck_assert_int_eq(gc_run_config_set_sizes(&c, 2, flat), GC_OK);
  gc_error_clear();
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_EINVAL);
  ck_assert(strstr(gc_strerror_last(), "hidden layer"));
  unsigned mon;
  ck_assert_int_eq(gc_monitor_from_names(&mon, "eval-cost,activations"),
                   GC_OK);
  ck_assert_uint_eq(mon, GC_MONITOR_EVAL_COST | GC_MONITOR_ACTIVATIONS);
  sample_free(&sm);
}
END_TEST

/* Sutskever et al.'s formula as printed. */
static double sutskever(size_t t, double mu_max)
{
  double mu = 1.0 - pow(2.0, -1.0 - log2(floor((double)t / 250.0) + 1.0));
  return fmin(mu, mu_max);
}

START_TEST(test_sutskever_schedule)
{
  const double cap = 0.995;
  for (size_t t = 0; t < 250; t++)
    ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap, t),
                        0.5);
  for (size_t t = 250; t < 500; t++)
    ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap, t),
                        0.75);
  ck_assert_double_eq_tol(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap,
                                               500), 5.0 / 6.0, 1e-16);
  ck_assert_double_eq_tol(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap,
                                               749), 5.0 / 6.0, 1e-16);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap, 750),
                      0.875);
  for (size_t t = 0; t < 100000; t += 37) {
    double mine = gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap, t);
    ck_assert_double_le(fabs(mine - sutskever(t, cap)), 2 * DBL_EPSILON);
  }
  /* capped: 1 - 1/(2k) reaches 0.9 at k = 5 (t = 1000) and passes it at k
   * = 6 (t = 1250); it reaches 0.995 at k = 100 (t = 24750) */
  ck_assert_double_lt(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, 0.9,
                                           999), 0.9);
  ck_assert_double_eq_tol(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, 0.9,
                                               1249), 1 - 1.0 / 10, 1e-16);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, 0.9, 1250),
                      0.9);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, 0.9,
                                           (size_t)1e9), 0.9);
  ck_assert_double_lt(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap,
                                           24749), cap);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap,
                                           24750), cap);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, cap,
                                           1000000), cap);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_SUTSKEVER, 0.3, 0),
                      0.3);
  /* constant: mu_max throughout */
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_CONSTANT, 0.9, 0), 0.9);
  ck_assert_double_eq(gc_schedule_momentum(GC_SCHEDULE_CONSTANT, 0.9, 12345),
                      0.9);
  gc_schedule s;
  ck_assert_int_eq(gc_schedule_from_name(&s, "sutskever"), GC_OK);
  ck_assert_int_eq(s, GC_SCHEDULE_SUTSKEVER);
  ck_assert_str_eq(gc_schedule_name(GC_SCHEDULE_CONSTANT), "constant");
  gc_error_clear();
  ck_assert_int_eq(gc_schedule_from_name(&s, "nesterov"), GC_EINVAL);
  ck_assert(strstr(gc_strerror_last(), "nesterov"));
}
END_TEST

/* The trainer's momentum follows the schedule: with Sutskever's, the
 * first 250 updates are those of a constant 0.5, bit for bit, and update
 * 250 is not; a run checkpointed across the change and resumed ends with
 * the uninterrupted run's parameters. */
START_TEST(test_trainer_schedule)
{
  sample sm = sample_make(12, 3, 50, 29);
  gc_mnist m = split(&sm);
  static const size_t sizes[] = {12, 6, 3};
  gc_run_config c;
  config_for(&c, 3, sizes);
  c.batch = 1; /* 30 updates an epoch */
  c.eta = 0.05;
  c.monitor = GC_MONITOR_EVAL_ACCURACY;
  c.momentum = 0.9;
  c.schedule = GC_SCHEDULE_SUTSKEVER;
  gc_run_config half = c;
  half.momentum = 0.5;
  half.schedule = GC_SCHEDULE_CONSTANT;
  gc_run *r, *h;
  c.epochs = half.epochs = 10;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_OK);
  ck_assert_int_eq(gc_run_alloc(&h, &half, &m), GC_OK);
  ck_assert_double_eq(gc_trainer_momentum(r->trainer), 0.5);
  for (int e = 0; e < 8; e++) { /* 240 updates */
    ck_assert_int_eq(gc_run_iterate(r), GC_OK);
    ck_assert_int_eq(gc_run_iterate(h), GC_OK);
  }
  size_t n = r->net->p.n;
  ck_assert(!memcmp(r->net->p.data, h->net->p.data, n * sizeof(double)));
  const size_t idx[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  for (size_t k = 0; k < 10; k++) { /* updates 240..249 */
    ck_assert_int_eq(gc_trainer_step(r->trainer, idx + k, 1), GC_OK);
    ck_assert_int_eq(gc_trainer_step(h->trainer, idx + k, 1), GC_OK);
  }
  ck_assert(!memcmp(r->net->p.data, h->net->p.data, n * sizeof(double)));
  ck_assert_uint_eq(r->trainer->updates, 250);
  ck_assert_double_eq(gc_trainer_momentum(r->trainer), 0.75);
  ck_assert_int_eq(gc_trainer_step(r->trainer, idx, 1), GC_OK);
  ck_assert_int_eq(gc_trainer_step(h->trainer, idx, 1), GC_OK);
  ck_assert(memcmp(r->net->p.data, h->net->p.data, n * sizeof(double)));
  gc_run_free(r);
  gc_run_free(h);

  /* resumed after epoch 8 (240 updates): the same bits after 10 */
  gc_run_result whole;
  ck_assert_int_eq(gc_run_perform(&whole, &c, &m, NULL, NULL), GC_OK);
  gc_net *net_whole;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_OK);
  while (!gc_run_done(r)) ck_assert_int_eq(gc_run_iterate(r), GC_OK);
  ck_assert_int_eq(gc_net_copy(&net_whole, r->net), GC_OK);
  gc_run_free(r);
  char path[] = "/tmp/check_saturation_mu_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(gc_run_alloc(&r, &c, &m), GC_OK);
  for (int e = 0; e < 8; e++) ck_assert_int_eq(gc_run_iterate(r), GC_OK);
  ck_assert_int_eq(gc_run_checkpoint(r, path), GC_OK);
  gc_run_free(r);
  gc_checkpoint *ck;
  ck_assert_int_eq(gc_checkpoint_load(&ck, path), GC_OK);
  gc_run_config k;
  ck_assert_int_eq(gc_run_config_from_checkpoint(&k, ck), GC_OK);
  ck_assert_int_eq(k.schedule, GC_SCHEDULE_SUTSKEVER);
  ck_assert_int_eq(gc_run_alloc(&r, &k, &m), GC_OK);
  ck_assert_int_eq(gc_run_restore(r, ck), GC_OK);
  ck_assert_uint_eq(r->trainer->updates, 240);
  while (!gc_run_done(r)) ck_assert_int_eq(gc_run_iterate(r), GC_OK);
  ck_assert(!memcmp(r->net->p.data, net_whole->p.data, n * sizeof(double)));
  ck_assert(!memcmp(r->result.history, whole.history,
                    10 * sizeof *whole.history));
  /* a trainer of another schedule refuses the checkpoint */
  gc_run_free(r);
  k.schedule = GC_SCHEDULE_CONSTANT;
  ck_assert_int_eq(gc_run_alloc(&r, &k, &m), GC_OK);
  gc_error_clear();
  ck_assert_int_eq(gc_run_restore(r, ck), GC_EINVAL);
  ck_assert(strstr(gc_strerror_last(), "schedule"));
  gc_run_free(r);
  gc_checkpoint_free(ck);
  unlink(path);
  gc_net_free(net_whole);
  gc_run_result_free(&whole);
  sample_free(&sm);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("saturation");
  TCase *tc = tcase_create("saturation");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_quantile_by_hand);
  tcase_add_test(tc, test_stats_against_direct);
  tcase_add_test(tc, test_saturated_known_units);
  tcase_add_test(tc, test_actstats_refusals);
  tcase_add_test(tc, test_run_records);
  tcase_add_test(tc, test_run_records_resume);
  tcase_add_test(tc, test_run_monitor_refusals);
  tcase_add_test(tc, test_sutskever_schedule);
  tcase_add_test(tc, test_trainer_schedule);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
