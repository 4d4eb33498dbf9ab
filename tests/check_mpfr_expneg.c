/* check_mpfr_expneg.c -- the table-and-series e^{-x} against mpfr_exp at
 * 100 more bits: every result within 0.5625 ulp (the documented bound),
 * for random x, the table boundaries and the fallbacks. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <mpfr.h>

#include "gradchain/error.h"
#include "gradchain/mpfr_expneg.h"
#include "testlib.h"

/* |r - e^{-x}| in units of r's last place, e^{-x} at prec(r) + 100 bits */
static double ulp_error(mpfr_srcptr r, mpfr_srcptr x)
{
  mpfr_prec_t p = mpfr_get_prec(r);
  mpfr_t ref, nx, d;
  mpfr_inits2(p + 100, ref, d, (mpfr_ptr)0);
  mpfr_init2(nx, mpfr_get_prec(x));
  mpfr_neg(nx, x, MPFR_RNDN);
  mpfr_exp(ref, nx, MPFR_RNDN);
  mpfr_sub(d, r, ref, MPFR_RNDN);
  mpfr_abs(d, d, MPFR_RNDN);
  /* ulp(r) = 2^(EXP(r) - p) */
  mpfr_mul_2si(d, d, (long)p - (long)mpfr_get_exp(r), MPFR_RNDN);
  double e = mpfr_get_d(d, MPFR_RNDU);
  mpfr_clears(ref, nx, d, (mpfr_ptr)0);
  return e;
}

static const mpfr_prec_t precs[] = {2,   16,  24,  53,  64,  113, 128, 160,
                                    164, 192, 196, 256, 500, 1000, 1024};
#define NPRECS (sizeof precs / sizeof precs[0])

/* x = m 2^-e as exact doubles or dyadics near the table boundaries */
START_TEST(test_boundaries)
{
  mpfr_prec_t p = precs[_i];
  gc_mpfr_exp_table *e;
  ck_assert_int_eq(gc_mpfr_exp_table_alloc(&e, p), GC_OK);
  mpfr_t x, r;
  mpfr_init2(x, p);
  mpfr_init2(r, p);
  /* k 2^-24 for k at the edges of each table field, and just around */
  const long ks[] = {1, 2, 511, 512, 513, 262143, 262144, 262145,
                     (1L << 30) - 1, 12345678, 1L << 29};
  for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
    for (int d = -1; d <= 1; d++) {
      mpfr_set_si_2exp(x, ks[i], -24, MPFR_RNDN);
      if (d < 0) mpfr_nextbelow(x);
      if (d > 0) mpfr_nextabove(x);
      gc_mpfr_expneg(r, x, e);
      double err = ulp_error(r, x);
      ck_assert_msg(err <= 0.5625, "prec %ld, x = %ld 2^-24 %+d ulp: "
                    "%.4f ulp", (long)p, ks[i], d, err);
    }
  }
  /* zero, tiny, the largest fast x, and the first slow ones */
  const double xs[] = {0.0, 1e-300, 5e-324, 1e-8, 0.5, 1.0, 63.999999,
                       64.0, 64.5, 700.0, 1e6};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    mpfr_set_d(x, xs[i], MPFR_RNDN);
    gc_mpfr_expneg(r, x, e);
    double err = ulp_error(r, x);
    ck_assert_msg(err <= 0.5625, "prec %ld, x = %g: %.4f ulp", (long)p,
                  xs[i], err);
  }
  mpfr_set_d(x, 0.0, MPFR_RNDN);
  gc_mpfr_expneg(r, x, e);
  ck_assert(mpfr_cmp_ui(r, 1) == 0);
  mpfr_clears(x, r, (mpfr_ptr)0);
  gc_mpfr_exp_table_free(e);
}
END_TEST

/* random x in [0, 64) with every one of the precision's bits used */
START_TEST(test_random)
{
  mpfr_prec_t p = precs[_i];
  gc_mpfr_exp_table *e;
  ck_assert_int_eq(gc_mpfr_exp_table_alloc(&e, p), GC_OK);
  gmp_randstate_t rs;
  gmp_randinit_default(rs);
  gmp_randseed_ui(rs, 20261126u + (unsigned long)p);
  mpfr_t x, r;
  mpfr_init2(x, p);
  mpfr_init2(r, p);
  int n = p <= 256 ? 3000 : 600;
  double worst = 0;
  for (int i = 0; i < n; i++) {
    mpfr_urandomb(x, rs);                      /* [0, 1) */
    /* spread over [0, 64): scale by 2^s, s = -30 .. 5 */
    long s = (long)(i % 36) - 30;
    mpfr_mul_2si(x, x, s, MPFR_RNDN);
    gc_mpfr_expneg(r, x, e);
    double err = ulp_error(r, x);
    if (err > worst) worst = err;
    ck_assert_msg(err <= 0.5625, "prec %ld: e^-x off by %.4f ulp", (long)p,
                  err);
  }
  /* the same evaluator gives the same bits again (tables reused) */
  mpfr_set_d(x, 3.25, MPFR_RNDN);
  mpfr_t r2;
  mpfr_init2(r2, p);
  gc_mpfr_expneg(r, x, e);
  gc_mpfr_expneg(r2, x, e);
  ck_assert(mpfr_equal_p(r, r2));
  mpfr_clears(x, r, r2, (mpfr_ptr)0);
  gmp_randclear(rs);
  gc_mpfr_exp_table_free(e);
}
END_TEST

/* what does not take the fast path is mpfr_exp, correctly rounded */
START_TEST(test_fallbacks)
{
  gc_mpfr_exp_table *e;
  ck_assert_int_eq(gc_mpfr_exp_table_alloc(&e, 128), GC_OK);
  mpfr_t x, r, want, nx;
  mpfr_inits2(128, r, want, (mpfr_ptr)0);
  mpfr_init2(x, 128);
  mpfr_init2(nx, 1000);
  const double xs[] = {-1.5, -1e-20, 64.0, 1e5};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    mpfr_set_d(x, xs[i], MPFR_RNDN);
    gc_mpfr_expneg(r, x, e);
    mpfr_neg(nx, x, MPFR_RNDN);
    mpfr_exp(want, nx, MPFR_RNDN);
    ck_assert_msg(mpfr_equal_p(r, want), "x = %g", xs[i]);
  }
  /* NaN stays NaN, e^-inf = 0, e^inf = inf */
  mpfr_set_nan(x);
  gc_mpfr_expneg(r, x, e);
  ck_assert(mpfr_nan_p(r));
  mpfr_set_inf(x, 1);
  gc_mpfr_expneg(r, x, e);
  ck_assert(mpfr_zero_p(r));
  mpfr_set_inf(x, -1);
  gc_mpfr_expneg(r, x, e);
  ck_assert(mpfr_inf_p(r) && mpfr_sgn(r) > 0);
  /* x with more bits than the evaluator carries: still right */
  mpfr_t xl;
  mpfr_init2(xl, 400);
  mpfr_const_pi(xl, MPFR_RNDN);
  gc_mpfr_expneg(r, xl, e);
  ck_assert(ulp_error(r, xl) <= 0.5);
  mpfr_clears(x, r, want, nx, xl, (mpfr_ptr)0);
  gc_mpfr_exp_table_free(e);
  /* above GC_MPFR_EXPNEG_PREC_MAX every call is mpfr_exp */
  mpfr_prec_t big = GC_MPFR_EXPNEG_PREC_MAX + 100;
  ck_assert_int_eq(gc_mpfr_exp_table_alloc(&e, big), GC_OK);
  mpfr_inits2(big, x, r, want, (mpfr_ptr)0);
  mpfr_set_d(x, 2.75, MPFR_RNDN);
  gc_mpfr_expneg(r, x, e);
  mpfr_set_d(x, -2.75, MPFR_RNDN);
  mpfr_exp(want, x, MPFR_RNDN);
  ck_assert(mpfr_equal_p(r, want));
  mpfr_clears(x, r, want, (mpfr_ptr)0);
  gc_mpfr_exp_table_free(e);
  gc_error_clear();
  ck_assert_int_eq(gc_mpfr_exp_table_alloc(&e, 0), GC_ERANGE);
  ck_assert_ptr_null(e);
  ck_assert(strstr(gc_strerror_last(), "precision 0 bits") != NULL);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("mpfr_expneg");
  TCase *tc = test_case(s, "core");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, test_boundaries, 0, (int)NPRECS);
  tcase_add_loop_test(tc, test_random, 0, (int)NPRECS);
  tcase_add_test(tc, test_fallbacks);
  return test_run(s);
}
