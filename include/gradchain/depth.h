/* gradchain/depth.h -- the chapter's study of accuracy against depth:
 * nets [n0, W, 10], [n0, W, W, 10], ... trained over several seeds, the
 * final and the best evaluation accuracy of every run, their mean and
 * standard deviation per depth.
 *
 * Every run is a gc_run of the base configuration with the sizes of its
 * depth and its seed, independent of the others, so the runs go in
 * parallel (one per OpenMP thread) and the table does not depend on the
 * thread count.
 */
#ifndef GRADCHAIN_DEPTH_H
#define GRADCHAIN_DEPTH_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/mnist.h"
#include "gradchain/run.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called after every finished run (from one thread at a time). */
typedef void (*gc_depth_progress)(const gc_run_result *run, size_t done,
                                  size_t total, void *arg);

/* Who performs a study's runs: the n configurations cfg into res[0..n-1],
 * as gc_run_perform() would (config, final_accuracy, best_accuracy and
 * best_epoch must be set; history may be left NULL), calling progress, if
 * not NULL, after each finished run, one call at a time.  0, or a GC_E*
 * code with its message.  NULL: OpenMP threads in this process.  The
 * gradchain command passes its pool of forked worker processes. */
typedef int (*gc_run_batch)(gc_run_result *res, const gc_run_config *cfg,
                            size_t n, const gc_mnist *data,
                            gc_depth_progress progress, void *progress_arg,
                            void *arg);

/* Most depths one study takes. */
#define GC_DEPTH_MAX 100

typedef struct gc_depth_config {
  gc_run_config base;           /* every run's settings; its sizes are
                                   replaced, its seed is the first seed */
  size_t ndepths;
  size_t depths[GC_DEPTH_MAX];  /* numbers of hidden layers (1,2,3,4) */
  size_t width;                 /* neurons per hidden layer (30) */
  size_t seeds;                 /* seeds base.seed .. base.seed+seeds-1 (1) */
  gc_run_batch runner;          /* who performs the runs (NULL: threads) */
  void *runner_arg;
} gc_depth_config;

typedef struct gc_depth_row {
  size_t hidden;
  double final_mean, final_sd, best_mean, best_sd; /* sd 0 for one seed */
  double *final, *best;         /* per seed */
  size_t *best_epoch;           /* per seed */
  double best_epoch_mean, best_epoch_sd; /* of best_epoch over the seeds */
} gc_depth_row;

typedef struct gc_depth_result {
  gc_depth_config config;
  gc_depth_row *rows;           /* config.ndepths rows */
} gc_depth_result;

/* network2's depth study: the run defaults, depths 1..4, width 30, one
 * seed. */
GC_API void gc_depth_config_init(gc_depth_config *c);

/* The sizes of one depth's net on data d: [d's inputs, width x hidden,
 * d's classes]. */
GC_API int gc_depth_run_config(gc_run_config *run, const gc_depth_config *c,
                        size_t hidden, size_t seed_index,
                        const gc_dataset *d);

GC_API int gc_depth_study(gc_depth_result *res, const gc_depth_config *c,
                   const gc_mnist *data, gc_depth_progress progress,
                   void *arg);
GC_API void gc_depth_result_free(gc_depth_result *res);

/* The book's validation accuracy for `hidden` layers of `width` (known
 * for width 30, 1 to 4 hidden layers), else NaN. */
GC_API double gc_depth_book(size_t width, size_t hidden);

#ifdef __cplusplus
}
#endif
#endif
