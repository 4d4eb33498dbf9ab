/* train.c -- network2's SGD: shuffled mini-batches, L2 weight decay,
 * monitors and early stopping, on the core forward/backward passes. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "gradchain/error.h"
#include "gradchain/kernels.h"
#include "gradchain/train.h"
#include "core/gsl_handler.h"

void gc_train_config_default(gc_train_config *c)
{
  c->batch = 10;
  c->eta = 0.1;
  c->lambda = 5.0;
  c->seed = 1;
  c->monitor = GC_MONITOR_EVAL_ACCURACY;
  c->early_stop = 0;
  c->eval_batch = GC_EVAL_BATCH;
  c->momentum = 0.0;
  c->nesterov = 0;
  c->schedule = GC_SCHEDULE_CONSTANT;
}

static const struct {
  const char *name;
  unsigned flag;
} monitor_names[] = {
  {"eval-accuracy", GC_MONITOR_EVAL_ACCURACY},
  {"eval-cost", GC_MONITOR_EVAL_COST},
  {"train-accuracy", GC_MONITOR_TRAIN_ACCURACY},
  {"train-cost", GC_MONITOR_TRAIN_COST},
  {"activations", GC_MONITOR_ACTIVATIONS},
};

int gc_monitor_from_names(unsigned *monitor, const char *list)
{
  unsigned m = 0;
  const char *p = list;
  if (!strcmp(list, "none")) {
    *monitor = 0;
    return GC_OK;
  }
  for (;;) {
    size_t len = strcspn(p, ",");
    size_t i, k = sizeof monitor_names / sizeof monitor_names[0];
    for (i = 0; i < k; i++)
      if (strlen(monitor_names[i].name) == len &&
          !strncmp(p, monitor_names[i].name, len))
        break;
    if (i == k)
      return gc_error(GC_EINVAL, "unknown monitor '%.*s' (expected a list of "
                      "eval-accuracy, eval-cost, train-accuracy, train-cost, "
                      "activations, or none)", (int)len, p);
    m |= monitor_names[i].flag;
    if (!p[len]) break;
    p += len + 1;
  }
  *monitor = m;
  return GC_OK;
}

static int check_data(const gc_net *net, const gc_dataset *d, const char *what)
{
  size_t nL = net->sizes[net->nlayers - 1];
  if (d->n == 0) return gc_error(GC_EINVAL, "the %s set is empty", what);
  if (d->dim != net->sizes[0])
    return gc_error(GC_EINVAL, "the %s examples have %zu inputs but the "
                    "net's first layer has %zu neurons", what, d->dim,
                    net->sizes[0]);
  if (d->nclasses != nL)
    return gc_error(GC_EINVAL, "the %s set has %zu classes but the net's "
                    "last layer has %zu neurons", what, d->nclasses, nL);
  return GC_OK;
}

int gc_trainer_alloc(gc_trainer **out, gc_net *net, const gc_dataset *train,
                     const gc_dataset *eval, const gc_train_config *cfg)
{
  *out = NULL;
  int st = check_data(net, train, "training");
  if (st) return st;
  unsigned needs_eval = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_EVAL_COST;
  if ((cfg->monitor & needs_eval) || cfg->early_stop) {
    if (!eval)
      return gc_error(GC_EINVAL, "evaluation monitors or early stopping "
                      "need an evaluation set");
    if ((st = check_data(net, eval, "evaluation"))) return st;
  }
  if (cfg->batch == 0 || cfg->batch > train->n)
    return gc_error(GC_EINVAL, "mini-batch size %zu: must be from 1 to the "
                    "training set's size %zu", cfg->batch, train->n);
  if (!isfinite(cfg->eta) || cfg->eta < 0)
    return gc_error(GC_EINVAL, "learning rate eta = %g: must be finite and "
                    ">= 0", cfg->eta);
  if (!isfinite(cfg->lambda) || cfg->lambda < 0)
    return gc_error(GC_EINVAL, "regularisation lambda = %g: must be finite "
                    "and >= 0", cfg->lambda);
  if (!(cfg->momentum >= 0 && cfg->momentum < 1))
    return gc_error(GC_EINVAL, "momentum mu = %g: must be from 0 up to, not "
                    "including, 1", cfg->momentum);
  if (cfg->nesterov && cfg->momentum == 0)
    return gc_error(GC_EINVAL, "Nesterov's momentum needs a momentum mu > 0");
  if ((unsigned)cfg->schedule > GC_SCHEDULE_SUTSKEVER)
    return gc_error(GC_EINVAL, "unknown momentum schedule %d",
                    (int)cfg->schedule);
  size_t n0 = net->sizes[0], nL = net->sizes[net->nlayers - 1];
  size_t B = cfg->batch;
  if (n0 > ((size_t)-1) / sizeof(double) / B ||
      train->n > ((size_t)-1) / sizeof(size_t))
    return gc_error(GC_ERANGE, "mini-batch too large");

  gc_trainer *t = calloc(1, sizeof *t);
  if (!t) return gc_error(GC_ENOMEM, "out of memory");
  t->net = net;
  t->train = train;
  t->eval = eval;
  t->cfg = *cfg;
  t->rng = gc_gsl_rng_alloc(gsl_rng_mt19937);
  t->idx = malloc(train->n * sizeof *t->idx);
  t->x = gc_kernel_calloc(B * n0);
  t->y = malloc(B * nL * sizeof *t->y);
  if (!t->rng || !t->idx || !t->x || !t->y) {
    gc_trainer_free(t);
    return gc_error(GC_ENOMEM, "out of memory for the training buffers");
  }
  gsl_rng_set(t->rng, cfg->seed);
  for (size_t i = 0; i < train->n; i++) t->idx[i] = i;
  if ((st = gc_workspace_alloc(&t->ws, net, B)) ||
      (st = gc_params_alloc_like(&t->grad, net)) ||
      (cfg->momentum > 0 && (st = gc_params_alloc_like(&t->vel, net)))) {
    gc_trainer_free(t);
    return st;
  }
  unsigned own = cfg->monitor & ~(unsigned)GC_MONITOR_ACTIVATIONS;
  if (own || cfg->early_stop) {
    size_t big = train->n;
    if (eval && eval->n > big) big = eval->n;
    size_t cap = cfg->eval_batch ? cfg->eval_batch : GC_EVAL_BATCH;
    if (cap > big) cap = big;
    if ((st = gc_evaluator_alloc(&t->ev, net, cap))) {
      gc_trainer_free(t);
      return st;
    }
  }
  *out = t;
  return GC_OK;
}

void gc_trainer_free(gc_trainer *t)
{
  if (!t) return;
  if (t->rng) gsl_rng_free(t->rng);
  free(t->idx);
  free(t->x);
  free(t->y);
  gc_workspace_free(t->ws);
  gc_params_free(&t->grad);
  gc_params_free(&t->vel);
  gc_evaluator_free(t->ev);
  free(t);
}

/* b = 1.0*b - s*g over k values (the weights' formula with decay 1, as
 * network2 has it); returns 0 if a result is NaN or infinite.  The test is
 * an or-reduction of integers, which the compiler vectorises. */
static int update_biases(size_t k, double s, const double *g, double *b)
{
  int bad = 0;
#pragma omp simd reduction(|:bad)
  for (size_t i = 0; i < k; i++) {
    double r = 1.0 * b[i] - s * g[i];
    b[i] = r;
    bad |= !(fabs(r) <= DBL_MAX); /* NaN or infinity */
  }
  return !bad;
}

double gc_trainer_momentum(const gc_trainer *t)
{
  return gc_schedule_momentum(t->cfg.schedule, t->cfg.momentum, t->updates);
}

/* The momentum step over k values of one layer (see train.h): s = -wd*w -
 * rate*g (wd = 0 for biases), v = mu*v + s, then w + v or w + mu*v + s.
 * Returns 0 if a new w is NaN or infinite. */
static int momentum_update(size_t k, double wd, double rate, double mu,
                           int nesterov, const double *g, double *v,
                           double *w)
{
  int bad = 0;
#pragma omp simd reduction(|:bad)
  for (size_t i = 0; i < k; i++) {
    double s = -(wd * w[i]) - rate * g[i];
    double vi = mu * v[i] + s;
    double r = nesterov ? w[i] + mu * vi + s : w[i] + vi;
    v[i] = vi;
    w[i] = r;
    bad |= !(fabs(r) <= DBL_MAX);
  }
  return !bad;
}

static int diverged(const gc_trainer *t, int okw, size_t l, size_t batchno)
{
  return gc_error(GC_ENUMERIC, "training diverged: NaN or infinity in the "
                  "%s of layer %zu (of %zu) at epoch %zu, mini-batch %zu; try "
                  "a smaller eta (now %g)", okw ? "biases" : "weights", l,
                  t->net->nlayers - 1, t->epoch + 1, batchno + 1, t->cfg.eta);
}

/* One SGD step on examples idx[0..m-1]; the mnext examples next[] of the
 * following step are prefetched while this one computes. */
static int step(gc_trainer *t, const size_t *idx, size_t m, size_t batchno,
                const size_t *next, size_t mnext)
{
  gc_net *net = t->net;
  gc_dataset_batch(t->x, t->y, t->train, idx, 0, m);
  gc_dataset_prefetch(t->train, next, mnext);
  int st = gc_net_forward(net, t->ws, t->x, m);
  if (st) return st;
  /* every layer's delta first, from the weights before the step; then per
   * layer network2's (1-eta*(lmbda/n))*w - (eta/len(mini_batch))*nw, the
   * weights' gradient summed and applied in one pass (gc_kernel_grad_step),
   * the biases' kept in t->grad */
  if ((st = gc_net_backward(net, t->ws, t->y, NULL))) return st;
  double n = (double)t->train->n;
  double decay = 1.0 - t->cfg.eta * (t->cfg.lambda / n);
  double rate = t->cfg.eta / (double)m;
  const gc_workspace *ws = t->ws;
  double mu = t->vel.data ? gc_trainer_momentum(t) : 0.0;
  for (size_t l = 1; l < net->nlayers; l++) {
    size_t nl = net->sizes[l], ml = net->sizes[l - 1];
    if (t->vel.data) { /* momentum: the gradient stored, then applied */
      gc_kernel_grad(t->grad.w[l], t->grad.b[l], m, nl, ml, ws->delta[l],
                     ws->a[l - 1]);
      double wd = t->cfg.eta * (t->cfg.lambda / n);
      int okw = momentum_update(nl * ml, wd, rate, mu, t->cfg.nesterov,
                                t->grad.w[l], t->vel.w[l], net->p.w[l]);
      int okb = momentum_update(nl, 0.0, rate, mu, t->cfg.nesterov,
                                t->grad.b[l], t->vel.b[l], net->p.b[l]);
      if (!okw || !okb) return diverged(t, okw, l, batchno);
      continue;
    }
    int okw = !gc_kernel_grad_step(net->p.w[l], t->grad.b[l], m, net->sizes[l],
                                  net->sizes[l - 1], ws->delta[l],
                                  ws->a[l - 1], decay, rate);
    int okb = update_biases(net->sizes[l], rate, t->grad.b[l], net->p.b[l]);
    if (!okw || !okb) return diverged(t, okw, l, batchno);
  }
  t->updates++;
  return GC_OK;
}

int gc_trainer_step(gc_trainer *t, const size_t *idx, size_t m)
{
  if (m == 0 || m > t->cfg.batch)
    return gc_error(GC_EINVAL, "a step takes 1 to %zu examples (got %zu)",
                    t->cfg.batch, m);
  for (size_t i = 0; i < m; i++)
    if (idx[i] >= t->train->n)
      return gc_error(GC_EINVAL, "example %zu is outside the training set",
                      idx[i]);
  return step(t, idx, m, 0, NULL, 0);
}

int gc_trainer_epoch(gc_trainer *t, gc_epoch_stats *stats)
{
  size_t n = t->train->n, B = t->cfg.batch;
  gc_epoch_stats s;
  memset(&s, 0, sizeof s);
  s.evaluation_cost = s.evaluation_accuracy = NAN;
  s.training_cost = s.training_accuracy = NAN;
  s.epoch = t->epoch + 1;
  if (stats) *stats = s;
  gsl_ran_shuffle(t->rng, t->idx, n, sizeof *t->idx);
  for (size_t k = 0, no = 0; k < n; k += B, no++) {
    size_t m = n - k < B ? n - k : B;
    size_t k2 = k + m, m2 = n - k2 < B ? n - k2 : B; /* m2 = 0 at the end */
    int st = step(t, t->idx + k, m, no, t->idx + k2, m2);
    if (!st && t->step_hook) st = t->step_hook(t, no, t->step_arg);
    if (st) return st;
  }
  t->epoch++;

  unsigned mon = t->cfg.monitor;
  double lambda = t->cfg.lambda;
  int st;
  if (mon & (GC_MONITOR_TRAIN_COST | GC_MONITOR_TRAIN_ACCURACY)) {
    double c;
    size_t ok;
    st = gc_evaluator_run(mon & GC_MONITOR_TRAIN_COST ? &c : NULL,
                          mon & GC_MONITOR_TRAIN_ACCURACY ? &ok : NULL, t->ev,
                          t->train, lambda);
    if (st) return st;
    if (mon & GC_MONITOR_TRAIN_COST) s.training_cost = c;
    if (mon & GC_MONITOR_TRAIN_ACCURACY) {
      s.training_correct = ok;
      s.training_accuracy = (double)ok / (double)n;
    }
  }
  int want_acc = (mon & GC_MONITOR_EVAL_ACCURACY) || t->cfg.early_stop;
  if ((mon & GC_MONITOR_EVAL_COST) || want_acc) {
    double c;
    size_t ok;
    st = gc_evaluator_run(mon & GC_MONITOR_EVAL_COST ? &c : NULL,
                          want_acc ? &ok : NULL, t->ev, t->eval, lambda);
    if (st) return st;
    if (mon & GC_MONITOR_EVAL_COST) s.evaluation_cost = c;
    if (want_acc) {
      s.evaluation_correct = ok;
      s.evaluation_accuracy = (double)ok / (double)t->eval->n;
    }
    if (t->cfg.early_stop) {
      /* network2's early_stopping_n: count epochs since the best
       * accuracy; the first epoch sets the best */
      if (t->epoch == 1 || ok > t->best_correct) {
        t->best_correct = ok;
        t->since_best = 0;
      } else {
        t->since_best++;
      }
      if (t->since_best == t->cfg.early_stop) t->stopped = s.stop = 1;
    }
  }
  if (stats) *stats = s;
  return GC_OK;
}
