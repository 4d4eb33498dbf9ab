/* check_state.c -- the library leaves the process as it found it: the
 * caller's GSL error handler is still installed after every entry point
 * that uses GSL (and is never called by them, even when GSL fails), and
 * MPFR's exponent range and flags are the caller's again, in every thread,
 * after the MPFR chain, which computes outside that range. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <mpfr.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gradchain/gradchain.h"
#include "testlib.h"

static int handler_calls;

static void my_handler(const char *reason, const char *file, int line,
                       int gsl_errno)
{
  (void)reason;
  (void)file;
  (void)line;
  (void)gsl_errno;
  handler_calls++;
}

/* after each call: ours is still the handler, and was not called */
static void assert_handler(const char *what)
{
  gsl_error_handler_t *now = gsl_set_error_handler(&my_handler);
  ck_assert_msg(now == &my_handler, "%s replaced the GSL error handler",
                what);
  ck_assert_msg(handler_calls == 0, "%s let GSL call the handler", what);
}

START_TEST(test_gsl_handler)
{
  gsl_error_handler_t *saved = gsl_set_error_handler(&my_handler);
  handler_calls = 0;

  gc_bound_result br;
  ck_assert_int_eq(gc_problem_bound(&br, NULL), GC_OK);
  assert_handler("gc_problem_bound");
  gc_bound_params bp;
  gc_bound_params_default(&bp);
  bp.w_lo = 5; /* |w| sigma'max - 1 > 0 on all of [5, 6]: GSL refuses */
  bp.w_hi = 6;
  ck_assert_int_eq(gc_problem_bound(&br, &bp), GC_ENOBRACKET);
  assert_handler("gc_problem_bound (no bracket)");

  gc_width_result wr;
  ck_assert_int_eq(gc_problem_width(&wr, 5.0, 1.0, NULL), GC_OK);
  assert_handler("gc_problem_width");

  gc_maxwidth_result mr;
  ck_assert_int_eq(gc_problem_maxwidth(&mr, NULL), GC_OK);
  assert_handler("gc_problem_maxwidth");
  gc_maxwidth_params mp;
  gc_maxwidth_params_default(&mp);
  mp.w_lo = 10; /* the maximum (6.89) is outside the bracket */
  mp.w_guess = 12;
  mp.w_hi = 20;
  ck_assert_int_ne(gc_problem_maxwidth(&mr, &mp), GC_OK);
  assert_handler("gc_problem_maxwidth (bad bracket)");

  gc_identity_neuron t, o;
  gc_identity_info info;
  ck_assert_int_eq(gc_identity_taylor(&t, 0.1, 1000), GC_OK);
  ck_assert_int_eq(gc_identity_optimise(&o, &info, &t, NULL), GC_OK);
  assert_handler("gc_identity_optimise");

  double sup, argmax;
  int attained;
  size_t iter;
  ck_assert_int_eq(gc_activation_deriv_sup(&sup, &argmax, &attained, &iter,
                                           GC_ACT_SIGMOID), GC_OK);
  ck_assert_double_eq_tol(sup, 0.25, 1e-15);
  assert_handler("gc_activation_deriv_sup");

  gc_act_chain_params ap;
  gc_act_chain_params_default(&ap);
  ap.nchains = 101;
  gc_act_result ar;
  ck_assert_int_eq(gc_problem_activation(&ar, GC_ACT_TANH, &ap), GC_OK);
  assert_handler("gc_problem_activation");

  /* the mean-field theory: quadrature, fixed points, the critical line */
  gc_meanfield *mf = gc_meanfield_alloc(GC_ACT_TANH, NULL);
  ck_assert_ptr_nonnull(mf);
  gc_meanfield_result mfr;
  ck_assert_int_eq(gc_meanfield_point(&mfr, mf, 1.5, 0.05), GC_OK);
  gc_meanfield_critical_result mfc;
  ck_assert_int_eq(gc_meanfield_critical(&mfc, mf, 0.05), GC_OK);
  gc_meanfield_free(mf);
  assert_handler("gc_meanfield_*");

  /* the trainer allocates its generator through GSL */
  static const uint8_t img[] = {0, 255, 10, 20, 200, 30, 40, 50, 60, 70, 80,
                                90};
  static const uint8_t lab[] = {0, 1, 1, 0};
  gc_dataset d = {4, 3, 2, img, lab};
  size_t sizes[] = {3, 2, 2};
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 3, sizes, GC_ACT_SIGMOID,
                                GC_COST_CROSS_ENTROPY), GC_OK);
  /* the orthogonal initialiser factorises with GSL's linear algebra */
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  ck_assert_int_eq(gc_net_init(net, GC_INIT_ORTHOGONAL, rng), GC_OK);
  gsl_rng_free(rng);
  assert_handler("gc_net_init (orthogonal)");
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  cfg.batch = 2;
  cfg.monitor = 0;
  gc_trainer *tr;
  ck_assert_int_eq(gc_trainer_alloc(&tr, net, &d, NULL, &cfg), GC_OK);
  ck_assert_int_eq(gc_trainer_epoch(tr, NULL), GC_OK);
  gc_trainer_free(tr);
  gc_net_free(net);
  assert_handler("gc_trainer_alloc/epoch");

  gsl_set_error_handler(saved);
}
END_TEST

#define EMIN (-1000)
#define EMAX 1000

static void narrow_range(void)
{
  ck_assert_int_eq(mpfr_set_emin(EMIN), 0);
  ck_assert_int_eq(mpfr_set_emax(EMAX), 0);
}

/* Depth 5000, w = 1, b = 0: dC/db1 ~ 1e-3200, about 2^-10600, far below
 * the caller's range, so the chain must have widened the range to get it;
 * with the layers kept the comparison runs on every thread too. */
START_TEST(test_mpfr_range)
{
  mpfr_exp_t emin0 = mpfr_get_emin(), emax0 = mpfr_get_emax();
#ifdef _OPENMP
  int save = omp_get_max_threads();
  omp_set_num_threads(3);
#pragma omp parallel
  narrow_range();
#else
  narrow_range();
#endif
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 5000), GC_OK);
  ck_assert_int_eq(gc_chain_set_constant(c, 1, 0, 1, 0), GC_OK);
  gc_chain_mpfr_result *m;
  mpfr_clear_flags();
  mpfr_set_inexflag(); /* the caller's flags, which must survive */
  ck_assert_int_eq(gc_chain_mpfr_eval(&m, c, 64, 1), GC_OK);
  ck_assert_uint_eq(mpfr_flags_save(), MPFR_FLAGS_INEXACT);
  ck_assert(!mpfr_zero_p(m->dC_db1) && mpfr_get_exp(m->dC_db1) < -10000);
  /* the same chain from decimal strings, and a string refused: the range
   * is put back on both ways out */
  const char *const one[] = {"1"}, *const zero[] = {"0"};
  const char *const huge[] = {"1e99999999999999999999"};
  gc_chain_decimal dec = {one, zero, 1, 1, "1", "0", NULL};
  gc_chain_mpfr_result *md, *bad;
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&md, c, &dec, 64, 0), GC_OK);
  ck_assert_int_eq(gc_mpfr_same_digits(md->dC_db1, m->dC_db1, md->digits), 1);
  gc_chain_mpfr_result_free(md);
  ck_assert_int_eq(mpfr_get_emin(), EMIN);
  dec.b = huge;
  ck_assert_int_eq(gc_chain_mpfr_eval_decimal(&bad, c, &dec, 64, 0),
                   GC_ERANGE);
#ifdef _OPENMP
  int wrong = 0;
#pragma omp parallel reduction(+ : wrong)
  wrong += mpfr_get_emin() != EMIN || mpfr_get_emax() != EMAX;
  ck_assert_msg(wrong == 0, "%d threads kept a changed exponent range",
                wrong);
  omp_set_num_threads(save);
#endif
  ck_assert_int_eq(mpfr_get_emin(), EMIN);
  ck_assert_int_eq(mpfr_get_emax(), EMAX);
  gc_chain_mpfr_result_free(m);
  gc_chain_free(c);
#ifdef _OPENMP
#pragma omp parallel
#endif
  {
    mpfr_set_emin(emin0);
    mpfr_set_emax(emax0);
  }
}
END_TEST

#ifdef _OPENMP
/* The MPFR chain's digits on one thread and on three are the same. */
START_TEST(test_mpfr_threads)
{
  gc_chain *c;
  ck_assert_int_eq(gc_chain_alloc(&c, 4500), GC_OK);
  ck_assert_int_eq(gc_chain_set_exploding(c, 100, 0.3, 0), GC_OK);
  int save = omp_get_max_threads();
  char s[2][200];
  for (int k = 0; k < 2; k++) {
    omp_set_num_threads(k ? 3 : 1);
    gc_chain_mpfr_result *m;
    ck_assert_int_eq(gc_chain_mpfr_eval(&m, c, 128, 1), GC_OK);
    gc_mpfr_snprint(s[k], sizeof s[k], m->dC_db[100], m->digits);
    gc_chain_mpfr_result_free(m);
  }
  omp_set_num_threads(save);
  ck_assert_str_eq(s[0], s[1]);
  gc_chain_free(c);
}
END_TEST
#endif

int main(void)
{
  Suite *s = suite_create("state");
  TCase *tc = test_case(s, "state");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_gsl_handler);
  tcase_add_test(tc, test_mpfr_range);
#ifdef _OPENMP
  tcase_add_test(tc, test_mpfr_threads);
#else
  fputs("check_state: test_mpfr_threads skipped: built without OpenMP\n",
        stderr);
#endif
  return test_run(s);
}
