/* check_checkpoint.c -- checkpoints of a training run: a run saved after
 * some epochs, loaded into a fresh trainer and continued, ends with the
 * bits of the run never interrupted (the reference is that run itself,
 * computed alongside); the generator's next draws are the original's; every
 * field round-trips; malformed files and mismatched trainers are refused. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static const size_t sizes[] = {6, 5, 3};

static gc_net *make_net(unsigned long seed)
{
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 3, sizes, GC_ACT_SIGMOID, GC_COST_CROSS_ENTROPY),
                   GC_OK);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  gc_net_init(net, GC_INIT_DEFAULT, r);
  gsl_rng_free(r);
  return net;
}

static gc_train_config config(void)
{
  gc_train_config c;
  gc_train_config_default(&c);
  c.batch = 7;        /* 60 = 8*7 + 4: a short last batch */
  c.eta = 0.5;
  c.lambda = 0.3;
  c.seed = 11;
  c.monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_EVAL_COST |
              GC_MONITOR_TRAIN_ACCURACY | GC_MONITOR_TRAIN_COST;
  c.early_stop = 4;
  c.eval_batch = 13;
  return c;
}

static gc_checkpoint_run run_of(size_t epochs)
{
  gc_checkpoint_run r;
  memset(&r, 0, sizeof r);
  r.epochs = epochs;
  r.seed = 10;
  strcpy(r.init, "default");
  strcpy(r.eval_set, "validation");
  return r;
}

static char dir[] = "/tmp/check_checkpoint_XXXXXX";

static void setup(void) { ck_assert_ptr_nonnull(mkdtemp(dir)); }
static void teardown(void)
{
  char p[256];
  snprintf(p, sizeof p, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(p), 0);
  strcpy(dir, "/tmp/check_checkpoint_XXXXXX");
}

static void same_bits(double a, double b)
{
  ck_assert(memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)));
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *s = malloc((size_t)n + 1);
  ck_assert_int_eq(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return s;
}

/* ------------------------------------------------------------ round trip */

START_TEST(test_resume_equals_uninterrupted)
{
  test_synth tr = test_synth_make(TEST_LEARNABLE, 60, 6, 3, 1);
  test_synth ev = test_synth_make(TEST_LEARNABLE, 25, 6, 3, 2);
  gc_train_config c = config();
  gc_net *net = make_net(5);
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, &ev.d, &c), GC_OK);
  gc_epoch_stats h[6];
  for (int e = 0; e < 2; e++) ck_assert_int_eq(gc_trainer_epoch(t, &h[e]), GC_OK);
  char path[256];
  snprintf(path, sizeof path, "%s/ck.json", dir);
  gc_checkpoint_run run = run_of(6);
  ck_assert_int_eq(gc_checkpoint_save(path, t, &run, h), GC_OK);
  ck_assert_int_eq(access(path, F_OK), 0);

  /* the generator's next draws, from a copy of the state at the save */
  gsl_rng *copy = gsl_rng_clone(t->rng);
  unsigned long draws[8];
  for (int i = 0; i < 8; i++) draws[i] = gsl_rng_get(copy);
  gsl_rng_free(copy);

  /* the uninterrupted run continues */
  for (int e = 2; e < 6; e++) ck_assert_int_eq(gc_trainer_epoch(t, &h[e]), GC_OK);

  gc_checkpoint *ck;
  ck_assert_int_eq(gc_checkpoint_load(&ck, path), GC_OK);
  ck_assert_uint_eq(ck->epoch, 2);
  ck_assert_uint_eq(ck->run.epochs, 6);
  ck_assert_uint_eq(ck->run.seed, 10);
  ck_assert_str_eq(ck->run.init, "default");
  ck_assert_str_eq(ck->run.eval_set, "validation");
  ck_assert_uint_eq(ck->train_size, 60);
  ck_assert_uint_eq(ck->eval_size, 25);
  ck_assert_uint_eq(ck->cfg.batch, c.batch);
  same_bits(ck->cfg.eta, c.eta);
  same_bits(ck->cfg.lambda, c.lambda);
  ck_assert_uint_eq(ck->cfg.seed, c.seed);
  ck_assert_uint_eq(ck->cfg.monitor, c.monitor);
  ck_assert_uint_eq(ck->cfg.early_stop, c.early_stop);
  ck_assert_uint_eq(ck->cfg.eval_batch, c.eval_batch);
  for (int e = 0; e < 2; e++) {
    ck_assert_uint_eq(ck->history[e].epoch, (size_t)e + 1);
    same_bits(ck->history[e].evaluation_cost, h[e].evaluation_cost);
    same_bits(ck->history[e].evaluation_accuracy, h[e].evaluation_accuracy);
    same_bits(ck->history[e].training_cost, h[e].training_cost);
    same_bits(ck->history[e].training_accuracy, h[e].training_accuracy);
    ck_assert_uint_eq(ck->history[e].evaluation_correct, h[e].evaluation_correct);
    ck_assert_uint_eq(ck->history[e].training_correct, h[e].training_correct);
  }

  /* a fresh net (other initial weights) and trainer, restored */
  gc_net *net2 = make_net(99);
  gc_trainer *t2;
  ck_assert_int_eq(gc_trainer_alloc(&t2, net2, &tr.d, &ev.d, &ck->cfg), GC_OK);
  ck_assert_int_eq(gc_checkpoint_restore(t2, ck), GC_OK);
  ck_assert_uint_eq(t2->epoch, 2);
  copy = gsl_rng_clone(t2->rng);
  for (int i = 0; i < 8; i++) ck_assert_uint_eq(gsl_rng_get(copy), draws[i]);
  gsl_rng_free(copy);
  for (int e = 2; e < 6; e++) {
    gc_epoch_stats s;
    ck_assert_int_eq(gc_trainer_epoch(t2, &s), GC_OK);
    ck_assert_uint_eq(s.epoch, (size_t)e + 1);
    same_bits(s.evaluation_cost, h[e].evaluation_cost);
    same_bits(s.training_cost, h[e].training_cost);
    ck_assert_uint_eq(s.evaluation_correct, h[e].evaluation_correct);
    ck_assert_int_eq(s.stop, h[e].stop);
  }
  ck_assert_uint_eq(net2->p.n, net->p.n);
  ck_assert(memcmp(net2->p.data, net->p.data, net->p.n * sizeof(double)) == 0);
  ck_assert_uint_eq(t2->best_correct, t->best_correct);
  ck_assert_uint_eq(t2->since_best, t->since_best);
  /* the training actually moved the weights (the test could fail) */
  gc_net *net0 = make_net(5);
  ck_assert(memcmp(net0->p.data, net->p.data, net->p.n * sizeof(double)) != 0);
  gc_net_free(net0);

  gc_trainer_free(t2);
  gc_net_free(net2);
  gc_checkpoint_free(ck);
  gc_trainer_free(t);
  gc_net_free(net);
  test_synth_free(&tr);
  test_synth_free(&ev);
}
END_TEST

/* unmonitored values are NaN and stay NaN; a checkpoint at epoch 0 */
START_TEST(test_unmonitored_and_epoch_zero)
{
  test_synth tr = test_synth_make(TEST_LEARNABLE, 30, 6, 3, 3);
  gc_train_config c = config();
  c.monitor = 0;
  c.early_stop = 0;
  gc_net *net = make_net(5);
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, NULL, &c), GC_OK);
  char path[256];
  snprintf(path, sizeof path, "%s/ck0.json", dir);
  gc_checkpoint_run run = run_of(3);
  ck_assert_int_eq(gc_checkpoint_save(path, t, &run, NULL), GC_OK);
  gc_checkpoint *ck;
  ck_assert_int_eq(gc_checkpoint_load(&ck, path), GC_OK);
  ck_assert_uint_eq(ck->epoch, 0);
  ck_assert_uint_eq(ck->eval_size, 0);
  ck_assert(memcmp(ck->net->p.data, net->p.data, net->p.n * sizeof(double)) == 0);
  gc_checkpoint_free(ck);
  gc_epoch_stats h;
  ck_assert_int_eq(gc_trainer_epoch(t, &h), GC_OK);
  ck_assert_int_eq(gc_checkpoint_save(path, t, &run, &h), GC_OK);
  ck_assert_int_eq(gc_checkpoint_load(&ck, path), GC_OK);
  ck_assert(isnan(ck->history[0].evaluation_cost));
  ck_assert(isnan(ck->history[0].training_accuracy));
  gc_checkpoint_free(ck);
  /* a run that has done more epochs than it has is refused */
  run.epochs = 0;
  ck_assert_int_eq(gc_checkpoint_save(path, t, &run, &h), GC_EINVAL);
  gc_trainer_free(t);
  gc_net_free(net);
  test_synth_free(&tr);
}
END_TEST

/* ------------------------------------------------------------ refusals */

static char *text;
static size_t text_len;

static void make_text(void)
{
  setup();
  test_synth tr = test_synth_make(TEST_LEARNABLE, 60, 6, 3, 1);
  test_synth ev = test_synth_make(TEST_LEARNABLE, 25, 6, 3, 2);
  gc_train_config c = config();
  gc_net *net = make_net(5);
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, &ev.d, &c), GC_OK);
  gc_epoch_stats h[2];
  for (int e = 0; e < 2; e++) ck_assert_int_eq(gc_trainer_epoch(t, &h[e]), GC_OK);
  char path[256];
  snprintf(path, sizeof path, "%s/ck.json", dir);
  gc_checkpoint_run run = run_of(6);
  ck_assert_int_eq(gc_checkpoint_save(path, t, &run, h), GC_OK);
  text = slurp(path, &text_len);
  gc_trainer_free(t);
  gc_net_free(net);
  test_synth_free(&tr);
  test_synth_free(&ev);
}

static void free_text(void)
{
  free(text);
  teardown();
}

/* The text with the first `old` (after `after`, if given) replaced by
 * `new`; must be refused with GC_EFORMAT and a message holding `want`. */
static void refused(const char *after, const char *old, const char *new,
                    const char *want)
{
  const char *from = text;
  if (after) {
    from = strstr(text, after);
    ck_assert_msg(from != NULL, "no '%s' in the checkpoint", after);
  }
  const char *at = strstr(from, old);
  ck_assert_msg(at != NULL, "no '%s' in the checkpoint", old);
  size_t pre = (size_t)(at - text), ol = strlen(old), nl = strlen(new);
  char *s = malloc(text_len - ol + nl + 1);
  memcpy(s, text, pre);
  memcpy(s + pre, new, nl);
  memcpy(s + pre + nl, at + ol, text_len - pre - ol + 1);
  gc_checkpoint *ck = (gc_checkpoint *)1;
  int st = gc_checkpoint_from_json(&ck, s, text_len - ol + nl, "ck.json");
  ck_assert_msg(st == GC_EFORMAT, "'%s' -> '%s' gave %d (%s)", old, new, st,
                gc_strerror_last());
  ck_assert_ptr_null(ck);
  ck_assert_msg(strstr(gc_strerror_last(), want) != NULL,
                "message '%s' lacks '%s'", gc_strerror_last(), want);
  free(s);
}

START_TEST(test_text_loads)
{
  gc_checkpoint *ck;
  ck_assert_int_eq(gc_checkpoint_from_json(&ck, text, text_len, "ck"), GC_OK);
  gc_checkpoint_free(ck);
}
END_TEST

START_TEST(test_malformed)
{
  refused(NULL, "gradchain-checkpoint", "gradchain-net", "\"format\"");
  refused(NULL, "\"version\": 1", "\"version\": 2", "version 2");
  refused(NULL, "\"epoch\": 2,", "\"epoch\": 7,", "more than the run's 6");
  refused(NULL, "\"epoch\": 2,", "\"epoch\": 1.5,", "whole number");
  refused(NULL, "\"epoch\": 2,", "\"epoch\": -1,", "whole number");
  refused(NULL, "\"epoch\": 2,", "\"epoch\": 3,", "3 epochs");  /* history short */
  refused(NULL, "\"epoch\": 2,", "", "no \"epoch\"");
  refused(NULL, "\"batch\": 7", "\"batch\": 0", "batch");
  refused(NULL, "\"batch\": 7", "\"batch\": 61", "train_size 60");
  refused(NULL, "\"eta\": 0.5", "\"eta\": NaN", "eta");
  refused(NULL, "\"eval-accuracy\"", "\"eval-speed\"", "eval-speed");
  refused(NULL, "\"size\": 5000", "\"size\": 4999", "4999 bytes");
  refused(NULL, "\"state\": \"", "\"state\": \"00", "hex digits");
  refused(NULL, "\"state\": \"", "\"state\": \"zz", "hex digit");
  refused(NULL, "\"type\": \"mt19937\"", "\"type\": \"ranlux\"", "ranlux");
  refused(NULL, "\"order\": [", "\"order\": [0, ", "permutation");
  refused(NULL, "\"order\": [", "\"order\": [60, ", "permutation");
  refused(NULL, "\"order\": [", "\"order\": [0.5, ", "permutation");
  refused(NULL, "{\"epoch\": 2,", "{\"epoch\": 3,", "expected 2");
  refused(NULL, "\"evaluation_correct\": ", "\"evaluation_correct\": 26",
          "from 0 to 25");
  refused(NULL, "\"since_best\": ", "\"since_best\": 3", "from 0 to 2");
  refused(NULL, "\"stopped\": false", "\"stopped\": true", "\"stopped\"");
  refused(NULL, "\"stopped\": false", "\"stopped\": 0", "true or false");
  refused("\"net\"", "[6, 5, 3]", "[6, 4, 3]", "\"net\"");
  refused("\"net\"", "CrossEntropyCost", "HingeCost", "\"net\"");
  refused(NULL, "\"history\": [", "\"history\": [{}, ", "no \"epoch\"");
  refused(NULL, "\"format\"", "\"format\": 1, \"format\"", "twice");
  /* the mt19937 position (an int after 624 unsigned longs) out of range */
  if (sizeof(unsigned long) == 8) {
    const char *st = strstr(text, "\"state\": \"") + 10;
    char old[17], bad[17];
    memcpy(old, st + 2 * 624 * 8, 16);
    old[16] = 0;
    memcpy(bad, "ffffff7f", 8);   /* little-endian 0x7fffffff */
    memcpy(bad + 8, old + 8, 8);
    bad[16] = 0;
    if (memcmp(old, "ffffff7f", 8)) refused("\"state\"", old, bad, "position");
  }
  /* truncated anywhere: refused */
  for (size_t cut = 0; cut < text_len - 1; cut += text_len / 37 + 1) {
    gc_checkpoint *ck;
    ck_assert_int_eq(gc_checkpoint_from_json(&ck, text, cut, "ck"), GC_EFORMAT);
  }
}
END_TEST

START_TEST(test_restore_refuses_other_trainers)
{
  gc_checkpoint *ck;
  ck_assert_int_eq(gc_checkpoint_from_json(&ck, text, text_len, "ck"), GC_OK);
  test_synth tr = test_synth_make(TEST_LEARNABLE, 60, 6, 3, 1);
  test_synth ev = test_synth_make(TEST_LEARNABLE, 25, 6, 3, 2);
  test_synth tr2 = test_synth_make(TEST_LEARNABLE, 59, 6, 3, 1);
  gc_net *net = make_net(1);
  gc_trainer *t;
  gc_train_config c = ck->cfg;
  c.eta = 0.25;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, &ev.d, &c), GC_OK);
  ck_assert_int_eq(gc_checkpoint_restore(t, ck), GC_EINVAL);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "eta"));
  gc_trainer_free(t);
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr2.d, &ev.d, &ck->cfg), GC_OK);
  ck_assert_int_eq(gc_checkpoint_restore(t, ck), GC_EINVAL);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "60 examples"));
  gc_trainer_free(t);
  gc_net_free(net);
  size_t other[] = {6, 4, 3};
  ck_assert_int_eq(gc_net_alloc(&net, 3, other, GC_ACT_SIGMOID, GC_COST_CROSS_ENTROPY),
                   GC_OK);
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &tr.d, &ev.d, &ck->cfg), GC_OK);
  ck_assert_int_eq(gc_checkpoint_restore(t, ck), GC_EINVAL);
  gc_trainer_free(t);
  gc_net_free(net);
  gc_checkpoint_free(ck);
  test_synth_free(&tr);
  test_synth_free(&tr2);
  test_synth_free(&ev);
  ck_assert_int_eq(gc_checkpoint_load(&ck, "/nonexistent/ck.json"), GC_EIO);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("checkpoint");
  TCase *tc = test_case(s, "round trip");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_resume_equals_uninterrupted);
  tcase_add_test(tc, test_unmonitored_and_epoch_zero);
  tc = test_case(s, "refusals");
  tcase_add_checked_fixture(tc, make_text, free_text);
  tcase_add_test(tc, test_text_loads);
  tcase_add_test(tc, test_malformed);
  tcase_add_test(tc, test_restore_refuses_other_trainers);
  return test_run(s);
}
