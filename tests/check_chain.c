/* check_chain.c -- toy chains: closed forms, hand-derived small chains,
 * explicit product vs backprop vs finite differences, MPFR against MPFR at a
 * much higher precision, range flags and bad input. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static double sig(double z) { return 1 / (1 + exp(-z)); }

/* One layer, quadratic cost, by hand: dC/db = (s(z)-y) s(z)(1-s(z)). */
START_TEST(test_one_layer)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 1), GC_OK);
  double w = 0.8, b = -0.3;
  ck_assert_int_eq(gc_chain_set(c, &w, &b, 0.6, 0.1), GC_OK);
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  double z = 0.8 * 0.6 - 0.3, a = sig(z), want = (a - 0.1) * a * (1 - a);
  ck_assert_double_eq_tol(r->z[0], z, 1e-16);
  ck_assert_double_eq_tol(r->dC_db[0], want, 1e-16);
  ck_assert_double_eq_tol(r->dC_dw[0], want * 0.6, 1e-16);
  ck_assert_double_eq_tol(r->cost, 0.5 * (a - 0.1) * (a - 0.1), 1e-16);
  gc_chain_result_free(r);
  gc_chain_free(c);
}
END_TEST

/* Two layers, derived by hand:
 * dC/db1 = s'(z1) w2 s'(z2) (a2 - y),  dC/dw2 = s'(z2)(a2 - y) a1. */
START_TEST(test_two_layers)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 2), GC_OK);
  double w[] = {1.5, -2.0}, b[] = {0.25, 0.5};
  ck_assert_int_eq(gc_chain_set(c, w, b, 0.4, 0.9), GC_OK);
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  double z1 = 1.5 * 0.4 + 0.25, a1 = sig(z1), s1 = a1 * (1 - a1);
  double z2 = -2.0 * a1 + 0.5, a2 = sig(z2), s2 = a2 * (1 - a2);
  double db1 = s1 * (-2.0) * s2 * (a2 - 0.9);
  ck_assert_double_eq_tol(r->dC_db[0] / db1, 1.0, 1e-14);
  ck_assert_double_eq_tol(r->dC_db_bp[0] / db1, 1.0, 1e-14);
  ck_assert_double_eq_tol(r->dC_dw[1] / (s2 * (a2 - 0.9) * a1), 1.0, 1e-14);
  ck_assert_double_eq_tol(r->factor[1], -2.0 * s2, 1e-15);
  gc_chain_result_free(r);
  gc_chain_free(c);
}
END_TEST

/* Cross-entropy, one layer: dC/db = a - y (hand derivation). */
START_TEST(test_cross_entropy)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 1), GC_OK);
  c->cost = GC_COST_CROSS_ENTROPY;
  double w = 2.0, b = -1.0;
  ck_assert_int_eq(gc_chain_set(c, &w, &b, 1.0, 0.0), GC_OK);
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  ck_assert_double_eq_tol(r->dC_db[0], sig(1.0), 1e-16);
  ck_assert_double_eq_tol(r->cost, -log(1 - sig(1.0)), 1e-15);
  gc_chain_result_free(r);
  gc_chain_free(c);
}
END_TEST

/* Random chains of several depths and activations: explicit product vs
 * backprop within the rounding bound; vs finite differences within the
 * differences' own error estimate. */
START_TEST(test_backprop_and_fd)
{
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  size_t depths[] = {1, 2, 5, 12, 30};
  gc_activation acts[] = {GC_ACT_SIGMOID, GC_ACT_TANH, GC_ACT_SOFTPLUS};
  for (size_t a = 0; a < 3; a++)
    for (size_t k = 0; k < 5; k++)
      for (int cost = 0; cost < 2; cost++) {
        if (cost == GC_COST_CROSS_ENTROPY && acts[a] != GC_ACT_SIGMOID) continue;
        gc_chain *c;
        ck_assert_int_eq(gc_chain_alloc(&c, depths[k]), GC_OK);
        c->act = acts[a];
        c->cost = (gc_cost)cost;
        gsl_rng_set(rng, 100 + k);
        ck_assert_int_eq(gc_chain_set_random(c, rng, 0.7, 0.2), GC_OK);
        gc_chain_result *r;
        ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
        ck_assert_msg(r->max_ulp <= r->ulp_bound, "%g ulp > %g", r->max_ulp,
                      r->ulp_bound);
        double *fd = malloc(depths[k] * sizeof *fd);
        double *err = malloc(depths[k] * sizeof *err);
        double *fdw = malloc(depths[k] * sizeof *fdw);
        ck_assert_int_eq(gc_chain_fd(fd, fdw, err, c), GC_OK);
        for (size_t j = 0; j < depths[k]; j++) {
          ck_assert_msg(fabs(fd[j] - r->dC_db[j]) <= err[j],
                        "layer %zu: fd %g vs %g (est %g)", j + 1, fd[j],
                        r->dC_db[j], err[j]);
          ck_assert_double_eq_tol(fdw[j], r->dC_dw[j],
                                  1e-6 * fabs(r->dC_dw[j]) + 1e-9);
          ck_assert_double_eq_tol(r->dC_dw_bp[j], r->dC_dw[j],
                                  1e-13 * fabs(r->dC_dw[j]));
        }
        free(fd);
        free(fdw);
        free(err);
        gc_chain_result_free(r);
        gc_chain_free(c);
      }
  gsl_rng_free(rng);
}
END_TEST

/* The exploding construction in double: every z_j is 0 up to the last
 * rounding, sigma'(z_j) = 1/4 and the factors are 25; dC/db_1 =
 * (1/4) 25^(L-1) (1/2 - y), exact in double while 25^(L-1) < 2^53. */
START_TEST(test_explode_double)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 12), GC_OK);
  ck_assert_int_eq(gc_chain_set_exploding(c, 100.0, 0.3, 0.0), GC_OK);
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  for (size_t j = 0; j < 12; j++) {
    ck_assert_double_eq(r->fp[j], 0.25);
    ck_assert_double_eq(r->factor[j], 25.0);
    ck_assert(fabs(r->z[j]) < 1e-13);
  }
  ck_assert_double_eq(r->dC_db[0], 0.25 * pow(25, 11) * 0.5);
  ck_assert(!r->underflow && !r->overflow);
  gc_chain_result_free(r);
  gc_chain_free(c);
}
END_TEST

/* Decimal string of an MPFR value rounded to n digits. */
static char *digits_of(mpfr_srcptr x, size_t n)
{
  char *s = malloc(n + 64);
  gc_mpfr_snprint(s, n + 64, x, n);
  return s;
}

/* The exploding construction in MPFR against the closed form computed
 * with mpfr_pow_ui at 2000 bits: all 38 digits of a 128-bit run. */
START_TEST(test_explode_mpfr_closed_form)
{
  size_t L = 300;
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, L), GC_OK);
  ck_assert_int_eq(gc_chain_set_exploding(c, 100.0, 0.3, 0.0), GC_OK);
  gc_chain_mpfr_result *m;
  ck_assert_int_eq(gc_chain_mpfr_eval(&m, c, 128, 1), GC_OK);
  ck_assert_uint_eq(m->digits, 38);
  mpfr_t x;
  mpfr_init2(x, 2000);
  mpfr_set_ui(x, 25, MPFR_RNDN);
  mpfr_pow_ui(x, x, L - 1, MPFR_RNDN);
  mpfr_div_2ui(x, x, 3, MPFR_RNDN); /* (1/4) (1/2 - 0) */
  char *want = digits_of(x, 38), *got = digits_of(m->dC_db1, 38);
  ck_assert_str_eq(got, want);
  ck_assert_str_eq(got, "1.2049599325514420588703750173562544682e+417");
  for (size_t j = 0; j < L; j++) {
    ck_assert(mpfr_zero_p(m->z[j]));
    ck_assert(mpfr_cmp_d(m->fp[j], 0.25) == 0);
  }
  /* and double says overflow instead of a silent inf */
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  ck_assert(r->overflow);
  gc_chain_result_free(r);
  free(want);
  free(got);
  mpfr_clear(x);
  gc_chain_mpfr_result_free(m);
  gc_chain_free(c);
}
END_TEST

/* A vanishing chain far below double's range: every digit at 128 bits
 * agrees with a run at 1024 bits; double flags the underflow. */
START_TEST(test_mpfr_vs_higher_precision)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 1000), GC_OK);
  ck_assert_int_eq(gc_chain_set_constant(c, 1.0, 0.0, 1.0, 0.0), GC_OK);
  gc_chain_mpfr_result *m1, *m2;
  ck_assert_int_eq(gc_chain_mpfr_eval(&m1, c, 128, 0), GC_OK);
  ck_assert_int_eq(gc_chain_mpfr_eval(&m2, c, 1024, 0), GC_OK);
  char *a = digits_of(m1->dC_db1, 38), *b = digits_of(m2->dC_db1, 38);
  ck_assert_str_eq(a, b);
  ck_assert(strstr(a, "e-649") != NULL);
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  ck_assert(r->underflow);
  ck_assert(!r->overflow);
  free(a);
  free(b);
  gc_chain_mpfr_result_free(m1);
  gc_chain_mpfr_result_free(m2);
  /* random chains, all activations, per-layer tables: 64 bits vs 512 */
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 5);
  for (int act = 0; act < GC_ACT_COUNT; act++) {
    gc_chain *d;
    ck_assert_int_eq(gc_chain_alloc(&d, 40), GC_OK);
    d->act = (gc_activation)act;
    ck_assert_int_eq(gc_chain_set_random(d, rng, 0.3, 0.9), GC_OK);
    ck_assert_int_eq(gc_chain_mpfr_eval(&m1, d, 64, 1), GC_OK);
    ck_assert_int_eq(gc_chain_mpfr_eval(&m2, d, 512, 1), GC_OK);
    for (size_t j = 0; j < 40; j++) {
      char *p = digits_of(m1->dC_db[j], m1->digits);
      char *q = digits_of(m2->dC_db[j], m1->digits);
      ck_assert_str_eq(p, q);
      free(p);
      free(q);
    }
    /* and double agrees with MPFR to ~1e-13 where in range */
    gc_chain_result *rr;
    ck_assert_int_eq(gc_chain_eval(&rr, d), GC_OK);
    double md = mpfr_get_d(m2->dC_db1, MPFR_RNDN);
    if (md != 0 && !rr->underflow)
      ck_assert_double_eq_tol(rr->dC_db[0] / md, 1.0, 1e-12);
    gc_chain_result_free(rr);
    gc_chain_mpfr_result_free(m1);
    gc_chain_mpfr_result_free(m2);
    gc_chain_free(d);
  }
  gsl_rng_free(rng);
  gc_chain_result_free(r);
  gc_chain_free(c);
}
END_TEST

/* The chapter's 4-layer sigmoid chain with quadratic cost, written out
 * here from its decimal strings at 512 bits with mpfr_exp: dC/db_1 =
 * s'(z_1) w_2 s'(z_2) w_3 s'(z_3) w_4 s'(z_4) (a_4 - y), s' = a (1 - a).
 * With dbl, each string is first rounded to double (the double problem). */
static const char *const dec_w[] = {"0.5", "-1.2", "0.8", "1.5"};
static const char *const dec_b[] = {"0.1", "-0.3", "0.2", "0.05"};

static void direct_db1(mpfr_t out, int dbl)
{
  mpfr_t a, z, w, b, t, P;
  mpfr_inits2(512, a, z, w, b, t, P, (mpfr_ptr)0);
#define READ(x, s) do { mpfr_set_str(x, s, 10, MPFR_RNDN); \
    if (dbl) mpfr_set_d(x, mpfr_get_d(x, MPFR_RNDN), MPFR_RNDN); } while (0)
  READ(a, "0.7");
  mpfr_set_ui(P, 1, MPFR_RNDN);
  for (int j = 0; j < 4; j++) {
    READ(w, dec_w[j]);
    READ(b, dec_b[j]);
    mpfr_fma(z, w, a, b, MPFR_RNDN);
    mpfr_neg(t, z, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mpfr_add_ui(t, t, 1, MPFR_RNDN);
    mpfr_ui_div(a, 1, t, MPFR_RNDN);      /* a_j = 1/(1+e^-z) */
    mpfr_ui_sub(t, 1, a, MPFR_RNDN);
    mpfr_mul(t, t, a, MPFR_RNDN);         /* s'(z_j) */
    if (j) mpfr_mul(P, P, w, MPFR_RNDN);
    mpfr_mul(P, P, t, MPFR_RNDN);
  }
  READ(t, "0.2");
#undef READ
  mpfr_sub(t, a, t, MPFR_RNDN);
  mpfr_mul(out, P, t, MPFR_RNDN);
  mpfr_clears(a, z, w, b, t, P, (mpfr_ptr)0);
}

static gc_chain *four_layers(void)
{
  double w[4], b[4];
  for (int j = 0; j < 4; j++) {
    w[j] = strtod(dec_w[j], NULL);
    b[j] = strtod(dec_b[j], NULL);
  }
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 4), GC_OK);
  ck_assert_int_eq(gc_chain_set(c, w, b, 0.7, 0.2), GC_OK);
  return c;
}

/* Typed decimals go into MPFR as decimals at every working precision:
 * 128 and 256 bits give the digits of the decimal problem, and without
 * the strings those of the double problem, each against the direct
 * evaluation above (and the values the issue quotes, from a 60-digit
 * evaluation). */
START_TEST(test_decimal_inputs)
{
  gc_chain *c = four_layers();
  gc_chain_decimal dec = {dec_w, dec_b, 4, 4, "0.7", "0.2", NULL};
  mpfr_t want_dec, want_dbl;
  mpfr_inits2(512, want_dec, want_dbl, (mpfr_ptr)0);
  direct_db1(want_dec, 0);
  direct_db1(want_dbl, 1);
  const mpfr_prec_t precs[] = {128, 256};
  for (int k = 0; k < 2; k++) {
    gc_chain_mpfr_result *m, *d;
    ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m, c, &dec, precs[k], 1),
                     GC_OK);
    ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&d, c, NULL, precs[k], 0),
                     GC_OK);
    size_t n = m->digits;
    char *got = digits_of(m->dC_db1, n), *want = digits_of(want_dec, n);
    ck_assert_str_eq(got, want);
    free(got);
    got = digits_of(m->dC_db[0], n);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    got = digits_of(d->dC_db1, n);
    want = digits_of(want_dbl, n);
    ck_assert_str_eq(got, want);
    free(got);
    free(want);
    gc_chain_mpfr_result_free(m);
    gc_chain_mpfr_result_free(d);
  }
  /* the issue's digits are cut, not rounded: compare where they agree */
  char *a = digits_of(want_dec, 36), *b = digits_of(want_dbl, 38);
  ck_assert_str_eq(a, "-1.66562126168832967227977608357784171e-3");
  ck_assert_str_eq(b, "-1.6656212616883296965791297337724286979e-3");
  free(a);
  free(b);
  /* every layer alike (one string for all) is the same as four copies */
  const char *const one_w[] = {"1.1"}, *const one_b[] = {"-0.3"};
  const char *const four_w[] = {"1.1", "1.1", "1.1", "1.1"};
  const char *const four_b[] = {"-0.3", "-0.3", "-0.3", "-0.3"};
  gc_chain_decimal d1 = {one_w, one_b, 1, 1, "0.7", "0.2", NULL};
  gc_chain_decimal d4 = {four_w, four_b, 4, 4, "0.7", "0.2", NULL};
  gc_chain_mpfr_result *m1, *m4;
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m1, c, &d1, 128, 0), GC_OK);
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m4, c, &d4, 128, 0), GC_OK);
  ck_assert(mpfr_equal_p(m1->dC_db1, m4->dC_db1));
  gc_chain_mpfr_result_free(m1);
  gc_chain_mpfr_result_free(m4);
  mpfr_clears(want_dec, want_dbl, (mpfr_ptr)0);
  gc_chain_free(c);
}
END_TEST

/* Numbers exact in binary give the same digits read either way. */
START_TEST(test_decimal_binary_exact)
{
  const char *const w[] = {"0.5", "1.5", "-2.25"}, *const b[] = {"0.5", "-1.5", "0.125"};
  double wd[] = {0.5, 1.5, -2.25}, bd[] = {0.5, -1.5, 0.125};
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 3), GC_OK);
  c->cost = GC_COST_CROSS_ENTROPY;
  ck_assert_int_eq(gc_chain_set(c, wd, bd, 0.75, 0.25), GC_OK);
  gc_chain_decimal dec = {w, b, 3, 3, "0.75", "0.25", NULL};
  gc_chain_mpfr_result *m, *d;
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m, c, &dec, 200, 1), GC_OK);
  ck_assert_int_eq(gc_chain_mpfr_eval(&d, c, 200, 1), GC_OK);
  ck_assert(mpfr_equal_p(m->dC_db1, d->dC_db1));
  ck_assert(mpfr_equal_p(m->cost, d->cost));
  for (size_t j = 0; j < 3; j++) ck_assert(mpfr_equal_p(m->z[j], d->z[j]));
  gc_chain_mpfr_result_free(m);
  gc_chain_mpfr_result_free(d);
  gc_chain_free(c);
}
END_TEST

/* The exploding construction with W = 100.1, a0 = 0.3, y = 0.3 typed:
 * dC/db_1 = (1/4) (W/4)^(L-1) (1/2 - y) with W and y the decimals,
 * by mpfr_pow_ui at 2000 bits. */
START_TEST(test_decimal_explode)
{
  size_t L = 300;
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, L), GC_OK);
  ck_assert_int_eq(gc_chain_set_exploding(c, 100.1, 0.3, 0.3), GC_OK);
  gc_chain_decimal dec = {NULL, NULL, 0, 0, "0.3", "0.3", "100.1"};
  gc_chain_mpfr_result *m;
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m, c, &dec, 128, 0), GC_OK);
  mpfr_t x, y;
  mpfr_inits2(2000, x, y, (mpfr_ptr)0);
  mpfr_set_str(x, "100.1", 10, MPFR_RNDN);
  mpfr_div_2ui(x, x, 2, MPFR_RNDN);
  mpfr_pow_ui(x, x, L - 1, MPFR_RNDN);
  mpfr_div_2ui(x, x, 2, MPFR_RNDN);
  mpfr_set_str(y, "0.2", 10, MPFR_RNDN); /* 1/2 - 0.3 */
  mpfr_mul(x, x, y, MPFR_RNDN);
  char *want = digits_of(x, 38), *got = digits_of(m->dC_db1, 38);
  ck_assert_str_eq(got, want);
  free(want);
  free(got);
  /* and the double problem differs from the 16th digit or so */
  gc_chain_mpfr_result *d;
  ck_assert_int_eq(gc_chain_mpfr_eval(&d, c, 128, 0), GC_OK);
  ck_assert(!gc_mpfr_same_digits(d->dC_db1, x, 20));
  gc_chain_mpfr_result_free(d);
  mpfr_clears(x, y, (mpfr_ptr)0);
  gc_chain_mpfr_result_free(m);
  gc_chain_free(c);
}
END_TEST

/* gc_mpfr_set_str: correctly rounded at the target precision, the whole
 * string or nothing, MPFR's full exponent range, the caller's range kept. */
START_TEST(test_mpfr_set_str)
{
  mpfr_t x, r;
  mpfr_init2(x, 100);
  mpfr_init2(r, 100);
  ck_assert_int_eq(gc_mpfr_set_str(x, "0.1", MPFR_RNDN), GC_OK);
  mpfr_set_ui(r, 1, MPFR_RNDN);
  mpfr_div_ui(r, r, 10, MPFR_RNDN);      /* 1/10, correctly rounded */
  ck_assert(mpfr_equal_p(x, r));
  ck_assert(mpfr_cmp_d(x, 0.1) != 0);
  ck_assert_int_eq(gc_mpfr_set_str(x, "0x1p-3", MPFR_RNDN), GC_OK);
  ck_assert(mpfr_cmp_d(x, 0.125) == 0);
  /* 10^(4e8) is beyond MPFR's default range (2^(2^30)) but not its widest */
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  ck_assert_int_eq(gc_mpfr_set_str(x, "1e400000000", MPFR_RNDN), GC_ERANGE);
  mpfr_set_emin(mpfr_get_emin_min());
  mpfr_set_emax(mpfr_get_emax_max());
  ck_assert_int_eq(gc_mpfr_set_str(x, "1e400000000", MPFR_RNDN), GC_OK);
  ck_assert_int_eq(mpfr_get_exp(x), 1328771238); /* ceil(4e8 log2 10) */
  mpfr_clear_flags();
  mpfr_set_inexflag();
  ck_assert_int_eq(gc_mpfr_set_str(x, "1e99999999999999999999", MPFR_RNDN),
                   GC_ERANGE);
  ck_assert(!mpfr_overflow_p() && mpfr_inexflag_p()); /* flags kept */
  const char *bad[] = {"", "1.2x", "abc", "1e", " ", "inf", "nan", "-@inf@"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
    ck_assert_int_eq(gc_mpfr_set_str(x, bad[k], MPFR_RNDN), GC_EINVAL);
  ck_assert_int_eq(gc_mpfr_set_str(x, "1e99999999999999999999", MPFR_RNDN),
                   GC_ERANGE);
  ck_assert_int_eq(gc_mpfr_set_str(x, "-1e-99999999999999999999", MPFR_RNDN),
                   GC_ERANGE);
  ck_assert(strstr(gc_strerror_last(), "exponent range") != NULL);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  /* a chain refuses a bad string or count, naming the number */
  gc_chain *c = four_layers();
  const char *const w3[] = {"1", "2", "3"}, *const wbad[] = {"1", "2", "x", "4"};
  gc_chain_decimal d3 = {w3, NULL, 3, 0, NULL, NULL, NULL};
  gc_chain_decimal dx = {wbad, NULL, 4, 0, NULL, NULL, NULL};
  gc_chain_decimal dy = {NULL, NULL, 0, 0, NULL, "1e-99999999999999999999", NULL};
  gc_chain_mpfr_result *m;
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m, c, &d3, 64, 0), GC_EINVAL);
  ck_assert_ptr_null(m);
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m, c, &dx, 64, 0), GC_EINVAL);
  ck_assert_str_eq(gc_strerror_last(), "w_3: 'x' is not a number");
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&m, c, &dy, 64, 0), GC_ERANGE);
  ck_assert(!strncmp(gc_strerror_last(), "y: ", 3));
  gc_chain_free(c);
  mpfr_clears(x, r, (mpfr_ptr)0);
}
END_TEST

/* gc_mpfr_same_digits against its definition: print both, compare the
 * strings; for pairs far apart, close, and straddling a rounding boundary
 * or a power of ten. */
static int printed_same(mpfr_srcptr x, mpfr_srcptr y, size_t n)
{
  char a[600], b[600];
  gc_mpfr_snprint(a, sizeof a, x, n);
  gc_mpfr_snprint(b, sizeof b, y, n);
  return strcmp(a, b) == 0;
}

START_TEST(test_same_digits)
{
  gmp_randstate_t rs;
  gmp_randinit_default(rs);
  gmp_randseed_ui(rs, 77);
  const size_t ns[] = {1, 5, 38, 100};
  mpfr_t x, y, d;
  mpfr_init2(x, 400);
  mpfr_init2(y, 432);
  mpfr_init2(d, 64);
  long checked = 0, same = 0;
  for (size_t q = 0; q < sizeof ns / sizeof ns[0]; q++) {
    size_t n = ns[q];
    for (int i = 0; i < 3000; i++) {
      /* x random with a random exponent; y = x (1 + delta), delta from
       * 10^-(n+12) to 10^-(n-3) */
      mpfr_urandomb(x, rs);
      mpfr_mul_2si(x, x, (long)(i % 2000) - 1000, MPFR_RNDN);
      if (i & 1) mpfr_neg(x, x, MPFR_RNDN);
      mpfr_urandomb(d, rs);
      mpfr_set_si(y, -(long)n - 12 + (i % 16), MPFR_RNDN);
      mpfr_ui_pow(y, 10, y, MPFR_RNDN);
      mpfr_mul(d, d, y, MPFR_RNDN);
      if (i & 2) mpfr_neg(d, d, MPFR_RNDN);
      mpfr_mul(y, x, d, MPFR_RNDN);
      mpfr_add(y, x, y, MPFR_RNDN);
      int want = printed_same(x, y, n);
      ck_assert_int_eq(gc_mpfr_same_digits(x, y, n), want);
      ck_assert_int_eq(gc_mpfr_same_digits(y, x, n), want);
      checked++;
      same += want;
    }
    /* straddling n-digit rounding boundaries: 1.23...45 10^k and
     * 9.99...95 10^k (rounds up to a power of ten) */
    char str[200];
    for (int w = 0; w < 2; w++) {
      size_t p = 0;
      for (size_t k = 0; k < n; k++) str[p++] = w ? '9' : (char)('1' + k % 9);
      str[p++] = '5';
      snprintf(str + p, sizeof str - p, "e%d", -7 + 11 * w);
      memmove(str + 2, str + 1, strlen(str + 1) + 1);
      str[1] = '.';
      mpfr_set_str(x, str, 10, MPFR_RNDN);
      for (int k = -3; k <= 3; k++) {
        mpfr_set(y, x, MPFR_RNDN);
        for (int s = 0; s < (k < 0 ? -k : k); s++) {
          if (k < 0) mpfr_nextbelow(y);
          else mpfr_nextabove(y);
        }
        ck_assert_int_eq(gc_mpfr_same_digits(x, y, n), printed_same(x, y, n));
        mpfr_nextbelow(x);
        ck_assert_int_eq(gc_mpfr_same_digits(x, y, n), printed_same(x, y, n));
        mpfr_nextabove(x);
      }
    }
  }
  /* both outcomes occurred above */
  ck_assert(same > 0 && same < checked);
  /* signs, zeros, infinities, NaN */
  mpfr_set_d(x, 1.5, MPFR_RNDN);
  mpfr_set_d(y, -1.5, MPFR_RNDN);
  ck_assert_int_eq(gc_mpfr_same_digits(x, y, 5), 0);
  mpfr_set_zero(x, 1);
  mpfr_set_zero(y, 1);
  ck_assert_int_eq(gc_mpfr_same_digits(x, y, 5), 1);
  mpfr_set_inf(y, -1);
  ck_assert_int_eq(gc_mpfr_same_digits(x, y, 5), 0);
  mpfr_set_nan(x);
  mpfr_set_nan(y);
  ck_assert_int_eq(gc_mpfr_same_digits(x, y, 5), 1);
  mpfr_clears(x, y, d, (mpfr_ptr)0);
  gmp_randclear(rs);
}
END_TEST

/* sigma'(1e308) = e^-1e308 underflows to 0 in double: a range event
 * (flagged at layer 2, where it happens), not an exact 0; MPFR's range
 * cannot hold it either, and says so instead of returning 0.  Tanh at
 * z = 762 (tanh' = 4 e^-1524) likewise; ReLU's f' = 0 is exact. */
START_TEST(test_fp_underflow)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 2), GC_OK);
  double w[] = {1e308, 1e308}, b[] = {0, 0};
  ck_assert_int_eq(gc_chain_set(c, w, b, 1, 0), GC_OK);
  gc_chain_result *r;
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  ck_assert(r->dC_db[0] == 0);
  ck_assert_int_eq(r->underflow, 1);
  ck_assert_uint_eq(r->underflow_layer, 2);
  ck_assert_uint_eq(r->fp_underflow_layer, 2);
  gc_chain_result_free(r);
  gc_chain_mpfr_result *m;
  gc_error_clear();
  ck_assert_int_eq(gc_chain_mpfr_eval(&m, c, 64, 0), GC_ERANGE);
  ck_assert_ptr_null(m);
  ck_assert(strstr(gc_strerror_last(), "exponent range") != NULL);

  double w2[] = {1, 1000}, b2[] = {0, 0};
  c->act = GC_ACT_TANH;
  ck_assert_int_eq(gc_chain_set(c, w2, b2, 1, 0), GC_OK); /* z2 ~ 762 */
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  ck_assert_uint_eq(r->fp_underflow_layer, 2);
  ck_assert_int_eq(r->underflow, 1);
  gc_chain_result_free(r);

  double w3[] = {1, -5}, b3[] = {0, 0}; /* z2 < 0: ReLU' = 0 exactly */
  c->act = GC_ACT_RELU;
  ck_assert_int_eq(gc_chain_set(c, w3, b3, 1, 0), GC_OK);
  ck_assert_int_eq(gc_chain_eval(&r, c), GC_OK);
  ck_assert(r->dC_db[0] == 0);
  ck_assert_int_eq(r->underflow, 0);
  ck_assert_uint_eq(r->fp_underflow_layer, 0);
  gc_chain_result_free(r);

  /* the finite differences refuse what would take too long */
  gc_chain *deep;
  ck_assert_int_eq(gc_chain_alloc(&deep, GC_CHAIN_FD_MAX_DEPTH + 1), GC_OK);
  double fd[1];
  ck_assert_int_eq(gc_chain_fd(fd, NULL, NULL, deep), GC_ERANGE);
  gc_chain_free(deep);
  gc_chain_free(c);
}
END_TEST

START_TEST(test_bad_input)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 0), GC_EINVAL);
  ck_assert_int_eq(gc_chain_alloc(&c, GC_CHAIN_MAX_DEPTH + 1), GC_ERANGE);
  ck_assert_int_eq(gc_chain_alloc(&c, 3), GC_OK);
  double w[] = {1, NAN, 1}, b[] = {0, 0, 0};
  ck_assert_int_eq(gc_chain_set(c, w, b, 0.5, 0), GC_EINVAL);
  ck_assert_int_eq(gc_chain_set_constant(c, 1, 0, INFINITY, 0), GC_EINVAL);
  ck_assert_int_eq(gc_chain_set_exploding(c, 0.0, 0.5, 0), GC_EINVAL);
  ck_assert_int_eq(gc_chain_set_constant(c, 1, 0, 0.5, 0), GC_OK);
  gc_chain_mpfr_result *m;
  gc_error_clear(); /* the calls above left messages of their own */
  ck_assert_int_eq(gc_chain_mpfr_eval(&m, c, 8, 0), GC_ERANGE);
  ck_assert_msg(strstr(gc_strerror_last(), "precision 8 bits") != NULL,
                "message: %s", gc_strerror_last());
  gc_error_clear();
  ck_assert_int_eq(gc_chain_mpfr_eval(&m, c, GC_MPFR_PREC_MAX + 1, 0),
                   GC_ERANGE);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(gc_strerror_last(), "precision 1000001 bits") != NULL,
                "message: %s", gc_strerror_last());
  gc_chain_free(c);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("chain");
  TCase *tc = test_case(s, "chain");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_one_layer);
  tcase_add_test(tc, test_two_layers);
  tcase_add_test(tc, test_cross_entropy);
  tcase_add_test(tc, test_backprop_and_fd);
  tcase_add_test(tc, test_explode_double);
  tcase_add_test(tc, test_explode_mpfr_closed_form);
  tcase_add_test(tc, test_mpfr_vs_higher_precision);
  tcase_add_test(tc, test_same_digits);
  tcase_add_test(tc, test_decimal_inputs);
  tcase_add_test(tc, test_decimal_binary_exact);
  tcase_add_test(tc, test_decimal_explode);
  tcase_add_test(tc, test_mpfr_set_str);
  tcase_add_test(tc, test_bad_input);
  tcase_add_test(tc, test_fp_underflow);
  return test_run(s);
}
