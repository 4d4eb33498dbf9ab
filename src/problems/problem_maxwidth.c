/* problem_maxwidth.c -- problem 3: the widest interval, GSL then MPFR. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>

#include "gradchain/error.h"
#include "gradchain/problem_maxwidth.h"
#include "problems/problem_gsl.h"

void gc_maxwidth_params_default(gc_maxwidth_params *p)
{
  p->w_lo = 4.5;
  p->w_guess = 6.0;
  p->w_hi = 20.0;
  p->min_tol = 1e-6;
  p->root_tol = 1e-15;
  p->max_iter = 100;
}

double gc_maxwidth_width(double w)
{
  if (!(w > 4) || !isfinite(w)) return NAN;
  double s = sqrt((w - 4.0) / w);
  return 4.0 / w * atanh(s);
}

double gc_maxwidth_G(double w)
{
  if (!(w > 4) || !isfinite(w)) return NAN;
  double s = sqrt((w - 4.0) / w);
  return 1.0 / s - 2.0 * atanh(s);
}

static double neg_width(double w, void *unused)
{
  (void)unused;
  return -gc_maxwidth_width(w);
}

static double G_f(double w, void *unused)
{
  (void)unused;
  return gc_maxwidth_G(w);
}

static int check(const gc_maxwidth_params *p)
{
  if (!isfinite(p->w_lo) || !isfinite(p->w_guess) || !isfinite(p->w_hi) ||
      !(p->w_lo > 4) || !(p->w_lo < p->w_guess && p->w_guess < p->w_hi))
    return gc_error(GC_EINVAL, "maxwidth: the bracket must satisfy "
                    "4 < w_lo < w_guess < w_hi");
  return gc_check_limits("maxwidth", p->min_tol, p->root_tol, p->max_iter);
}

static int maxwidth(gc_maxwidth_result *r, const gc_maxwidth_params *p)
{
  int st = check(p);
  if (st) return st;
  r->min_tol = p->min_tol;
  r->root_tol = p->root_tol;

  /* 1. maximise W with Brent's minimiser on -W */
  gsl_function F = {neg_width, NULL};
  gc_brent_min bm;
  st = gc_brent_minimise(&bm, &F, p->w_guess, p->w_lo, p->w_hi,
                         p->min_tol, p->max_iter,
                         "maxwidth: maximising the width");
  r->min_w = bm.x;
  r->min_width = -bm.f;
  r->min_lo = bm.lo;
  r->min_hi = bm.hi;
  r->min_iter = bm.iter;
  if (st) return st;

  /* 2. the root of G = (w^2/2) dW/dw, bracketed around the minimiser's
   * interval, widened so that G has opposite signs at the ends */
  double lo = r->min_lo - 1e-3, hi = r->min_hi + 1e-3;
  if (lo <= 4) lo = 0.5 * (4 + r->min_lo);
  gsl_function Gf = {G_f, NULL};
  gc_brent_bracket br;
  st = gc_brent_find_root(&br, &Gf, lo, hi, 0, p->root_tol, p->max_iter,
                          "maxwidth: solving dW/dw = 0");
  r->root_iter = br.iter;
  if (st) return st;
  double x = br.x, blo = br.lo, bhi = br.hi;
  r->w_star = x;
  r->w_err = 0.5 * (bhi - blo);
  r->width_max = gc_maxwidth_width(x);
  double e1 = fabs(gc_maxwidth_width(blo) - r->width_max);
  double e2 = fabs(gc_maxwidth_width(bhi) - r->width_max);
  r->width_err = fmax(e1, e2) + 4 * DBL_EPSILON * r->width_max;
  return GC_OK;
}

int gc_problem_maxwidth(gc_maxwidth_result *r, const gc_maxwidth_params *p)
{
  gc_maxwidth_params def;
  if (!p) gc_maxwidth_params_default(&def);
  gsl_error_handler_t *h = gc_gsl_handler_off();
  return gc_gsl_handler_restore(h, maxwidth(r, p ? p : &def));
}

/* ------------------------------------------------------------------ MPFR */

int gc_maxwidth_mpfr(mpfr_t w_star, mpfr_t width_max, mpfr_prec_t prec,
                     mpfr_rnd_t rnd, double w_start, size_t max_iter,
                     size_t *iter)
{
  if (!isfinite(w_start) || !(w_start > 4))
    return gc_error(GC_EINVAL, "maxwidth: the MPFR start must be > 4");
  if (prec < MPFR_PREC_MIN || prec > MPFR_PREC_MAX - 64 || max_iter == 0)
    return gc_error(GC_EINVAL, "maxwidth: precision %ld bits is out of "
                    "range", (long)prec);
  mpfr_prec_t wp = prec + 32;
  mpfr_t w, s, u, G, dG, t, step, eps;
  mpfr_inits2(wp, w, s, u, G, dG, t, step, eps, (mpfr_ptr)0);
  mpfr_set_d(w, w_start, MPFR_RNDN);
  mpfr_set_ui_2exp(eps, 1, -prec, MPFR_RNDN); /* 2^-prec */
  size_t k = 0;
  int st = GC_ENOCONV;
  while (k < max_iter) {
    /* s = sqrt((w-4)/w) */
    mpfr_sub_ui(t, w, 4, MPFR_RNDN);
    if (mpfr_sgn(t) <= 0) {
      st = gc_error(GC_ENUMERIC, "maxwidth: Newton left the domain w > 4");
      break;
    }
    mpfr_div(s, t, w, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    /* G = 1/s - 2 atanh(s) */
    mpfr_atanh(u, s, MPFR_RNDN);
    mpfr_mul_2ui(u, u, 1, MPFR_RNDN);
    mpfr_ui_div(G, 1, s, MPFR_RNDN);
    mpfr_sub(G, G, u, MPFR_RNDN);
    /* G' = -2/(s^3 w^2) - 1/(s w) = -(2 + s^2 w) / (s^3 w^2) */
    mpfr_sqr(t, s, MPFR_RNDN);
    mpfr_mul(t, t, w, MPFR_RNDN);  /* s^2 w */
    mpfr_add_ui(dG, t, 2, MPFR_RNDN);
    mpfr_mul(t, t, s, MPFR_RNDN);  /* s^3 w */
    mpfr_mul(t, t, w, MPFR_RNDN);  /* s^3 w^2 */
    mpfr_div(dG, dG, t, MPFR_RNDN);
    mpfr_neg(dG, dG, MPFR_RNDN);
    mpfr_div(step, G, dG, MPFR_RNDN);
    mpfr_sub(w, w, step, MPFR_RNDN);
    k++;
    if (!mpfr_number_p(w)) {
      st = gc_error(GC_ENUMERIC, "maxwidth: Newton produced NaN");
      break;
    }
    if (mpfr_cmpabs(step, eps) < 0) {
      st = GC_OK;
      break;
    }
  }
  if (st == GC_ENOCONV)
    gc_no_conv("maxwidth: MPFR Newton on dW/dw = 0", (unsigned long)k);
  if (st == GC_OK) {
    /* W = 4 atanh(s) / w at the new w */
    mpfr_sub_ui(t, w, 4, MPFR_RNDN);
    mpfr_div(s, t, w, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    mpfr_atanh(u, s, MPFR_RNDN);
    mpfr_mul_2ui(u, u, 2, MPFR_RNDN);
    mpfr_div(u, u, w, MPFR_RNDN);
    mpfr_set(w_star, w, rnd);
    mpfr_set(width_max, u, rnd);
  }
  if (iter) *iter = k;
  mpfr_clears(w, s, u, G, dG, t, step, eps, (mpfr_ptr)0);
  return st;
}
