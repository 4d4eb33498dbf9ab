/* problem_bound.c -- problem 1: the |w| >= 4 bound, with GSL solvers. */
#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>

#include "gradchain/activation.h"
#include "gradchain/error.h"
#include "gradchain/problem_bound.h"
#include "problems/problem_gsl.h"

void gc_bound_params_default(gc_bound_params *p)
{
  p->z_lo = -1.0;
  p->z_guess = 0.5;
  p->z_hi = 1.0;
  p->z_tol = 1e-7;
  p->w_lo = 1.0;
  p->w_hi = 10.0;
  p->w_tol = 1e-15;
  p->max_iter = 100;
}

static double neg_sigma_prime(double z, void *unused)
{
  (void)unused;
  return -gc_activation_deriv(GC_ACT_SIGMOID, z);
}

/* |w| sigma'max - 1 */
static double bound_gap(double w, void *smax)
{
  return w * *(const double *)smax - 1.0;
}

static int check_params(const gc_bound_params *p)
{
  const double v[] = {p->z_lo, p->z_guess, p->z_hi, p->z_tol,
                      p->w_lo, p->w_hi, p->w_tol};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    if (!isfinite(v[i]))
      return gc_error(GC_EINVAL, "bound: parameters must be finite");
  if (!(p->z_lo < p->z_guess && p->z_guess < p->z_hi) || !(p->w_lo < p->w_hi))
    return gc_error(GC_EINVAL, "bound: brackets must be ordered "
                    "(z_lo < z_guess < z_hi, w_lo < w_hi)");
  return gc_check_limits("bound", p->z_tol, p->w_tol, p->max_iter);
}

static int bound(gc_bound_result *r, const gc_bound_params *p)
{
  int st = check_params(p);
  if (st) return st;

  /* 1. argmax sigma' = argmin -sigma' */
  gsl_function F = {neg_sigma_prime, NULL};
  gc_brent_min bm;
  r->z_tol = p->z_tol;
  st = gc_brent_minimise(&bm, &F, p->z_guess, p->z_lo, p->z_hi, p->z_tol,
                         p->max_iter, "bound: maximising sigma'");
  r->z_star = bm.x;
  r->z_lo = bm.lo;
  r->z_hi = bm.hi;
  r->z_iter = bm.iter;
  if (st) return st;
  r->sigma_prime_max = gc_activation_deriv(GC_ACT_SIGMOID, r->z_star);

  /* 2. the smallest |w| with |w| sigma'max = 1 */
  double smax = r->sigma_prime_max;
  gsl_function G = {bound_gap, &smax};
  gc_brent_bracket br;
  st = gc_brent_find_root(&br, &G, p->w_lo, p->w_hi, 0.0, p->w_tol,
                          p->max_iter, "bound: solving |w| max sigma' = 1");
  r->w_min = br.x;
  r->w_lo = br.lo;
  r->w_hi = br.hi;
  r->w_iter = br.iter;
  r->w_tol = p->w_tol;
  return st;
}

int gc_problem_bound(gc_bound_result *r, const gc_bound_params *p)
{
  gc_bound_params def;
  if (!p) gc_bound_params_default(&def);
  gsl_error_handler_t *h = gc_gsl_handler_off();
  return gc_gsl_handler_restore(h, bound(r, p ? p : &def));
}
