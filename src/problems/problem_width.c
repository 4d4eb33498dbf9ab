/* problem_width.c -- problem 2: the ends of {a : |w sigma'(wa+b)| >= 1}. */
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>

#include "gradchain/activation.h"
#include "gradchain/error.h"
#include "gradchain/problem_width.h"
#include "problems/problem_gsl.h"
#include "core/names.h"

static const char *const kind_names[] = {"empty", "point", "interval"};

const char *gc_width_kind_name(gc_width_kind kind)
{
  return gc_name_of(kind_names, GC_NAMES_COUNT(kind_names), (unsigned)kind);
}

int gc_width_kind_from_name(gc_width_kind *kind, const char *name)
{
  int k = gc_name_index(kind_names, GC_NAMES_COUNT(kind_names), name);
  if (k >= 0) {
    *kind = (gc_width_kind)k;
    return GC_OK;
  }
  return gc_error(GC_EINVAL, "unknown kind of set '%s' (expected empty, "
                  "point or interval)", name);
}

void gc_width_params_default(gc_width_params *p)
{
  p->tol = 1e-12;
  p->max_iter = 100;
  p->polish = 1;
}

double gc_width_closed_form(double w)
{
  double aw = fabs(w);
  if (!isfinite(aw) || aw < 4) return NAN;
  /* s = sqrt(1 - 4/|w|); |w|(1+s)/2 - 1 = (1+s)/(1-s) = 1 + 2s/(1-s),
   * and 1 - s = (4/|w|)/(1+s), so 2s/(1-s) = s(1+s)|w|/2: no cancellation
   * near |w| = 4, no 1/0 for huge |w| */
  double s = sqrt((aw - 4.0) / aw);
  return 2.0 / aw * log1p(s * (1.0 + s) * (aw / 2.0));
}

struct wb {
  double w, b;
};

/* g(a) = |w| sigma'(wa+b) - 1 */
static double g_f(double a, void *p)
{
  const struct wb *q = p;
  return fabs(q->w) * gc_activation_deriv(GC_ACT_SIGMOID, q->w * a + q->b) - 1.0;
}

/* sigma''(z) = sigma'(z) (1 - 2 sigma(z)), without cancellation */
static double sigma_second(double z)
{
  double t = exp(-fabs(z));
  double m = -expm1(-fabs(z)) / (1.0 + t); /* |1 - 2 sigma(z)| */
  double sp = t / ((1.0 + t) * (1.0 + t));
  return z >= 0 ? -sp * m : sp * m;
}

static double g_df(double a, void *p)
{
  const struct wb *q = p;
  return fabs(q->w) * q->w * sigma_second(q->w * a + q->b);
}

static void g_fdf(double a, void *p, double *f, double *df)
{
  *f = g_f(a, p);
  *df = g_df(a, p);
}

/* One end: Brent on [lo, hi], then Newton from its answer. */
static int one_end(double *root, size_t *iter, size_t *piter, struct wb *q,
                   double lo, double hi, const gc_width_params *p)
{
  gsl_function F = {g_f, q};
  gc_brent_bracket br;
  int st = gc_brent_find_root(&br, &F, lo, hi, 1e-3 * p->tol * (hi - lo),
                              p->tol, p->max_iter,
                              "width: solving for an end of the interval");
  *iter = br.iter;
  *piter = 0;
  if (st) return st;
  double x = br.x, blo = br.lo, bhi = br.hi;
  *root = x;
  if (!p->polish || g_f(x, q) == 0) return GC_OK;

  /* Newton polish; kept only while it stays inside Brent's bracket and
   * does not increase |g| */
  gsl_function_fdf FDF = {g_f, g_df, g_fdf, q};
  gsl_root_fdfsolver *n = gsl_root_fdfsolver_alloc(gsl_root_fdfsolver_newton);
  if (!n) return gc_error(GC_ENOMEM, "width: out of memory");
  if (gsl_root_fdfsolver_set(n, &FDF, x) == GSL_SUCCESS) {
    double best = x, gbest = fabs(g_f(x, q));
    for (int it = 0; it < 10; it++) {
      double x0 = gsl_root_fdfsolver_root(n);
      if (gsl_root_fdfsolver_iterate(n) != GSL_SUCCESS) break;
      double x1 = gsl_root_fdfsolver_root(n);
      if (!(x1 >= blo && x1 <= bhi)) break;
      double g1 = fabs(g_f(x1, q));
      (*piter)++;
      if (g1 <= gbest) {
        best = x1;
        gbest = g1;
      }
      if (gsl_root_test_delta(x1, x0, 0.0, 2 * GSL_DBL_EPSILON) ==
              GSL_SUCCESS || g1 == 0)
        break;
    }
    *root = best;
  }
  gsl_root_fdfsolver_free(n);
  return GC_OK;
}

static int width(gc_width_result *r, double w, double b,
                 const gc_width_params *p)
{
  if (!isfinite(w) || !isfinite(b))
    return gc_error(GC_EINVAL, "width: w and b must be finite numbers");
  if (w == 0)
    return gc_error(GC_EINVAL, "width: w must not be 0 (the interval is "
                    "centred on -b/w)");
  if (!(p->tol > 0) || p->max_iter == 0)
    return gc_error(GC_EINVAL, "width: tol and max_iter must be positive");

  double aw = fabs(w);
  r->w = w;
  r->b = b;
  r->tol = p->tol;
  r->shift = b == 0 ? 0.0 : -b / w;
  r->width_closed_form = gc_width_closed_form(w);
  r->iter_lo = r->iter_hi = r->polish_lo = r->polish_hi = 0;
  r->end_err = 0;
  if (aw < 4) {
    r->kind = GC_WIDTH_EMPTY;
    r->a_lo = r->a_hi = r->centre = NAN;
    r->width = 0;
    return GC_OK;
  }
  if (aw == 4) {
    r->kind = GC_WIDTH_POINT;
    r->a_lo = r->a_hi = r->centre = r->shift;
    r->width = 0;
    return GC_OK;
  }
  r->kind = GC_WIDTH_INTERVAL;
  struct wb q = {w, b};
  double a0 = r->shift;
  /* at |z| = ln|w| + 2, sigma'(z) < e^-|z| = 1/(e^2 |w|): g < 0 there */
  double d = (log(aw) + 2.0) / aw;
  int st = one_end(&r->a_lo, &r->iter_lo, &r->polish_lo, &q, a0 - d, a0, p);
  if (!st) st = one_end(&r->a_hi, &r->iter_hi, &r->polish_hi, &q, a0, a0 + d, p);
  if (st) return st;
  r->width = r->a_hi - r->a_lo;
  /* conditioning: g is known to ~ a few DBL_EPSILON, so an end is known
   * to about that over |g'| there (large as |w| -> 4, where g is flat) */
  double gp = fmax(fabs(g_df(r->a_lo, &q)), fabs(g_df(r->a_hi, &q)));
  r->end_err = 4 * DBL_EPSILON / gp + p->tol * fmax(fabs(r->a_lo),
                                                    fabs(r->a_hi));
  r->centre = 0.5 * (r->a_lo + r->a_hi);
  return GC_OK;
}

int gc_problem_width(gc_width_result *r, double w, double b,
                     const gc_width_params *p)
{
  gc_width_params def;
  if (!p) gc_width_params_default(&def);
  gsl_error_handler_t *h = gc_gsl_handler_off();
  return gc_gsl_handler_restore(h, width(r, w, b, p ? p : &def));
}

int gc_width_mpfr(mpfr_ptr a_lo, mpfr_ptr a_hi, mpfr_ptr width,
                  gc_width_kind *kind, mpfr_srcptr w, mpfr_srcptr b,
                  mpfr_rnd_t rnd)
{
  if (!mpfr_number_p(w) || !mpfr_number_p(b) || mpfr_zero_p(w))
    return gc_error(GC_EINVAL, "w must be a non-zero number and b a number");
  mpfr_prec_t q = mpfr_get_prec(a_lo);
  if (mpfr_get_prec(a_hi) > q) q = mpfr_get_prec(a_hi);
  if (mpfr_get_prec(width) > q) q = mpfr_get_prec(width);
  q += 32;
  int c = mpfr_cmpabs_ui(w, 4);
  if (c < 0) {
    *kind = GC_WIDTH_EMPTY;
    mpfr_set_nan(a_lo);
    mpfr_set_nan(a_hi);
    mpfr_set_zero(width, 1);
    return GC_OK;
  }
  mpfr_t aw, r, Z, t;
  mpfr_inits2(q, aw, r, Z, t, (mpfr_ptr)0);
  mpfr_abs(aw, w, MPFR_RNDN);
  if (c == 0) {
    *kind = GC_WIDTH_POINT;
    mpfr_div(t, b, w, MPFR_RNDN);
    mpfr_neg(a_lo, t, rnd);
    mpfr_neg(a_hi, t, rnd);
    mpfr_set_zero(width, 1);
  } else {
    *kind = GC_WIDTH_INTERVAL;
    mpfr_sub_ui(r, aw, 4, MPFR_RNDN);   /* |w| - 4: no cancellation */
    mpfr_div(r, r, aw, MPFR_RNDN);
    mpfr_sqrt(r, r, MPFR_RNDN);         /* r = sqrt(1 - 4/|w|) */
    mpfr_add_ui(t, r, 1, MPFR_RNDN);
    mpfr_mul(t, t, r, MPFR_RNDN);
    mpfr_mul(t, t, aw, MPFR_RNDN);
    mpfr_div_2ui(t, t, 1, MPFR_RNDN);
    mpfr_log1p(Z, t, MPFR_RNDN);        /* Z = 2 artanh(r) */
    mpfr_mul_2ui(t, Z, 1, MPFR_RNDN);
    mpfr_div(width, t, aw, rnd);
    /* the end below: -b - sgn(w) Z, over w */
    if (mpfr_sgn(w) > 0) mpfr_add(t, b, Z, MPFR_RNDN);
    else mpfr_sub(t, b, Z, MPFR_RNDN);
    mpfr_neg(t, t, MPFR_RNDN);
    mpfr_div(a_lo, t, w, rnd);
    /* the end above: -b + sgn(w) Z, over w */
    if (mpfr_sgn(w) > 0) mpfr_sub(t, Z, b, MPFR_RNDN);
    else mpfr_add(t, Z, b, MPFR_RNDN);
    if (mpfr_sgn(w) < 0) mpfr_neg(t, t, MPFR_RNDN);
    mpfr_div(a_hi, t, w, rnd);
  }
  mpfr_clears(aw, r, Z, t, (mpfr_ptr)0);
  return GC_OK;
}
