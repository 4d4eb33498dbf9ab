/* problem_identity.c -- problem 4: a sigmoid neuron as the identity. */
#include <float.h>
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_vector.h>

#include "gradchain/activation.h"
#include "gradchain/error.h"
#include "gradchain/problem_identity.h"
#include "problems/problem_gsl.h"

static double max_err(double w1, double b, double w2, double offset,
                      size_t grid)
{
  double worst = 0;
  for (size_t i = 0; i <= grid; i++) {
    double x = (double)i / (double)grid;
    double y = w2 * gc_activation_value(GC_ACT_SIGMOID, w1 * x + b) - offset;
    double e = fabs(y - x);
    if (!(e <= worst)) worst = e; /* NaN propagates */
  }
  return worst;
}

int gc_identity_max_error(double *err, double w1, double b, double w2,
                          double offset, size_t grid)
{
  if (!isfinite(w1) || !isfinite(b) || !isfinite(w2) || !isfinite(offset))
    return gc_error(GC_EINVAL, "identity: parameters must be finite");
  if (grid == 0)
    return gc_error(GC_EINVAL, "identity: the grid needs at least 1 step");
  *err = max_err(w1, b, w2, offset, grid);
  if (!isfinite(*err))
    return gc_error(GC_ENUMERIC, "identity: the error is not finite");
  return GC_OK;
}

int gc_identity_taylor(gc_identity_neuron *n, double w1, size_t grid)
{
  if (!isfinite(w1) || w1 == 0)
    return gc_error(GC_EINVAL, "identity: w1 must be a finite non-zero "
                    "number");
  n->w1 = w1;
  n->b = -w1 / 2;
  n->w2 = 4 / w1;
  n->offset = n->w2 / 2 - 0.5;
  return gc_identity_max_error(&n->max_error, n->w1, n->b, n->w2, n->offset,
                               grid);
}

double gc_identity_taylor_error(double w1)
{
  double y = fabs(w1) / 4;
  if (!isfinite(y)) return NAN;
  if (y < 0.15) {
    /* (y - tanh y)/(2y) from the series of tanh; the first term left out
     * is below 1e-16 relative here, while the tanh formula would lose
     * 3 DBL_EPSILON / y^2 to cancellation */
    double y2 = y * y;
    double s = 1.0 / 3 + y2 * (-2.0 / 15 + y2 * (17.0 / 315 +
               y2 * (-62.0 / 2835 + y2 * (1382.0 / 155925 +
               y2 * (-21844.0 / 6081075 + y2 * (929569.0 / 638512875 +
               y2 * (-6404582.0 / 10854718875.0)))))));
    return y2 * s / 2;
  }
  return 0.5 - tanh(y) / (2 * y);
}

double gc_identity_leading_error(double w1) { return w1 * w1 / 96; }

double gc_identity_rounding_floor(double w1) { return DBL_EPSILON / fabs(w1); }

double gc_identity_balanced_w1(void) { return cbrt(96 * DBL_EPSILON); }

void gc_identity_params_default(gc_identity_params *p)
{
  p->opt_grid = 1000;
  p->grid = 10000;
  p->max_iter = 5000;
  p->size_tol = 1e-5;
}

struct objective {
  double w1;
  size_t grid;
};

static void unpack(const gsl_vector *v, double w1, double *b, double *w2,
                   double *offset)
{
  double k = gsl_vector_get(v, 0), c = gsl_vector_get(v, 1),
         d = gsl_vector_get(v, 2) - k * c;
  *w2 = 4 * k / w1;
  *b = w1 * (c - 0.5);
  *offset = *w2 / 2 - d;
}

#define STALL 300

static double minimax(const gsl_vector *v, void *params)
{
  const struct objective *o = params;
  double b, w2, offset;
  unpack(v, o->w1, &b, &w2, &offset);
  double e = max_err(o->w1, b, w2, offset, o->grid);
  return isfinite(e) ? e : GSL_POSINF;
}

static int optimise(gc_identity_neuron *opt, gc_identity_info *info,
                    const gc_identity_neuron *start,
                    const gc_identity_params *p)
{
  gc_identity_params def;
  if (!p) {
    gc_identity_params_default(&def);
    p = &def;
  }
  double w1 = start->w1;
  if (!isfinite(w1) || w1 == 0 || !isfinite(start->b) ||
      !isfinite(start->w2) || !isfinite(start->offset))
    return gc_error(GC_EINVAL, "identity: the start must be finite with "
                    "w1 != 0");
  if (p->opt_grid == 0 || p->grid == 0 || p->max_iter == 0 ||
      !(p->size_tol > 0))
    return gc_error(GC_EINVAL, "identity: grids, max_iter and size_tol must "
                    "be positive");

  struct objective o = {w1, p->opt_grid};
  gsl_multimin_function F = {minimax, 3, &o};
  gsl_vector *x = gsl_vector_alloc(3), *step = gsl_vector_alloc(3);
  gsl_multimin_fminimizer *m =
      gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 3);
  if (!x || !step || !m) {
    gsl_vector_free(x);
    gsl_vector_free(step);
    if (m) gsl_multimin_fminimizer_free(m);
    return gc_error(GC_ENOMEM, "identity: out of memory");
  }
  gsl_vector_set(x, 0, start->w2 * w1 / 4);
  gsl_vector_set(x, 1, start->b / w1 + 0.5);
  gsl_vector_set(x, 2, start->w2 / 2 - start->offset +
                           gsl_vector_get(x, 0) * gsl_vector_get(x, 1));
  /* steps on the scale of the Taylor error */
  double h = fmax(start->max_error, 1e-12);
  gsl_vector_set_all(step, 10 * h);
  int gs = gsl_multimin_fminimizer_set(m, &F, x, step);
  size_t it = 0;
  int done = 0;
  double size = NAN;
  /* Nelder-Mead on a non-smooth (minimax) objective can stall; restart
   * from the best point with a fresh simplex a few times */
  int stalled = 0;
  for (int restart = 0; !gs && restart < 4; restart++) {
    done = 0;
    /* the minimiser's value is only defined after its first iteration */
    double best = INFINITY;
    size_t last = it;
    while (!done && it < p->max_iter) {
      it++;
      gs = gsl_multimin_fminimizer_iterate(m);
      if (gs) break;
      size = gsl_multimin_fminimizer_size(m);
      gs = gsl_multimin_test_size(size, p->size_tol * h);
      if (gs == GSL_SUCCESS) done = 1;
      else if (gs != GSL_CONTINUE) break;
      gs = GSL_SUCCESS;
      /* the simplex can stop shrinking on the kinks of a minimax
       * objective: also stop when the best value has not improved by a
       * relative 1e-9 in STALL iterations */
      double f = gsl_multimin_fminimizer_minimum(m);
      if (f < best * (1 - 1e-9)) {
        best = f;
        last = it;
      } else if (it - last >= STALL) {
        done = stalled = 1;
      }
    }
    if (!done || gs) break;
    if (restart < 3) {
      gsl_vector_memcpy(x, gsl_multimin_fminimizer_x(m));
      gsl_vector_set_all(step, fmax(gsl_multimin_fminimizer_minimum(m),
                                    1e-12));
      gs = gsl_multimin_fminimizer_set(m, &F, x, step);
    }
  }
  opt->w1 = w1;
  unpack(gsl_multimin_fminimizer_x(m), w1, &opt->b, &opt->w2, &opt->offset);
  if (info) {
    info->iter = it;
    info->size = size;
    info->stalled = stalled;
  }
  gsl_multimin_fminimizer_free(m);
  gsl_vector_free(x);
  gsl_vector_free(step);
  if (gs && gs != GSL_CONTINUE)
    return gc_from_gsl(gs, "identity: Nelder-Mead");
  int st = gc_identity_max_error(&opt->max_error, opt->w1, opt->b, opt->w2,
                                 opt->offset, p->grid);
  if (st) return st;
  if (!done)
    return gc_no_conv("identity: Nelder-Mead", (unsigned long)it);
  return GC_OK;
}

int gc_identity_optimise(gc_identity_neuron *opt, gc_identity_info *info,
                         const gc_identity_neuron *start,
                         const gc_identity_params *p)
{
  gsl_error_handler_t *h = gc_gsl_handler_off();
  return gc_gsl_handler_restore(h, optimise(opt, info, start, p));
}
