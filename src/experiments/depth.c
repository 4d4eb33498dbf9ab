/* depth.c -- accuracy against depth, over seeds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "gradchain/depth.h"
#include "gradchain/error.h"

void gc_depth_config_init(gc_depth_config *c)
{
  memset(c, 0, sizeof *c);
  gc_run_config_init(&c->base);
  c->ndepths = 4;
  for (size_t d = 0; d < 4; d++) c->depths[d] = d + 1;
  c->width = 30;
  c->seeds = 1;
}

int gc_depth_run_config(gc_run_config *run, const gc_depth_config *c,
                        size_t hidden, size_t seed_index, const gc_dataset *d)
{
  size_t sizes[GC_RUN_MAX_LAYERS], L = hidden + 2;
  if (hidden == 0 || L > GC_RUN_MAX_LAYERS)
    return gc_error(GC_EINVAL, "%zu hidden layers: a depth is 1 to %d",
                    hidden, GC_RUN_MAX_LAYERS - 2);
  sizes[0] = d->dim;
  for (size_t l = 1; l + 1 < L; l++) sizes[l] = c->width;
  sizes[L - 1] = d->nclasses;
  *run = c->base;
  run->seed = c->base.seed + seed_index;
  return gc_run_config_set_sizes(run, L, sizes);
}

static int rows_alloc(gc_depth_result *res)
{
  const gc_depth_config *c = &res->config;
  res->rows = calloc(c->ndepths, sizeof *res->rows);
  if (!res->rows) return gc_error(GC_ENOMEM, "out of memory");
  for (size_t d = 0; d < c->ndepths; d++) {
    gc_depth_row *r = &res->rows[d];
    r->hidden = c->depths[d];
    r->final = calloc(c->seeds, sizeof *r->final);
    r->best = calloc(c->seeds, sizeof *r->best);
    r->best_epoch = calloc(c->seeds, sizeof *r->best_epoch);
    if (!r->final || !r->best || !r->best_epoch)
      return gc_error(GC_ENOMEM, "out of memory");
  }
  return GC_OK;
}

static void row_stats(gc_depth_row *r, size_t n)
{
  r->final_mean = gsl_stats_mean(r->final, 1, n);
  r->best_mean = gsl_stats_mean(r->best, 1, n);
  r->final_sd = n > 1 ? gsl_stats_sd(r->final, 1, n) : 0;
  r->best_sd = n > 1 ? gsl_stats_sd(r->best, 1, n) : 0;
  double m = 0, q = 0; /* Welford: the mean and sd of the best epochs */
  for (size_t s = 0; s < n; s++) {
    double e = (double)r->best_epoch[s], d = e - m;
    m += d / (double)(s + 1);
    q += d * (e - m);
  }
  r->best_epoch_mean = n ? m : NAN;
  r->best_epoch_sd = n > 1 ? sqrt(q / (double)(n - 1)) : 0;
}

/* The default runner: the runs on OpenMP threads, each independent and
 * deterministic, so the results do not depend on the thread count. */
static int thread_batch(gc_run_result *res, const gc_run_config *cfg,
                        size_t n, const gc_mnist *data,
                        gc_depth_progress progress, void *progress_arg,
                        void *arg)
{
  (void)arg;
  int st = GC_OK;
  size_t done = 0;
  char msg[512] = "";
#pragma omp parallel for schedule(dynamic, 1)
  for (size_t k = 0; k < n; k++) {
    int failed;
#pragma omp atomic read
    failed = st;
    if (failed) continue;
    int e = gc_run_perform(&res[k], &cfg[k], data, NULL, NULL);
#pragma omp critical /* unnamed: a named one is an exported symbol */
    {
      if (e && !st) {
        st = e;
        snprintf(msg, sizeof msg, "%s", gc_strerror_last());
      }
      done++;
      if (!e && progress) progress(&res[k], done, n, progress_arg);
    }
  }
  if (st && *msg) gc_error(st, "%s", msg);
  return st;
}

int gc_depth_study(gc_depth_result *res, const gc_depth_config *c,
                   const gc_mnist *data, gc_depth_progress progress,
                   void *arg)
{
  memset(res, 0, sizeof *res);
  res->config = *c;
  if (c->ndepths == 0 || c->ndepths > GC_DEPTH_MAX || c->seeds == 0 ||
      c->width == 0)
    return gc_error(GC_EINVAL, "a depth study needs 1 to %d depths, a width "
                    "and a seed", GC_DEPTH_MAX);
  /* every configuration made and checked before any run starts; the
   * deepest first, so that the longest runs start early */
  size_t nj = c->ndepths * c->seeds;
  gc_run_config *cfg = malloc(nj * sizeof *cfg);
  gc_run_result *runs = calloc(nj, sizeof *runs);
  int st = cfg && runs ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
  for (size_t k = 0; !st && k < nj; k++)
    st = gc_depth_run_config(&cfg[k], c, c->depths[c->ndepths - 1 - k / c->seeds],
                             k % c->seeds, &data->training);
  if (!st) st = rows_alloc(res);
  if (!st)
    st = (c->runner ? c->runner : thread_batch)(runs, cfg, nj, data, progress,
                                                arg, c->runner_arg);
  for (size_t k = 0; !st && k < nj; k++) {
    gc_depth_row *row = &res->rows[c->ndepths - 1 - k / c->seeds];
    size_t s = k % c->seeds;
    row->final[s] = runs[k].final_accuracy;
    row->best[s] = runs[k].best_accuracy;
    row->best_epoch[s] = runs[k].best_epoch;
  }
  for (size_t k = 0; runs && k < nj; k++) gc_run_result_free(&runs[k]);
  free(runs);
  free(cfg);
  if (st) {
    gc_depth_result_free(res);
    return st;
  }
  for (size_t d = 0; d < c->ndepths; d++) row_stats(&res->rows[d], c->seeds);
  return GC_OK;
}

void gc_depth_result_free(gc_depth_result *res)
{
  if (res->rows)
    for (size_t d = 0; d < res->config.ndepths; d++) {
      free(res->rows[d].final);
      free(res->rows[d].best);
      free(res->rows[d].best_epoch);
    }
  free(res->rows);
  res->rows = NULL;
}

double gc_depth_book(size_t width, size_t hidden)
{
  /* network2's validation accuracies, the chapter's text */
  static const double book[] = {0.9648, 0.9690, 0.9657, 0.9653};
  if (width != 30 || hidden < 1 || hidden > 4) return NAN;
  return book[hidden - 1];
}
