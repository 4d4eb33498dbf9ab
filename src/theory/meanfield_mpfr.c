/* meanfield_mpfr.c -- q* and chi1 in MPFR: the trapezoid rule for smooth
 * activations, closed forms in erf for piecewise-linear ones, the secant
 * method for q*. */
#include <math.h>
#include <stdio.h>

#include "gradchain/error.h"
#include "gradchain/meanfield_mpfr.h"
#include "gradchain/mpfr_expneg.h"
#include "gradchain/mpfr_digits.h"
#include "chain/mpfr_activation.h"

#define RND MPFR_RNDN
#define GUARD 32          /* working bits beyond the asked precision */
#define MAX_NODES ((size_t)1 << 22)
#define MAX_SECANT 200

/* E[phi^2] or E[phi'^2] of the piecewise-linear activations at q > 0
 * (and identity's), in closed form.  Returns 0, or 1 if act has none. */
static int closed_form(mpfr_ptr v, gc_activation act, gc_mf_integral which,
                       mpfr_srcptr q, mpfr_prec_t wp)
{
  int phi2 = which == GC_MF_PHI2;
  mpfr_t a, p, t;
  switch (act) {
  case GC_ACT_IDENTITY: /* q, 1 */
    if (phi2) mpfr_set(v, q, RND);
    else mpfr_set_ui(v, 1, RND);
    return 0;
  case GC_ACT_RELU:
  case GC_ACT_LEAKY_RELU: /* q (1+a^2)/2, (1+a^2)/2 */
    mpfr_init2(a, wp);
    mpfr_set_d(a, act == GC_ACT_RELU ? 0.0 : GC_LEAKY_RELU_SLOPE, RND);
    mpfr_sqr(a, a, RND);
    mpfr_add_ui(a, a, 1, RND);
    mpfr_div_2ui(a, a, 1, RND);
    if (phi2) mpfr_mul(v, a, q, RND);
    else mpfr_set(v, a, RND);
    mpfr_clear(a);
    return 0;
  case GC_ACT_HARD_TANH:
    /* A = 1/sqrt(q), P = P(|z| < A) = erf(A/sqrt 2):
     * E[phi'^2] = P, E[phi^2] = q (P - 2 A pdf(A)) + 1 - P */
    mpfr_inits2(wp, a, p, t, (mpfr_ptr)0);
    mpfr_rec_sqrt(a, q, RND);
    mpfr_sqrt_ui(t, 2, RND);
    mpfr_div(t, a, t, RND);
    mpfr_erf(p, t, RND);
    if (phi2) {
      mpfr_sqr(t, a, RND);
      mpfr_div_2ui(t, t, 1, RND);
      mpfr_neg(t, t, RND);
      mpfr_exp(t, t, RND);          /* e^{-A^2/2} */
      mpfr_mul(t, t, a, RND);
      mpfr_mul_2ui(t, t, 1, RND);   /* 2 A e^{-A^2/2} */
      mpfr_const_pi(v, RND);
      mpfr_mul_2ui(v, v, 1, RND);
      mpfr_sqrt(v, v, RND);
      mpfr_div(t, t, v, RND);       /* 2 A pdf(A) */
      mpfr_sub(t, p, t, RND);
      mpfr_mul(t, t, q, RND);
      mpfr_ui_sub(v, 1, p, RND);
      mpfr_add(v, v, t, RND);
    } else {
      mpfr_set(v, p, RND);
    }
    mpfr_clears(a, p, t, (mpfr_ptr)0);
    return 0;
  default:
    return 1;
  }
}

/* The trapezoid sum of g(z) e^{-z^2/2} / sqrt(2 pi) over z = k h, |z| <= Z,
 * for k odd (odd != 0) or all k, added to acc; wp-bit scratch. */
static size_t trapezoid_pass(mpfr_ptr acc, gc_activation act, int phi2,
                             mpfr_srcptr sq, mpfr_srcptr h, mpfr_srcptr Z,
                             int odd, mpfr_prec_t wp, gc_mpfr_exp_table *ex)
{
  mpfr_t z, u, a, fp, t, d, w;
  mpfr_inits2(wp, z, u, a, fp, t, d, w, (mpfr_ptr)0);
  size_t n = 0;
  mpfr_div(t, Z, h, RND);
  long K = mpfr_get_si(t, MPFR_RNDD);
  for (long k = -K; k <= K; k++) {
    if (odd && k % 2 == 0) continue;
    mpfr_mul_si(z, h, k, RND);
    mpfr_mul(u, z, sq, RND);
    gc_mpfr_activation(act, a, fp, u, t, d, ex);
    mpfr_sqr(w, phi2 ? a : fp, RND);
    mpfr_sqr(t, z, RND);
    mpfr_div_2ui(t, t, 1, RND);
    gc_mpfr_expneg(d, t, ex);        /* e^{-z^2/2} */
    mpfr_mul(w, w, d, RND);
    mpfr_add(acc, acc, w, RND);
    n++;
  }
  mpfr_clears(z, u, a, fp, t, d, w, (mpfr_ptr)0);
  return n;
}

int gc_meanfield_mpfr_expect(mpfr_t val, size_t *nodes, gc_activation act,
                             gc_mf_integral which, mpfr_srcptr q)
{
  if (nodes) *nodes = 0;
  if (which != GC_MF_PHI2 && which != GC_MF_DPHI2)
    return gc_error(GC_EINVAL, "only E[phi^2] and E[phi'^2] are evaluated "
                    "in MPFR");
  if (!(mpfr_sgn(q) >= 0) || !mpfr_number_p(q))
    return gc_error(GC_EINVAL, "the variance q must be finite and >= 0");
  mpfr_prec_t wp = mpfr_get_prec(val) + GUARD;
  int phi2 = which == GC_MF_PHI2;
  mpfr_t v;
  mpfr_init2(v, wp);
  if (mpfr_zero_p(q) || !closed_form(v, act, which, q, wp)) {
    if (mpfr_zero_p(q)) { /* phi(0)^2 or phi'(0)^2 */
      mpfr_t z, a, fp, t, d;
      gc_mpfr_exp_table *ex = NULL;
      if (gc_mpfr_exp_table_alloc(&ex, wp)) {
        mpfr_clear(v);
        return gc_error(GC_ENOMEM, "out of memory at %ld bits", (long)wp);
      }
      mpfr_inits2(wp, z, a, fp, t, d, (mpfr_ptr)0);
      mpfr_set_ui(z, 0, RND);
      gc_mpfr_activation(act, a, fp, z, t, d, ex);
      mpfr_sqr(v, phi2 ? a : fp, RND);
      mpfr_clears(z, a, fp, t, d, (mpfr_ptr)0);
      gc_mpfr_exp_table_free(ex);
    }
    mpfr_set(val, v, RND);
    mpfr_clear(v);
    return GC_OK;
  }
  gc_mpfr_exp_table *ex = NULL;
  if (gc_mpfr_exp_table_alloc(&ex, wp)) {
    mpfr_clear(v);
    return gc_error(GC_ENOMEM, "out of memory at %ld bits", (long)wp);
  }
  mpfr_t sq, h, Z, sum, prev, t;
  mpfr_inits2(wp, sq, h, Z, sum, prev, t, (mpfr_ptr)0);
  mpfr_sqrt(sq, q, RND);
  /* Z^2/2 = (wp + 16) ln 2 + ln(2 + q): the tails weigh below 2^-wp
   * (the integrands grow at most like q z^2) */
  mpfr_const_log2(Z, RND);
  mpfr_mul_ui(Z, Z, (unsigned long)wp + 16, RND);
  mpfr_add_ui(t, q, 2, RND);
  mpfr_log(t, t, RND);
  mpfr_add(Z, Z, t, RND);
  mpfr_mul_2ui(Z, Z, 1, RND);
  mpfr_sqrt(Z, Z, RND);
  mpfr_set_ui(h, 1, RND);
  mpfr_div_2ui(h, h, 1, RND); /* h = 1/2 */
  mpfr_set_ui(sum, 0, RND);
  size_t n = trapezoid_pass(sum, act, phi2, sq, h, Z, 0, wp, ex);
  mpfr_mul(v, sum, h, RND); /* the estimate, without 1/sqrt(2 pi) */
  int st = GC_OK;
  for (;;) {
    mpfr_set(prev, v, RND);
    mpfr_div_2ui(h, h, 1, RND);
    n += trapezoid_pass(sum, act, phi2, sq, h, Z, 1, wp, ex);
    mpfr_mul(v, sum, h, RND);
    mpfr_sub(t, v, prev, RND);
    mpfr_abs(t, t, RND);
    mpfr_mul_2si(t, t, (long)wp - GUARD + 8, RND);
    if (mpfr_cmpabs(t, v) <= 0) break; /* agree to 2^-(prec+8) */
    if (n > MAX_NODES) {
      st = gc_error(GC_ENOCONV, "the trapezoid rule did not settle with %zu "
                    "nodes", n);
      break;
    }
  }
  if (!st) {
    mpfr_const_pi(t, RND);
    mpfr_mul_2ui(t, t, 1, RND);
    mpfr_sqrt(t, t, RND);
    mpfr_div(v, v, t, RND);
    mpfr_set(val, v, RND);
    if (nodes) *nodes = n;
  }
  mpfr_clears(sq, h, Z, sum, prev, t, v, (mpfr_ptr)0);
  gc_mpfr_exp_table_free(ex);
  return st;
}

/* f = sigma_w2 E[phi^2](q) + sigma_b2 - q */
static int gap(mpfr_ptr f, gc_activation act, mpfr_srcptr sw2,
               mpfr_srcptr sb2, mpfr_srcptr q)
{
  int st = gc_meanfield_mpfr_expect(f, NULL, act, GC_MF_PHI2, q);
  if (st) return st;
  mpfr_mul(f, f, sw2, RND);
  mpfr_add(f, f, sb2, RND);
  mpfr_sub(f, f, q, RND);
  return GC_OK;
}

/* The secant iteration on sigma_w2 and sigma_b2 as MPFR numbers (read from
 * doubles or from decimal strings by the two entry points below). */
static int point(mpfr_t q_star, mpfr_t chi1, size_t *iters,
                 gc_activation act, mpfr_srcptr sw2, mpfr_srcptr sb2,
                 double q_start, mpfr_prec_t prec)
{
  if (iters) *iters = 0;
  if (!mpfr_number_p(sw2) || !mpfr_number_p(sb2) || mpfr_sgn(sw2) <= 0 ||
      mpfr_sgn(sb2) < 0 || !isfinite(q_start) || q_start < 0)
    return gc_error(GC_EINVAL, "sigma_w^2 = %g, sigma_b^2 = %g, q* = %g: "
                    "need sigma_w^2 > 0, sigma_b^2 >= 0, q* >= 0 finite",
                    mpfr_get_d(sw2, RND), mpfr_get_d(sb2, RND), q_start);
  mpfr_prec_t wp = prec + GUARD;
  mpfr_t q0, q1, f0, f1, t;
  mpfr_inits2(wp, q0, q1, f0, f1, t, (mpfr_ptr)0);
  int st = GC_OK;
  int homog = act == GC_ACT_RELU || act == GC_ACT_LEAKY_RELU ||
              act == GC_ACT_IDENTITY;
  if (q_start == 0 && mpfr_zero_p(sb2)) {
    mpfr_set_ui(q1, 0, RND); /* the trivial fixed point */
  } else if (homog) {
    /* E[phi^2](q) = c q: q* = sigma_b2 / (1 - sigma_w2 c) */
    mpfr_set_ui(t, 1, RND);
    st = gc_meanfield_mpfr_expect(f0, NULL, act, GC_MF_PHI2, t);
    if (!st) {
      mpfr_mul(f0, f0, sw2, RND);
      mpfr_ui_sub(f0, 1, f0, RND);
      if (mpfr_sgn(f0) <= 0)
        st = gc_error(GC_ERANGE, "no fixed point q*: sigma_w^2 E[phi(z)^2] "
                      ">= 1");
      else {
        mpfr_set(q1, sb2, RND);
        mpfr_div(q1, q1, f0, RND);
      }
    }
  } else {
    mpfr_set_d(q0, q_start, RND);
    mpfr_mul_d(q1, q0, 1 + 0x1p-30, RND);
    mpfr_add_d(q1, q1, 0x1p-60, RND);
    st = gap(f0, act, sw2, sb2, q0);
    if (!st) st = gap(f1, act, sw2, sb2, q1);
    size_t it = 0;
    while (!st) {
      if (mpfr_equal_p(f1, f0)) break; /* no change left to see */
      /* q2 = q1 - f1 (q1 - q0) / (f1 - f0) */
      mpfr_sub(t, q1, q0, RND);
      mpfr_mul(t, t, f1, RND);
      mpfr_sub(f0, f1, f0, RND);
      mpfr_div(t, t, f0, RND);
      mpfr_set(q0, q1, RND);
      mpfr_set(f0, f1, RND);
      mpfr_sub(q1, q1, t, RND);
      st = gap(f1, act, sw2, sb2, q1);
      it++;
      mpfr_mul_2si(t, t, (long)prec + 8, RND);
      if (!st && mpfr_cmpabs(t, q1) <= 0) break; /* |step| < 2^-(prec+8) q */
      if (it >= MAX_SECANT)
        st = gc_error(GC_ENOCONV, "q* in MPFR: the secant method did not "
                      "settle in %d steps", MAX_SECANT);
    }
    if (iters) *iters = it;
  }
  if (!st) {
    mpfr_set(q_star, q1, RND);
    st = gc_meanfield_mpfr_expect(t, NULL, act, GC_MF_DPHI2, q1);
    if (!st) {
      mpfr_mul(t, t, sw2, RND);
      mpfr_set(chi1, t, RND);
    }
  }
  mpfr_clears(q0, q1, f0, f1, t, (mpfr_ptr)0);
  return st;
}

int gc_meanfield_mpfr_point(mpfr_t q_star, mpfr_t chi1, size_t *iters,
                            gc_activation act, double sigma_w2,
                            double sigma_b2, double q_start, mpfr_prec_t prec)
{
  mpfr_t w, b;
  mpfr_inits2(53, w, b, (mpfr_ptr)0);
  mpfr_set_d(w, sigma_w2, RND); /* exact */
  mpfr_set_d(b, sigma_b2, RND);
  int st = point(q_star, chi1, iters, act, w, b, q_start, prec);
  mpfr_clears(w, b, (mpfr_ptr)0);
  return st;
}

int gc_meanfield_mpfr_point_decimal(mpfr_t q_star, mpfr_t chi1, size_t *iters,
                                    gc_activation act, const char *sigma_w2,
                                    const char *sigma_b2, double q_start,
                                    mpfr_prec_t prec)
{
  /* the typed decimals, correctly rounded at the working precision */
  mpfr_t w, b;
  mpfr_inits2(prec + GUARD, w, b, (mpfr_ptr)0);
  int st = gc_mpfr_set_str(w, sigma_w2, RND);
  if (st) gc_error(st, "sigma_w^2: %s", gc_strerror_last());
  else if ((st = gc_mpfr_set_str(b, sigma_b2, RND)))
    gc_error(st, "sigma_b^2: %s", gc_strerror_last());
  if (!st) st = point(q_star, chi1, iters, act, w, b, q_start, prec);
  mpfr_clears(w, b, (mpfr_ptr)0);
  return st;
}
