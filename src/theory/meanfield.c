/* meanfield.c -- q*, chi1, c* and the depth scales by quadrature and
 * bracketed root finding (GSL). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "gradchain/error.h"
#include "gradchain/meanfield.h"
#include "problems/problem_gsl.h"

#define Z_CUT 10.0     /* 1-D pieces cover |z| <= 10: the rest weighs < 1e-22 */
#define Z_CUT_2D 8.0   /* 2-D: the rest weighs 1.2e-15 per axis */
#define PIECE 2.0      /* longest piece, so each sees little of the Gaussian */
#define MAX_BRK 64     /* breakpoints of a composite rule */
#define INV_SQRT_2PI 0.39894228040143267794

typedef struct rule {
  size_t n;
  double *x, *w;
} rule;

struct gc_meanfield {
  gc_activation act;
  gc_meanfield_params p;
  size_t nk;        /* kinks of phi (piecewise-linear activations) */
  double kink[2];   /* where, in the pre-activation */
  double jump[2];   /* phi'(k+) - phi'(k-) */
  int homogeneous;  /* phi(a u) = a phi(u) for a > 0 */
  rule gh[2];       /* 1-D Gauss-Hermite for N(0,1): fine, coarse */
  rule leg[2];      /* Gauss-Legendre on [-1, 1], for composite rules */
};

void gc_meanfield_params_default(gc_meanfield_params *p)
{
  p->nodes = 800;
  p->nodes_2d = 24;
  p->tol = 1e-14;
  p->max_iter = 200;
}

gc_activation gc_meanfield_activation(const gc_meanfield *w)
{
  return w->act;
}

int gc_meanfield_homogeneous(const gc_meanfield *w) { return w->homogeneous; }

static void rule_free(rule *r)
{
  free(r->x);
  free(r->w);
  r->x = r->w = NULL;
}

/* n nodes of GSL's fixed rule T on (a, b) with weight as GSL defines it;
 * Hermite with b = 1/2 has weight exp(-x^2/2), divided by sqrt(2 pi) to
 * be the N(0,1) density. */
static int rule_make(rule *r, const gsl_integration_fixed_type *T, size_t n,
                     double a, double b, double scale)
{
  r->n = n;
  r->x = malloc(n * sizeof *r->x);
  r->w = malloc(n * sizeof *r->w);
  gsl_integration_fixed_workspace *ws =
      gsl_integration_fixed_alloc(T, n, a, b, 0.0, 0.0);
  if (!r->x || !r->w || !ws) {
    if (ws) gsl_integration_fixed_free(ws);
    rule_free(r);
    return gc_error(GC_ENOMEM, "meanfield: out of memory for %zu "
                    "quadrature nodes", n);
  }
  const double *x = gsl_integration_fixed_nodes(ws);
  const double *wt = gsl_integration_fixed_weights(ws);
  for (size_t i = 0; i < n; i++) {
    r->x[i] = x[i];
    r->w[i] = wt[i] * scale;
  }
  gsl_integration_fixed_free(ws);
  return GC_OK;
}

gc_meanfield *gc_meanfield_alloc(gc_activation act,
                                 const gc_meanfield_params *p)
{
  gc_meanfield_params def;
  if (!p) {
    gc_meanfield_params_default(&def);
    p = &def;
  }
  if (p->nodes < 8 || p->nodes > 100000 || p->nodes_2d < 4 ||
      p->nodes_2d > 1000) {
    gc_error(GC_EINVAL, "meanfield: the node counts must be in 8..100000 "
             "(Gauss-Hermite) and 4..1000 (Gauss-Legendre per piece)");
    return NULL;
  }
  if (!(p->tol > 0 && p->tol < 1e-3) || p->max_iter == 0) {
    gc_error(GC_EINVAL, "meanfield: the tolerance must be in (0, 1e-3) "
             "and max_iter positive");
    return NULL;
  }
  if ((unsigned)act >= GC_ACT_COUNT) {
    gc_error(GC_EINVAL, "meanfield: unknown activation %d", (int)act);
    return NULL;
  }
  gc_meanfield *w = calloc(1, sizeof *w);
  if (!w) {
    gc_error(GC_ENOMEM, "meanfield: out of memory");
    return NULL;
  }
  w->act = act;
  w->p = *p;
  switch (act) {
  case GC_ACT_RELU:
    w->nk = 1;
    w->kink[0] = 0.0;
    w->jump[0] = 1.0;
    w->homogeneous = 1;
    break;
  case GC_ACT_LEAKY_RELU:
    w->nk = 1;
    w->kink[0] = 0.0;
    w->jump[0] = 1.0 - GC_LEAKY_RELU_SLOPE;
    w->homogeneous = 1;
    break;
  case GC_ACT_HARD_TANH:
    w->nk = 2;
    w->kink[0] = -1.0;
    w->jump[0] = 1.0;
    w->kink[1] = 1.0;
    w->jump[1] = -1.0;
    break;
  case GC_ACT_IDENTITY:
    w->homogeneous = 1;
    break;
  default:
    break;
  }
  gsl_error_handler_t *old = gc_gsl_handler_off();
  const double nrm = 1.0 / sqrt(2.0 * M_PI);
  size_t n1[2] = {p->nodes, (3 * p->nodes) / 4};
  size_t nl[2] = {p->nodes_2d, (3 * p->nodes_2d) / 4};
  int st = GC_OK;
  for (int l = 0; l < 2 && !st; l++) {
    st = rule_make(&w->gh[l], gsl_integration_fixed_hermite, n1[l], 0.0,
                   0.5, nrm);
    if (!st)
      st = rule_make(&w->leg[l], gsl_integration_fixed_legendre, nl[l],
                     -1.0, 1.0, 1.0);
  }
  gc_gsl_handler_restore(old, 0);
  if (st) {
    gc_meanfield_free(w);
    return NULL;
  }
  return w;
}

void gc_meanfield_free(gc_meanfield *w)
{
  if (!w) return;
  for (int l = 0; l < 2; l++) {
    rule_free(&w->gh[l]);
    rule_free(&w->leg[l]);
  }
  free(w);
}

/* ------------------------------------------------------------ quadrature */

/* Nodes and N(0,1)-weights of one expectation: a Gauss-Hermite rule as
 * it is, or a composite Gauss-Legendre rule on |z| <= Z_CUT whose pieces
 * end at given breakpoints (buffers of MAX_BRK pieces). */
typedef struct qrule {
  size_t n;
  const double *x, *w;
  double *bx, *bw;
} qrule;

static int qrule_init(qrule *q, const gc_meanfield *w)
{
  size_t cap = MAX_BRK * w->leg[0].n;
  q->bx = malloc(2 * cap * sizeof *q->bx);
  q->bw = q->bx ? q->bx + cap : NULL;
  q->n = 0;
  return q->bx ? GC_OK : GC_ENOMEM;
}

static void qrule_free(qrule *q)
{
  free(q->bx);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void composite(qrule *q, const rule *leg, double zcut,
                      const double *brk, size_t nbrk)
{
  double b[MAX_BRK + 1];
  size_t nb = 0;
  for (double z = -zcut; z <= zcut + 1e-9; z += PIECE) b[nb++] = z;
  for (size_t i = 0; i < nbrk && nb < MAX_BRK; i++)
    if (isfinite(brk[i]) && fabs(brk[i]) < zcut) b[nb++] = brk[i];
  qsort(b, nb, sizeof b[0], cmp_double);
  q->n = 0;
  for (size_t i = 0; i + 1 < nb; i++) {
    double lo = b[i], hi = b[i + 1];
    if (!(hi - lo > 1e-12)) continue;
    double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
    for (size_t j = 0; j < leg->n; j++) {
      double z = mid + half * leg->x[j];
      q->bx[q->n] = z;
      q->bw[q->n] = half * leg->w[j] * INV_SQRT_2PI * exp(-0.5 * z * z);
      q->n++;
    }
  }
  q->x = q->bx;
  q->w = q->bw;
}

/* The rule for E[f(shift + scale z)] where f = phi or phi' (level 0 fine,
 * 1 coarse).  1-D integrals of smooth activations use Gauss-Hermite; the
 * rest (the 2-D integral, kinks) composite Gauss-Legendre, split at the
 * kinks, at the extra breakpoints, and geometrically around the points
 * centre[] on the scale width (a kink smoothed over that width). */
static void rule_for(qrule *q, const gc_meanfield *w, int level, int twod,
                     double shift, double scale, const double *centre,
                     size_t ncentre, double width)
{
  if (!w->nk && !twod) {
    const rule *r = &w->gh[level];
    q->n = r->n;
    q->x = r->x;
    q->w = r->w;
    return;
  }
  double brk[MAX_BRK];
  size_t nb = 0;
  for (size_t k = 0; k < w->nk; k++)
    if (scale > 0) brk[nb++] = (w->kink[k] - shift) / scale;
  for (size_t i = 0; i < ncentre; i++) {
    brk[nb++] = centre[i];
    for (double d = width; d < PIECE && nb + 2 < MAX_BRK - 12; d *= 4) {
      brk[nb++] = centre[i] - d;
      brk[nb++] = centre[i] + d;
    }
  }
  composite(q, &w->leg[level], twod ? Z_CUT_2D : Z_CUT, brk, nb);
}

typedef struct sums1 {
  double phi2, dphi2, d2phi, stein;
} sums1;

/* The 1-D sums at q; phi'' only when full (the length map needs phi^2
 * alone). */
static void expect1(sums1 *s, const gc_meanfield *w, int level, double q,
                    int full)
{
  /* at q = 0 a kink at 0 is seen from both sides: the limit q -> 0+ */
  double sq = sqrt(q == 0 && w->nk ? 1e-300 : q);
  qrule R;
  if (qrule_init(&R, w)) { /* too small to fail in practice */
    s->phi2 = s->dphi2 = s->d2phi = s->stein = NAN;
    return;
  }
  rule_for(&R, w, level, 0, 0.0, sq, NULL, 0, 0.0);
  enum { CH = 256 };
  double u[CH], a[CH], fp[CH];
  double p2 = 0, d2 = 0, dd = 0, st = 0;
  for (size_t i0 = 0; i0 < R.n; i0 += CH) {
    size_t m = R.n - i0 < CH ? R.n - i0 : CH;
    const double *x = R.x + i0, *wt = R.w + i0;
    for (size_t i = 0; i < m; i++) u[i] = sq * x[i];
    gc_activation_forward(a, fp, w->act, m, u);
    for (size_t i = 0; i < m; i++) {
      p2 += wt[i] * a[i] * a[i];
      d2 += wt[i] * fp[i] * fp[i];
    }
    if (full)
      for (size_t i = 0; i < m; i++) {
        dd += wt[i] * gc_activation_deriv2(w->act, u[i]) * a[i];
        st += wt[i] * a[i] * fp[i] * x[i];
      }
  }
  /* phi'' has a delta of weight jump at each kink k: jump phi(k) p(k),
   * p the N(0, q) density (0 at q = 0 unless k = 0, where phi(0) = 0) */
  for (size_t k = 0; k < w->nk; k++) {
    double kk = w->kink[k];
    double pk = INV_SQRT_2PI / sq * exp(-0.5 * kk * kk / (sq * sq));
    dd += w->jump[k] * gc_activation_value(w->act, kk) * pk;
  }
  qrule_free(&R);
  s->phi2 = p2;
  s->dphi2 = d2;
  s->d2phi = full ? dd : NAN;
  s->stein = full && q > 0 ? st / sq : NAN;
}

int gc_meanfield_expect(double *val, double *err, const gc_meanfield *w,
                        gc_mf_integral which, double q)
{
  if (!(q >= 0) || !isfinite(q))
    return gc_error(GC_EINVAL, "meanfield: the variance q must be finite "
                    "and >= 0 (got %g)", q);
  sums1 s[2];
  for (int l = 0; l < 2; l++) expect1(&s[l], w, l, q, 1);
  double v[2];
  for (int l = 0; l < 2; l++)
    v[l] = which == GC_MF_PHI2    ? s[l].phi2
           : which == GC_MF_DPHI2 ? s[l].dphi2
           : which == GC_MF_D2PHI ? s[l].d2phi
                                  : s[l].stein;
  *val = v[0];
  if (err) *err = fabs(v[0] - v[1]);
  return GC_OK;
}

/* E[phi(u1) phi(u2)] and E[phi'(u1) phi'(u2)] at (q, c) */
static void expect2(double *pp, double *dd, const gc_meanfield *w, int level,
                    double q, double c)
{
  double sq = sqrt(q), r = sqrt(fmax(0.0, 1.0 - c * c));
  qrule O, I;
  double *u = malloc(3 * MAX_BRK * w->leg[0].n * sizeof *u);
  if (!u || qrule_init(&O, w) || qrule_init(&I, w)) {
    free(u);
    *pp = *dd = NAN;
    return;
  }
  double *a = u + MAX_BRK * w->leg[0].n, *fp = a + MAX_BRK * w->leg[0].n;
  /* the outer integrand has kinks at k/sqrt(q) (phi(u1)) and, as c -> 1,
   * near-kinks at k/(c sqrt(q)), smoothed over r/c: the inner integral
   * tends to phi(c u1) */
  double centre[2];
  size_t nc = 0;
  for (size_t k = 0; k < w->nk; k++)
    if (c != 0 && sq > 0) centre[nc++] = w->kink[k] / (c * sq);
  rule_for(&O, w, level, 1, 0.0, sq, centre, nc, r / fabs(c));
  double spp = 0, sdd = 0;
  if (!w->nk) rule_for(&I, w, level, 1, 0.0, 0.0, NULL, 0, 0.0);
  for (size_t i = 0; i < O.n; i++) {
    double z1 = O.x[i], u1 = sq * z1, a1, f1;
    gc_activation_forward(&a1, &f1, w->act, 1, &u1);
    if (w->nk) rule_for(&I, w, level, 1, sq * c * z1, sq * r, NULL, 0, 0.0);
    for (size_t j = 0; j < I.n; j++) u[j] = sq * (c * z1 + r * I.x[j]);
    gc_activation_forward(a, fp, w->act, I.n, u);
    double ia = 0, id = 0;
    for (size_t j = 0; j < I.n; j++) {
      ia += I.w[j] * a[j];
      id += I.w[j] * fp[j];
    }
    spp += O.w[i] * a1 * ia;
    sdd += O.w[i] * f1 * id;
  }
  qrule_free(&O);
  qrule_free(&I);
  free(u);
  *pp = spp;
  *dd = sdd;
}

int gc_meanfield_expect2(double *pp, double *dd, const gc_meanfield *w,
                         double q, double c)
{
  if (!(q >= 0) || !isfinite(q) || !(c >= -1 && c <= 1))
    return gc_error(GC_EINVAL, "meanfield: need q >= 0 finite and c in "
                    "[-1, 1] (got q = %g, c = %g)", q, c);
  expect2(pp, dd, w, 0, q, c);
  return GC_OK;
}

/* ------------------------------------------------------------ fixed points */

typedef struct ctx {
  const gc_meanfield *w;
  int level;
  double sw2, sb2, q;
  int st; /* a failure inside a function evaluation */
  double last_dg; /* G'(c) of the last pass of the 2-D integral */
} ctx;

static double length_gap(double q, void *p)
{
  ctx *c = p;
  sums1 s;
  expect1(&s, c->w, c->level, q, 0);
  return c->sw2 * s.phi2 + c->sb2 - q;
}

static int check_var(double sw2, double sb2)
{
  if (!isfinite(sw2) || !(sw2 > 0))
    return gc_error(GC_EINVAL, "meanfield: sigma_w^2 must be finite and "
                    "> 0 (got %g)", sw2);
  if (!isfinite(sb2) || !(sb2 >= 0))
    return gc_error(GC_EINVAL, "meanfield: sigma_b^2 must be finite and "
                    ">= 0 (got %g)", sb2);
  return GC_OK;
}

/* q* at one level: the first sign change of L(q) - q from q = 0 upwards,
 * bracketed by a geometric scan and refined by Brent. */
static int qstar_level(double *qs, double *qerr, const gc_meanfield *w,
                       int level, double sw2, double sb2)
{
  ctx c = {w, level, sw2, sb2, 0, 0, NAN};
  const double q0 = 1e-30;
  /* L(0) = sigma_b2 + sigma_w2 phi(0)^2 exactly */
  double phi0 = gc_activation_value(w->act, 0.0);
  double l0 = sb2 + sw2 * phi0 * phi0;
  double lo;
  if (l0 > 0) {
    lo = 0.0;
  } else {
    /* L(0) = 0: q = 0 is a fixed point; it is the answer when stable,
     * i.e. when the slope L(q)/q at 0+ is at most 1 */
    double slope = (length_gap(q0, &c) + q0) / q0;
    if (!(slope > 1 + 64 * DBL_EPSILON)) { /* marginal counts as stable */
      *qs = 0.0;
      *qerr = 0.0;
      return GC_OK;
    }
    lo = q0;
  }
  double hi = fmax(2.0 * fmax(l0, 0.0), 1e-12);
  while (length_gap(hi, &c) > 0) {
    lo = hi;
    hi *= 4.0;
    if (hi > GC_MEANFIELD_Q_MAX) {
      if (length_gap(GC_MEANFIELD_Q_MAX, &c) > 0)
        return gc_error(GC_ERANGE, "%s with sigma_w^2 = %g, "
                        "sigma_b^2 = %g has no fixed point q* below %g "
                        "(the length map stays above q: sigma_w^2 "
                        "E[phi^2] grows as fast as q)",
                        gc_activation_name(w->act), sw2, sb2,
                        GC_MEANFIELD_Q_MAX);
      hi = GC_MEANFIELD_Q_MAX;
    }
  }
  gsl_function F = {length_gap, &c};
  double hw;
  int st = gc_brent_root(qs, &hw, &F, lo, hi, 1e-300, w->p.tol,
                         w->p.max_iter, "meanfield: solving L(q) = q");
  *qerr = hw;
  return st;
}

typedef struct point {
  double q, chi1, c, chi_c, chi_q, xi_q, xi_c, xi_grad;
  double q_hw, c_hw;
  int chaotic;
} point;

/* G(c) = C(c) - c and G'(c) = sigma_w2 E[phi' phi'] - 1 from one pass */
static void corr_gap_fdf(double cc, void *p, double *g, double *dg)
{
  ctx *c = p;
  double pp, dd;
  expect2(&pp, &dd, c->w, c->level, c->q, cc);
  *g = (c->sw2 * pp + c->sb2) / c->q - cc;
  *dg = c->last_dg = c->sw2 * dd - 1.0;
}

static double corr_gap(double cc, void *p)
{
  double g, dg;
  corr_gap_fdf(cc, p, &g, &dg);
  return g;
}

static double corr_gap_df(double cc, void *p)
{
  double g, dg;
  corr_gap_fdf(cc, p, &g, &dg);
  return dg;
}

static double depth_scale(double chi)
{
  double l = log(chi);
  return l == 0 ? INFINITY : -1.0 / l;
}

/* Brent on [0, 1 - eps], the fallback of cstar_level */
static int cstar_brent(double *cs, double *hw, ctx *c)
{
  double hi = 1.0;
  int found = 0;
  for (double eps = 1e-1; eps >= 1e-7 && !found; eps *= 0.1) {
    hi = 1.0 - eps;
    found = corr_gap(hi, c) < 0;
  }
  if (!found) { /* so close to critical that c* is within 1e-7 of 1 */
    *cs = 1.0;
    *hw = 1e-7;
    return GC_OK;
  }
  gsl_function F = {corr_gap, c};
  return gc_brent_root(cs, hw, &F, 0.0, hi, 1e-15, c->w->p.tol,
                       c->w->p.max_iter, "meanfield: solving C(c) = c");
}

/* c* in the chaotic phase: the root of G(c) = C(c) - c in [0, 1).
 * G(0) = (sigma_w2 E[phi]^2 + sigma_b2)/q* >= 0, G(1) = 0 with G'(1) =
 * chi1 - 1 > 0, and G is convex on [0, 1] (Mehler: E[phi(u1) phi(u2)] is
 * a power series in c with coefficients >= 0), so GSL's Newton solver
 * from c = 0 climbs monotonically to c*; one pass of the 2-D integral
 * gives G and G'.  Should an iterate leave [0, 1), Brent takes over.
 * *chi_c gets C'(c*) from the last pass. */
static int cstar_level(double *cs, double *hw, double *chi_c,
                       const gc_meanfield *w, int level, double sw2,
                       double sb2, double q)
{
  ctx c = {w, level, sw2, sb2, q, 0, NAN};
  gsl_root_fdfsolver *s = gsl_root_fdfsolver_alloc(gsl_root_fdfsolver_newton);
  if (!s) return gc_error(GC_ENOMEM, "meanfield: out of memory");
  gsl_function_fdf F = {corr_gap, corr_gap_df, corr_gap_fdf, &c};
  double x0 = 0.0, x = 0.0;
  int gs = gsl_root_fdfsolver_set(s, &F, x0), done = 0;
  for (size_t it = 0; !gs && !done && it < w->p.max_iter; it++) {
    gs = gsl_root_fdfsolver_iterate(s);
    x0 = x;
    x = gsl_root_fdfsolver_root(s);
    if (gs || !(x >= x0 - 1e-12 && x < 1.0)) gs = GSL_EFAILED;
    else done = gsl_root_test_delta(x, x0, 1e-15, w->p.tol) == GSL_SUCCESS;
  }
  gsl_root_fdfsolver_free(s);
  if (!done) {
    int st = cstar_brent(cs, hw, &c);
    if (!st) *chi_c = 1.0 + corr_gap_df(*cs, &c);
    return st;
  }
  *cs = x;
  *hw = fabs(x - x0);
  /* the last pass was at x0, |x - x0| below the tolerance */
  *chi_c = 1.0 + c.last_dg;
  return GC_OK;
}

static int point_level(point *P, const gc_meanfield *w, int level,
                       double sw2, double sb2, int want_c)
{
  int st = qstar_level(&P->q, &P->q_hw, w, level, sw2, sb2);
  if (st) return st;
  sums1 s;
  expect1(&s, w, level, P->q, 1);
  P->chi1 = sw2 * s.dphi2;
  P->chi_q = P->chi1 + sw2 * s.d2phi;
  P->chaotic = P->chi1 > 1 && P->q > 0;
  P->c = 1.0;
  P->c_hw = 0.0;
  P->chi_c = P->chi1;
  if (P->chaotic && want_c) {
    st = cstar_level(&P->c, &P->c_hw, &P->chi_c, w, level, sw2, sb2, P->q);
    if (st) return st;
  }
  P->xi_q = depth_scale(P->chi_q);
  P->xi_c = depth_scale(P->chi_c);
  P->xi_grad = depth_scale(P->chi1);
  return GC_OK;
}

/* |fine - coarse| + extra + a few ulps */
static double err_of(double f, double c, double extra)
{
  if (!isfinite(f)) return isfinite(c) || f != c ? INFINITY : 0.0;
  return fabs(f - c) + extra + 8 * DBL_EPSILON * fabs(f);
}

/* the error of xi = -1/ln chi from that of chi */
static double xi_err(double xf, double xc, double chi, double chi_err)
{
  double l = log(chi);
  if (l == 0 || !isfinite(xf)) return INFINITY;
  return err_of(xf, xc, chi_err / (chi * l * l));
}

int gc_meanfield_qstar(double *q_star, const gc_meanfield *w,
                       double sigma_w2, double sigma_b2)
{
  int st = check_var(sigma_w2, sigma_b2);
  if (st) return st;
  gsl_error_handler_t *old = gc_gsl_handler_off();
  double hw;
  st = qstar_level(q_star, &hw, w, 0, sigma_w2, sigma_b2);
  gc_gsl_handler_restore(old, 0);
  return st;
}

int gc_meanfield_point(gc_meanfield_result *r, const gc_meanfield *w,
                       double sigma_w2, double sigma_b2)
{
  memset(r, 0, sizeof *r);
  r->sigma_w2 = sigma_w2;
  r->sigma_b2 = sigma_b2;
  int st = check_var(sigma_w2, sigma_b2);
  if (st) return st;
  gsl_error_handler_t *old = gc_gsl_handler_off();
  point P[2];
  st = point_level(&P[0], w, 0, sigma_w2, sigma_b2, 1);
  if (!st) st = point_level(&P[1], w, 1, sigma_w2, sigma_b2, 1);
  gc_gsl_handler_restore(old, 0);
  if (st) return st;
  r->q_star = P[0].q;
  r->chi1 = P[0].chi1;
  r->c_star = P[0].c;
  r->chi_c = P[0].chi_c;
  r->chi_q = P[0].chi_q;
  r->xi_q = P[0].xi_q;
  r->xi_c = P[0].xi_c;
  r->xi_grad = P[0].xi_grad;
  r->chaotic = P[0].chaotic;
  /* rounding in L(q) moves its root by 1/|1 - L'(q*)| = 1/|1 - chi_q| as
   * much (err_of's 8 eps counts it once); the MPFR point showed the
   * difference (softplus, 1.4, 0.3: off by 1.4e-14, estimate 1.3e-14) */
  double cond = fabs(1 - P[0].chi_q);
  double qround = P[0].q == 0 ? 0.0
                 : cond > 0   ? 8 * DBL_EPSILON * fabs(P[0].q) / cond
                              : INFINITY;
  r->q_star_err = err_of(P[0].q, P[1].q, P[0].q_hw) + qround;
  r->chi1_err = err_of(P[0].chi1, P[1].chi1, 0);
  r->c_star_err = err_of(P[0].c, P[1].c, P[0].c_hw);
  r->chi_c_err = err_of(P[0].chi_c, P[1].chi_c, 0);
  r->chi_q_err = err_of(P[0].chi_q, P[1].chi_q, 0);
  r->xi_q_err = xi_err(P[0].xi_q, P[1].xi_q, P[0].chi_q, r->chi_q_err);
  r->xi_c_err = xi_err(P[0].xi_c, P[1].xi_c, P[0].chi_c, r->chi_c_err);
  r->xi_grad_err = xi_err(P[0].xi_grad, P[1].xi_grad, P[0].chi1,
                          r->chi1_err);
  return GC_OK;
}

/* ------------------------------------------------------------ criticality */

static double chi1_gap(double sw2, void *p)
{
  ctx *c = p;
  point P;
  if (c->st) return NAN;
  c->st = point_level(&P, c->w, c->level, sw2, c->sb2, 0);
  return c->st ? NAN : P.chi1 - 1.0;
}

static int critical_level(double *sw2c, double *hw, double *q,
                          const gc_meanfield *w, int level, double sb2)
{
  if (w->homogeneous) {
    /* chi1 = sigma_w2 E[phi'(z)^2] whatever q is */
    sums1 s;
    expect1(&s, w, level, 1.0, 0);
    *sw2c = 1.0 / s.dphi2;
    *hw = 0.0;
    *q = sb2 > 0 ? INFINITY : 0.0;
    return GC_OK;
  }
  ctx c = {w, level, 0, sb2, 0, 0, NAN};
  double lo = 1e-3, hi = 1.0;
  double glo = chi1_gap(lo, &c);
  if (c.st) return c.st;
  if (glo >= 0)
    return gc_error(GC_ENOBRACKET, "meanfield: %s with sigma_b^2 = %g "
                    "already has chi1 >= 1 at sigma_w^2 = %g",
                    gc_activation_name(w->act), sb2, lo);
  double ghi;
  for (;;) {
    ghi = chi1_gap(hi, &c);
    if (c.st) {
      char why[256];
      const char *m = strstr(gc_strerror_last(), " has ");
      snprintf(why, sizeof why, "the net%s", m ? m : gc_strerror_last());
      return gc_error(c.st, "no critical sigma_w^2 for %s with sigma_b^2 "
                      "= %g: chi1 < 1 up to sigma_w^2 = %g, and at %g %s",
                      gc_activation_name(w->act), sb2, lo, hi, why);
    }
    if (ghi >= 0) break;
    lo = hi;
    hi *= 2.0;
    if (hi > 1e4)
      return gc_error(GC_ENOBRACKET, "meanfield: no critical sigma_w^2 "
                      "for %s with sigma_b^2 = %g below 1e4",
                      gc_activation_name(w->act), sb2);
  }
  gsl_function F = {chi1_gap, &c};
  int st = gc_brent_root(sw2c, hw, &F, lo, hi, 0.0, w->p.tol,
                         w->p.max_iter, "meanfield: solving chi1 = 1");
  if (c.st) return c.st;
  if (st) return st;
  double qhw;
  return qstar_level(q, &qhw, w, level, *sw2c, sb2);
}

int gc_meanfield_critical(gc_meanfield_critical_result *r,
                          const gc_meanfield *w, double sigma_b2)
{
  memset(r, 0, sizeof *r);
  r->sigma_b2 = sigma_b2;
  int st = check_var(1.0, sigma_b2);
  if (st) return st;
  gsl_error_handler_t *old = gc_gsl_handler_off();
  double s[2], hw[2], q[2];
  st = critical_level(&s[0], &hw[0], &q[0], w, 0, sigma_b2);
  if (!st) st = critical_level(&s[1], &hw[1], &q[1], w, 1, sigma_b2);
  gc_gsl_handler_restore(old, 0);
  if (st) return st;
  r->sigma_w2 = s[0];
  r->sigma_w2_err = err_of(s[0], s[1], hw[0]);
  r->q_star = q[0];
  r->q_star_unbounded = isinf(q[0]);
  r->q_star_err = r->q_star_unbounded ? 0.0 : err_of(q[0], q[1], 0);
  return GC_OK;
}

/* ------------------------------------------------------------ phase diagram */

int gc_meanfield_grid(double *chi1, double *xi_c, double *crit_w2,
                      size_t *missing, const gc_meanfield *w, size_t nw,
                      const double *sigma_w2, size_t nb,
                      const double *sigma_b2)
{
  if (nw == 0 || nb == 0)
    return gc_error(GC_EINVAL, "meanfield: the grid is empty");
  for (size_t i = 0; i < nw; i++) {
    int st = check_var(sigma_w2[i], 0.0);
    if (st) return st;
  }
  for (size_t j = 0; j < nb; j++) {
    int st = check_var(1.0, sigma_b2[j]);
    if (st) return st;
  }
  size_t npts = nw * nb;
  int *status = calloc(npts + nb, sizeof *status);
  if (!status) return gc_error(GC_ENOMEM, "meanfield: out of memory");
  gsl_error_handler_t *old = gc_gsl_handler_off();
  long np = (long)(npts + nb);
#pragma omp parallel for schedule(dynamic, 4)
  for (long k = 0; k < np; k++) {
    if ((size_t)k < npts) {
      size_t i = (size_t)k % nw, j = (size_t)k / nw;
      point P;
      int st = point_level(&P, w, 0, sigma_w2[i], sigma_b2[j], 1);
      chi1[k] = st ? NAN : P.chi1;
      xi_c[k] = st ? NAN : P.xi_c;
      status[k] = st;
    } else {
      size_t j = (size_t)k - npts;
      double hw, q;
      int st = critical_level(&crit_w2[j], &hw, &q, w, 0, sigma_b2[j]);
      if (st) crit_w2[j] = NAN;
      status[k] = st;
    }
  }
  gc_gsl_handler_restore(old, 0);
  /* points without q* are NaN; any other failure is an error, re-raised
   * here so that its message belongs to this thread */
  size_t miss = 0;
  int st = GC_OK;
  for (size_t k = 0; k < npts && !st; k++) {
    if (status[k] == GC_ERANGE) miss++;
    else if (status[k]) {
      point P;
      old = gc_gsl_handler_off();
      st = point_level(&P, w, 0, sigma_w2[k % nw], sigma_b2[k / nw], 1);
      gc_gsl_handler_restore(old, 0);
      if (!st) st = gc_error(GC_ENUMERIC, "meanfield: a grid point failed");
    }
  }
  free(status);
  if (missing) *missing = miss;
  return st;
}

int gc_meanfield_speed_ratio(double *ratio, double *chi1, gc_activation act,
                             double sigma_w2, double sigma_b2)
{
  gc_meanfield *w = gc_meanfield_alloc(act, NULL);
  if (!w) return GC_ENOMEM;
  gc_meanfield_result r;
  int st = gc_meanfield_point(&r, w, sigma_w2, sigma_b2);
  gc_meanfield_free(w);
  if (st) return st;
  *ratio = 1 / sqrt(r.chi1);
  if (chi1) *chi1 = r.chi1;
  return GC_OK;
}
