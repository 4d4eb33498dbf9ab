/* check_problems.c -- the chapter's problems against closed forms, MPFR at
 * higher precision and hand-built chains; solver failures as gc_status. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <mpfr.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static int close_rel(double x, double ref, double tol)
{
  return fabs(x - ref) <= tol * fabs(ref);
}

/* ---------------------------------------------------------------- bound */

START_TEST(test_bound)
{
  gc_bound_result r;
  ck_assert_int_eq(gc_problem_bound(&r, NULL), GC_OK);
  /* sigma' is maximal at 0 with value 1/4, so the bound is |w| >= 4 */
  ck_assert_msg(fabs(r.z_star) <= r.z_tol, "z* = %g", r.z_star);
  ck_assert(r.z_lo <= 0 + r.z_tol && r.z_hi >= 0 - r.z_tol);
  /* sigma'(z) = 1/4 - z^2/16 + ...: the flat top costs z*^2/16 */
  ck_assert(fabs(r.sigma_prime_max - 0.25) <=
            r.z_star * r.z_star / 16 + DBL_EPSILON);
  ck_assert_msg(close_rel(r.w_min, 4.0, 4 * r.w_tol), "w_min = %.17g",
                r.w_min);
  ck_assert(r.z_iter >= 1 && r.w_iter >= 1);
}
END_TEST

START_TEST(test_bound_failures)
{
  gc_bound_result r;
  gc_bound_params p;
  /* the guess is not below both ends: no bracketed minimum */
  gc_bound_params_default(&p);
  p.z_lo = 0.5;
  p.z_guess = 1;
  p.z_hi = 2;
  ck_assert_int_eq(gc_problem_bound(&r, &p), GC_ENOBRACKET);
  ck_assert(strstr(gc_strerror_last(), "bracket") != NULL);
  /* |w|/4 - 1 has no root in [5, 10] */
  gc_bound_params_default(&p);
  p.w_lo = 5;
  ck_assert_int_eq(gc_problem_bound(&r, &p), GC_ENOBRACKET);
  /* one iteration cannot reach 1e-7 */
  gc_bound_params_default(&p);
  p.max_iter = 1;
  ck_assert_int_eq(gc_problem_bound(&r, &p), GC_ENOCONV);
  ck_assert(strstr(gc_strerror_last(), "no convergence") != NULL);
  gc_bound_params_default(&p);
  p.z_tol = NAN;
  ck_assert_int_eq(gc_problem_bound(&r, &p), GC_EINVAL);
}
END_TEST

/* ---------------------------------------------------------------- width */

/* the ends of the interval at 128 bits from sigma = (1 +- s)/2:
 * z_+ = ln((1+s)/(1-s)), a = (+-z_+ - b)/w, and the book's closed form
 * (2/|w|) ln(|w|(1+s)/2 - 1) written literally */
static void width_mpfr(double w, double b, double *lo, double *hi,
                       double *width)
{
  mpfr_t s, t, zp, a1, a2, W;
  mpfr_inits2(128, s, t, zp, a1, a2, W, (mpfr_ptr)0);
  mpfr_set_d(t, fabs(w), MPFR_RNDN);
  mpfr_ui_div(s, 4, t, MPFR_RNDN);
  mpfr_ui_sub(s, 1, s, MPFR_RNDN);
  mpfr_sqrt(s, s, MPFR_RNDN);             /* s */
  mpfr_add_ui(zp, s, 1, MPFR_RNDN);
  mpfr_ui_sub(t, 1, s, MPFR_RNDN);
  mpfr_div(zp, zp, t, MPFR_RNDN);
  mpfr_log(zp, zp, MPFR_RNDN);            /* z_+ */
  mpfr_sub_d(a1, zp, b, MPFR_RNDN);
  mpfr_div_d(a1, a1, w, MPFR_RNDN);       /* (z_+ - b)/w */
  mpfr_neg(a2, zp, MPFR_RNDN);
  mpfr_sub_d(a2, a2, b, MPFR_RNDN);
  mpfr_div_d(a2, a2, w, MPFR_RNDN);       /* (-z_+ - b)/w */
  if (mpfr_less_p(a1, a2)) mpfr_swap(a1, a2);
  *lo = mpfr_get_d(a2, MPFR_RNDN);
  *hi = mpfr_get_d(a1, MPFR_RNDN);
  /* (2/|w|) ln(|w| (1+s)/2 - 1) */
  mpfr_set_d(t, fabs(w), MPFR_RNDN);
  mpfr_add_ui(W, s, 1, MPFR_RNDN);
  mpfr_mul(W, W, t, MPFR_RNDN);
  mpfr_div_2ui(W, W, 1, MPFR_RNDN);
  mpfr_sub_ui(W, W, 1, MPFR_RNDN);
  mpfr_log(W, W, MPFR_RNDN);
  mpfr_mul_ui(W, W, 2, MPFR_RNDN);
  mpfr_div(W, W, t, MPFR_RNDN);
  *width = mpfr_get_d(W, MPFR_RNDN);
  mpfr_clears(s, t, zp, a1, a2, W, (mpfr_ptr)0);
}

START_TEST(test_width_closed_form)
{
  const double ws[] = {4.5, 5, 6, 6.9, 10, 100, 1e4, -4.5, -7, -50};
  const double bs[] = {0, 0.7, -3};
  for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
    for (size_t j = 0; j < 3; j++) {
      double w = ws[i], b = bs[j], lo, hi, W;
      width_mpfr(w, b, &lo, &hi, &W);
      gc_width_result r;
      ck_assert_int_eq(gc_problem_width(&r, w, b, NULL), GC_OK);
      ck_assert_int_eq(r.kind, GC_WIDTH_INTERVAL);
      /* the root of g is determined to ~ eps / |g'| relative: with the
       * shift -b/w of size up to 3/4.5 allow 1e-12 of the scale */
      double scale = fabs(r.shift) + W;
      ck_assert_msg(fabs(r.a_lo - lo) <= 1e-12 * scale,
                    "w %g b %g: a_lo %.17g vs %.17g", w, b, r.a_lo, lo);
      ck_assert_msg(fabs(r.a_hi - hi) <= 1e-12 * scale,
                    "w %g b %g: a_hi %.17g vs %.17g", w, b, r.a_hi, hi);
      ck_assert_msg(fabs(r.width - W) <= 2e-12 * scale,
                    "w %g b %g: width %.17g vs %.17g", w, b, r.width, W);
      ck_assert(close_rel(r.width_closed_form, W, 1e-14));
      ck_assert(fabs(r.centre - (-b / w)) <= 1e-12 * scale);
      /* both ends are roots of |w| sigma'(wa+b) = 1 */
      double g1 = fabs(w) * gc_activation_deriv(GC_ACT_SIGMOID, w * r.a_lo + b);
      double g2 = fabs(w) * gc_activation_deriv(GC_ACT_SIGMOID, w * r.a_hi + b);
      ck_assert(fabs(g1 - 1) < 1e-10 && fabs(g2 - 1) < 1e-10);
    }
}
END_TEST

START_TEST(test_width_b_shift)
{
  /* b only shifts: the width at b is the width at 0 */
  gc_width_result r0, r;
  ck_assert_int_eq(gc_problem_width(&r0, 8, 0, NULL), GC_OK);
  for (double b = -5; b <= 5; b += 1.25) {
    ck_assert_int_eq(gc_problem_width(&r, 8, b, NULL), GC_OK);
    ck_assert(fabs(r.width - r0.width) <= 1e-12);
    ck_assert(fabs(r.a_lo - (r0.a_lo - b / 8)) <= 1e-12);
  }
}
END_TEST

START_TEST(test_width_edges)
{
  gc_width_result r;
  ck_assert_int_eq(gc_problem_width(&r, 3.999, 1, NULL), GC_OK);
  ck_assert_int_eq(r.kind, GC_WIDTH_EMPTY);
  ck_assert(r.width == 0 && isnan(r.a_lo) && isnan(r.width_closed_form));
  ck_assert_int_eq(gc_problem_width(&r, -0.5, 0, NULL), GC_OK);
  ck_assert_int_eq(r.kind, GC_WIDTH_EMPTY);
  ck_assert_int_eq(gc_problem_width(&r, -4, 2, NULL), GC_OK);
  ck_assert_int_eq(r.kind, GC_WIDTH_POINT);
  ck_assert(r.a_lo == 0.5 && r.a_hi == 0.5 && r.width == 0);
  ck_assert(r.width_closed_form == 0);
  /* invalid arguments */
  ck_assert_int_eq(gc_problem_width(&r, 0, 1, NULL), GC_EINVAL);
  ck_assert(strlen(gc_strerror_last()) > 0);
  ck_assert_int_eq(gc_problem_width(&r, NAN, 1, NULL), GC_EINVAL);
  ck_assert_int_eq(gc_problem_width(&r, 6, INFINITY, NULL), GC_EINVAL);
  /* one Brent iteration cannot reach 1e-12 */
  gc_width_params p;
  gc_width_params_default(&p);
  p.max_iter = 1;
  ck_assert_int_eq(gc_problem_width(&r, 6, 0.3, &p), GC_ENOCONV);
  /* near |w| = 4 the ends are ill-conditioned; the error estimate says so
   * and covers the true error (closed form at 128 bits) */
  double lo0, hi0, W0;
  width_mpfr(4 + 1e-9, 0, &lo0, &hi0, &W0);
  ck_assert_int_eq(gc_problem_width(&r, 4 + 1e-9, 0, NULL), GC_OK);
  ck_assert(r.end_err > 1e-13);
  ck_assert(fabs(r.a_hi - hi0) <= r.end_err && fabs(r.a_lo - lo0) <= r.end_err);
  ck_assert(close_rel(r.width_closed_form, W0, 1e-12));
  /* huge |w|: the closed form stays finite */
  width_mpfr(1e300, 0, &lo0, &hi0, &W0);
  ck_assert_int_eq(gc_problem_width(&r, 1e300, 0, NULL), GC_OK);
  ck_assert(close_rel(r.width_closed_form, W0, 1e-14));
  ck_assert(close_rel(r.width, W0, 1e-11));
  /* Brent alone (no polish) also meets the tolerance */
  gc_width_params_default(&p);
  p.polish = 0;
  double lo, hi, W;
  width_mpfr(6, 0.3, &lo, &hi, &W);
  ck_assert_int_eq(gc_problem_width(&r, 6, 0.3, &p), GC_OK);
  ck_assert(fabs(r.width - W) <= 1e-11);
}
END_TEST

/* g(a) = |w| sigma'(wa+b) - 1 at a's precision, sigma' = e^-z/(1+e^-z)^2 */
static void width_g(mpfr_t g, mpfr_t a, mpfr_t w, mpfr_t b)
{
  mpfr_t z, t;
  mpfr_inits2(mpfr_get_prec(g), z, t, (mpfr_ptr)0);
  mpfr_fma(z, w, a, b, MPFR_RNDN);
  mpfr_neg(z, z, MPFR_RNDN);
  mpfr_exp(z, z, MPFR_RNDN);
  mpfr_add_ui(t, z, 1, MPFR_RNDN);
  mpfr_sqr(t, t, MPFR_RNDN);
  mpfr_div(g, z, t, MPFR_RNDN);
  mpfr_abs(t, w, MPFR_RNDN);
  mpfr_mul(g, g, t, MPFR_RNDN);
  mpfr_sub_ui(g, g, 1, MPFR_RNDN);
  mpfr_clears(z, t, (mpfr_ptr)0);
}

/* Independent of the closed form: bisection of g at 400 bits between
 * from (g < 0) and to (g > 0), w and b read from decimal strings. */
static void width_end_bisect(mpfr_t a, const char *ws, const char *bs,
                             double from, double to)
{
  mpfr_t w, b, lo, hi, g;
  mpfr_inits2(400, w, b, lo, hi, g, (mpfr_ptr)0);
  mpfr_set_str(w, ws, 10, MPFR_RNDN);
  mpfr_set_str(b, bs, 10, MPFR_RNDN);
  mpfr_set_d(lo, from, MPFR_RNDN); /* g(lo) < 0 */
  mpfr_set_d(hi, to, MPFR_RNDN);   /* g(hi) > 0 */
  for (int i = 0; i < 410; i++) {
    mpfr_add(a, lo, hi, MPFR_RNDN);
    mpfr_div_2ui(a, a, 1, MPFR_RNDN);
    width_g(g, a, w, b);
    if (mpfr_sgn(g) < 0) mpfr_set(lo, a, MPFR_RNDN);
    else mpfr_set(hi, a, MPFR_RNDN);
  }
  mpfr_clears(w, b, lo, hi, g, (mpfr_ptr)0);
}

static char *digits38(mpfr_t x)
{
  char *s = malloc(128);
  gc_mpfr_snprint(s, 128, x, 38);
  return s;
}

/* gc_width_mpfr with w = 6 or -7.3 and b = 0.3 read as decimals: the ends
 * to 38 digits against bisection of g; b rounded to double moves them
 * from the 17th digit on (mpmath findroot at 60 digits on |w| sigma' = 1:
 * a_lo = -0.269492982820802784770841057884661407337830..., with
 * b = double(0.3) -0.269492982820802782920469350176067173298444...). */
START_TEST(test_width_mpfr_decimal)
{
  const struct { const char *w; double lo[2], hi[2]; } cases[] = {
    {"6", {-1, -0.05}, {1, -0.05}}, {"-7.3", {-1, 0.3 / 7.3}, {1, 0.3 / 7.3}}};
  for (int k = 0; k < 2; k++) {
    mpfr_t w, b, lo, hi, W, ref;
    mpfr_inits2(160, w, b, (mpfr_ptr)0);
    mpfr_inits2(128, lo, hi, W, (mpfr_ptr)0);
    mpfr_init2(ref, 400);
    ck_assert_int_eq(gc_mpfr_set_str(w, cases[k].w, MPFR_RNDN), GC_OK);
    ck_assert_int_eq(gc_mpfr_set_str(b, "0.3", MPFR_RNDN), GC_OK);
    gc_width_kind kind;
    ck_assert_int_eq(gc_width_mpfr(lo, hi, W, &kind, w, b, MPFR_RNDN), GC_OK);
    ck_assert_int_eq(kind, GC_WIDTH_INTERVAL);
    mpfr_t *got[] = {&lo, &hi};
    for (int e = 0; e < 2; e++) {
      /* g < 0 one unit outside, > 0 at the centre -b/w */
      double g_neg = e == 0 ? cases[k].lo[0] : cases[k].hi[0];
      double g_pos = e == 0 ? cases[k].lo[1] : cases[k].hi[1];
      width_end_bisect(ref, cases[k].w, "0.3", g_neg, g_pos);
      char *a = digits38(*got[e]), *r = digits38(ref);
      ck_assert_str_eq(a, r);
      free(a);
      free(r);
      if (e == 0) mpfr_set(W, ref, MPFR_RNDN);
    }
    if (k == 0) {
      char *a = digits38(lo);
      ck_assert_str_eq(a, "-2.6949298282080278477084105788466140734e-1");
      free(a);
      /* the double problem differs from the 17th digit */
      mpfr_set_d(b, 0.3, MPFR_RNDN);
      ck_assert_int_eq(gc_width_mpfr(lo, hi, W, &kind, w, b, MPFR_RNDN),
                       GC_OK);
      a = digits38(lo);
      ck_assert_str_eq(a, "-2.6949298282080278292046935017606717330e-1");
      free(a);
    }
    mpfr_clears(w, b, lo, hi, W, ref, (mpfr_ptr)0);
  }
  /* the kind from w exactly: 4 + 10^-30 is an interval, 4 a point */
  mpfr_t w, b, lo, hi, W;
  mpfr_inits2(200, w, b, lo, hi, W, (mpfr_ptr)0);
  gc_width_kind kind;
  gc_mpfr_set_str(w, "4.000000000000000000000000000001", MPFR_RNDN);
  mpfr_set_ui(b, 1, MPFR_RNDN);
  ck_assert_int_eq(gc_width_mpfr(lo, hi, W, &kind, w, b, MPFR_RNDN), GC_OK);
  ck_assert_int_eq(kind, GC_WIDTH_INTERVAL);
  ck_assert(mpfr_cmp_d(W, 1e-14) < 0 && mpfr_sgn(W) > 0);
  mpfr_set_si(w, -4, MPFR_RNDN);
  ck_assert_int_eq(gc_width_mpfr(lo, hi, W, &kind, w, b, MPFR_RNDN), GC_OK);
  ck_assert_int_eq(kind, GC_WIDTH_POINT);
  ck_assert(mpfr_cmp_d(lo, 0.25) == 0 && mpfr_equal_p(lo, hi));
  mpfr_set_d(w, 3.5, MPFR_RNDN);
  ck_assert_int_eq(gc_width_mpfr(lo, hi, W, &kind, w, b, MPFR_RNDN), GC_OK);
  ck_assert_int_eq(kind, GC_WIDTH_EMPTY);
  ck_assert(mpfr_nan_p(lo) && mpfr_zero_p(W));
  mpfr_set_zero(w, 1);
  ck_assert_int_eq(gc_width_mpfr(lo, hi, W, &kind, w, b, MPFR_RNDN),
                   GC_EINVAL);
  mpfr_clears(w, b, lo, hi, W, (mpfr_ptr)0);
}
END_TEST

/* ------------------------------------------------------------- maxwidth */

/* Independent: the maximum solves 2 s artanh(s) = 1 (s = sqrt(1-4/w)),
 * found by bisection in s at PREC bits; then w* = 4/(1-s^2) and
 * W* = (1-s^2)/(2s). */
static void maxwidth_bisect(mpfr_t w, mpfr_t W, mpfr_prec_t prec)
{
  mpfr_t lo, hi, mid, f;
  mpfr_inits2(prec, lo, hi, mid, f, (mpfr_ptr)0);
  mpfr_set_d(lo, 0.5, MPFR_RNDN);
  mpfr_set_d(hi, 0.8, MPFR_RNDN);
  for (mpfr_prec_t i = 0; i < prec + 4; i++) {
    mpfr_add(mid, lo, hi, MPFR_RNDN);
    mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
    mpfr_atanh(f, mid, MPFR_RNDN);
    mpfr_mul(f, f, mid, MPFR_RNDN);
    mpfr_mul_2ui(f, f, 1, MPFR_RNDN);
    mpfr_sub_ui(f, f, 1, MPFR_RNDN); /* increasing in s */
    if (mpfr_sgn(f) > 0) mpfr_set(hi, mid, MPFR_RNDN);
    else mpfr_set(lo, mid, MPFR_RNDN);
  }
  mpfr_sqr(f, mid, MPFR_RNDN);
  mpfr_ui_sub(f, 1, f, MPFR_RNDN);   /* 1 - s^2 */
  mpfr_ui_div(w, 4, f, MPFR_RNDN);
  mpfr_div(W, f, mid, MPFR_RNDN);
  mpfr_div_2ui(W, W, 1, MPFR_RNDN);
  mpfr_clears(lo, hi, mid, f, (mpfr_ptr)0);
}

START_TEST(test_maxwidth_double)
{
  mpfr_t w, W;
  mpfr_inits2(200, w, W, (mpfr_ptr)0);
  maxwidth_bisect(w, W, 200);
  double wr = mpfr_get_d(w, MPFR_RNDN), Wr = mpfr_get_d(W, MPFR_RNDN);
  gc_maxwidth_result r;
  ck_assert_int_eq(gc_problem_maxwidth(&r, NULL), GC_OK);
  /* the book: |w| ~ 6.9, width ~ 0.45 */
  ck_assert(fabs(r.w_star - 6.9) < 0.01 && fabs(r.width_max - 0.45) < 0.01);
  /* at least 12 significant digits, within the solver's own estimate */
  ck_assert_msg(close_rel(r.w_star, wr, 1e-13), "w* %.17g vs %.17g",
                r.w_star, wr);
  ck_assert(fabs(r.w_star - wr) <= r.w_err + 4 * DBL_EPSILON * wr);
  ck_assert_msg(close_rel(r.width_max, Wr, 1e-15), "W %.17g vs %.17g",
                r.width_max, Wr);
  ck_assert(fabs(r.width_max - Wr) <= r.width_err);
  /* the minimiser alone: w to ~sqrt(eps), W to ~eps */
  ck_assert(fabs(r.min_w - wr) <= r.min_hi - r.min_lo);
  ck_assert(close_rel(r.min_width, Wr, 1e-14));
  mpfr_clears(w, W, (mpfr_ptr)0);
}
END_TEST

START_TEST(test_maxwidth_mpfr)
{
  mpfr_t w, W, wr, Wr, d;
  mpfr_inits2(128, w, W, (mpfr_ptr)0);
  mpfr_inits2(300, wr, Wr, d, (mpfr_ptr)0);
  maxwidth_bisect(wr, Wr, 300);
  size_t it;
  ck_assert_int_eq(gc_maxwidth_mpfr(w, W, 128, MPFR_RNDN, 6.9, 100, &it),
                   GC_OK);
  ck_assert(it >= 2 && it < 20);
  mpfr_sub(d, w, wr, MPFR_RNDN);
  mpfr_div(d, d, wr, MPFR_RNDN);
  ck_assert_msg(mpfr_zero_p(d) || mpfr_get_exp(d) < -125,
                "w* relative error %g", mpfr_get_d(d, MPFR_RNDN));
  mpfr_sub(d, W, Wr, MPFR_RNDN);
  mpfr_div(d, d, Wr, MPFR_RNDN);
  ck_assert(mpfr_zero_p(d) || mpfr_get_exp(d) < -125);
  /* the confirmed digits are the reference's digits */
  char buf[128], ref[128];
  size_t nd = gc_mpfr_confirmed_digits(buf, sizeof buf, W, Wr, 128);
  ck_assert_msg(nd >= 36 && nd <= 38, "%zu digits", nd);
  mpfr_exp_t e;
  char *s = mpfr_get_str(NULL, &e, 10, nd, Wr, MPFR_RNDN);
  ck_assert_int_eq(e, 0);
  snprintf(ref, sizeof ref, "0.%s", s);
  mpfr_free_str(s);
  ck_assert_str_eq(buf, ref);
  /* a disagreeing reference confirms fewer digits */
  mpfr_set_d(d, 1e-10, MPFR_RNDN);
  mpfr_add(d, d, Wr, MPFR_RNDN);
  nd = gc_mpfr_confirmed_digits(buf, sizeof buf, W, d, 128);
  ck_assert_msg(nd >= 8 && nd <= 10, "%zu digits", nd);
  mpfr_clears(w, W, wr, Wr, d, (mpfr_ptr)0);
}
END_TEST

START_TEST(test_maxwidth_failures)
{
  gc_maxwidth_result r;
  gc_maxwidth_params p;
  gc_maxwidth_params_default(&p);
  p.w_lo = 8;
  p.w_guess = 10;
  p.w_hi = 12; /* W decreases on [8, 12]: no minimum of -W inside */
  ck_assert_int_eq(gc_problem_maxwidth(&r, &p), GC_ENOBRACKET);
  gc_maxwidth_params_default(&p);
  p.max_iter = 2;
  ck_assert_int_eq(gc_problem_maxwidth(&r, &p), GC_ENOCONV);
  gc_maxwidth_params_default(&p);
  p.w_lo = 3;
  ck_assert_int_eq(gc_problem_maxwidth(&r, &p), GC_EINVAL);
  mpfr_t w, W;
  mpfr_inits2(256, w, W, (mpfr_ptr)0);
  ck_assert_int_eq(gc_maxwidth_mpfr(w, W, 256, MPFR_RNDN, 6.0, 1, NULL),
                   GC_ENOCONV);
  ck_assert_int_eq(gc_maxwidth_mpfr(w, W, 256, MPFR_RNDN, 4.0, 50, NULL),
                   GC_EINVAL);
  ck_assert_int_eq(gc_maxwidth_mpfr(w, W, 256, MPFR_RNDN, NAN, 50, NULL),
                   GC_EINVAL);
  mpfr_clears(w, W, (mpfr_ptr)0);
}
END_TEST

/* ------------------------------------------------------------- identity */

/* 1/2 - (2/w1) tanh(w1/4) = (1 - (4/w1) tanh(w1/4))/2 at 128 bits */
static double taylor_error_mpfr(double w1)
{
  mpfr_t t;
  mpfr_init2(t, 128);
  mpfr_set_d(t, w1, MPFR_RNDN);
  mpfr_div_2ui(t, t, 2, MPFR_RNDN);
  mpfr_tanh(t, t, MPFR_RNDN);
  mpfr_mul_ui(t, t, 4, MPFR_RNDN);
  mpfr_div_d(t, t, w1, MPFR_RNDN);
  mpfr_ui_sub(t, 1, t, MPFR_RNDN);
  mpfr_div_2ui(t, t, 1, MPFR_RNDN);
  double r = mpfr_get_d(t, MPFR_RNDN);
  mpfr_clear(t);
  return r;
}

START_TEST(test_identity_taylor)
{
  const double w1s[] = {3, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.01};
  for (size_t i = 0; i < sizeof w1s / sizeof w1s[0]; i++) {
    double w1 = w1s[i];
    gc_identity_neuron n;
    ck_assert_int_eq(gc_identity_taylor(&n, w1, 10000), GC_OK);
    ck_assert(n.w1 == w1 && n.b == -w1 / 2 && n.w2 == 4 / w1);
    ck_assert(n.offset == n.w2 / 2 - 0.5);
    double ex = taylor_error_mpfr(w1);
    /* measured on the grid (ends included) = exact, up to the rounding
     * of w2 sigma - offset, ~ w2 eps */
    ck_assert_msg(fabs(n.max_error - ex) <= 8 * n.w2 * DBL_EPSILON,
                  "w1 %g: %.17g vs %.17g", w1, n.max_error, ex);
    /* leading term w1^2/96; the next is -w1^4/3840, relative w1^2/40 */
    double lead = w1 * w1 / 96;
    ck_assert_msg(fabs(n.max_error / lead - 1) <= 1.05 * w1 * w1 / 40 +
                      8 * n.w2 * DBL_EPSILON / lead,
                  "w1 %g: %.17g vs leading %.17g", w1, n.max_error, lead);
    ck_assert(n.max_error <= lead + 8 * n.w2 * DBL_EPSILON);
    ck_assert(gc_identity_leading_error(w1) == lead);
  }
  /* the library's series / tanh formula for the exact error */
  const double w1t[] = {1e-3, 0.1, 0.19, 0.21, 1, 3, -2};
  for (size_t i = 0; i < sizeof w1t / sizeof w1t[0]; i++)
    ck_assert_msg(close_rel(gc_identity_taylor_error(w1t[i]),
                            taylor_error_mpfr(w1t[i]), 1e-13),
                  "w1 %g", w1t[i]);
}
END_TEST

/* Tiny w1: the Taylor error vanishes (w1^2/96) but in double each
 * rounding of sigma ~ 1/2 is magnified by w2 = 4/w1.  The measured error
 * is then that rounding, 1-3 times 2^-52/w1 (the library's floor), far
 * above the exact error; the two balance at cbrt(96 eps). */
START_TEST(test_identity_rounding_floor)
{
  const double w1s[] = {1e-6, 1e-7, 1e-9, -1e-8};
  for (size_t i = 0; i < sizeof w1s / sizeof w1s[0]; i++) {
    double w1 = w1s[i];
    gc_identity_neuron n;
    ck_assert_int_eq(gc_identity_taylor(&n, w1, 10000), GC_OK);
    double fl = DBL_EPSILON / fabs(w1);
    ck_assert(gc_identity_rounding_floor(w1) == fl);
    ck_assert_msg(n.max_error >= 0.5 * fl && n.max_error <= 8 * fl,
                  "w1 %g: measured %.3g, floor %.3g", w1, n.max_error, fl);
    ck_assert(n.max_error > 1e3 * taylor_error_mpfr(w1));
  }
  /* where Taylor dominates, the floor is negligible */
  ck_assert(gc_identity_rounding_floor(0.1) < 1e-9 * taylor_error_mpfr(0.1));
  double wb = gc_identity_balanced_w1();
  ck_assert(close_rel(wb * wb / 96, DBL_EPSILON / wb, 1e-12));
  ck_assert(wb > 2e-5 && wb < 4e-5);
}
END_TEST

START_TEST(test_identity_optimised)
{
  /* with w1 fixed the error is ~ (k-1) Delta - w1^2 Delta^3/12; its
   * minimax (Chebyshev T3 on [-1/2, 1/2]) has k - 1 = w1^2/64 and
   * error w1^2/384: four times below the Taylor neuron */
  const double w1s[] = {0.1, 0.01};
  for (size_t i = 0; i < 2; i++) {
    double w1 = w1s[i];
    gc_identity_neuron t, o;
    gc_identity_info info;
    ck_assert_int_eq(gc_identity_taylor(&t, w1, 10000), GC_OK);
    ck_assert_int_eq(gc_identity_optimise(&o, &info, &t, NULL), GC_OK);
    ck_assert(o.w1 == w1);
    ck_assert_msg(close_rel(o.max_error, w1 * w1 / 384, 0.01),
                  "w1 %g: %.6e vs %.6e", w1, o.max_error, w1 * w1 / 384);
    ck_assert(t.max_error / o.max_error > 3.9);
    ck_assert(close_rel(o.w2 * w1 / 4 - 1, w1 * w1 / 64, 0.01));
    ck_assert(fabs(o.b + w1 / 2) < 1e-3 * w1);
    double e;
    ck_assert_int_eq(gc_identity_max_error(&e, o.w1, o.b, o.w2, o.offset,
                                           10000), GC_OK);
    ck_assert(e == o.max_error);
  }
}
END_TEST

START_TEST(test_identity_failures)
{
  gc_identity_neuron t, o;
  ck_assert_int_eq(gc_identity_taylor(&t, 0, 100), GC_EINVAL);
  ck_assert_int_eq(gc_identity_taylor(&t, NAN, 100), GC_EINVAL);
  ck_assert_int_eq(gc_identity_taylor(&t, 0.1, 0), GC_EINVAL);
  double e;
  ck_assert_int_eq(gc_identity_max_error(&e, 1, INFINITY, 1, 0, 10),
                   GC_EINVAL);
  ck_assert_int_eq(gc_identity_taylor(&t, 0.1, 1000), GC_OK);
  gc_identity_params p;
  gc_identity_params_default(&p);
  p.max_iter = 5;
  ck_assert_int_eq(gc_identity_optimise(&o, NULL, &t, &p), GC_ENOCONV);
  ck_assert(o.max_error <= t.max_error); /* still the best point so far */
  p.max_iter = 0;
  ck_assert_int_eq(gc_identity_optimise(&o, NULL, &t, &p), GC_EINVAL);
}
END_TEST

/* ----------------------------------------------------------- activation */

START_TEST(test_activation_sup)
{
  double sup, at;
  int att;
  size_t it;
  ck_assert_int_eq(gc_activation_deriv_sup(&sup, &at, &att, &it, GC_ACT_SIGMOID),
                   GC_OK);
  ck_assert(fabs(sup - 0.25) < 1e-15 && att && fabs(at) < 1e-6 && it > 0);
  ck_assert_int_eq(gc_activation_deriv_sup(&sup, &at, &att, &it, GC_ACT_TANH),
                   GC_OK);
  ck_assert(fabs(sup - 1) < 1e-15 && att && fabs(at) < 1e-6);
  ck_assert_int_eq(gc_activation_deriv_sup(&sup, &at, &att, &it, GC_ACT_RELU),
                   GC_OK);
  ck_assert(sup == 1 && att && at > 0);
  ck_assert_int_eq(gc_activation_deriv_sup(&sup, &at, &att, &it,
                                           GC_ACT_SOFTPLUS), GC_OK);
  ck_assert(fabs(sup - 1) < 1e-15 && !att && isinf(at));
}
END_TEST

/* The same chains by hand: a0 ~ U(0,1); per layer, per chain w then b. */
static double sigmoid_ref(double z) { return 1 / (1 + exp(-z)); }

START_TEST(test_activation_chains_by_hand)
{
  enum { N = 7, L = 5 };
  gc_act_chain_params p;
  gc_act_chain_params_default(&p);
  p.nchains = N;
  p.seed = 42;
  p.ndepths = 2;
  p.depths[0] = 2;
  p.depths[1] = L;
  gc_act_result r;
  ck_assert_int_eq(gc_problem_activation(&r, GC_ACT_SIGMOID, &p), GC_OK);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 42);
  double a[N], lp[N];
  for (int i = 0; i < N; i++) {
    a[i] = gsl_rng_uniform(rng);
    lp[i] = 0;
  }
  double med2 = 0;
  for (int j = 1; j <= L; j++) {
    for (int i = 0; i < N; i++) {
      double w = gsl_ran_gaussian(rng, 1), b = gsl_ran_gaussian(rng, 1);
      double z = w * a[i] + b, s = sigmoid_ref(z);
      a[i] = s;
      lp[i] += log10(fabs(w * s * (1 - s)));
    }
    if (j == 2) {
      double c[N];
      memcpy(c, lp, sizeof c);
      gsl_sort(c, 1, N);
      med2 = c[N / 2];
    }
  }
  gsl_sort(lp, 1, N);
  ck_assert_msg(fabs(r.median[0] - med2) < 1e-12, "%.17g vs %.17g",
                r.median[0], med2);
  ck_assert(fabs(r.median[1] - lp[N / 2]) < 1e-12);
  ck_assert(r.zero_fraction[1] == 0);
  ck_assert(r.q10[1] <= r.median[1] && r.median[1] <= r.q90[1]);
  ck_assert(r.w_bound == 4 || fabs(r.w_bound - 4) < 1e-13);
  gsl_rng_free(rng);
}
END_TEST

START_TEST(test_activation_relu_zeros)
{
  /* z = w a + b is symmetric about 0 whatever a is, so each ReLU layer
   * zeroes the product with probability 1/2: at depth 10 about 2^-10 of
   * the 10001 chains (9.8 expected, sd 3.1) survive */
  gc_act_result r;
  ck_assert_int_eq(gc_problem_activation(&r, GC_ACT_RELU, NULL), GC_OK);
  double alive = (1 - r.zero_fraction[0]) * 10001;
  ck_assert_msg(alive >= 0 && alive <= 25, "%g alive", alive);
  ck_assert(isinf(r.median[0]) && r.median[0] < 0);
  ck_assert(r.w_bound == 1);
}
END_TEST

START_TEST(test_activation_failures)
{
  gc_act_result r;
  gc_act_chain_params p;
  gc_act_chain_params_default(&p);
  p.nchains = 0;
  ck_assert_int_eq(gc_problem_activation(&r, GC_ACT_TANH, &p), GC_EINVAL);
  gc_act_chain_params_default(&p);
  p.depths[1] = 10;
  ck_assert_int_eq(gc_problem_activation(&r, GC_ACT_TANH, &p), GC_EINVAL);
  gc_act_chain_params_default(&p);
  p.wscale = NAN;
  ck_assert_int_eq(gc_problem_activation(&r, GC_ACT_TANH, &p), GC_EINVAL);
  ck_assert_int_eq(gc_problem_activation(&r, (gc_activation)99, NULL),
                   GC_EINVAL);
}
END_TEST

static Suite *problems_suite(void)
{
  Suite *s = suite_create("problems");
  TCase *tc = test_case(s, "problems");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_bound);
  tcase_add_test(tc, test_bound_failures);
  tcase_add_test(tc, test_width_closed_form);
  tcase_add_test(tc, test_width_b_shift);
  tcase_add_test(tc, test_width_edges);
  tcase_add_test(tc, test_width_mpfr_decimal);
  tcase_add_test(tc, test_maxwidth_double);
  tcase_add_test(tc, test_maxwidth_mpfr);
  tcase_add_test(tc, test_maxwidth_failures);
  tcase_add_test(tc, test_identity_taylor);
  tcase_add_test(tc, test_identity_optimised);
  tcase_add_test(tc, test_identity_failures);
  tcase_add_test(tc, test_activation_sup);
  tcase_add_test(tc, test_activation_chains_by_hand);
  tcase_add_test(tc, test_activation_relu_zeros);
  tcase_add_test(tc, test_activation_failures);
  tcase_add_test(tc, test_identity_rounding_floor);
  return s;
}

int main(void)
{
  return test_run(problems_suite());
}
