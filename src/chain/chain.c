/* chain.c -- toy chains on the net core, and the chapter's explicit
 * product of gradient terms. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "gradchain/chain.h"
#include "gradchain/error.h"
#include "gradchain/net.h"

int gc_chain_alloc(gc_chain **out, size_t depth)
{
  *out = NULL;
  if (depth == 0) return gc_error(GC_EINVAL, "a chain needs at least one layer");
  if (depth > GC_CHAIN_MAX_DEPTH)
    return gc_error(GC_ERANGE, "depth %zu is above the %zu layers allowed",
                    depth, GC_CHAIN_MAX_DEPTH);
  gc_chain *c = calloc(1, sizeof *c);
  if (!c) return gc_error(GC_ENOMEM, "out of memory");
  c->w = calloc(depth, sizeof *c->w);
  c->b = calloc(depth, sizeof *c->b);
  if (!c->w || !c->b) {
    gc_chain_free(c);
    return gc_error(GC_ENOMEM, "out of memory for a chain of %zu layers",
                    depth);
  }
  c->depth = depth;
  c->act = GC_ACT_SIGMOID;
  c->cost = GC_COST_QUADRATIC;
  *out = c;
  return GC_OK;
}

void gc_chain_free(gc_chain *c)
{
  if (!c) return;
  free(c->w);
  free(c->b);
  free(c);
}

static int check_io(double a0, double y)
{
  if (!isfinite(a0) || !isfinite(y))
    return gc_error(GC_EINVAL, "input and target must be finite numbers");
  return GC_OK;
}

int gc_chain_set(gc_chain *c, const double *w, const double *b, double a0,
                 double y)
{
  int st = check_io(a0, y);
  if (st) return st;
  for (size_t j = 0; j < c->depth; j++)
    if (!isfinite(w[j]) || !isfinite(b[j]))
      return gc_error(GC_EINVAL, "weight or bias of layer %zu is not finite",
                      j + 1);
  memcpy(c->w, w, c->depth * sizeof *w);
  memcpy(c->b, b, c->depth * sizeof *b);
  c->a0 = a0;
  c->y = y;
  c->exploding = 0;
  return GC_OK;
}

int gc_chain_set_constant(gc_chain *c, double w, double b, double a0, double y)
{
  int st = check_io(a0, y);
  if (st) return st;
  if (!isfinite(w) || !isfinite(b))
    return gc_error(GC_EINVAL, "weight and bias must be finite numbers");
  for (size_t j = 0; j < c->depth; j++) {
    c->w[j] = w;
    c->b[j] = b;
  }
  c->a0 = a0;
  c->y = y;
  c->exploding = 0;
  return GC_OK;
}

int gc_chain_set_random(gc_chain *c, gsl_rng *rng, double a0, double y)
{
  int st = check_io(a0, y);
  if (st) return st;
  /* one weight, then one bias, layer after layer: a chain of depth L is
   * a prefix of the chain of depth L+1 drawn from the same seed */
  for (size_t j = 0; j < c->depth; j++) {
    c->w[j] = gsl_ran_gaussian_ziggurat(rng, 1.0);
    c->b[j] = gsl_ran_gaussian_ziggurat(rng, 1.0);
  }
  c->a0 = a0;
  c->y = y;
  c->exploding = 0;
  return GC_OK;
}

int gc_chain_set_exploding(gc_chain *c, double W, double a0, double y)
{
  int st = check_io(a0, y);
  if (st) return st;
  if (!isfinite(W) || W == 0)
    return gc_error(GC_EINVAL, "the exploding construction needs a finite, "
                    "non-zero weight");
  double a = a0;
  for (size_t j = 0; j < c->depth; j++) {
    double t = W * a; /* z_j = t + b_j = 0 exactly: no contraction here */
    c->w[j] = W;
    c->b[j] = -t;
    a = gc_activation_value(c->act, t + c->b[j]);
  }
  c->a0 = a0;
  c->y = y;
  c->exploding = 1;
  c->explode_w = W;
  return GC_OK;
}

/* ---------------------------------------------------------------- eval */

static int chain_net(gc_net **net, gc_workspace **ws, const gc_chain *c)
{
  size_t L = c->depth;
  size_t *sizes = malloc((L + 1) * sizeof *sizes);
  if (!sizes) return gc_error(GC_ENOMEM, "out of memory");
  for (size_t l = 0; l <= L; l++) sizes[l] = 1;
  int st = gc_net_alloc(net, L + 1, sizes, c->act, c->cost);
  free(sizes);
  if (st) return st;
  for (size_t j = 1; j <= L; j++) {
    (*net)->p.w[j][0] = c->w[j - 1];
    (*net)->p.b[j][0] = c->b[j - 1];
  }
  st = gc_workspace_alloc(ws, *net, 1);
  if (st) {
    gc_net_free(*net);
    *net = NULL;
  }
  return st;
}

void gc_chain_result_free(gc_chain_result *r)
{
  if (!r) return;
  free(r->z); /* one block */
  free(r);
}

static double ulps_apart(double x, double y)
{
  if (x == y) return 0;
  if (!isfinite(x) || !isfinite(y)) return INFINITY;
  double ax = fabs(x), ay = fabs(y), m = ax > ay ? ax : ay;
  double ulp = nextafter(m, INFINITY) - m;
  return fabs(x - y) / ulp;
}

static int tiny(double x) { return x == 0.0 || fabs(x) < DBL_MIN; }

int gc_chain_eval(gc_chain_result **out, const gc_chain *c)
{
  *out = NULL;
  size_t L = c->depth;
  gc_chain_result *r = calloc(1, sizeof *r);
  double *block = malloc(8 * L * sizeof *block);
  if (!r || !block) {
    free(r);
    free(block);
    return gc_error(GC_ENOMEM, "out of memory for a chain of %zu layers", L);
  }
  r->depth = L;
  r->z = block;
  r->a = block + L;
  r->fp = block + 2 * L;
  r->factor = block + 3 * L;
  r->dC_db = block + 4 * L;
  r->dC_dw = block + 5 * L;
  r->dC_db_bp = block + 6 * L;
  r->dC_dw_bp = block + 7 * L;

  gc_net *net = NULL;
  gc_workspace *ws = NULL;
  gc_params g = {0};
  int st = chain_net(&net, &ws, c);
  if (!st) st = gc_params_alloc_like(&g, net);
  if (!st) st = gc_net_forward(net, ws, &c->a0, 1);
  if (!st) st = gc_net_backward(net, ws, &c->y, &g);
  if (st) {
    gc_params_free(&g);
    gc_workspace_free(ws);
    gc_net_free(net);
    gc_chain_result_free(r);
    return st;
  }
  for (size_t j = 1; j <= L; j++) {
    r->z[j - 1] = ws->z[j][0];
    r->a[j - 1] = ws->a[j][0];
    r->fp[j - 1] = ws->fp[j][0];
    r->factor[j - 1] = c->w[j - 1] * ws->fp[j][0];
    r->dC_db_bp[j - 1] = ws->delta[j][0];
    r->dC_dw_bp[j - 1] = g.w[j][0];
    if (!isfinite(r->z[j - 1]) || !isfinite(r->a[j - 1])) r->overflow = 1;
  }
  gc_params_free(&g);
  gc_workspace_free(ws);
  gc_net_free(net);

  /* The explicit product, from the right:
   *   S_L = dC/da_L,  S_{j-1} = w_j f'(z_j) S_j,  dC/db_j = f'(z_j) S_j.
   * With cross-entropy and the sigmoid, f'(z_L) dC/da_L is a_L - y exactly
   * in exact arithmetic; evaluating it so avoids the cancellation in
   * 1 - a_L (the same simplification network2 makes). */
  double aL = r->a[L - 1];
  r->dC_daL = gc_cost_dC_da(c->cost, aL, c->y);
  r->cost = gc_cost_value(c->cost, 1, &aL, &c->y);
  int ce_sigmoid = c->cost == GC_COST_CROSS_ENTROPY && c->act == GC_ACT_SIGMOID;
  double tail = ce_sigmoid ? aL - c->y : r->fp[L - 1] * r->dC_daL;
  int fp_can_vanish = c->act == GC_ACT_RELU || c->act == GC_ACT_HARD_TANH;
  /* f'(z) of the other activations is never 0: a tiny one (sigma'(1e308)
   * = e^-1e308) left double's range, and so did every dC/db below it */
  int fp_under_L = !fp_can_vanish && tiny(r->fp[L - 1]);
  /* a zero that is no rounding artefact */
  int exact_zero = tail == 0.0 && !fp_under_L;
  /* S holds S_j while layer j is visited */
  double S = r->dC_daL;
  for (size_t j = L; j >= 1; j--) {
    double dbj, next;
    if (j == L) {
      dbj = tail;                   /* f'(z_L) dC/da_L */
      next = c->w[L - 1] * tail;    /* S_{L-1} = w_L f'(z_L) dC/da_L */
    } else {
      dbj = r->fp[j - 1] * S;       /* f'(z_j) S_j */
      next = r->factor[j - 1] * S;  /* S_{j-1} = w_j f'(z_j) S_j */
    }
    r->dC_db[j - 1] = dbj;
    r->dC_dw[j - 1] = dbj * (j >= 2 ? r->a[j - 2] : c->a0);
    if (!isfinite(dbj) || !isfinite(next)) r->overflow = 1;
    int fp_zero = fp_can_vanish && r->fp[j - 1] == 0.0;
    int fp_under = !fp_can_vanish && tiny(r->fp[j - 1]);
    if (fp_under && !r->fp_underflow_layer) r->fp_underflow_layer = j;
    if (fp_under || (!exact_zero && !fp_zero && tiny(dbj))) {
      r->underflow = 1;
      if (!r->underflow_layer) r->underflow_layer = j;
    }
    if (fp_zero || c->w[j - 1] == 0.0) exact_zero = 1;
    S = next;
  }
  /* compare with backprop: each side rounds at most 2 per layer, plus the
   * tail; the difference is within 4(L-j)+8 ulps of the larger value */
  r->max_ulp = 0;
  r->max_ulp_layer = 0;
  r->ulp_bound = 0;
  for (size_t j = 1; j <= L; j++) {
    if (tiny(r->dC_db[j - 1]) || tiny(r->dC_db_bp[j - 1]) ||
        !isfinite(r->dC_db[j - 1]) || !isfinite(r->dC_db_bp[j - 1]))
      continue;
    double u = ulps_apart(r->dC_db[j - 1], r->dC_db_bp[j - 1]);
    double bound = 4.0 * (double)(L - j) + 8.0;
    if (u / bound > (r->max_ulp_layer ? r->max_ulp / r->ulp_bound : -1)) {
      r->max_ulp = u;
      r->ulp_bound = bound;
      r->max_ulp_layer = j;
    }
  }
  if (!r->max_ulp_layer) r->ulp_bound = 8.0;
  *out = r;
  return GC_OK;
}

int gc_chain_cost(double *cost, const gc_chain *c)
{
  gc_net *net = NULL;
  gc_workspace *ws = NULL;
  int st = chain_net(&net, &ws, c);
  if (st) return st;
  st = gc_net_forward(net, ws, &c->a0, 1);
  if (!st) *cost = gc_cost_value(c->cost, 1, gc_net_output(net, ws), &c->y);
  gc_workspace_free(ws);
  gc_net_free(net);
  return st;
}

/* C as a function of one parameter of the net, forward pass only */
static double cost_at(gc_net *net, gc_workspace *ws, const gc_chain *c,
                      double *param, double v)
{
  double save = *param;
  *param = v;
  gc_net_forward(net, ws, &c->a0, 1);
  *param = save;
  return gc_cost_value(c->cost, 1, gc_net_output(net, ws), &c->y);
}

static double central(gc_net *net, gc_workspace *ws, const gc_chain *c,
                      double *param, double h)
{
  double x = *param;
  return (cost_at(net, ws, c, param, x + h) -
          cost_at(net, ws, c, param, x - h)) / (2 * h);
}

int gc_chain_fd(double *fd_db, double *fd_dw, double *err_db,
                const gc_chain *c)
{
  if (c->depth > GC_CHAIN_FD_MAX_DEPTH)
    return gc_error(GC_ERANGE, "finite differences of a %zu-layer chain cost "
                    "%.3g layer evaluations; at most %zu layers", c->depth,
                    4.0 * (double)c->depth * (double)c->depth,
                    GC_CHAIN_FD_MAX_DEPTH);
  gc_net *net = NULL;
  gc_workspace *ws = NULL;
  int st = chain_net(&net, &ws, c);
  if (st) return st;
  double C;
  gc_net_forward(net, ws, &c->a0, 1);
  C = gc_cost_value(c->cost, 1, gc_net_output(net, ws), &c->y);
  const double eps = DBL_EPSILON;
  for (size_t j = 1; j <= c->depth; j++) {
    double *pb = &net->p.b[j][0], *pw = &net->p.w[j][0];
    double h = cbrt(eps) * fmax(1.0, fabs(*pb));
    double d1 = central(net, ws, c, pb, h);
    if (fd_db) fd_db[j - 1] = d1;
    if (err_db) {
      /* Richardson: the O(h^2) truncation of D(h) is about
       * |D(2h) - D(h)|/3, taken three times over (the whole difference);
       * rounding in the two costs contributes about eps |C| / h, taken
       * eight times over for their few ulps each */
      double d2 = central(net, ws, c, pb, 2 * h);
      err_db[j - 1] = fabs(d2 - d1) + 8 * eps * fabs(C) / h;
    }
    if (fd_dw) {
      double hw = cbrt(eps) * fmax(1.0, fabs(*pw));
      fd_dw[j - 1] = central(net, ws, c, pw, hw);
    }
  }
  gc_workspace_free(ws);
  gc_net_free(net);
  return GC_OK;
}
