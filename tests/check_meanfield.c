/* check_meanfield.c -- mean-field theory against closed forms (ReLU,
 * identity, erf), adaptive quadrature (GSL qagi), finite differences and
 * the fixed-point equations themselves. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static gc_meanfield *mf(gc_activation act)
{
  gc_meanfield *w = gc_meanfield_alloc(act, NULL);
  ck_assert_msg(w != NULL, "%s", gc_strerror_last());
  return w;
}

/* |x - ref| <= tol and the reported error covers the true one (up to
 * rounding) */
#define CK_CLOSE(x, ref, tol)                                              \
  ck_assert_msg(fabs((x) - (ref)) <= (tol), "%s = %.17g, expected %.17g",  \
                #x, (double)(x), (double)(ref))

/* ---------------------------------------------------------------- ReLU */

START_TEST(test_relu_maps)
{
  gc_meanfield *w = mf(GC_ACT_RELU);
  const double qs[] = {1e-3, 0.5, 1.0, 7.0, 1e4};
  for (size_t i = 0; i < 5; i++) {
    double q = qs[i], v, e;
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_PHI2, q), 0);
    CK_CLOSE(v, q / 2, 1e-14 * q);
    ck_assert(e <= 1e-13 * q);
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_DPHI2, q), 0);
    CK_CLOSE(v, 0.5, 1e-14);
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_D2PHI, q), 0);
    CK_CLOSE(v, 0.0, 1e-15);
  }
  /* the arc-cosine kernel (Cho and Saul 2009) */
  const double cs[] = {-1.0, -0.6, 0.0, 0.3, 0.9, 0.999, 0.999999, 1.0};
  for (size_t i = 0; i < 8; i++) {
    double q = 2.5, c = cs[i], pp, dd;
    ck_assert_int_eq(gc_meanfield_expect2(&pp, &dd, w, q, c), 0);
    double th = acos(c);
    double ref_pp = q / (2 * M_PI) * (sqrt(1 - c * c) + (M_PI - th) * c);
    double ref_dd = (M_PI - th) / (2 * M_PI);
    CK_CLOSE(pp, ref_pp, 1e-12);
    CK_CLOSE(dd, ref_dd, 1e-12);
  }
  gc_meanfield_free(w);
}
END_TEST

START_TEST(test_relu_point)
{
  gc_meanfield *w = mf(GC_ACT_RELU);
  gc_meanfield_result r;
  /* L(q) = sigma_w2 q/2 + sigma_b2: q* = sigma_b2 / (1 - sigma_w2/2) */
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.5, 0.2), 0);
  CK_CLOSE(r.q_star, 0.2 / (1 - 0.75), 1e-13);
  ck_assert(fabs(r.q_star - 0.8) <= r.q_star_err + 4 * DBL_EPSILON);
  CK_CLOSE(r.chi1, 0.75, 1e-14);
  CK_CLOSE(r.chi_q, 0.75, 1e-14); /* L'(q) = sigma_w2/2 */
  ck_assert(!r.chaotic);
  ck_assert(r.c_star == 1.0);
  CK_CLOSE(r.xi_grad, -1 / log(0.75), 1e-12);
  CK_CLOSE(r.xi_c, -1 / log(0.75), 1e-12);
  /* sigma_b2 = 0 below criticality: the trivial fixed point, chi1 from
   * q -> 0+ */
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.0, 0.0), 0);
  ck_assert(r.q_star == 0.0);
  CK_CLOSE(r.chi1, 0.5, 1e-14);
  /* at criticality every q is a fixed point: the trivial one is kept */
  ck_assert_int_eq(gc_meanfield_point(&r, w, 2.0, 0.0), 0);
  ck_assert(r.q_star == 0.0);
  CK_CLOSE(r.chi1, 1.0, 1e-14);
  /* beyond criticality the length map grows without bound */
  ck_assert_int_eq(gc_meanfield_point(&r, w, 2.5, 0.1), GC_ERANGE);
  ck_assert(strstr(gc_strerror_last(), "no fixed point") != NULL);
  gc_meanfield_free(w);
}
END_TEST

START_TEST(test_relu_critical)
{
  gc_meanfield *w = mf(GC_ACT_RELU);
  gc_meanfield_critical_result c;
  ck_assert_int_eq(gc_meanfield_critical(&c, w, 0.0), 0);
  CK_CLOSE(c.sigma_w2, 2.0, 1e-13);
  ck_assert(fabs(c.sigma_w2 - 2.0) <= c.sigma_w2_err + 4 * DBL_EPSILON);
  ck_assert(c.q_star == 0.0 && !c.q_star_unbounded);
  ck_assert_int_eq(gc_meanfield_critical(&c, w, 0.3), 0);
  CK_CLOSE(c.sigma_w2, 2.0, 1e-13);
  ck_assert(c.q_star_unbounded);
  gc_meanfield_free(w);
}
END_TEST

/* ---------------------------------------------------------------- identity */

START_TEST(test_identity)
{
  gc_meanfield *w = mf(GC_ACT_IDENTITY);
  gc_meanfield_result r;
  const double sw[] = {0.1, 0.5, 0.9, 0.999};
  for (size_t i = 0; i < 4; i++) {
    ck_assert_int_eq(gc_meanfield_point(&r, w, sw[i], 0.3), 0);
    CK_CLOSE(r.chi1, sw[i], 4 * DBL_EPSILON);
    /* ill-conditioned as 1/(1 - sigma_w2): the error estimate says so */
    CK_CLOSE(r.q_star, 0.3 / (1 - sw[i]), r.q_star_err);
    ck_assert(r.q_star_err < 1e-11 / (1 - sw[i]) * r.q_star);
  }
  gc_meanfield_critical_result c;
  ck_assert_int_eq(gc_meanfield_critical(&c, w, 0.0), 0);
  CK_CLOSE(c.sigma_w2, 1.0, 1e-14);
  /* sigma_w2 > 1: the variance doubles... without bound */
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.01, 0.1), GC_ERANGE);
  gc_meanfield_free(w);
}
END_TEST

/* ---------------------------------------------------------------- erf */

/* phi(u) = erf(sqrt(pi) u / 2): E[phi(u1) phi(u2)] = (2/pi) asin(pi q c /
 * (2 + pi q)) (Williams 1997), phi'(u) = exp(-pi u^2 / 4) */
static double erf_pp(double q, double c)
{
  return 2 / M_PI * asin(M_PI * q * c / (2 + M_PI * q));
}

static double erf_dd(double q, double c)
{
  double a = M_PI * q * c / (2 + M_PI * q);
  return 2 / ((2 + M_PI * q) * sqrt(1 - a * a));
}

typedef struct erfctx {
  double sw2, sb2, q;
} erfctx;

static double erf_qgap(double q, void *p)
{
  erfctx *e = p;
  return e->sw2 * erf_pp(q, 1) + e->sb2 - q;
}

static double erf_cgap(double c, void *p)
{
  erfctx *e = p;
  return (e->sw2 * erf_pp(e->q, c) + e->sb2) / e->q - c;
}

/* a root of the closed form by bisection: independent of the library */
static double bisect(double (*f)(double, void *), void *p, double lo,
                     double hi)
{
  double flo = f(lo, p);
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi), fm = f(mid, p);
    if ((fm > 0) == (flo > 0)) {
      lo = mid;
      flo = fm;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

START_TEST(test_erf)
{
  gc_meanfield *w = mf(GC_ACT_ERF);
  const double qs[] = {0.01, 0.5, 1.0, 2.5};
  for (size_t i = 0; i < 4; i++) {
    double q = qs[i], v, e;
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_PHI2, q), 0);
    CK_CLOSE(v, erf_pp(q, 1), 1e-13);
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_DPHI2, q), 0);
    CK_CLOSE(v, 1 / sqrt(1 + M_PI * q), 1e-13);
    const double cs[] = {-0.7, 0.0, 0.4, 0.95};
    for (size_t j = 0; j < 4; j++) {
      double pp, dd;
      ck_assert_int_eq(gc_meanfield_expect2(&pp, &dd, w, q, cs[j]), 0);
      CK_CLOSE(pp, erf_pp(q, cs[j]), 1e-12);
      CK_CLOSE(dd, erf_dd(q, cs[j]), 1e-12);
    }
  }
  /* one point in each phase: q*, chi1 = sigma_w2/sqrt(1 + pi q*), c* */
  const double sw[] = {1.3, 3.0}, sb[] = {0.1, 0.05};
  for (size_t i = 0; i < 2; i++) {
    gc_meanfield_result r;
    ck_assert_int_eq(gc_meanfield_point(&r, w, sw[i], sb[i]), 0);
    erfctx e = {sw[i], sb[i], 0};
    double q = bisect(erf_qgap, &e, 1e-9, 100);
    CK_CLOSE(r.q_star, q, 1e-12);
    ck_assert(fabs(r.q_star - q) <= r.q_star_err + 1e-15);
    double chi = sw[i] / sqrt(1 + M_PI * q);
    CK_CLOSE(r.chi1, chi, 1e-12);
    ck_assert(fabs(r.chi1 - chi) <= r.chi1_err + 1e-15);
    ck_assert_int_eq(r.chaotic, chi > 1);
    if (r.chaotic) {
      e.q = q;
      double c = bisect(erf_cgap, &e, 0, 1 - 1e-6);
      CK_CLOSE(r.c_star, c, 1e-11);
      CK_CLOSE(r.chi_c, sw[i] * erf_dd(q, c), 1e-11);
      CK_CLOSE(r.xi_c, -1 / log(sw[i] * erf_dd(q, c)), 1e-9);
    }
  }
  gc_meanfield_free(w);
}
END_TEST

/* ------------------------------------------------------ leaky ReLU, hard-tanh */

START_TEST(test_kinked)
{
  /* leaky ReLU: E[phi'(z)^2] = (1 + a^2)/2, critical sigma_w2 = 2/(1+a^2) */
  gc_meanfield *w = mf(GC_ACT_LEAKY_RELU);
  double a = GC_LEAKY_RELU_SLOPE;
  gc_meanfield_critical_result c;
  ck_assert_int_eq(gc_meanfield_critical(&c, w, 0.0), 0);
  CK_CLOSE(c.sigma_w2, 2 / (1 + a * a), 1e-13);
  gc_meanfield_result r;
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.0, 0.5), 0);
  CK_CLOSE(r.q_star, 0.5 / (1 - (1 + a * a) / 2), 1e-12);
  gc_meanfield_free(w);
  /* hard-tanh: E[phi(sqrt(q) z)^2] = q (P(|z|<t) - 2 t p(t)) + P(|z|>t)
   * with t = 1/sqrt(q); chi_q includes the kinks' delta terms, checked
   * by finite differences of the length map */
  w = mf(GC_ACT_HARD_TANH);
  const double qs[] = {0.3, 1.0, 4.0};
  for (size_t i = 0; i < 3; i++) {
    double q = qs[i], t = 1 / sqrt(q), v;
    double pin = erf(t / sqrt(2)), pt = exp(-t * t / 2) / sqrt(2 * M_PI);
    ck_assert_int_eq(gc_meanfield_expect(&v, NULL, w, GC_MF_PHI2, q), 0);
    CK_CLOSE(v, q * (pin - 2 * t * pt) + (1 - pin), 1e-13);
    ck_assert_int_eq(gc_meanfield_expect(&v, NULL, w, GC_MF_DPHI2, q), 0);
    CK_CLOSE(v, pin, 1e-13);
    double st, d2;
    ck_assert_int_eq(gc_meanfield_expect(&st, NULL, w, GC_MF_STEIN, q), 0);
    ck_assert_int_eq(gc_meanfield_expect(&d2, NULL, w, GC_MF_D2PHI, q), 0);
    CK_CLOSE(st, pin + d2, 1e-12);
  }
  ck_assert_int_eq(gc_meanfield_point(&r, w, 2.5, 0.05), 0);
  ck_assert(r.chaotic);
  double pp, dd;
  ck_assert_int_eq(gc_meanfield_expect2(&pp, &dd, w, r.q_star, r.c_star), 0);
  CK_CLOSE((2.5 * pp + 0.05) / r.q_star, r.c_star, 1e-11);
  gc_meanfield_free(w);
}
END_TEST

/* ---------------------------------------------------------------- tanh */

typedef struct qctx {
  gc_activation act;
  double s;
  int which;
} qctx;

static double integrand(double z, void *p)
{
  qctx *c = p;
  double u = c->s * z, a = gc_activation_value(c->act, u);
  double d = c->which == 0 ? a * a : gc_activation_deriv(c->act, u);
  if (c->which == 1) d *= d;
  return d * exp(-0.5 * z * z) / sqrt(2 * M_PI);
}

/* E[f] by GSL's adaptive qagi: an independent algorithm */
static double qagi(gc_activation act, double q, int which)
{
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
  qctx c = {act, sqrt(q), which};
  gsl_function F = {integrand, &c};
  double v, e;
  ck_assert_int_eq(gsl_integration_qagi(&F, 1e-15, 1e-13, 1000, ws, &v, &e),
                   0);
  gsl_integration_workspace_free(ws);
  return v;
}

START_TEST(test_tanh_quadrature)
{
  gc_meanfield *w = mf(GC_ACT_TANH);
  const double qs[] = {0.01, 0.3, 1.0, 3.0};
  for (size_t i = 0; i < 4; i++) {
    double v, e;
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_PHI2, qs[i]), 0);
    CK_CLOSE(v, qagi(GC_ACT_TANH, qs[i], 0), 1e-12);
    ck_assert_int_eq(gc_meanfield_expect(&v, &e, w, GC_MF_DPHI2, qs[i]), 0);
    CK_CLOSE(v, qagi(GC_ACT_TANH, qs[i], 1), 1e-12);
    /* Stein: E[phi phi' z]/sqrt(q) = E[phi'^2] + E[phi'' phi] */
    double st, d2;
    ck_assert_int_eq(gc_meanfield_expect(&st, NULL, w, GC_MF_STEIN, qs[i]),
                     0);
    ck_assert_int_eq(gc_meanfield_expect(&d2, NULL, w, GC_MF_D2PHI, qs[i]),
                     0);
    CK_CLOSE(st, v + d2, 1e-12);
  }
  /* d/dc E[phi(u1) phi(u2)] = q E[phi'(u1) phi'(u2)], by central
   * differences (step 1e-4: error ~ 1e-9) */
  const double cs[] = {-0.5, 0.1, 0.8};
  for (size_t i = 0; i < 3; i++) {
    double q = 1.3, h = 1e-4, pp1, pp2, dd, dummy;
    ck_assert_int_eq(gc_meanfield_expect2(&pp1, &dummy, w, q, cs[i] - h), 0);
    ck_assert_int_eq(gc_meanfield_expect2(&pp2, &dummy, w, q, cs[i] + h), 0);
    ck_assert_int_eq(gc_meanfield_expect2(&dummy, &dd, w, q, cs[i]), 0);
    CK_CLOSE((pp2 - pp1) / (2 * h), q * dd, 1e-8);
  }
  /* at c = 1 the 2-D integral is the 1-D one */
  double pp, dd, v;
  ck_assert_int_eq(gc_meanfield_expect2(&pp, &dd, w, 2.0, 1.0), 0);
  ck_assert_int_eq(gc_meanfield_expect(&v, NULL, w, GC_MF_PHI2, 2.0), 0);
  CK_CLOSE(pp, v, 1e-13);
  gc_meanfield_free(w);
}
END_TEST

/* the fixed points satisfy their equations; chi_q is L'(q*) by finite
 * differences; the errors are small */
static void check_point(gc_activation act, double sw2, double sb2,
                        int chaotic)
{
  gc_meanfield *w = mf(act);
  gc_meanfield_result r;
  ck_assert_int_eq(gc_meanfield_point(&r, w, sw2, sb2), 0);
  ck_assert_int_eq(r.chaotic, chaotic);
  double v, dv;
  ck_assert_int_eq(gc_meanfield_expect(&v, NULL, w, GC_MF_PHI2, r.q_star), 0);
  CK_CLOSE(sw2 * v + sb2, r.q_star, 1e-13 * r.q_star);
  ck_assert_int_eq(gc_meanfield_expect(&dv, NULL, w, GC_MF_DPHI2, r.q_star),
                   0);
  CK_CLOSE(r.chi1, sw2 * dv, 1e-15);
  double h = 1e-5 * r.q_star, lp, lm;
  ck_assert_int_eq(gc_meanfield_expect(&lp, NULL, w, GC_MF_PHI2,
                                       r.q_star + h), 0);
  ck_assert_int_eq(gc_meanfield_expect(&lm, NULL, w, GC_MF_PHI2,
                                       r.q_star - h), 0);
  CK_CLOSE(r.chi_q, sw2 * (lp - lm) / (2 * h), 1e-7);
  if (chaotic) {
    double pp, dd;
    ck_assert(r.c_star < 1);
    ck_assert_int_eq(gc_meanfield_expect2(&pp, &dd, w, r.q_star, r.c_star),
                     0);
    CK_CLOSE((sw2 * pp + sb2) / r.q_star, r.c_star, 1e-12);
    CK_CLOSE(r.chi_c, sw2 * dd, 1e-15);
    ck_assert(r.chi_c < 1); /* c* is stable */
  } else {
    ck_assert(r.c_star == 1.0 && r.chi_c == r.chi1);
  }
  ck_assert(r.q_star_err < 1e-10 && r.chi1_err < 1e-10 &&
            r.c_star_err < 1e-9 && r.xi_c_err < 1e-6 * fabs(r.xi_c));
  gc_meanfield_free(w);
}

START_TEST(test_tanh_phases)
{
  check_point(GC_ACT_TANH, 1.2, 0.05, 0); /* ordered */
  check_point(GC_ACT_TANH, 2.5, 0.05, 1); /* chaotic */
  check_point(GC_ACT_SIGMOID, 1.0, 1.0, 0);
  check_point(GC_ACT_SOFTPLUS, 1.0, 0.5, 0);
  /* chi_q = L'(q*) needs the kinks' delta terms here */
  check_point(GC_ACT_HARD_TANH, 1.0, 0.05, 0);
  check_point(GC_ACT_HARD_TANH, 2.5, 0.05, 1);
}
END_TEST

START_TEST(test_tanh_critical)
{
  gc_meanfield *w = mf(GC_ACT_TANH);
  gc_meanfield_critical_result c;
  /* sigma_b2 = 0: q* = 0 below, chi1 = sigma_w2 phi'(0)^2 = sigma_w2 */
  ck_assert_int_eq(gc_meanfield_critical(&c, w, 0.0), 0);
  CK_CLOSE(c.sigma_w2, 1.0, 1e-10);
  ck_assert_int_eq(gc_meanfield_critical(&c, w, 0.05), 0);
  gc_meanfield_result r;
  ck_assert_int_eq(gc_meanfield_point(&r, w, c.sigma_w2, 0.05), 0);
  CK_CLOSE(r.chi1, 1.0, 1e-12);
  CK_CLOSE(r.q_star, c.q_star, 1e-12);
  ck_assert(c.sigma_w2 > 1.0 && c.sigma_w2 < 2.0);
  gc_meanfield_free(w);
}
END_TEST

START_TEST(test_bad_input)
{
  gc_meanfield *w = mf(GC_ACT_TANH);
  gc_meanfield_result r;
  ck_assert_int_eq(gc_meanfield_point(&r, w, -1.0, 0.1), GC_EINVAL);
  ck_assert(strstr(gc_strerror_last(), "sigma_w^2") != NULL);
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.0, NAN), GC_EINVAL);
  ck_assert_int_eq(gc_meanfield_point(&r, w, INFINITY, 0.1), GC_EINVAL);
  ck_assert_int_eq(gc_meanfield_point(&r, w, 1.0, -0.1), GC_EINVAL);
  gc_meanfield_free(w);
}
END_TEST

START_TEST(test_grid)
{
  gc_meanfield_params p;
  gc_meanfield_params_default(&p);
  p.nodes = 400;
  p.nodes_2d = 12;
  gc_meanfield *w = gc_meanfield_alloc(GC_ACT_TANH, &p);
  ck_assert(w != NULL);
  double sw[3] = {0.5, 1.5, 3.0}, sb[2] = {0.0, 0.2};
  double chi[6], xi[6], crit[2];
  size_t miss = 99;
  ck_assert_int_eq(gc_meanfield_grid(chi, xi, crit, &miss, w, 3, sw, 2, sb),
                   0);
  ck_assert_uint_eq(miss, 0);
  gc_meanfield *ref = mf(GC_ACT_TANH);
  for (size_t j = 0; j < 2; j++)
    for (size_t i = 0; i < 3; i++) {
      gc_meanfield_result r;
      ck_assert_int_eq(gc_meanfield_point(&r, ref, sw[i], sb[j]), 0);
      CK_CLOSE(chi[j * 3 + i], r.chi1, 1e-9);
      CK_CLOSE(xi[j * 3 + i], r.xi_c, 1e-7 * fabs(r.xi_c));
    }
  CK_CLOSE(crit[0], 1.0, 1e-9);
  gc_meanfield_critical_result c;
  ck_assert_int_eq(gc_meanfield_critical(&c, ref, 0.2), 0);
  CK_CLOSE(crit[1], c.sigma_w2, 1e-9);
  gc_meanfield_free(ref);
  gc_meanfield_free(w);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("meanfield");
  TCase *t = tcase_create("closed forms");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_relu_maps);
  tcase_add_test(t, test_relu_point);
  tcase_add_test(t, test_relu_critical);
  tcase_add_test(t, test_identity);
  tcase_add_test(t, test_erf);
  tcase_add_test(t, test_kinked);
  tcase_add_test(t, test_tanh_quadrature);
  tcase_add_test(t, test_tanh_phases);
  tcase_add_test(t, test_tanh_critical);
  tcase_add_test(t, test_bad_input);
  tcase_add_test(t, test_grid);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  return test_run(suite());
}
