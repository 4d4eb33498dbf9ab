/* run.c -- one training run from its description to its result record. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "gradchain/error.h"
#include "gradchain/run.h"
#include "core/gsl_handler.h"
#include "core/names.h"

void gc_run_config_init(gc_run_config *c)
{
  static const size_t def[] = {784, 30, 10};
  gc_train_config t;
  gc_train_config_default(&t);
  memset(c, 0, sizeof *c);
  c->nlayers = 3;
  memcpy(c->sizes, def, sizeof def);
  c->act = GC_ACT_SIGMOID;
  c->cost = GC_COST_CROSS_ENTROPY;
  c->nacts = 0;
  c->output = GC_OUTPUT_SIGMOID;
  c->init = GC_INIT_DEFAULT;
  c->sigma_w = 1.0;
  c->sigma_b = 0.0;
  c->momentum = t.momentum;
  c->nesterov = t.nesterov;
  c->schedule = t.schedule;
  c->eta = t.eta;
  c->lambda = t.lambda;
  c->batch = t.batch;
  c->epochs = 30;
  c->seed = t.seed;
  c->train_size = 0;
  c->eval_set = GC_EVAL_SET_VALIDATION;
  c->monitor = t.monitor;
  c->early_stop = t.early_stop;
  c->eval_batch = t.eval_batch;
  c->stats_sample = GC_STATS_SAMPLE;
  c->stats_every = 0;
}

int gc_run_config_set_sizes(gc_run_config *c, size_t nlayers,
                            const size_t *sizes)
{
  if (nlayers < 2 || nlayers > GC_RUN_MAX_LAYERS)
    return gc_error(GC_EINVAL, "a run's net has 2 to %d layers (got %zu)",
                    GC_RUN_MAX_LAYERS, nlayers);
  c->nlayers = nlayers;
  memcpy(c->sizes, sizes, nlayers * sizeof *sizes);
  return GC_OK;
}

static const char *const eval_names[] = {"validation", "test", "none"};

const char *gc_eval_set_name(gc_eval_set s)
{
  return gc_name_of(eval_names, GC_NAMES_COUNT(eval_names), (unsigned)s);
}

int gc_eval_set_from_name(gc_eval_set *s, const char *name)
{
  int k = gc_name_index(eval_names, GC_NAMES_COUNT(eval_names), name);
  if (k >= 0) {
    *s = (gc_eval_set)k;
    return GC_OK;
  }
  return gc_error(GC_EINVAL, "unknown evaluation set '%s' (expected "
                  "validation, test or none)", name);
}

/* The seed rule: the net from seed S ... */
int gc_run_net_alloc(gc_net **net, const gc_run_config *c)
{
  *net = NULL;
  if (c->nlayers < 2 || c->nlayers > GC_RUN_MAX_LAYERS)
    return gc_error(GC_EINVAL, "a run's net has 2 to %d layers (got %zu)",
                    GC_RUN_MAX_LAYERS, c->nlayers);
  int st = gc_output_cost_check(c->output, c->cost);
  if (st) return st;
  gsl_rng *rng = gc_gsl_rng_alloc(gsl_rng_mt19937);
  if (!rng) return gc_error(GC_ENOMEM, "out of memory");
  /* every layer sigmoid, then the hidden layers' and the output's own */
  st = gc_net_alloc(net, c->nlayers, c->sizes, GC_ACT_SIGMOID,
                    GC_COST_QUADRATIC);
  if (!st && (c->nacts || c->nlayers > 2))
    st = c->nacts ? gc_net_set_activations(*net, c->nacts, c->acts)
                  : gc_net_set_activations(*net, 1, &c->act);
  if (!st) st = gc_net_set_output(*net, c->output, c->cost);
  if (!st) {
    gsl_rng_set(rng, c->seed);
    st = gc_net_init_sigma(*net, c->init, c->sigma_w, c->sigma_b, rng);
  }
  gsl_rng_free(rng);
  if (st) {
    gc_net_free(*net);
    *net = NULL;
  }
  return st;
}

/* ... the data (the shuffling, a study's input) from S + 1. */
unsigned long gc_run_data_seed(unsigned long seed) { return seed + 1; }

void gc_run_train_config(gc_train_config *t, const gc_run_config *c)
{
  gc_train_config_default(t);
  t->batch = c->batch;
  t->eta = c->eta;
  t->lambda = c->lambda;
  t->seed = gc_run_data_seed(c->seed);
  t->monitor = c->monitor;
  t->early_stop = c->early_stop;
  t->eval_batch = c->eval_batch;
  t->momentum = c->momentum;
  t->nesterov = c->nesterov;
  t->schedule = c->schedule;
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Room for one more activation record. */
static int reserve_record(gc_run_result *res)
{
  if (res->nrecords < res->records_cap) return GC_OK;
  size_t cap = res->records_cap ? 2 * res->records_cap : 16;
  gc_act_record *rec = realloc(res->act_records, cap * sizeof *rec);
  if (rec) res->act_records = rec;
  gc_layer_stats *ls = realloc(res->act_layers,
                               cap * res->nhidden * sizeof *ls);
  if (ls) res->act_layers = ls;
  if (!rec || !ls)
    return gc_error(GC_ENOMEM, "out of memory for %zu activation records",
                    cap);
  res->records_cap = cap;
  return GC_OK;
}

/* Take one activation record of the net as it is now. */
static int take_record(gc_run *r, size_t batches, unsigned kind)
{
  gc_run_result *res = &r->result;
  size_t H = res->nhidden;
  int st = reserve_record(res);
  if (st) return st;
  double t0 = now();
  st = gc_actstats_run(res->act_layers + res->nrecords * H, r->stats);
  res->stats_seconds += now() - t0;
  if (st) return st;
  gc_act_record *rec = &res->act_records[res->nrecords++];
  memset(rec, 0, sizeof *rec); /* no uninitialised padding */
  rec->batches = batches;
  rec->epoch = r->trainer->epoch;
  rec->kind = kind;
  return GC_OK;
}

/* After step `batch` of the current epoch: a record every stats_every
 * updates, except at the epoch's end, whose record gc_run_iterate takes */
static int every_k(const gc_trainer *t, size_t batch, void *arg)
{
  gc_run *r = arg;
  if (batch + 1 == r->batches_per_epoch) return GC_OK;
  size_t done = t->epoch * r->batches_per_epoch + batch + 1;
  return done % r->cfg.stats_every ? GC_OK
                                   : take_record(r, done, GC_ACTREC_EVERY);
}

/* The activation monitor of a run and its first record. */
static int monitor_alloc(gc_run *r, const gc_dataset *eval)
{
  const gc_run_config *c = &r->cfg;
  if (!eval)
    return gc_error(GC_EINVAL, "the activation monitor needs an evaluation "
                    "set to take its sample from");
  if (c->stats_sample == 0 || c->stats_sample > eval->n)
    return gc_error(GC_EINVAL, "an activation sample of %zu images: must be "
                    "from 1 to the evaluation set's %zu", c->stats_sample,
                    eval->n);
  int st = gc_actstats_alloc(&r->stats, r->net, eval, c->stats_sample, 0);
  if (st) return st;
  r->result.nhidden = r->stats->nhidden;
  if (c->stats_every) {
    r->trainer->step_hook = every_k;
    r->trainer->step_arg = r;
  }
  return take_record(r, 0, GC_ACTREC_INITIAL);
}

static const gc_dataset *eval_data(const gc_run_config *c, const gc_mnist *m)
{
  switch (c->eval_set) {
  case GC_EVAL_SET_VALIDATION: return &m->validation;
  case GC_EVAL_SET_TEST: return &m->test;
  default: return NULL;
  }
}

int gc_run_alloc(gc_run **out, const gc_run_config *c, const gc_mnist *data)
{
  *out = NULL;
  if ((unsigned)c->eval_set > GC_EVAL_SET_NONE)
    return gc_error(GC_EINVAL, "unknown evaluation set %d", (int)c->eval_set);
  if (c->epochs == 0)
    return gc_error(GC_EINVAL, "a run needs at least one epoch");
  if (c->train_size > data->training.n)
    return gc_error(GC_EINVAL, "%zu training images asked for, the training "
                    "set has %zu", c->train_size, data->training.n);
  gc_run *r = calloc(1, sizeof *r);
  if (!r) return gc_error(GC_ENOMEM, "out of memory");
  r->cfg = *c;
  r->data = data;
  r->train = data->training;
  if (c->train_size) r->train.n = c->train_size;
  r->result.config = *c;
  r->result.final_accuracy = r->result.best_accuracy = NAN;
  r->result.history = calloc(c->epochs, sizeof *r->result.history);
  int st = r->result.history ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
  if (!st) st = gc_run_net_alloc(&r->net, c);
  if (!st) {
    gc_train_config t;
    gc_run_train_config(&t, c);
    st = gc_trainer_alloc(&r->trainer, r->net, &r->train, eval_data(c, data),
                          &t);
  }
  if (!st) r->batches_per_epoch = (r->train.n + c->batch - 1) / c->batch;
  if (!st && (c->monitor & GC_MONITOR_ACTIVATIONS))
    st = monitor_alloc(r, eval_data(c, data));
  if (st) {
    gc_run_free(r);
    return st;
  }
  *out = r;
  return GC_OK;
}

void gc_run_free(gc_run *r)
{
  if (!r) return;
  gc_actstats_free(r->stats);
  gc_trainer_free(r->trainer);
  gc_net_free(r->net);
  gc_run_result_free(&r->result);
  free(r);
}

/* Fold epoch k's evaluation accuracy into the final and best values. */
static void record(gc_run_result *res, const gc_epoch_stats *s)
{
  res->final_accuracy = s->evaluation_accuracy;
  if (!isnan(s->evaluation_accuracy) &&
      (!res->best_epoch || s->evaluation_accuracy > res->best_accuracy)) {
    res->best_accuracy = s->evaluation_accuracy;
    res->best_epoch = s->epoch;
  }
  res->stopped_early = s->stop;
}

int gc_run_iterate(gc_run *r)
{
  gc_run_result *res = &r->result;
  if (gc_run_done(r))
    return gc_error(GC_EINVAL, "the run has done its %zu epochs", res->epochs);
  double t0 = now();
  int st = gc_trainer_epoch(r->trainer, &res->history[res->epochs]);
  if (!st && r->stats) {
    size_t done = r->trainer->epoch * r->batches_per_epoch;
    unsigned kind = GC_ACTREC_EPOCH;
    if (r->cfg.stats_every && done % r->cfg.stats_every == 0)
      kind |= GC_ACTREC_EVERY;
    st = take_record(r, done, kind);
  }
  res->seconds += now() - t0;
  if (st) return st;
  record(res, &res->history[res->epochs]);
  res->epochs++;
  return GC_OK;
}

int gc_run_done(const gc_run *r)
{
  return r->result.epochs >= r->cfg.epochs || r->trainer->stopped;
}

int gc_run_checkpoint(const gc_run *r, const char *path)
{
  gc_checkpoint_run run;
  memset(&run, 0, sizeof run);
  run.epochs = r->cfg.epochs;
  run.seed = r->cfg.seed;
  snprintf(run.init, sizeof run.init, "%s", gc_init_name(r->cfg.init));
  run.sigma_w = r->cfg.sigma_w;
  run.sigma_b = r->cfg.sigma_b;
  snprintf(run.eval_set, sizeof run.eval_set, "%s",
           gc_eval_set_name(r->cfg.eval_set));
  run.stats_sample = r->cfg.stats_sample;
  run.stats_every = r->cfg.stats_every;
  run.nhidden = r->result.nhidden;
  run.nrecords = r->result.nrecords;
  run.act_records = r->result.act_records;
  run.act_layers = r->result.act_layers;
  return gc_checkpoint_save(path, r->trainer, &run, r->result.history);
}

int gc_run_config_from_checkpoint(gc_run_config *c, const gc_checkpoint *ck)
{
  const gc_checkpoint_run *run = &ck->run;
  gc_run_config_init(c);
  int st = gc_run_config_set_sizes(c, ck->net->nlayers, ck->net->sizes);
  if (st) return st;
  if (gc_eval_set_from_name(&c->eval_set, run->eval_set) ||
      c->eval_set == GC_EVAL_SET_NONE)
    return gc_error(GC_EFORMAT, "unknown evaluation set \"%s\"",
                    run->eval_set);
  if ((st = gc_init_from_name(&c->init, run->init))) return st;
  if (ck->cfg.seed != run->seed + 1)
    return gc_error(GC_EFORMAT, "shuffle seed %lu is not seed %lu + 1: not "
                    "written by a gradchain run", ck->cfg.seed, run->seed);
  const gc_net *net = ck->net;
  size_t L = net->nlayers;
  /* one activation as act; several as acts[], act left at its default */
  c->act = L > 2 ? net->act[1] : GC_ACT_SIGMOID;
  for (size_t l = 1; l + 1 < L; l++)
    if (net->act[l] != net->act[1]) c->nacts = L - 2;
  for (size_t l = 1; c->nacts && l + 1 < L; l++) c->acts[l - 1] = net->act[l];
  if (c->nacts) c->act = GC_ACT_SIGMOID;
  c->output = net->output;
  c->cost = net->cost;
  c->sigma_w = run->sigma_w;
  c->sigma_b = run->sigma_b;
  c->momentum = ck->cfg.momentum;
  c->nesterov = ck->cfg.nesterov;
  c->schedule = ck->cfg.schedule;
  c->eta = ck->cfg.eta;
  c->lambda = ck->cfg.lambda;
  c->batch = ck->cfg.batch;
  c->epochs = run->epochs;
  c->seed = run->seed;
  c->train_size = ck->train_size;
  c->monitor = ck->cfg.monitor;
  c->early_stop = ck->cfg.early_stop;
  c->eval_batch = ck->cfg.eval_batch;
  if (c->monitor & GC_MONITOR_ACTIVATIONS) {
    c->stats_sample = run->stats_sample;
    c->stats_every = run->stats_every;
  }
  return GC_OK;
}

int gc_run_restore(gc_run *r, const gc_checkpoint *ck)
{
  if (ck->epoch > r->cfg.epochs)
    return gc_error(GC_EINVAL, "the checkpoint has done %zu epochs, the run "
                    "takes %zu", ck->epoch, r->cfg.epochs);
  int st = gc_checkpoint_restore(r->trainer, ck);
  if (st) return st;
  gc_run_result *res = &r->result;
  res->epochs = 0;
  res->best_epoch = 0;
  res->final_accuracy = res->best_accuracy = NAN;
  for (size_t k = 0; k < ck->epoch; k++) {
    res->history[k] = ck->history[k];
    record(res, &res->history[k]);
    res->epochs++;
  }
  res->stopped_early = ck->stopped;
  if (r->stats) { /* the records so far replace the initial one taken */
    const gc_checkpoint_run *run = &ck->run;
    if (run->nhidden != res->nhidden)
      return gc_error(GC_EINVAL, "the checkpoint's activation records have "
                      "%zu hidden layers, the run %zu", run->nhidden,
                      res->nhidden);
    res->nrecords = 0;
    for (size_t i = 0; i < run->nrecords; i++) {
      int st2 = reserve_record(res);
      if (st2) return st2;
      res->act_records[i] = run->act_records[i];
      memcpy(res->act_layers + i * res->nhidden,
             run->act_layers + i * res->nhidden,
             res->nhidden * sizeof *res->act_layers);
      res->nrecords++;
    }
  }
  return GC_OK;
}

int gc_run_perform(gc_run_result *res, const gc_run_config *c,
                   const gc_mnist *data, gc_run_hook hook, void *arg)
{
  memset(res, 0, sizeof *res);
  gc_run *r;
  int st = gc_run_alloc(&r, c, data);
  while (!st && !gc_run_done(r)) {
    st = gc_run_iterate(r);
    if (!st && hook) st = hook(r, arg);
  }
  if (!st) {
    *res = r->result;
    r->result.history = NULL;
    r->result.act_records = NULL;
    r->result.act_layers = NULL;
  }
  gc_run_free(r);
  return st;
}

void gc_run_result_free(gc_run_result *res)
{
  free(res->history);
  free(res->act_records);
  free(res->act_layers);
  res->history = NULL;
  res->act_records = NULL;
  res->act_layers = NULL;
  res->nrecords = res->records_cap = 0;
}

const gc_layer_stats *gc_run_result_layers(const gc_run_result *res, size_t i)
{
  return i < res->nrecords ? res->act_layers + i * res->nhidden : NULL;
}
