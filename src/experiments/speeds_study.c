/* speeds_study.c -- learning speeds at initialisation and in training. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "gradchain/error.h"
#include "gradchain/speeds.h"
#include "gradchain/speeds_study.h"

static int hidden_layers(const gc_run_config *c, size_t *H)
{
  if (c->nlayers < 3)
    return gc_error(GC_EINVAL, "the net has no hidden layer");
  *H = c->nlayers - 2;
  return GC_OK;
}

int gc_speeds_at_init(gc_speeds_init_result *r, const gc_run_config *c,
                      size_t seeds, size_t examples, const gc_mnist *data)
{
  memset(r, 0, sizeof *r);
  r->config = *c;
  r->seeds = seeds;
  r->examples = examples;
  size_t H = 0;
  int st = hidden_layers(c, &H);
  if (st) return st;
  if (seeds == 0) return gc_error(GC_EINVAL, "no seeds");
  r->hidden = H;
  r->per_seed = calloc(seeds * H, sizeof(double));
  r->mean = calloc(H, sizeof(double));
  r->sd = calloc(H, sizeof(double));
  r->neuron = calloc(H * GC_SPEEDS_TOP, sizeof(double));
  double *col = malloc(seeds * sizeof(double));
  st = r->per_seed && r->mean && r->sd && r->neuron && col
           ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
  for (size_t s = 0; !st && s < seeds; s++) {
    gc_run_config k = *c;
    k.seed = c->seed + s;
    gc_net *net = NULL;
    gc_params g = {0};
    st = gc_run_net_alloc(&net, &k);
    if (!st) st = gc_params_alloc_like(&g, net);
    if (!st) st = gc_layer_speeds(r->per_seed + s * H, &g, net,
                                  &data->training, examples);
    if (!st && s == 0)
      for (size_t l = 1; l <= H; l++)
        for (size_t j = 0; j < GC_SPEEDS_TOP; j++)
          r->neuron[(l - 1) * GC_SPEEDS_TOP + j] =
              j < c->sizes[l] ? g.b[l][j] : NAN;
    gc_params_free(&g);
    gc_net_free(net);
  }
  for (size_t l = 0; !st && l < H; l++) {
    for (size_t s = 0; s < seeds; s++) col[s] = r->per_seed[s * H + l];
    r->mean[l] = gsl_stats_mean(col, 1, seeds);
    r->sd[l] = seeds > 1 ? gsl_stats_sd(col, 1, seeds) : 0;
  }
  free(col);
  if (st) gc_speeds_init_result_free(r);
  return st;
}

void gc_speeds_init_result_free(gc_speeds_init_result *r)
{
  free(r->per_seed);
  free(r->mean);
  free(r->sd);
  free(r->neuron);
  r->per_seed = r->mean = r->sd = r->neuron = NULL;
}

int gc_speeds_during_training(gc_speeds_train_result *r,
                              const gc_run_config *c, const gc_mnist *data,
                              gc_run_hook hook, void *arg)
{
  memset(r, 0, sizeof *r);
  size_t H = 0;
  int st = hidden_layers(c, &H);
  if (st) return st;
  if (c->train_size == 0 || c->train_size > data->training.n)
    return gc_error(GC_EINVAL, "%zu examples asked for, the training set has "
                    "%zu", c->train_size, data->training.n);
  r->config = *c;
  r->config.batch = c->train_size; /* batch gradient descent */
  r->config.monitor = c->monitor & GC_MONITOR_ACTIVATIONS;
  r->config.early_stop = 0;
  if (!r->config.monitor) r->config.eval_set = GC_EVAL_SET_NONE;
  r->hidden = H;
  r->epochs = c->epochs;
  r->series = calloc(c->epochs * H, sizeof(double));
  if (!r->series) return gc_error(GC_ENOMEM, "out of memory");
  gc_run *run = NULL;
  st = gc_run_alloc(&run, &r->config, data);
  for (size_t e = 0; !st && e < r->epochs; e++) {
    /* the gradient of the epoch's one step, taken at the parameters
     * before the epoch, is exactly the speeds' average */
    st = gc_run_iterate(run);
    const gc_params *g = &run->trainer->grad;
    for (size_t l = 1; !st && l <= H; l++) {
      double s2 = 0;
      for (size_t j = 0; j < c->sizes[l]; j++) {
        double x = g->b[l][j] / (double)c->train_size;
        s2 += x * x;
      }
      r->series[e * H + l - 1] = sqrt(s2);
    }
    if (!st && hook) st = hook(run, arg);
  }
  if (!st) {
    r->final_ratio = r->series[(r->epochs - 1) * H + H - 1] /
                     r->series[(r->epochs - 1) * H];
    r->run = run->result;
    memset(&run->result, 0, sizeof run->result);
  }
  gc_run_free(run);
  if (st) gc_speeds_train_result_free(r);
  return st;
}

void gc_speeds_train_result_free(gc_speeds_train_result *r)
{
  free(r->series);
  r->series = NULL;
  gc_run_result_free(&r->run);
}

const double *gc_speeds_book(const size_t *sizes, size_t L)
{
  /* the chapter's values, by number of hidden layers */
  static const double book2[] = {0.07, 0.31};
  static const double book3[] = {0.012, 0.060, 0.283};
  static const double book4[] = {0.003, 0.017, 0.070, 0.285};
  if (L < 3 || sizes[0] != 784 || sizes[L - 1] != 10) return NULL;
  for (size_t l = 1; l + 1 < L; l++)
    if (sizes[l] != 30) return NULL;
  switch (L - 2) {
  case 2: return book2;
  case 3: return book3;
  case 4: return book4;
  default: return NULL;
  }
}

void gc_speeds_ratios(double *mean, double *sd, const gc_speeds_init_result *r)
{
  size_t H = r->hidden, S = r->seeds;
  double *col = malloc((S ? S : 1) * sizeof *col);
  for (size_t l = 0; l + 1 < H; l++) {
    if (!col) { /* out of memory: no numbers rather than wrong ones */
      mean[l] = sd[l] = NAN;
      continue;
    }
    for (size_t s = 0; s < S; s++)
      col[s] = r->per_seed[s * H + l + 1] / r->per_seed[s * H + l];
    mean[l] = gsl_stats_mean(col, 1, S);
    sd[l] = S > 1 ? gsl_stats_sd(col, 1, S) : 0;
  }
  free(col);
}

void gc_speeds_last_first(double *mean, double *sd,
                          const gc_speeds_init_result *r)
{
  size_t H = r->hidden, S = r->seeds;
  double *col = malloc((S ? S : 1) * sizeof *col);
  if (!col || !H || !S) { /* out of memory: no number rather than a wrong one */
    *mean = *sd = NAN;
    free(col);
    return;
  }
  for (size_t s = 0; s < S; s++)
    col[s] = r->per_seed[s * H + H - 1] / r->per_seed[s * H];
  *mean = gsl_stats_mean(col, 1, S);
  *sd = S > 1 ? gsl_stats_sd(col, 1, S) : 0;
  free(col);
}
