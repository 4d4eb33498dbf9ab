/* jacobian_study.c -- a wide net's Jacobian products beside mean-field
 * theory: the net and its input by the runs' seed rule, then J (and the
 * backward product, or the Lyapunov spectrum) pushed layer by layer. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "gradchain/error.h"
#include "gradchain/jacobian_study.h"
#include "gradchain/meanfield.h"
#include "gradchain/run.h"
#include "core/gsl_handler.h"
#include "core/machine.h"

void gc_jacobian_study_config_init(gc_jacobian_study_config *c)
{
  memset(c, 0, sizeof *c);
  c->width = 30;
  c->depth = 10;
  c->act = GC_ACT_SIGMOID;
  c->init = GC_INIT_DEFAULT;
  c->sigma_w2 = 1;
  c->sigma_b2 = 0;
  c->seed = 1;
  c->blocks = 10;
  c->backward = 1;
}

static size_t input_width(const gc_jacobian_study_config *c)
{
  if (c->net) return c->net->sizes[0];
  return c->input ? c->input_width : c->width;
}

double gc_jacobian_study_bytes(const gc_jacobian_study_config *c)
{
  double n = (double)c->width, n0 = (double)input_width(c);
  if (c->net || c->lyapunov) return 0;
  return 8.0 * n * (n0 + n * (double)(c->depth - 1));
}

void gc_jacobian_study_free(gc_jacobian_study *s)
{
  if (!s) return;
  gc_jacobian_free(s->fwd);
  gc_jacobian_free(s->bwd);
  free(s);
}

double gc_jacobian_study_chi1_pow(const gc_jacobian_study *s, size_t l)
{
  return s->have_theory ? pow(s->chi1, (double)l) : NAN;
}

/* q* and chi1 at (sigma_w2, sigma_b2), or why not */
static void theory(gc_jacobian_study *s)
{
  gc_meanfield *w = gc_meanfield_alloc(s->act, NULL);
  gc_meanfield_result r;
  s->have_theory = w && gc_meanfield_point(&r, w, s->sigma_w2,
                                           s->sigma_b2) == 0;
  s->q_star = s->have_theory ? r.q_star : NAN;
  s->chi1 = s->have_theory ? r.chi1 : NAN;
  if (!s->have_theory)
    snprintf(s->theory_error, sizeof s->theory_error, "%s",
             gc_strerror_last());
  double d;
  /* no q*, but chi1 does not depend on q: the theory still holds */
  if (!s->have_theory && w && gc_meanfield_homogeneous(w) &&
      gc_meanfield_expect(&d, NULL, w, GC_MF_DPHI2, 1.0) == 0) {
    s->have_theory = 1;
    s->chi1 = s->sigma_w2 * d;
  }
  gc_meanfield_free(w);
}

static double wall(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The products of a stored net: J into s->fwd, the backward product (its
 * L - 1 factors, spectra at depths below L) into s->bwd. */
static int stored(gc_jacobian_study *s, const gc_jacobian_study_config *c,
                  const gc_net *net, const double *x)
{
  size_t L = s->depth;
  int st = GC_OK;
  if (c->backward && L > 1) {
    size_t ns = 0, *sp = malloc((c->nspectra + 1) * sizeof *sp);
    if (!sp) return gc_error(GC_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->nspectra; i++)
      if (c->spectra[i] < L) sp[ns++] = c->spectra[i];
    gc_jacobian_params q = {sp, ns, 0, 0};
    st = gc_jacobian_alloc(&s->bwd, net->sizes[L], s->width, L - 1, &q);
    free(sp);
  }
  if (!st) st = gc_jacobian_of_net(s->fwd, s->bwd, net, x);
  return st;
}

int gc_jacobian_study_run(gc_jacobian_study **out,
                          const gc_jacobian_study_config *c)
{
  *out = NULL;
  if (c->net && (c->lyapunov || (c->input && c->input_width !=
                                              c->net->sizes[0])))
    return gc_error(GC_EINVAL, "a given net takes no Lyapunov study and an "
                    "input of its %zu values", c->net->sizes[0]);
  if (!c->net && (c->width == 0 || c->depth == 0))
    return gc_error(GC_EINVAL, "a Jacobian study needs width and depth >= 1 "
                    "(got %zu, %zu)", c->width, c->depth);
  double need = gc_jacobian_study_bytes(c);
  if (need > 0.8 * gc_machine_bytes())
    return gc_error(GC_ERANGE, "a net of width %zu and depth %zu needs %.3g "
                    "GB, more than 80%% of this machine's memory", c->width,
                    c->depth, need / 1e9);
  gc_jacobian_study *s = calloc(1, sizeof *s);
  if (!s) return gc_error(GC_ENOMEM, "out of memory");
  s->input_width = input_width(c);
  s->act = c->net ? GC_ACT_SIGMOID : c->act; /* a saved net is sigmoid */
  if (c->net) {
    s->depth = c->net->nlayers - 1;
    for (size_t l = 1; l <= s->depth; l++)
      if (c->net->sizes[l] > s->width) s->width = c->net->sizes[l];
    gc_jacobian_net_variances(&s->sigma_w2, &s->sigma_b2, c->net);
  } else {
    s->width = c->width;
    s->depth = c->depth;
    gc_jacobian_init_variances(&s->sigma_w2, &s->sigma_b2, c->init, s->width,
                               s->width, sqrt(c->sigma_w2),
                               sqrt(c->sigma_b2));
  }
  theory(s);
  size_t L = s->depth, n0 = s->input_width, n = s->width;
  for (size_t i = 0; i < c->nspectra; i++)
    if (c->spectra[i] < 1 || c->spectra[i] > L) {
      gc_jacobian_study_free(s);
      return gc_error(GC_EINVAL, "spectrum depth %zu outside 1 .. %zu",
                      c->spectra[i], L);
    }
  if (c->lyapunov && L < c->blocks) {
    gc_jacobian_study_free(s);
    return gc_error(GC_EINVAL, "%zu layers cannot make %zu blocks for the "
                    "Lyapunov exponents' standard errors", L, c->blocks);
  }
  /* the net from seed S, the input from the data's seed */
  gsl_rng *rng = gc_gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng *rin = gc_gsl_rng_alloc(gsl_rng_mt19937);
  double *x = c->input ? NULL : malloc(n0 * sizeof *x);
  size_t *sizes = c->net || c->lyapunov ? NULL
                                        : malloc((L + 1) * sizeof *sizes);
  gc_net *net = NULL;
  int st = GC_OK;
  if (!rng || !rin || (!c->input && !x) ||
      (!c->net && !c->lyapunov && !sizes)) {
    st = gc_error(GC_ENOMEM, "out of memory");
    goto out;
  }
  gsl_rng_set(rng, c->seed);
  gsl_rng_set(rin, gc_run_data_seed(c->seed));
  if (x) {
    /* z^1 has length sigma_w2 |x|^2/n + sigma_b2 = q* */
    double q = isfinite(s->q_star) && s->q_star > s->sigma_b2
                   ? (s->q_star - s->sigma_b2) / s->sigma_w2 : 1.0;
    gc_jacobian_input(x, n0, q, rin);
  }
  const double *in = c->input ? c->input : x;
  if (sizes) {
    sizes[0] = n0;
    for (size_t l = 1; l <= L; l++) sizes[l] = n;
    st = gc_net_alloc(&net, L + 1, sizes, s->act, GC_COST_QUADRATIC);
    if (!st)
      st = gc_net_init_sigma(net, c->init, sqrt(c->sigma_w2),
                             sqrt(c->sigma_b2), rng);
    if (st) goto out;
  }
  size_t nmin = n0 < n ? n0 : n;
  gc_jacobian_params p = {c->spectra, c->nspectra,
                          c->lyapunov ? nmin : 0, c->blocks};
  double t0 = wall();
  clock_t c0 = clock();
  st = gc_jacobian_alloc(&s->fwd, n0, n, L, &p);
  if (!st && c->lyapunov)
    st = gc_jacobian_random(s->fwd, n0, n, L, s->act, c->init,
                            sqrt(c->sigma_w2), sqrt(c->sigma_b2), in, rng);
  else if (!st)
    st = stored(s, c, c->net ? c->net : net, in);
  s->seconds = wall() - t0;
  s->cpu_seconds = (double)(clock() - c0) / CLOCKS_PER_SEC;
out:
  gsl_rng_free(rng);
  gsl_rng_free(rin);
  free(x);
  free(sizes);
  gc_net_free(net);
  if (st) gc_jacobian_study_free(s);
  else *out = s;
  return st;
}
