/* check_run.c -- the run layer against the trainer driven by hand: the
 * seed rule, the result record, checkpoint and resume. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, c.nlayers, c.sizes, GC_ACT_SIGMOID,
                                GC_COST_CROSS_ENTROPY), GC_OK);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 7);
  gc_net_init(net, GC_INIT_DEFAULT, rng);
  gc_train_config tc;
  gc_train_config_default(&tc);
  tc.batch = 4;
  tc.eta = 0.5;
  tc.lambda = 0.1;
  tc.seed = 8;
  tc.monitor = c.monitor;
  gc_dataset train = s.m.training;
  train.n = 50;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &train, &s.m.validation, &tc),
                   GC_OK);
  double best = -1, final = -1;
  size_t best_epoch = 0;
  for (size_t e = 0; e < 5; e++) {
    gc_epoch_stats st;
    ck_assert_int_eq(gc_trainer_epoch(t, &st), GC_OK);
    ck_assert(!memcmp(&st, &res.history[e], sizeof st));
    final = st.evaluation_accuracy;
    if (final > best) {
      best = final;
      best_epoch = e + 1;
    }
  }
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
  gsl_rng_free(rng);
  gc_run_result_free(&res);
  test_synth_free(&s);
}
END_TEST

/* Checkpoint after 2 of 5 epochs, resume: the uninterrupted run's bits. */
START_TEST(test_checkpoint_resume)
{
  test_synth s = synth_make(12, 3, 40, 20, 10, 12);
  gc_run_config c;
  small_config(&c);
  c.eval_set = GC_EVAL_SET_TEST;
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
  gc_checkpoint_free(ck);
  unlink(path);
  gc_run_result_free(&whole);
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

int main(void)
{
  Suite *s = suite_create("run");
  TCase *tc = test_case(s, "run");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_defaults_are_network2);
  tcase_add_test(tc, test_run_is_the_seed_rule);
  tcase_add_test(tc, test_checkpoint_resume);
  tcase_add_test(tc, test_refusals_and_hook);
  return test_run(s);
}
