/* gradchain/speeds_study.h -- the chapter's learning speeds ||delta^l||
 * of the hidden layers, as experiments on run descriptions: at
 * initialisation over several seeds, and before every epoch of batch
 * gradient descent (see speeds.h for the measure itself). */
#ifndef GRADCHAIN_SPEEDS_STUDY_H
#define GRADCHAIN_SPEEDS_STUDY_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/mnist.h"
#include "gradchain/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Neurons per hidden layer whose dC/db the study at initialisation keeps. */
#define GC_SPEEDS_TOP 6

typedef struct gc_speeds_init_result {
  gc_run_config config;    /* the run whose net is measured (first seed) */
  size_t seeds, examples, hidden;
  double *per_seed;        /* seeds x hidden */
  double *mean, *sd;       /* hidden; sd 0 for one seed */
  double *neuron;          /* hidden x GC_SPEEDS_TOP: dC/db of the first
                              neurons, first seed (NaN past a layer's width) */
} gc_speeds_init_result;

typedef struct gc_speeds_train_result {
  gc_run_config config;    /* the run as performed */
  size_t hidden, epochs;
  double *series;          /* epochs x hidden: the speeds before each epoch */
  double final_ratio;      /* last / first hidden layer, last epoch */
  gc_run_result run;       /* the run's record; with the activation monitor
                              (config.monitor & GC_MONITOR_ACTIVATIONS),
                              its records: one step is one epoch */
} gc_speeds_train_result;

/* The speeds of the nets of c with seeds c->seed .. c->seed+seeds-1,
 * right after initialisation, over the first `examples` training images. */
GC_API int gc_speeds_at_init(gc_speeds_init_result *res, const gc_run_config *c,
                      size_t seeds, size_t examples, const gc_mnist *data);
GC_API void gc_speeds_init_result_free(gc_speeds_init_result *res);

/* The ratios ||delta^(l+1)|| / ||delta^l|| of consecutive hidden layers,
 * l = 1 .. hidden-1, per seed, and their mean and sd over the seeds (gsl
 * sample sd; 0 for one seed): hidden-1 values each. */
GC_API void gc_speeds_ratios(double *mean, double *sd,
                             const gc_speeds_init_result *res);

/* The ratio ||delta^last|| / ||delta^1|| of the last and the first hidden
 * layer per seed, its mean and sd over the seeds (gsl sample sd; 0 for
 * one seed); 1 for one hidden layer. */
GC_API void gc_speeds_last_first(double *mean, double *sd,
                                 const gc_speeds_init_result *res);

/* The speeds before every epoch of c run as batch gradient descent on its
 * c->train_size training images (the mini-batch is all of them, nothing
 * is monitored): each epoch's one step has exactly the speeds' average
 * gradient.  hook as in gc_run_perform. */
GC_API int gc_speeds_during_training(gc_speeds_train_result *res,
                              const gc_run_config *c, const gc_mnist *data,
                              gc_run_hook hook, void *arg);
GC_API void gc_speeds_train_result_free(gc_speeds_train_result *res);

/* The book's speeds at initialisation for [784, 30 x H, 10], H = 2..4,
 * else NULL. */
GC_API const double *gc_speeds_book(const size_t *sizes, size_t nlayers);

#ifdef __cplusplus
}
#endif
#endif
