/* gradchain/train.h -- network2's mini-batch stochastic gradient descent
 * on the core net.
 *
 * Each epoch shuffles the training examples (gsl_ran_shuffle of an index
 * array, from a gsl_rng seeded once from the configuration), cuts them into
 * mini-batches of `batch` examples (the last one shorter when batch does
 * not divide n) and for every mini-batch of m examples applies
 *
 *   w <- (1 - eta*lambda/n) w - (eta/m) sum_x dC_x/dw
 *   b <- b - (eta/m) sum_x dC_x/db
 *
 * with n the size of the training set -- network2's update_mini_batch().
 *
 * Momentum (Sutskever et al. 2013), when cfg.momentum > 0: with network2's
 * step s = -(eta*lambda/n) w - (eta/m) sum_x dC_x/dw (for biases -(eta/m)
 * sum_x dC_x/db) and mu the momentum of this update,
 *   classical:  v <- mu v + s;  w <- w + v
 *   Nesterov:   v <- mu v + s;  w <- w + mu v + s
 * Nesterov's form keeps the look-ahead point w + mu v as the parameters, so
 * the gradient is taken where Nesterov takes it and no second forward pass
 * is needed.  v starts at 0.  With cfg.momentum == 0 the step is network2's,
 * computed exactly as above (the same bits as a build without momentum). 
 * After the epoch the switched-on monitors are evaluated (see evaluate.h).
 * Everything the loop needs is allocated by gc_trainer_alloc(); the same
 * seed gives the same parameters bit for bit.
 *
 * Usage:
 *   gc_train_config c; gc_train_config_default(&c); c.eta = 0.5; ...
 *   gc_trainer *t; gc_trainer_alloc(&t, net, &train, &eval, &c);
 *   while (!t->stopped && t->epoch < epochs) gc_trainer_epoch(t, &stats);
 *   gc_trainer_free(t);
 */
#ifndef GRADCHAIN_TRAIN_H
#define GRADCHAIN_TRAIN_H

#include "gradchain/export.h"

#include <stddef.h>
#include <gsl/gsl_rng.h>

#include "gradchain/dataset.h"
#include "gradchain/evaluate.h"
#include "gradchain/net.h"
#include "gradchain/schedule.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Monitors, or-ed together. */
enum {
  GC_MONITOR_EVAL_ACCURACY = 1,
  GC_MONITOR_EVAL_COST = 2,
  GC_MONITOR_TRAIN_ACCURACY = 4,
  GC_MONITOR_TRAIN_COST = 8,
  GC_MONITOR_ACTIVATIONS = 16 /* the hidden layers' activation statistics
                                 (actstats.h): taken by the run (run.h),
                                 not by the trainer */
};

typedef struct gc_train_config {
  size_t batch;          /* mini-batch size (10) */
  double eta;            /* learning rate (0.1) */
  double lambda;         /* L2 regularisation parameter (5.0) */
  unsigned long seed;    /* seeds the shuffling generator (1) */
  unsigned monitor;      /* GC_MONITOR_* flags (GC_MONITOR_EVAL_ACCURACY) */
  size_t early_stop;     /* stop after this many epochs without a better
                            evaluation accuracy; 0 = never (0) */
  size_t eval_batch;     /* rows per forward pass when monitoring (500) */
  double momentum;       /* mu in [0, 1); 0: no velocity at all (0) */
  int nesterov;          /* Nesterov's form of momentum (0) */
  gc_schedule schedule;  /* mu_t of update t: GC_SCHEDULE_CONSTANT is
                            momentum itself, GC_SCHEDULE_SUTSKEVER
                            Sutskever's rising mu_t capped at momentum
                            (schedule.h) (constant) */
} gc_train_config;

/* What one epoch measured; unmonitored values are NaN / 0. */
typedef struct gc_epoch_stats {
  size_t epoch;                 /* 1, 2, ... */
  double evaluation_cost, evaluation_accuracy;  /* accuracy as a fraction */
  double training_cost, training_accuracy;
  size_t evaluation_correct, training_correct;
  int stop;                     /* early stopping triggered after this epoch */
} gc_epoch_stats;

struct gc_trainer;
/* Called after every mini-batch step of an epoch with the step's index in
 * the epoch (0, 1, ...); a non-zero return ends the epoch with that
 * status. */
typedef int (*gc_step_hook)(const struct gc_trainer *t, size_t batch,
                            void *arg);

typedef struct gc_trainer {
  gc_net *net;                  /* trained in place; not owned */
  const gc_dataset *train;      /* not owned */
  const gc_dataset *eval;       /* may be NULL if no evaluation monitor */
  gc_train_config cfg;
  gsl_rng *rng;
  size_t *idx;                  /* the shuffled order, n entries */
  double *x, *y;                /* one mini-batch, scaled */
  gc_workspace *ws;
  gc_params grad;               /* b: the last step's bias gradient (the
                                   weights' is applied as it is summed,
                                   w unused) */
  gc_evaluator *ev;
  gc_params vel;                /* the velocity v (momentum > 0 only;
                                   else n = 0, data NULL) */
  size_t updates;               /* mini-batch updates done */
  size_t epoch;                 /* epochs done */
  size_t best_correct, since_best; /* early stopping */
  int stopped;                  /* early stopping triggered */
  gc_step_hook step_hook;       /* NULL, or called after every step */
  void *step_arg;
} gc_trainer;

GC_API void gc_train_config_default(gc_train_config *cfg);

/* Check the configuration against the net and the data (sizes[0] == dim,
 * last size == nclasses, 1 <= batch <= n, eta and lambda finite and >= 0,
 * 0 <= momentum < 1, nesterov only with a momentum)
 * and allocate everything the epochs need. */
GC_API int gc_trainer_alloc(gc_trainer **t, gc_net *net,
                            const gc_dataset *train, const gc_dataset *eval,
                            const gc_train_config *cfg);
GC_API void gc_trainer_free(gc_trainer *t);

/* The momentum mu of the next update (update number t = t->updates):
 * gc_schedule_momentum(cfg.schedule, cfg.momentum, t).  t is in the
 * checkpoint, so a resumed run continues the schedule. */
GC_API double gc_trainer_momentum(const gc_trainer *t);

/* One epoch: shuffle, one SGD step per mini-batch, then the monitors.
 * stats may be NULL.  A NaN or infinity in the parameters stops with
 * GC_ENUMERIC and a message naming the epoch and the layer. */
GC_API int gc_trainer_epoch(gc_trainer *t, gc_epoch_stats *stats);

/* One SGD step on the m examples idx[0..m-1] of d (n = d's full size for
 * the weight decay), as inside an epoch.  Exposed for tests. */
GC_API int gc_trainer_step(gc_trainer *t, const size_t *idx, size_t m);

/* Parse "eval-accuracy,eval-cost,train-accuracy,train-cost,activations"
 * (any subset, or "none"). */
GC_API int gc_monitor_from_names(unsigned *monitor, const char *list);

#ifdef __cplusplus
}
#endif
#endif
