/* check_meanfield_mpfr.c -- the MPFR mean-field point against closed forms
 * evaluated in MPFR here: erf(sqrt(pi) z/2)'s E[phi^2] = (2/pi)
 * asin(pi q/(2 + pi q)), E[phi'^2] = 1/sqrt(1 + pi q) and its q* (the root
 * of that closed form, by bisection here); ReLU's q* = sigma_b2/(1 -
 * sigma_w2/2) and chi1 = sigma_w2/2; hard-tanh's truncated moments against
 * the double quadrature; smooth activations at two precisions and against
 * the double point within its error estimate. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "gradchain/gradchain.h"

#define RND MPFR_RNDN

/* |x - y| <= 2^-bits |y| */
static int close_rel(mpfr_srcptr x, mpfr_srcptr y, long bits)
{
  mpfr_t d;
  mpfr_init2(d, mpfr_get_prec(x) + 10);
  mpfr_sub(d, x, y, RND);
  mpfr_mul_2si(d, d, bits, RND);
  int ok = mpfr_cmpabs(d, y) <= 0;
  mpfr_clear(d);
  return ok;
}

/* (2/pi) asin(pi q/(2 + pi q)) */
static void erf_phi2(mpfr_ptr r, mpfr_srcptr q)
{
  mpfr_t t, pi;
  mpfr_inits2(mpfr_get_prec(r) + 20, t, pi, (mpfr_ptr)0);
  mpfr_const_pi(pi, RND);
  mpfr_mul(t, pi, q, RND);
  mpfr_add_ui(r, t, 2, RND);
  mpfr_div(t, t, r, RND);
  mpfr_asin(t, t, RND);
  mpfr_div(t, t, pi, RND);
  mpfr_mul_2ui(r, t, 1, RND);
  mpfr_clears(t, pi, (mpfr_ptr)0);
}

/* erf's q*: bisection on sw (2/pi) asin(pi q/(2 + pi q)) + sb - q over
 * [0.1, 10], to lo's precision plus 30 steps */
static void erf_qstar(mpfr_ptr lo, mpfr_srcptr sw, mpfr_srcptr sb)
{
  mpfr_prec_t p = mpfr_get_prec(lo);
  mpfr_t hi, mid, f;
  mpfr_inits2(p, hi, mid, f, (mpfr_ptr)0);
  mpfr_set_d(lo, 0.1, RND); /* f(0.1) > 0 > f(10) */
  mpfr_set_d(hi, 10, RND);
  for (int k = 0; k < (int)p + 30; k++) {
    mpfr_add(mid, lo, hi, RND);
    mpfr_div_2ui(mid, mid, 1, RND);
    erf_phi2(f, mid);
    mpfr_mul(f, f, sw, RND);
    mpfr_add(f, f, sb, RND);
    mpfr_sub(f, f, mid, RND);
    if (mpfr_sgn(f) > 0) mpfr_set(lo, mid, RND);
    else mpfr_set(hi, mid, RND);
  }
  mpfr_clears(hi, mid, f, (mpfr_ptr)0);
}

START_TEST(test_erf_expectations)
{
  const mpfr_prec_t precs[] = {64, 256, 1024};
  const double qs[] = {0.01, 0.7, 3.0};
  for (size_t i = 0; i < 3; i++)
    for (size_t k = 0; k < 3; k++) {
      mpfr_prec_t p = precs[i];
      mpfr_t q, v, r;
      mpfr_inits2(p, q, v, r, (mpfr_ptr)0);
      mpfr_set_d(q, qs[k], RND);
      size_t n;
      ck_assert_int_eq(gc_meanfield_mpfr_expect(v, &n, GC_ACT_ERF,
                                                GC_MF_PHI2, q), 0);
      ck_assert(n > 0);
      erf_phi2(r, q);
      ck_assert_msg(close_rel(v, r, p - 3), "E[phi^2] at %ld bits, q %g",
                    (long)p, qs[k]);
      ck_assert_int_eq(gc_meanfield_mpfr_expect(v, NULL, GC_ACT_ERF,
                                                GC_MF_DPHI2, q), 0);
      mpfr_const_pi(r, RND);
      mpfr_mul(r, r, q, RND);
      mpfr_add_ui(r, r, 1, RND);
      mpfr_rec_sqrt(r, r, RND);
      ck_assert_msg(close_rel(v, r, p - 3), "E[phi'^2] at %ld bits, q %g",
                    (long)p, qs[k]);
      mpfr_clears(q, v, r, (mpfr_ptr)0);
    }
}
END_TEST

/* erf's q* by bisection on the closed form, chi1 = sigma_w2/sqrt(1+pi q*) */
START_TEST(test_erf_point)
{
  const mpfr_prec_t p = 200;
  const double sw = 1.3, sb = 0.1;
  gc_meanfield *w = gc_meanfield_alloc(GC_ACT_ERF, NULL);
  gc_meanfield_result r;
  ck_assert_int_eq(gc_meanfield_point(&r, w, sw, sb), 0);
  mpfr_t q, c, lo, hi, mid, f;
  mpfr_inits2(p, q, c, (mpfr_ptr)0);
  mpfr_inits2(p + 20, lo, hi, mid, f, (mpfr_ptr)0);
  size_t it;
  ck_assert_int_eq(gc_meanfield_mpfr_point(q, c, &it, GC_ACT_ERF, sw, sb,
                                           r.q_star, p), 0);
  mpfr_set_d(mid, sw, RND);
  mpfr_set_d(f, sb, RND);
  erf_qstar(lo, mid, f);
  ck_assert(close_rel(q, lo, p - 4));
  mpfr_const_pi(f, RND);
  mpfr_mul(f, f, lo, RND);
  mpfr_add_ui(f, f, 1, RND);
  mpfr_rec_sqrt(f, f, RND);
  mpfr_mul_d(f, f, sw, RND);
  ck_assert(close_rel(c, f, p - 4));
  /* and the double point is right within its error estimate */
  ck_assert(fabs(r.q_star - mpfr_get_d(q, RND)) <= r.q_star_err);
  ck_assert(fabs(r.chi1 - mpfr_get_d(c, RND)) <= r.chi1_err);
  mpfr_clears(q, c, lo, hi, mid, f, (mpfr_ptr)0);
  gc_meanfield_free(w);
}
END_TEST

/* The decimal problem: sigma_w2 = 1.3 and sigma_b2 = 0.1 as typed (neither
 * is a double).  q* by bisection on erf's closed form with the decimals
 * read here by mpfr_set_str at 250 bits; the double problem's q* differs
 * from it in the 16th digit or so, far above 2^-196. */
START_TEST(test_erf_point_decimal)
{
  const mpfr_prec_t p = 200;
  gc_meanfield *w = gc_meanfield_alloc(GC_ACT_ERF, NULL);
  gc_meanfield_result r;
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.3, 0.1), 0);
  mpfr_t q, c, qd, cd, sw, sb, lo, hi, mid, f;
  mpfr_inits2(p, q, c, qd, cd, (mpfr_ptr)0);
  mpfr_inits2(p + 50, sw, sb, lo, hi, mid, f, (mpfr_ptr)0);
  mpfr_set_str(sw, "1.3", 10, RND);
  mpfr_set_str(sb, "0.1", 10, RND);
  ck_assert_int_eq(gc_meanfield_mpfr_point_decimal(q, c, NULL, GC_ACT_ERF,
                                                   "1.3", "0.1", r.q_star,
                                                   p), 0);
  ck_assert_int_eq(gc_meanfield_mpfr_point(qd, cd, NULL, GC_ACT_ERF, 1.3,
                                           0.1, r.q_star, p), 0);
  erf_qstar(lo, sw, sb);
  ck_assert(close_rel(q, lo, p - 4));
  ck_assert(!close_rel(qd, lo, 60)); /* the double problem is another one */
  mpfr_const_pi(f, RND);
  mpfr_mul(f, f, lo, RND);
  mpfr_add_ui(f, f, 1, RND);
  mpfr_rec_sqrt(f, f, RND);
  mpfr_mul(f, f, sw, RND);
  ck_assert(close_rel(c, f, p - 4));
  /* a string MPFR cannot read is refused, naming the variance */
  gc_error_clear();
  ck_assert_int_eq(gc_meanfield_mpfr_point_decimal(q, c, NULL, GC_ACT_ERF,
                                                   "1.3x", "0.1", r.q_star,
                                                   p), GC_EINVAL);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "sigma_w^2"));
  mpfr_clears(q, c, qd, cd, sw, sb, lo, hi, mid, f, (mpfr_ptr)0);
  gc_meanfield_free(w);
}
END_TEST

START_TEST(test_relu)
{
  mpfr_t q, c, r;
  mpfr_inits2(300, q, c, r, (mpfr_ptr)0);
  ck_assert_int_eq(gc_meanfield_mpfr_point(q, c, NULL, GC_ACT_RELU, 1.5,
                                           0.25, 0.5, 300), 0);
  ck_assert(mpfr_cmp_ui(q, 1) == 0);     /* 0.25 / (1 - 0.75) */
  ck_assert(mpfr_cmp_d(c, 0.75) == 0);
  mpfr_clears(q, c, r, (mpfr_ptr)0);
}
END_TEST

/* hard-tanh's closed forms against the double quadrature (split at the
 * kinks); every smooth activation at 128 and 192 bits, and against the
 * double point's error estimate */
START_TEST(test_against_double)
{
  const gc_activation acts[] = {GC_ACT_SIGMOID, GC_ACT_TANH, GC_ACT_SOFTPLUS,
                                GC_ACT_HARD_TANH, GC_ACT_IDENTITY};
  for (size_t i = 0; i < 5; i++) {
    gc_meanfield *w = gc_meanfield_alloc(acts[i], NULL);
    double sw = acts[i] == GC_ACT_IDENTITY ? 0.5 : 1.4, sb = 0.3;
    gc_meanfield_result r;
    ck_assert_int_eq(gc_meanfield_point(&r, w, sw, sb), 0);
    mpfr_t q, c, q2, c2;
    mpfr_inits2(128, q, c, (mpfr_ptr)0);
    mpfr_inits2(192, q2, c2, (mpfr_ptr)0);
    ck_assert_int_eq(gc_meanfield_mpfr_point(q, c, NULL, acts[i], sw, sb,
                                             r.q_star, 128), 0);
    ck_assert_int_eq(gc_meanfield_mpfr_point(q2, c2, NULL, acts[i], sw, sb,
                                             r.q_star, 192), 0);
    ck_assert_msg(close_rel(q, q2, 124) && close_rel(c, c2, 124), "%s",
                  gc_activation_name(acts[i]));
    ck_assert_msg(fabs(r.q_star - mpfr_get_d(q2, RND)) <= r.q_star_err &&
                      fabs(r.chi1 - mpfr_get_d(c2, RND)) <= r.chi1_err,
                  "%s: double q* %.17g +- %g, chi1 %.17g +- %g", 
                  gc_activation_name(acts[i]), r.q_star, r.q_star_err,
                  r.chi1, r.chi1_err);
    mpfr_clears(q, c, q2, c2, (mpfr_ptr)0);
    gc_meanfield_free(w);
  }
}
END_TEST

START_TEST(test_bad_input)
{
  mpfr_t q, c;
  mpfr_inits2(64, q, c, (mpfr_ptr)0);
  ck_assert_int_eq(gc_meanfield_mpfr_point(q, c, NULL, GC_ACT_TANH, -1, 0,
                                           1, 64), GC_EINVAL);
  ck_assert_int_eq(gc_meanfield_mpfr_point(q, c, NULL, GC_ACT_RELU, 3, 0.1,
                                           1, 64), GC_ERANGE);
  mpfr_set_si(q, -1, RND);
  ck_assert_int_eq(gc_meanfield_mpfr_expect(c, NULL, GC_ACT_TANH,
                                            GC_MF_PHI2, q), GC_EINVAL);
  mpfr_clears(q, c, (mpfr_ptr)0);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("meanfield_mpfr");
  TCase *t = tcase_create("closed forms");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_erf_expectations);
  tcase_add_test(t, test_erf_point);
  tcase_add_test(t, test_erf_point_decimal);
  tcase_add_test(t, test_relu);
  tcase_add_test(t, test_against_double);
  tcase_add_test(t, test_bad_input);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
