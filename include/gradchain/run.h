/* gradchain/run.h -- one training run: its description, the object that
 * performs it epoch by epoch, and the record of what it gave.
 *
 * A run is fully described by a gc_run_config; the same configuration on
 * the same data gives the same bits.  The seed rule lives here and only
 * here: the net is initialised from a generator seeded with `seed`, the
 * training examples are shuffled by one seeded with `seed + 1`.
 *
 * Fill a configuration with gc_run_config_init() (network2's defaults)
 * and change what differs, so that fields added later keep their
 * defaults.  The caller owns the loop, GSL style:
 *
 *   gc_run_config c; gc_run_config_init(&c); c.epochs = 5; ...
 *   gc_run *r; gc_run_alloc(&r, &c, mnist);
 *   while (!gc_run_done(r)) { gc_run_iterate(r); ...r->result... }
 *   gc_run_free(r);
 *
 * or gc_run_perform() does all of it and hands back the result record.
 * A run checkpoints itself (gc_run_checkpoint) and continues from a
 * checkpoint (gc_run_config_from_checkpoint, gc_run_alloc,
 * gc_run_restore) with the bits of the uninterrupted run.
 */
#ifndef GRADCHAIN_RUN_H
#define GRADCHAIN_RUN_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/actstats.h"
#include "gradchain/checkpoint.h"
#include "gradchain/mnist.h"
#include "gradchain/net.h"
#include "gradchain/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most layers (input and output included) a run description holds. */
#define GC_RUN_MAX_LAYERS 128

/* The set the evaluation monitors and early stopping use. */
typedef enum gc_eval_set {
  GC_EVAL_SET_VALIDATION = 0, /* the last 10,000 training images */
  GC_EVAL_SET_TEST,           /* the test images */
  GC_EVAL_SET_NONE            /* none: no evaluation monitor possible */
} gc_eval_set;

typedef struct gc_run_config {
  size_t nlayers;                    /* L, input and output included */
  size_t sizes[GC_RUN_MAX_LAYERS];   /* sizes[0..L-1] ([784, 30, 10]) */
  gc_activation act;                 /* every hidden layer's (sigmoid) */
  size_t nacts;                      /* 0, or L-2: then acts[k] is hidden
                                        layer k+1's activation (0) */
  gc_activation acts[GC_RUN_MAX_LAYERS];
  gc_output output;                  /* (sigmoid) */
  gc_cost cost;                      /* (cross-entropy) */
  gc_init init;                      /* (default) */
  double sigma_w, sigma_b;           /* of the gaussian and orthogonal
                                        initialisers (1, 0) */
  double momentum;                   /* mu (0: none) */
  int nesterov;                      /* Nesterov's form (0) */
  gc_schedule schedule;              /* momentum's mu_t; with sutskever,
                                        momentum is the cap (constant) */
  double eta;                        /* learning rate (0.1) */
  double lambda;                     /* L2 regularisation (5.0) */
  size_t batch;                      /* mini-batch size (10) */
  size_t epochs;                     /* (30) */
  unsigned long seed;                /* initialisation; shuffling: +1 (1) */
  size_t train_size;                 /* first N training images; 0: all */
  gc_eval_set eval_set;              /* (validation) */
  unsigned monitor;                  /* GC_MONITOR_* (eval accuracy) */
  size_t early_stop;                 /* epochs without a better evaluation
                                        accuracy before stopping; 0: never */
  size_t eval_batch;                 /* rows per evaluation pass (500) */
  size_t stats_sample;               /* GC_MONITOR_ACTIVATIONS: over the
                                        first N evaluation images (300) */
  size_t stats_every;                /* ... taken before the first epoch,
                                        after every epoch and, if K > 0,
                                        after every K-th mini-batch update
                                        (0) */
} gc_run_config;


/* What a run gave.  Accuracies are fractions; unmonitored values NaN. */
typedef struct gc_run_result {
  gc_run_config config;      /* the exact configuration of the run */
  size_t epochs;             /* epochs done (< config.epochs if stopped) */
  gc_epoch_stats *history;   /* epochs entries, one per epoch */
  double final_accuracy;     /* evaluation accuracy of the last epoch */
  double best_accuracy;      /* the highest evaluation accuracy ... */
  size_t best_epoch;         /* ... first reached at this epoch (0: none) */
  int stopped_early;
  double seconds;            /* time spent in the epochs, this process */
  /* the activation monitor (GC_MONITOR_ACTIVATIONS): nrecords records in
   * the order taken, the initial one first; record i's hidden layers are
   * act_layers[i * nhidden .. i * nhidden + nhidden - 1] */
  size_t nhidden, nrecords;
  gc_act_record *act_records;
  gc_layer_stats *act_layers;
  double stats_seconds;      /* the monitor's time (after the first
                                record, part of seconds) */
  size_t records_cap;        /* records the arrays hold */
} gc_run_result;

typedef struct gc_run {
  gc_run_config cfg;
  const gc_mnist *data;      /* not owned */
  gc_dataset train;          /* the training images the run uses */
  gc_net *net;
  gc_trainer *trainer;       /* trainer->grad.b: the last step's bias
                                gradient (what the speeds study reads) */
  gc_run_result result;      /* filled epoch by epoch */
  gc_actstats *stats;        /* the activation monitor, or NULL */
  size_t batches_per_epoch;
} gc_run;

/* network2's settings: [784,30,10], sigmoid, cross-entropy, default
 * initialiser, eta 0.1, lambda 5, mini-batch 10, 30 epochs, seed 1, all
 * training images, validation set, evaluation accuracy monitored; for the
 * activation monitor, if switched on, a sample of 300 at epochs' ends. */
GC_API void gc_run_config_init(gc_run_config *c);

/* Set the layer sizes (2 to GC_RUN_MAX_LAYERS of them). */
GC_API int gc_run_config_set_sizes(gc_run_config *c, size_t nlayers,
                                   const size_t *sizes);

/* The names of an evaluation set: "validation", "test", "none". */
GC_API const char *gc_eval_set_name(gc_eval_set s);
GC_API int gc_eval_set_from_name(gc_eval_set *s, const char *name);

/* The net of a run, initialised as the seed rule says. */
GC_API int gc_run_net_alloc(gc_net **net, const gc_run_config *c);

/* The seed of the data's generator (the trainer's shuffling, a study's
 * input) in a run of seed `seed`: seed + 1. */
GC_API unsigned long gc_run_data_seed(unsigned long seed);

/* The trainer's configuration of a run (shuffling seed = seed + 1). */
GC_API void gc_run_train_config(gc_train_config *t, const gc_run_config *c);

/* Check c against the data and allocate the run, its net initialised. */
GC_API int gc_run_alloc(gc_run **r, const gc_run_config *c,
                        const gc_mnist *data);
GC_API void gc_run_free(gc_run *r);

/* One epoch; its monitors are appended to r->result. */
GC_API int gc_run_iterate(gc_run *r);

/* 1 when all epochs are done or early stopping has ended the run. */
GC_API int gc_run_done(const gc_run *r);

/* Write the run's whole state atomically to path. */
GC_API int gc_run_checkpoint(const gc_run *r, const char *path);

/* The run a checkpoint holds (its epochs as saved). */
GC_API int gc_run_config_from_checkpoint(gc_run_config *c,
                                         const gc_checkpoint *ck);

/* Continue from ck: r must be allocated with the configuration
 * gc_run_config_from_checkpoint gave (epochs may be more). */
GC_API int gc_run_restore(gc_run *r, const gc_checkpoint *ck);

/* The hidden layers of record i of a result (NULL past the last). */
GC_API const gc_layer_stats *gc_run_result_layers(const gc_run_result *res,
                                                  size_t i);

/* Perform a whole run; *res is freed with gc_run_result_free().  hook,
 * if not NULL, is called after every epoch; a non-zero return ends the
 * run early with that status. */
typedef int (*gc_run_hook)(const gc_run *r, void *arg);
GC_API int gc_run_perform(gc_run_result *res, const gc_run_config *c,
                          const gc_mnist *data, gc_run_hook hook, void *arg);
GC_API void gc_run_result_free(gc_run_result *res);

#ifdef __cplusplus
}
#endif
#endif
