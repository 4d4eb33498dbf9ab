/* check_experiments.c -- the experiment layer against the trainer and the
 * net driven by hand in this test: a run (the seed rule, the result
 * record, checkpoint and resume), the depth study, the speeds studies;
 * the chain study against the chain's product written out here. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

/* A learnable synthetic data set in the MNIST split's shape: dim pixels,
 * ncl classes, n training, v validation, t test images. */
static test_synth synth_make(size_t dim, size_t ncl, size_t n, size_t v,
                             size_t t, unsigned long seed)
{
  test_synth s = test_synth_make(TEST_LEARNABLE, n + v + t, dim, ncl, seed);
  test_synth_split(&s, n, v);
  return s;
}

static void small_config(gc_run_config *c)
{
  static const size_t sizes[] = {12, 7, 5, 3};
  gc_run_config_init(c);
  ck_assert_int_eq(gc_run_config_set_sizes(c, 4, sizes), GC_OK);
  c->epochs = 5;
  c->batch = 4;
  c->eta = 0.5;
  c->lambda = 0.1;
  c->seed = 7;
  c->monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_TRAIN_COST;
}

/* The trainer of c driven by hand: shuffling from seed + 1 (the rule
 * written out here, not taken from the run layer). */
static gc_trainer *hand_trainer(gc_net *net, const gc_dataset *train,
                                const gc_dataset *eval, const gc_run_config *c)
{
  gc_train_config tc;
  gc_train_config_default(&tc);
  tc.batch = c->batch;
  tc.eta = c->eta;
  tc.lambda = c->lambda;
  tc.seed = c->seed + 1;
  tc.monitor = c->monitor;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, train, eval, &tc), GC_OK);
  return t;
}

/* A net initialised from seed as network2 does, without the run layer. */
static gc_net *seeded_net(const size_t *sizes, size_t L, unsigned long seed)
{
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID,
                                GC_COST_CROSS_ENTROPY), GC_OK);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, seed);
  gc_net_init(net, GC_INIT_DEFAULT, rng);
  gsl_rng_free(rng);
  return net;
}

/* Run t for `epochs`; the last and the best evaluation accuracy. */
static void hand_epochs(gc_trainer *t, size_t epochs, gc_epoch_stats *hist,
                        double *final, double *best, size_t *best_epoch)
{
  *best = -1;
  *best_epoch = 0;
  for (size_t e = 0; e < epochs; e++) {
    gc_epoch_stats st;
    ck_assert_int_eq(gc_trainer_epoch(t, &st), GC_OK);
    if (hist) ck_assert(!memcmp(&st, &hist[e], sizeof st));
    *final = st.evaluation_accuracy;
    if (*final > *best) {
      *best = *final;
      *best_epoch = e + 1;
    }
  }
}

START_TEST(test_defaults_are_network2)
{
  gc_run_config c;
  gc_run_config_init(&c);
  ck_assert_uint_eq(c.nlayers, 3);
  ck_assert_uint_eq(c.sizes[0], 784);
  ck_assert_uint_eq(c.sizes[1], 30);
  ck_assert_uint_eq(c.sizes[2], 10);
  ck_assert_int_eq(c.act, GC_ACT_SIGMOID);
  ck_assert_int_eq(c.cost, GC_COST_CROSS_ENTROPY);
  ck_assert_int_eq(c.init, GC_INIT_DEFAULT);
  ck_assert(c.eta == 0.1 && c.lambda == 5.0);
  ck_assert_uint_eq(c.batch, 10);
  ck_assert_uint_eq(c.epochs, 30);
  ck_assert_uint_eq(c.seed, 1);
  ck_assert_int_eq(c.eval_set, GC_EVAL_SET_VALIDATION);
  ck_assert_uint_eq(c.monitor, GC_MONITOR_EVAL_ACCURACY);
}
END_TEST

/* The run equals the trainer driven by hand: net from seed S, shuffling
 * from S + 1; final and best accuracy read off the history here. */
START_TEST(test_run_is_the_seed_rule)
{
  test_synth s = synth_make(12, 3, 60, 20, 10, 11);
  gc_run_config c;
  small_config(&c);
  c.train_size = 50;
  gc_run_result res;
  ck_assert_int_eq(gc_run_perform(&res, &c, &s.m, NULL, NULL), GC_OK);
  ck_assert_uint_eq(res.epochs, 5);
  ck_assert(!memcmp(&res.config, &c, sizeof c));

  gc_net *net = seeded_net(c.sizes, c.nlayers, 7);
  gc_dataset train = s.m.training;
  train.n = 50;
  gc_trainer *t = hand_trainer(net, &train, &s.m.validation, &c);
  double best, final;
  size_t best_epoch;
  hand_epochs(t, 5, res.history, &final, &best, &best_epoch);
  ck_assert(res.final_accuracy == final);
  ck_assert(res.best_accuracy == best);
  ck_assert_uint_eq(res.best_epoch, best_epoch);
  ck_assert(res.seconds >= 0);

  /* the same parameters, bit for bit, from a gc_run */
  gc_run *r;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &s.m), GC_OK);
  while (!gc_run_done(r)) ck_assert_int_eq(gc_run_iterate(r), GC_OK);
  ck_assert(!memcmp(r->net->p.data, net->p.data, net->p.n * sizeof(double)));
  ck_assert_int_eq(gc_run_iterate(r), GC_EINVAL); /* done */
  gc_run_free(r);

  gc_trainer_free(t);
  gc_net_free(net);
  gc_run_result_free(&res);
  test_synth_free(&s);
}
END_TEST

/* Checkpoint after 2 of 5 epochs, resume: the uninterrupted run's bits,
 * for network2's configuration and for one with every remedy. */
static void resume_case(const test_synth *sy, const gc_run_config *cfg);

START_TEST(test_checkpoint_resume)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 12);
  gc_run_config c;
  small_config(&c);
  c.eval_set = GC_EVAL_SET_TEST;
  resume_case(&s, &c);
  c.nacts = 2;
  c.acts[0] = GC_ACT_TANH;
  c.acts[1] = GC_ACT_RELU;
  c.output = GC_OUTPUT_SOFTMAX;
  c.cost = GC_COST_LOG_LIKELIHOOD;
  c.init = GC_INIT_ORTHOGONAL;
  c.sigma_w = 1.2;
  c.sigma_b = 0.1;
  c.momentum = 0.8;
  c.nesterov = 1;
  resume_case(&s, &c);
  test_synth_free(&s);
}
END_TEST

static void resume_case(const test_synth *sy, const gc_run_config *cfg)
{
  const test_synth s = *sy;
  const gc_run_config c = *cfg;
  gc_run_result whole;
  ck_assert_int_eq(gc_run_perform(&whole, &c, &s.m, NULL, NULL), GC_OK);

  char path[] = "/tmp/check_run_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  gc_run *r;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &s.m), GC_OK);
  for (int e = 0; e < 2; e++) ck_assert_int_eq(gc_run_iterate(r), GC_OK);
  ck_assert_int_eq(gc_run_checkpoint(r, path), GC_OK);
  gc_run_free(r);

  gc_checkpoint *ck;
  ck_assert_int_eq(gc_checkpoint_load(&ck, path), GC_OK);
  gc_run_config k;
  ck_assert_int_eq(gc_run_config_from_checkpoint(&k, ck), GC_OK);
  ck_assert_uint_eq(k.train_size, 40); /* "all" made explicit */
  k.train_size = 0;
  ck_assert(!memcmp(&k, &c, sizeof c));
  ck_assert_int_eq(gc_run_alloc(&r, &k, &s.m), GC_OK);
  ck_assert_int_eq(gc_run_restore(r, ck), GC_OK);
  ck_assert_uint_eq(r->result.epochs, 2);
  while (!gc_run_done(r)) ck_assert_int_eq(gc_run_iterate(r), GC_OK);
  ck_assert_uint_eq(r->result.epochs, 5);
  ck_assert(!memcmp(r->result.history, whole.history,
                    5 * sizeof *whole.history));
  ck_assert(r->result.best_accuracy == whole.best_accuracy);
  ck_assert_uint_eq(r->result.best_epoch, whole.best_epoch);
  gc_run_free(r);
  /* a run that differs in momentum or in a layer is refused */
  gc_run_config o = k;
  o.momentum = c.momentum > 0 ? c.momentum / 2 : 0.5;
  o.nesterov = 0;
  ck_assert_int_eq(gc_run_alloc(&r, &o, &s.m), GC_OK);
  ck_assert_int_eq(gc_run_restore(r, ck), GC_EINVAL);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "momentum"));
  gc_run_free(r);
  o = k;
  o.nacts = 0;
  o.act = GC_ACT_ERF;
  ck_assert_int_eq(gc_run_alloc(&r, &o, &s.m), GC_OK);
  ck_assert_int_eq(gc_run_restore(r, ck), GC_EINVAL);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "layer 1"));
  gc_run_free(r);
  gc_checkpoint_free(ck);
  unlink(path);
  gc_run_result_free(&whole);
}

/* Every cell of the depth study is a plain training run of the same
 * configuration; means and sds of two seeds in closed form. */
START_TEST(test_depth_study)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 14);
  gc_depth_config c;
  gc_depth_config_init(&c);
  ck_assert_uint_eq(c.ndepths, 4);
  ck_assert_uint_eq(c.width, 30);
  c.ndepths = 2;
  c.depths[0] = 2;
  c.depths[1] = 1;
  c.width = 5;
  c.seeds = 2;
  c.base.seed = 3;
  c.base.epochs = 3;
  c.base.batch = 5;
  c.base.eta = 1.0;
  c.base.lambda = 0.5;
  gc_depth_result res;
  ck_assert_int_eq(gc_depth_study(&res, &c, &s.m, NULL, NULL), GC_OK);
  for (size_t d = 0; d < 2; d++) {
    const gc_depth_row *row = &res.rows[d];
    ck_assert_uint_eq(row->hidden, c.depths[d]);
    size_t sizes[4] = {12, 5, 5, 3}, L = c.depths[d] + 2;
    sizes[L - 1] = 3;
    for (size_t k = 0; k < 2; k++) {
      gc_net *net = seeded_net(sizes, L, 3 + k);
      gc_run_config k1 = c.base;
      k1.seed = 3 + k;
      gc_trainer *t = hand_trainer(net, &s.m.training, &s.m.validation, &k1);
      double best, final;
      size_t best_epoch;
      hand_epochs(t, 3, NULL, &final, &best, &best_epoch);
      ck_assert(row->final[k] == final);
      ck_assert(row->best[k] == best);
      ck_assert_uint_eq(row->best_epoch[k], best_epoch);
      gc_trainer_free(t);
      gc_net_free(net);
    }
    double f0 = row->final[0], f1 = row->final[1];
    ck_assert_double_eq_tol(row->final_mean, (f0 + f1) / 2, 1e-15);
    ck_assert_double_eq_tol(row->final_sd, fabs(f0 - f1) / sqrt(2), 1e-15);
    ck_assert_double_eq_tol(row->best_sd,
                            fabs(row->best[0] - row->best[1]) / sqrt(2),
                            1e-15);
    double e0 = (double)row->best_epoch[0], e1 = (double)row->best_epoch[1];
    ck_assert_double_eq_tol(row->best_epoch_mean, (e0 + e1) / 2, 1e-15);
    ck_assert_double_eq_tol(row->best_epoch_sd, fabs(e0 - e1) / sqrt(2),
                            1e-15);
  }
  gc_depth_result_free(&res);
  ck_assert(isnan(gc_depth_book(30, 5)) && gc_depth_book(30, 1) == 0.9648);
  c.depths[1] = 0;
  ck_assert_int_eq(gc_depth_study(&res, &c, &s.m, NULL, NULL), GC_EINVAL);
  ck_assert_ptr_null(res.rows);
  test_synth_free(&s);
}
END_TEST

/* The mean over the first n training examples of dC/db^l, one example at
 * a time through gc_net_forward/backward, into mean[l][j]. */
static void mean_deltas(const gc_net *net, const gc_dataset *d, size_t n,
                        double mean[][16])
{
  gc_workspace *ws;
  ck_assert_int_eq(gc_workspace_alloc(&ws, net, 1), GC_OK);
  memset(mean, 0, 8 * sizeof mean[0]);
  for (size_t i = 0; i < n; i++) {
    double x[64], y[16];
    gc_dataset_batch(x, y, d, NULL, i, 1);
    ck_assert_int_eq(gc_net_forward(net, ws, x, 1), GC_OK);
    ck_assert_int_eq(gc_net_backward(net, ws, y, NULL), GC_OK);
    for (size_t l = 1; l < net->nlayers; l++)
      for (size_t j = 0; j < net->sizes[l]; j++)
        mean[l][j] += ws->delta[l][j];
  }
  for (size_t l = 1; l < net->nlayers; l++)
    for (size_t j = 0; j < net->sizes[l]; j++) mean[l][j] /= (double)n;
  gc_workspace_free(ws);
}

static double norm(const double *x, size_t n)
{
  double s = 0;
  for (size_t i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}

START_TEST(test_speeds_at_init)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 15);
  gc_run_config c;
  small_config(&c);
  c.sizes[1] = 8; /* wider than GC_SPEEDS_TOP */
  gc_speeds_init_result r;
  ck_assert_int_eq(gc_speeds_at_init(&r, &c, 3, 33, &s.m), GC_OK);
  ck_assert_uint_eq(r.hidden, 2);
  double per[3][2];
  for (size_t k = 0; k < 3; k++) {
    gc_net *net = seeded_net(c.sizes, 4, 7 + k);
    double mean[8][16];
    mean_deltas(net, &s.m.training, 33, mean);
    for (size_t l = 1; l <= 2; l++) {
      per[k][l - 1] = norm(mean[l], c.sizes[l]);
      ck_assert_double_eq_tol(r.per_seed[k * 2 + l - 1], per[k][l - 1],
                              1e-14);
      for (size_t j = 0; k == 0 && j < GC_SPEEDS_TOP; j++)
        if (j < c.sizes[l])
          ck_assert_double_eq_tol(r.neuron[(l - 1) * GC_SPEEDS_TOP + j],
                                  mean[l][j], 1e-15);
        else
          ck_assert(isnan(r.neuron[(l - 1) * GC_SPEEDS_TOP + j]));
    }
    gc_net_free(net);
  }
  for (size_t l = 0; l < 2; l++) {
    double m = (per[0][l] + per[1][l] + per[2][l]) / 3, v = 0;
    for (size_t k = 0; k < 3; k++) v += (per[k][l] - m) * (per[k][l] - m);
    ck_assert_double_eq_tol(r.mean[l], m, 1e-14);
    ck_assert_double_eq_tol(r.sd[l], sqrt(v / 2), 1e-14);
  }
  gc_speeds_init_result_free(&r);
  static const size_t book[] = {784, 30, 30, 30, 10};
  ck_assert(gc_speeds_book(book, 5)[2] == 0.283);
  ck_assert_ptr_null(gc_speeds_book(c.sizes, 4));
  test_synth_free(&s);
}
END_TEST

/* Before every epoch of batch gradient descent: the speeds of the net as
 * it is, measured here, while a plain trainer takes the epochs. */
START_TEST(test_speeds_during_training)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 16);
  gc_run_config c;
  small_config(&c);
  c.train_size = 25;
  c.epochs = 4;
  gc_speeds_train_result r;
  ck_assert_int_eq(gc_speeds_during_training(&r, &c, &s.m, NULL, NULL),
                   GC_OK);
  ck_assert_uint_eq(r.config.batch, 25);
  gc_net *net = seeded_net(c.sizes, 4, 7);
  gc_dataset d = s.m.training;
  d.n = 25;
  c.batch = 25;
  c.monitor = 0;
  gc_trainer *t = hand_trainer(net, &d, NULL, &c);
  for (size_t e = 0; e < 4; e++) {
    double mean[8][16];
    mean_deltas(net, &d, 25, mean);
    for (size_t l = 1; l <= 2; l++)
      ck_assert_double_eq_tol(r.series[e * 2 + l - 1],
                              norm(mean[l], c.sizes[l]), 1e-14);
    ck_assert_int_eq(gc_trainer_epoch(t, NULL), GC_OK);
  }
  ck_assert_double_eq_tol(r.final_ratio, r.series[7] / r.series[6], 1e-15);
  gc_trainer_free(t);
  gc_net_free(net);
  gc_speeds_train_result_free(&r);
  c.train_size = 0; /* batch gradient descent needs a set size */
  ck_assert_int_eq(gc_speeds_during_training(&r, &c, &s.m, NULL, NULL),
                   GC_EINVAL);
  test_synth_free(&s);
}
END_TEST

static int stop_after_two(const gc_run *r, void *arg)
{
  (*(int *)arg)++;
  return r->result.epochs == 2 ? GC_ERANGE : GC_OK;
}

START_TEST(test_refusals_and_hook)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 13);
  gc_run_config c;
  small_config(&c);
  gc_run *r;
  c.train_size = 41;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &s.m), GC_EINVAL);
  ck_assert_ptr_null(r);
  c.train_size = 0;
  c.eval_set = GC_EVAL_SET_NONE; /* but an evaluation monitor */
  ck_assert_int_eq(gc_run_alloc(&r, &c, &s.m), GC_EINVAL);
  c.monitor = GC_MONITOR_TRAIN_COST;
  ck_assert_int_eq(gc_run_alloc(&r, &c, &s.m), GC_OK);
  gc_run_free(r);
  size_t big[GC_RUN_MAX_LAYERS + 1];
  for (size_t l = 0; l <= GC_RUN_MAX_LAYERS; l++) big[l] = 3;
  ck_assert_int_eq(gc_run_config_set_sizes(&c, GC_RUN_MAX_LAYERS + 1, big),
                   GC_EINVAL);
  ck_assert_int_eq(gc_run_config_set_sizes(&c, 1, big), GC_EINVAL);

  int calls = 0;
  gc_run_result res;
  ck_assert_int_eq(gc_run_perform(&res, &c, &s.m, stop_after_two, &calls),
                   GC_ERANGE);
  ck_assert_int_eq(calls, 2);
  ck_assert_ptr_null(res.history);
  gc_eval_set e;
  ck_assert_int_eq(gc_eval_set_from_name(&e, "test"), GC_OK);
  ck_assert_int_eq(e, GC_EVAL_SET_TEST);
  ck_assert_str_eq(gc_eval_set_name(GC_EVAL_SET_VALIDATION), "validation");
  gc_error_clear();
  ck_assert_int_eq(gc_eval_set_from_name(&e, "train"), GC_EINVAL);
  ck_assert(*gc_strerror_last());
  test_synth_free(&s);
}
END_TEST

/* A runner of its own: the runs backwards, one after another; counts. */
typedef struct { size_t calls, runs, progress; int fail; } runner_log;

static int backwards(gc_run_result *res, const gc_run_config *cfg, size_t n,
                     const gc_mnist *data, gc_depth_progress progress,
                     void *progress_arg, void *arg)
{
  runner_log *log = arg;
  log->calls++;
  if (log->fail) return gc_error(GC_ENUMERIC, "the runner failed");
  for (size_t k = n; k-- > 0;) {
    int st = gc_run_perform(&res[k], &cfg[k], data, NULL, NULL);
    if (st) return st;
    log->runs++;
    if (progress) progress(&res[k], n - k, n, progress_arg);
  }
  return GC_OK;
}

static void count_progress(const gc_run_result *run, size_t done,
                           size_t total, void *arg)
{
  (void)run;
  (void)done;
  (void)total;
  ((runner_log *)arg)->progress++;
}

START_TEST(test_depth_runner)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 14);
  gc_depth_config c;
  gc_depth_config_init(&c);
  ck_assert_ptr_null(c.runner);
  c.ndepths = 2;
  c.depths[0] = 1;
  c.depths[1] = 2;
  c.width = 4;
  c.seeds = 3;
  c.base.epochs = 2;
  c.base.batch = 5;
  gc_depth_result want, got;
  ck_assert_int_eq(gc_depth_study(&want, &c, &s.m, NULL, NULL), GC_OK);
  runner_log log = {0, 0, 0, 0}, plog = {0, 0, 0, 0};
  c.runner = backwards;
  c.runner_arg = &log;
  ck_assert_int_eq(gc_depth_study(&got, &c, &s.m, count_progress, &plog), GC_OK);
  ck_assert_uint_eq(log.calls, 1);
  ck_assert_uint_eq(log.runs, 6);
  ck_assert_uint_eq(plog.progress, 6);
  for (size_t d = 0; d < 2; d++)
    for (size_t k = 0; k < 3; k++) {
      ck_assert(got.rows[d].final[k] == want.rows[d].final[k]);
      ck_assert(got.rows[d].best[k] == want.rows[d].best[k]);
      ck_assert_uint_eq(got.rows[d].best_epoch[k], want.rows[d].best_epoch[k]);
    }
  gc_depth_result_free(&got);
  gc_depth_result_free(&want);
  log.fail = 1;
  gc_error_clear();
  ck_assert_int_eq(gc_depth_study(&got, &c, &s.m, NULL, NULL), GC_ENUMERIC);
  ck_assert_str_eq(gc_strerror_last(), "the runner failed");
  ck_assert_ptr_null(got.rows);
  test_synth_free(&s);
}
END_TEST

/* The chain study against dC/db_j = s'(z_j) w_{j+1} s'(z_{j+1}) ...
 * w_L s'(z_L) (a_L - y), the chains drawn here as gc_chain_set_random
 * documents (seed s+1; w_j, then b_j, N(0,1), layer after layer), and
 * the exploding chain's closed form (1/4) (W/4)^(L-j) (1/2 - y). */
static double sig(double z) { return 1 / (1 + exp(-z)); }

START_TEST(test_chain_study)
{
  gc_chain_study_config c;
  gc_chain_study_config_init(&c);
  ck_assert_uint_eq(c.depth, 30);
  ck_assert_uint_eq(c.seeds, 5);
  c.depth = 12;
  c.seeds = 3;
  c.a0 = 0.7;
  c.y = 0.2;
  c.W = 8;
  gc_chain_study_result r;
  ck_assert_int_eq(gc_chain_study(&r, &c), 0);
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  for (size_t s = 0; s < c.seeds; s++) {
    double w[12], b[12], z[12], a = c.a0;
    gsl_rng_set(g, s + 1);
    for (size_t j = 0; j < c.depth; j++) {
      w[j] = gsl_ran_gaussian_ziggurat(g, 1.0);
      b[j] = gsl_ran_gaussian_ziggurat(g, 1.0);
    }
    for (size_t j = 0; j < c.depth; j++) {
      z[j] = w[j] * a + b[j];
      a = sig(z[j]);
    }
    double back = a - c.y; /* dC/da_L of the quadratic cost */
    for (size_t j = c.depth; j-- > 0;) {
      double fp = sig(z[j]) * (1 - sig(z[j]));
      double want = fabs(fp * back);
      ck_assert_double_eq_tol(r.random[s * c.depth + j], want, 1e-12 * want);
      back *= fp * w[j];
    }
  }
  for (size_t j = 1; j <= c.depth; j++) {
    double want = 0.25 * pow(c.W / 4, (double)(c.depth - j)) * (0.5 - c.y);
    ck_assert_double_eq_tol(r.exploding[j - 1], want, 1e-13 * want);
  }
  gsl_rng_free(g);
  gc_chain_study_result_free(&r);
  c.depth = 0;
  gc_error_clear();
  ck_assert_int_eq(gc_chain_study(&r, &c), GC_EINVAL);
  ck_assert_ptr_null(r.random);
  ck_assert_str_ne(gc_strerror_last(), "");
}
END_TEST

/* The layers of two products agree bit for bit. */
static void same_layers(const gc_jacobian *a, const gc_jacobian *b)
{
  ck_assert_uint_eq(gc_jacobian_depth(a), gc_jacobian_depth(b));
  const gc_jacobian_layer *ra = gc_jacobian_layers(a),
                          *rb = gc_jacobian_layers(b);
  for (size_t l = 0; l < gc_jacobian_depth(a); l++) {
    ck_assert(ra[l].log_mean_sq == rb[l].log_mean_sq);
    ck_assert(ra[l].log_max_singular == rb[l].log_max_singular);
    ck_assert(ra[l].has_spectrum == rb[l].has_spectrum);
    if (ra[l].has_spectrum)
      ck_assert(ra[l].log_min_singular == rb[l].log_min_singular);
  }
}

/* The Jacobian study against its pieces driven here: the net from a
 * generator seeded S, the input (|x|^2/n = (q* - sigma_b2)/sigma_w2) from
 * one seeded S + 1, theory from gc_meanfield_point; J, the backward
 * product and the Lyapunov exponents pushed by hand. */
START_TEST(test_jacobian_study)
{
  const size_t n = 24, L = 6, sp[] = {2, 6};
  const double sw2 = 1.5, sb2 = 0.05;
  const unsigned long seed = 7;
  gc_jacobian_study_config c;
  gc_jacobian_study_config_init(&c);
  c.width = n;
  c.depth = L;
  c.act = GC_ACT_TANH;
  c.init = GC_INIT_GAUSSIAN;
  c.sigma_w2 = sw2;
  c.sigma_b2 = sb2;
  c.seed = seed;
  c.spectra = sp;
  c.nspectra = 2;
  gc_jacobian_study *s = NULL;
  ck_assert_int_eq(gc_jacobian_study_run(&s, &c), GC_OK);

  gc_meanfield *mf = gc_meanfield_alloc(GC_ACT_TANH, NULL);
  gc_meanfield_result r;
  /* the initialiser draws N(0, sigma_w^2/n): theory at sigma_w^2 */
  const double w2 = sqrt(sw2) * sqrt(sw2), b2 = sqrt(sb2) * sqrt(sb2);
  ck_assert_int_eq(gc_meanfield_point(&r, mf, w2, b2), GC_OK);
  gc_meanfield_free(mf);
  ck_assert(s->have_theory && s->q_star == r.q_star && s->chi1 == r.chi1);
  ck_assert(s->sigma_w2 == w2 && s->sigma_b2 == b2);
  ck_assert_double_eq_tol(gc_jacobian_study_chi1_pow(s, 3), pow(r.chi1, 3),
                          1e-15);

  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937), *gi = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(g, seed);
  gsl_rng_set(gi, seed + 1);
  double x[24];
  gc_jacobian_input(x, n, (r.q_star - b2) / w2, gi);
  size_t sizes[7];
  for (size_t l = 0; l <= L; l++) sizes[l] = n;
  gc_net *net = NULL;
  ck_assert_int_eq(gc_net_alloc(&net, L + 1, sizes, GC_ACT_TANH,
                                GC_COST_QUADRATIC), GC_OK);
  ck_assert_int_eq(gc_net_init_sigma(net, GC_INIT_GAUSSIAN, sqrt(sw2),
                                     sqrt(sb2), g), GC_OK);
  gc_jacobian_params pf = {sp, 2, 0, 0}, pb = {sp, 1, 0, 0};
  gc_jacobian *f = NULL, *b = NULL;
  ck_assert_int_eq(gc_jacobian_alloc(&f, n, n, L, &pf), GC_OK);
  ck_assert_int_eq(gc_jacobian_alloc(&b, n, n, L - 1, &pb), GC_OK);
  ck_assert_int_eq(gc_jacobian_of_net(f, b, net, x), GC_OK);
  same_layers(s->fwd, f);
  same_layers(s->bwd, b);
  gc_jacobian_study_free(s);

  /* the same net given, with its input: the same products; without the
   * backward product, J alone */
  c.net = net;
  c.input = x;
  c.input_width = n;
  c.backward = 0;
  ck_assert_int_eq(gc_jacobian_study_run(&s, &c), GC_OK);
  same_layers(s->fwd, f);
  ck_assert_ptr_null(s->bwd);
  gc_jacobian_study_free(s);
  gc_jacobian_free(f);
  gc_jacobian_free(b);

  /* Lyapunov: the net drawn layer by layer from seed S */
  c.net = NULL;
  c.input = NULL;
  c.lyapunov = 1;
  c.blocks = 3;
  c.nspectra = 0;
  ck_assert_int_eq(gc_jacobian_study_run(&s, &c), GC_OK);
  gc_jacobian_params pl = {NULL, 0, n, 3};
  ck_assert_int_eq(gc_jacobian_alloc(&f, n, n, L, &pl), GC_OK);
  gsl_rng_set(g, seed);
  ck_assert_int_eq(gc_jacobian_random(f, n, n, L, GC_ACT_TANH,
                                      GC_INIT_GAUSSIAN, sqrt(sw2), sqrt(sb2),
                                      x, g), GC_OK);
  double e1[24], s1[24], e2[24], s2[24];
  ck_assert_int_eq(gc_jacobian_lyapunov(e1, s1, s->fwd), GC_OK);
  ck_assert_int_eq(gc_jacobian_lyapunov(e2, s2, f), GC_OK);
  for (size_t i = 0; i < n; i++) ck_assert(e1[i] == e2[i] && s1[i] == s2[i]);
  gc_jacobian_study_free(s);
  gc_jacobian_free(f);

  /* refusals: more blocks than layers, a spectrum beyond the net */
  c.blocks = L + 1;
  gc_error_clear();
  ck_assert_int_eq(gc_jacobian_study_run(&s, &c), GC_EINVAL);
  ck_assert_ptr_null(s);
  ck_assert_str_ne(gc_strerror_last(), "");
  c.lyapunov = 0;
  const size_t far[] = {L + 1};
  c.spectra = far;
  c.nspectra = 1;
  gc_error_clear();
  ck_assert_int_eq(gc_jacobian_study_run(&s, &c), GC_EINVAL);
  ck_assert_str_ne(gc_strerror_last(), "");
  /* a stored net of 10^5 x 10^5 x 999 doubles (8e4 GB): refused before
   * allocating */
  c.nspectra = 0;
  c.width = 100000;
  c.depth = 1000;
  ck_assert_double_eq_tol(gc_jacobian_study_bytes(&c), 8.0e5 * 1e5 * 1e3,
                          1e3);
  gc_error_clear();
  ck_assert_int_eq(gc_jacobian_study_run(&s, &c), GC_ERANGE);
  ck_assert_ptr_null(s);
  ck_assert_str_ne(gc_strerror_last(), "");
  gc_net_free(net);
  gsl_rng_free(g);
  gsl_rng_free(gi);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("experiments");
  TCase *tc = test_case(s, "run");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_defaults_are_network2);
  tcase_add_test(tc, test_run_is_the_seed_rule);
  tcase_add_test(tc, test_checkpoint_resume);
  tcase_add_test(tc, test_refusals_and_hook);
  tcase_add_test(tc, test_depth_study);
  tcase_add_test(tc, test_depth_runner);
  tcase_add_test(tc, test_speeds_at_init);
  tcase_add_test(tc, test_speeds_during_training);
  tcase_add_test(tc, test_chain_study);
  tcase_add_test(tc, test_jacobian_study);
  return test_run(s);
}
