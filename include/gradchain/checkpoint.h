/* gradchain/checkpoint.h -- the whole state of a training run in one file,
 * so that a run killed at any moment continues from its last finished epoch
 * and ends with the same numbers, bit for bit, as a run never interrupted.
 *
 * A checkpoint is a JSON object:
 *
 *   {"format": "gradchain-checkpoint", "version": 1,
 *    "config": {"batch": 10, "eta": 0.1, "lambda": 5, "shuffle_seed": 2,
 *               "monitor": ["eval-accuracy"], "early_stop": 0,
 *               "eval_batch": 500, "train_size": 50000, "eval_size": 10000,
 *               "epochs": 30, "seed": 1, "init": "default",
 *               "eval_set": "validation", "sigma_w": 1, "sigma_b": 0,
 *               "momentum": 0, "nesterov": false},
 *    "updates": 15000, "epoch": 3, "best_correct": 9512, "since_best": 0,
 *    "stopped": false,
 *    "rng": {"type": "mt19937", "size": 5000, "state": "<hex>"},
 *    "order": [the training examples' order after the last shuffle],
 *    "history": [{"epoch": 1, "evaluation_correct": 9321,
 *                 "evaluation_accuracy": 0.9321, ...}, ...],
 *    "velocity": [the momentum's velocity, in the parameters' order;
 *                 only when momentum > 0],
 *    "activations": {"sample": 300, "every": 0, "hidden": 1, "records":
 *                 [[batches, epoch, kind, [layer, mean, sd, p2_5, p50,
 *                   p97_5, saturated], ...], ...]}   (only with the
 *                 activation monitor),
 *    "net": { the network in network2's layout, as gc_net_save writes:
 *             its sizes, layers and cost are the run's }}
 *
 * sigma_w, sigma_b, momentum, nesterov, updates and velocity may be absent
 * (checkpoints written before them): then 1, 0, 0, false, 0.
 *
 * Doubles are written with 17 significant digits, so every one reads back
 * to the same bits.  The generator's state is gsl_rng_state()'s raw bytes
 * in hexadecimal: native byte order, so a checkpoint moves between machines
 * of the same word size and endianness only.  A save goes to a temporary
 * file in the same directory, is flushed and fsync'ed, renamed over FILE
 * and the directory fsync'ed: FILE always holds a whole checkpoint.
 *
 * Loading checks everything before it is used: the sizes against every
 * array, the rng's type and state length (and, for mt19937, that its
 * position lies inside the state), the order a permutation of the
 * training examples, epoch <= epochs, one history entry per
 * finished epoch, numbered 1, 2, ..., early-stopping counters that fit.
 *
 * Usage (see src/cli/cmd_train.c):
 *   after each epoch:  gc_checkpoint_save(path, t, &run, history);
 *   to resume:         gc_checkpoint_load(&ck, path);
 *                      gc_net_alloc(&net, ..ck->net's sizes..);
 *                      gc_trainer_alloc(&t, net, &train, &eval, &ck->cfg);
 *                      gc_checkpoint_restore(t, ck);   then continue.
 */
#ifndef GRADCHAIN_CHECKPOINT_H
#define GRADCHAIN_CHECKPOINT_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/actstats.h"
#include "gradchain/net.h"
#include "gradchain/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest checkpoint file gc_checkpoint_load() reads (bytes). */
#define GC_CHECKPOINT_MAX_BYTES ((size_t)1 << 30)

/* What the run is, beyond the trainer's own configuration. */
typedef struct gc_checkpoint_run {
  size_t epochs;          /* epochs the whole run takes */
  unsigned long seed;     /* the run's seed as given by the user */
  char init[16];          /* how the net was initialised, e.g. "default" */
  double sigma_w, sigma_b; /* the initialiser's parameters (1 and 0 in a
                              checkpoint without them) */
  char eval_set[16];      /* the evaluation set's name, e.g. "validation" */
  /* the activation monitor (cfg.monitor & GC_MONITOR_ACTIVATIONS): its
   * settings and its records so far, nhidden layers each.  Saving reads
   * the run's arrays; a loaded checkpoint owns its own. */
  size_t stats_sample, stats_every;
  size_t nhidden, nrecords;
  gc_act_record *act_records;
  gc_layer_stats *act_layers;
} gc_checkpoint_run;

typedef struct gc_checkpoint {
  gc_net *net;            /* the parameters after `epoch` epochs */
  gc_train_config cfg;    /* the trainer's configuration */
  gc_checkpoint_run run;
  size_t train_size;      /* training examples */
  size_t eval_size;       /* evaluation examples (0: no evaluation set) */
  size_t epoch;           /* epochs done, <= run.epochs */
  size_t best_correct, since_best; /* early stopping */
  int stopped;
  size_t rng_size;        /* bytes of rng_state */
  unsigned char *rng_state; /* the shuffling generator (mt19937) */
  size_t *order;          /* train_size entries: the trainer's idx, which
                             each epoch shuffles further in place */
  size_t updates;         /* mini-batch updates done */
  double *velocity;       /* the momentum's velocity, net->p.n values in
                             the parameters' order (cfg.momentum > 0 only) */
  gc_epoch_stats *history;  /* `epoch` entries: the monitors so far */
} gc_checkpoint;

/* Write the state of t after t->epoch epochs, with the run's description
 * and history[0 .. t->epoch-1], atomically to path. */
GC_API int gc_checkpoint_save(const char *path, const gc_trainer *t,
                              const gc_checkpoint_run *run,
                              const gc_epoch_stats *history);

/* Read and check a checkpoint; *ck is freed with gc_checkpoint_free(). */
GC_API int gc_checkpoint_load(gc_checkpoint **ck, const char *path);

/* The same from len bytes of text; `what` names it in messages. */
GC_API int gc_checkpoint_from_json(gc_checkpoint **ck, const char *text,
                                   size_t len, const char *what);

GC_API void gc_checkpoint_free(gc_checkpoint *ck);

/* Put the checkpoint's state into a trainer allocated on the same data
 * with ck->cfg: the parameters, the generator, the epoch count and the
 * early-stopping state, the examples' order, the update count and the
 * velocity.  Refuses (GC_EINVAL, naming the first difference) a trainer
 * whose net (sizes, layers' activations, output, cost), configuration
 * (momentum included) or data sizes differ. */
GC_API int gc_checkpoint_restore(gc_trainer *t, const gc_checkpoint *ck);

#ifdef __cplusplus
}
#endif
#endif
