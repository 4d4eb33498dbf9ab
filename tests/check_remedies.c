/* check_remedies.c -- the chapter's remedies in the core: per-layer
 * activations, the softmax with the log-likelihood, and the initialisers.
 * Gradients against central finite differences, the softmax against a
 * 2-class case derived by hand, the initialisers against their
 * distributions' moments and orthogonality. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

/* A net of sizes[0..L-1] with hidden activation hid, the given output and
 * cost, drawn with the default initialiser. */
static gc_net *make_net(const size_t *sizes, size_t L, gc_activation hid,
                        gc_output out, gc_cost cost, gsl_rng *r)
{
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID,
                                GC_COST_QUADRATIC), GC_OK);
  if (L > 2) ck_assert_int_eq(gc_net_set_activations(net, 1, &hid), GC_OK);
  ck_assert_int_eq(gc_net_set_output(net, out, cost), GC_OK);
  ck_assert_int_eq(gc_net_init(net, GC_INIT_DEFAULT, r), GC_OK);
  return net;
}

static double summed_cost(const gc_net *net, gc_workspace *ws,
                          const double *x, const double *y, size_t B)
{
  ck_assert_int_eq(gc_net_forward(net, ws, x, B), GC_OK);
  size_t nL = net->sizes[net->nlayers - 1];
  const double *a = gc_net_output(net, ws);
  double c = 0;
  for (size_t i = 0; i < B; i++)
    c += gc_cost_value(net->cost, nL, a + i * nL, y + i * nL);
  return c;
}

/* 1 if some pre-activation lies within tol of a kink of
 * its activation (there a central difference straddles two slopes) */
static int near_kink(const gc_net *net, const gc_workspace *ws, double tol)
{
  for (size_t l = 1; l < net->nlayers; l++) {
    gc_activation f = net->act[l];
    for (size_t i = 0; i < ws->batch * net->sizes[l]; i++) {
      double z = ws->z[l][i];
      if ((f == GC_ACT_RELU || f == GC_ACT_LEAKY_RELU) && fabs(z) < tol)
        return 1;
      if (f == GC_ACT_HARD_TANH && fabs(fabs(z) - 1) < tol) return 1;
    }
  }
  return 0;
}

/* The worst relative difference between backpropagation's gradient and
 * central differences over every parameter; parameters whose step moves a
 * pre-activation across a kink are skipped (counted in *skipped). */
static double fd_worst(gc_net *net, size_t B, gsl_rng *r, size_t *skipped)
{
  size_t L = net->nlayers, n0 = net->sizes[0], nL = net->sizes[L - 1];
  gc_workspace *ws;
  ck_assert_int_eq(gc_workspace_alloc(&ws, net, B), GC_OK);
  double *x = malloc(B * n0 * sizeof *x), *y = calloc(B * nL, sizeof *y);
  for (size_t i = 0; i < B * n0; i++) x[i] = 2 * gsl_rng_uniform(r) - 1;
  for (size_t i = 0; i < B; i++) {
    if (net->output == GC_OUTPUT_SOFTMAX) /* one-hot */
      y[i * nL + gsl_rng_uniform_int(r, nL)] = 1;
    else
      for (size_t j = 0; j < nL; j++)
        y[i * nL + j] = 0.1 + 0.8 * gsl_rng_uniform(r);
  }
  gc_params g;
  ck_assert_int_eq(gc_params_alloc_like(&g, net), GC_OK);
  ck_assert_int_eq(gc_net_forward(net, ws, x, B), GC_OK);
  ck_assert_int_eq(gc_net_backward(net, ws, y, &g), GC_OK);
  double worst = 0;
  *skipped = 0;
  for (size_t k = 0; k < net->p.n; k++) {
    double save = net->p.data[k], h = 1e-5 * fmax(1.0, fabs(save));
    net->p.data[k] = save + h;
    double cp = summed_cost(net, ws, x, y, B);
    int kink = near_kink(net, ws, 1e-3);
    net->p.data[k] = save - h;
    double cm = summed_cost(net, ws, x, y, B);
    kink |= near_kink(net, ws, 1e-3);
    net->p.data[k] = save;
    if (kink) {
      (*skipped)++;
      continue;
    }
    double fd = (cp - cm) / (2 * h);
    double err = fabs(fd - g.data[k]) / fmax(1e-3, fabs(fd));
    if (err > worst) worst = err;
  }
  gc_params_free(&g);
  gc_workspace_free(ws);
  free(x);
  free(y);
  return worst;
}

/* every activation on every layer, output included (as the chains have
 * it), with the quadratic cost; the sigmoid with cross-entropy */
START_TEST(test_fd_one_activation)
{
  static const size_t s[] = {5, 4, 3, 2}, s2[] = {6, 5, 4, 3}, s3[] = {3, 7, 1};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  for (int a = 0; a < GC_ACT_COUNT + 2; a++) {
    gc_net *net;
    gc_activation f = a < GC_ACT_COUNT ? (gc_activation)a : GC_ACT_SIGMOID;
    gc_cost c = a < GC_ACT_COUNT ? GC_COST_QUADRATIC : GC_COST_CROSS_ENTROPY;
    const size_t *sz = a < GC_ACT_COUNT ? s : a == GC_ACT_COUNT ? s2 : s3;
    size_t L = sz == s3 ? 3 : 4;
    ck_assert_int_eq(gc_net_alloc(&net, L, sz, f, c), GC_OK);
    ck_assert_int_eq(gc_net_init(net, GC_INIT_DEFAULT, r), GC_OK);
    size_t skipped;
    double worst = fd_worst(net, 3, r, &skipped);
    ck_assert_msg(worst < 1e-6, "%s everywhere, %s cost: worst relative "
                  "error %g", gc_activation_name(f), gc_cost_name(c), worst);
    ck_assert_uint_lt(skipped, net->p.n / 10);
    gc_net_free(net);
  }
  gsl_rng_free(r);
}
END_TEST

/* every hidden activation x {sigmoid with quadratic, sigmoid with
 * cross-entropy, softmax with log-likelihood} x 1, 2 and 4 hidden layers */
START_TEST(test_fd_every_combination)
{
  static const struct {
    gc_output out;
    gc_cost cost;
  } heads[] = {{GC_OUTPUT_SIGMOID, GC_COST_QUADRATIC},
               {GC_OUTPUT_SIGMOID, GC_COST_CROSS_ENTROPY},
               {GC_OUTPUT_SOFTMAX, GC_COST_LOG_LIKELIHOOD}};
  static const size_t s1[] = {5, 6, 3}, s2[] = {4, 5, 6, 3},
                      s4[] = {4, 6, 5, 4, 6, 3};
  static const struct {
    const size_t *s;
    size_t L;
  } shapes[] = {{s1, 3}, {s2, 4}, {s4, 6}};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  size_t tested = 0, skipped_total = 0;
  for (int a = 0; a < GC_ACT_COUNT; a++)
    for (size_t h = 0; h < 3; h++)
      for (size_t d = 0; d < 3; d++) {
        gc_net *net = make_net(shapes[d].s, shapes[d].L, (gc_activation)a,
                               heads[h].out, heads[h].cost, r);
        size_t skipped;
        double worst = fd_worst(net, 3, r, &skipped);
        ck_assert_msg(worst < 1e-6, "%s, %s output, %s cost, %zu hidden: "
                      "worst relative error %g", gc_activation_name(a),
                      gc_output_name(heads[h].out),
                      gc_cost_name(heads[h].cost), shapes[d].L - 2, worst);
        ck_assert_msg(skipped < net->p.n / 10, "%zu of %zu skipped", skipped,
                      net->p.n);
        tested += net->p.n - skipped;
        skipped_total += skipped;
        gc_net_free(net);
      }
  ck_assert_uint_gt(tested, 10 * skipped_total);
  gsl_rng_free(r);
}
END_TEST

/* softmax + log-likelihood: output delta a - y on a random batch */
START_TEST(test_softmax_delta)
{
  size_t s[] = {4, 5, 3};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  gc_net *net = make_net(s, 3, GC_ACT_TANH, GC_OUTPUT_SOFTMAX,
                         GC_COST_LOG_LIKELIHOOD, r);
  gc_workspace *ws;
  ck_assert_int_eq(gc_workspace_alloc(&ws, net, 2), GC_OK);
  double x[8], y[6] = {0, 1, 0, 0, 0, 1};
  for (int i = 0; i < 8; i++) x[i] = gsl_rng_uniform(r);
  ck_assert_int_eq(gc_net_forward(net, ws, x, 2), GC_OK);
  ck_assert_int_eq(gc_net_backward(net, ws, y, NULL), GC_OK);
  const double *a = gc_net_output(net, ws);
  for (int i = 0; i < 2; i++) {
    double sum = 0;
    for (int j = 0; j < 3; j++) sum += a[3 * i + j];
    ck_assert_double_eq_tol(sum, 1.0, 4e-16);
  }
  for (int k = 0; k < 6; k++)
    ck_assert_double_eq(ws->delta[2][k], a[k] - y[k]);
  gc_workspace_free(ws);
  gc_net_free(net);
  gsl_rng_free(r);
}
END_TEST

/* One layer, 1 input, 2 softmax outputs: z = (w1 x + b1, w2 x + b2), target
 * class 1.  By hand: a_2 = 1/(1 + e^{z1-z2}), C = -ln a_1 = ln(1 +
 * e^{z2-z1}), dC/db_1 = a_1 - 1 = -a_2, dC/db_2 = a_2, dC/dw_j = x dC/db_j.
 * With x = 2, w = (0.5, -0.25), b = (0.1, 0.3): z = (1.1, -0.2), a_2 =
 * 1/(1+e^{1.3}) = 0.2141650169574414, C = 0.2410084538329922. */
START_TEST(test_softmax_two_classes)
{
  size_t s[] = {1, 2};
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 2, s, GC_ACT_SIGMOID, GC_COST_QUADRATIC),
                   GC_OK);
  ck_assert_int_eq(gc_net_set_output(net, GC_OUTPUT_SOFTMAX,
                                     GC_COST_LOG_LIKELIHOOD), GC_OK);
  net->p.w[1][0] = 0.5;
  net->p.w[1][1] = -0.25;
  net->p.b[1][0] = 0.1;
  net->p.b[1][1] = 0.3;
  gc_workspace *ws;
  ck_assert_int_eq(gc_workspace_alloc(&ws, net, 1), GC_OK);
  gc_params g;
  ck_assert_int_eq(gc_params_alloc_like(&g, net), GC_OK);
  double x = 2, y[2] = {1, 0}, a2 = 0.2141650169574414;
  ck_assert_int_eq(gc_net_forward(net, ws, &x, 1), GC_OK);
  ck_assert_int_eq(gc_net_backward(net, ws, y, &g), GC_OK);
  const double *a = gc_net_output(net, ws);
  ck_assert_double_eq_tol(a[1], a2, 1e-16);
  ck_assert_double_eq_tol(a[0], 1 - a2, 1e-16);
  ck_assert_double_eq_tol(gc_cost_value(net->cost, 2, a, y),
                          0.2410084538329922, 1e-16);
  ck_assert_double_eq_tol(g.b[1][0], -a2, 1e-16);
  ck_assert_double_eq_tol(g.b[1][1], a2, 1e-16);
  ck_assert_double_eq_tol(g.w[1][0], -2 * a2, 2e-16);
  ck_assert_double_eq_tol(g.w[1][1], 2 * a2, 2e-16);
  gc_params_free(&g);
  gc_workspace_free(ws);
  gc_net_free(net);
}
END_TEST

START_TEST(test_refusals)
{
  size_t s[] = {3, 4, 4, 2};
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 4, s, GC_ACT_SIGMOID,
                                GC_COST_LOG_LIKELIHOOD), GC_EINVAL);
  ck_assert_ptr_null(net);
  ck_assert_int_eq(gc_net_alloc(&net, 4, s, GC_ACT_SIGMOID,
                                GC_COST_CROSS_ENTROPY), GC_OK);
  gc_error_clear();
  ck_assert_int_eq(gc_net_set_output(net, GC_OUTPUT_SOFTMAX,
                                     GC_COST_QUADRATIC), GC_EINVAL);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "log-likelihood"));
  ck_assert_int_eq(gc_net_set_output(net, GC_OUTPUT_SOFTMAX,
                                     GC_COST_CROSS_ENTROPY), GC_EINVAL);
  ck_assert_int_eq(gc_net_set_output(net, GC_OUTPUT_SIGMOID,
                                     GC_COST_LOG_LIKELIHOOD), GC_EINVAL);
  ck_assert_int_eq(net->output, GC_OUTPUT_SIGMOID); /* left unchanged */
  ck_assert_int_eq(net->cost, GC_COST_CROSS_ENTROPY);
  gc_activation three[3] = {GC_ACT_TANH, GC_ACT_RELU, GC_ACT_ERF};
  gc_error_clear();
  ck_assert_int_eq(gc_net_set_activations(net, 3, three), GC_EINVAL);
  ck_assert_str_eq(gc_strerror_last(), "3 activations for 2 hidden layers "
                   "(give one, or one per hidden layer)");
  ck_assert_int_eq(gc_net_set_activations(net, 2, three), GC_OK);
  ck_assert_int_eq(net->act[1], GC_ACT_TANH);
  ck_assert_int_eq(net->act[2], GC_ACT_RELU);
  ck_assert_int_eq(net->act[3], GC_ACT_SIGMOID);
  ck_assert(!gc_net_is_sigmoid(net));
  gc_output o;
  ck_assert_int_eq(gc_output_from_name(&o, "softmax"), GC_OK);
  ck_assert_int_eq(o, GC_OUTPUT_SOFTMAX);
  ck_assert_int_eq(gc_output_from_name(&o, "tanh"), GC_EINVAL);
  gc_net_free(net);
}
END_TEST

/* ------------------------------------------------------ initialisers */

static gc_net *init_net(size_t nin, size_t nout, gc_init kind, double sw,
                        double sb, unsigned long seed)
{
  size_t s[] = {nin, nout};
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 2, s, GC_ACT_SIGMOID, GC_COST_QUADRATIC),
                   GC_OK);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  ck_assert_int_eq(gc_net_init_sigma(net, kind, sw, sb, r), GC_OK);
  gsl_rng_free(r);
  return net;
}

/* sample mean and variance of n values; the mean within 5 standard errors
 * of mu, the variance within 5 standard errors of var (its standard error
 * sqrt((m4 - var^2)/n), m4 the fourth central moment) */
static void moments_ok(const double *x, size_t n, double mu, double var,
                       double m4, const char *what)
{
  double s = 0, ss = 0;
  for (size_t i = 0; i < n; i++) s += x[i];
  double mean = s / n;
  for (size_t i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  double v = ss / (n - 1);
  double se_mean = sqrt(var / n), se_var = sqrt((m4 - var * var) / n);
  ck_assert_msg(fabs(mean - mu) < 5 * se_mean, "%s: mean %g, expected %g "
                "+- %g", what, mean, mu, 5 * se_mean);
  ck_assert_msg(fabs(v - var) < 5 * se_var, "%s: variance %g, expected %g "
                "+- %g", what, v, var, 5 * se_var);
}

START_TEST(test_init_moments)
{
  size_t nin = 400, nout = 300, n = nin * nout;
  /* Gaussian: m4 = 3 var^2; U(-r,r): var = r^2/3, m4 = r^4/5 */
  gc_net *net = init_net(nin, nout, GC_INIT_HE, 0, 0, 1);
  double v = 2.0 / nin;
  moments_ok(net->p.w[1], n, 0, v, 3 * v * v, "he");
  for (size_t j = 0; j < nout; j++) ck_assert_double_eq(net->p.b[1][j], 0);
  gc_net_free(net);
  net = init_net(nin, nout, GC_INIT_GLOROT, 0, 0, 2);
  double r = sqrt(6.0 / (nin + nout));
  moments_ok(net->p.w[1], n, 0, r * r / 3, pow(r, 4) / 5, "glorot");
  for (size_t k = 0; k < n; k++) ck_assert(fabs(net->p.w[1][k]) <= r);
  gc_net_free(net);
  net = init_net(nin, nout, GC_INIT_UNIFORM, 0, 0, 3);
  r = 1 / sqrt((double)nin);
  moments_ok(net->p.w[1], n, 0, r * r / 3, pow(r, 4) / 5, "uniform");
  gc_net_free(net);
  net = init_net(nin, nout, GC_INIT_GAUSSIAN, 1.5, 0.5, 4);
  v = 1.5 * 1.5 / nin;
  moments_ok(net->p.w[1], n, 0, v, 3 * v * v, "gaussian weights");
  moments_ok(net->p.b[1], nout, 0, 0.25, 3 * 0.0625, "gaussian biases");
  gc_net_free(net);
}
END_TEST

/* W^T W (tall) or W W^T (wide) against gain^2 I */
static void orthogonal_ok(size_t nin, size_t nout, double gain)
{
  gc_net *net = init_net(nin, nout, GC_INIT_ORTHOGONAL, gain, 0, nin + nout);
  const double *W = net->p.w[1]; /* nout x nin */
  size_t q = nin < nout ? nin : nout;
  double worst = 0;
  for (size_t a = 0; a < q; a++)
    for (size_t b = 0; b < q; b++) {
      double s = 0;
      if (nout >= nin)
        for (size_t i = 0; i < nout; i++) s += W[i * nin + a] * W[i * nin + b];
      else
        for (size_t k = 0; k < nin; k++) s += W[a * nin + k] * W[b * nin + k];
      double e = fabs(s / (gain * gain) - (a == b));
      if (e > worst) worst = e;
    }
  ck_assert_msg(worst < 1e-13, "%zu x %zu: |Q^T Q - I| = %g", nout, nin,
                worst);
  for (size_t j = 0; j < nout; j++) ck_assert_double_eq(net->p.b[1][j], 0);
  gc_net_free(net);
}

START_TEST(test_orthogonal)
{
  orthogonal_ok(50, 50, 1.0);  /* square */
  orthogonal_ok(30, 80, 1.0);  /* tall: orthonormal columns */
  orthogonal_ok(120, 40, 2.0); /* wide: orthonormal rows, gain 2 */
  orthogonal_ok(1, 7, 1.0);
}
END_TEST

START_TEST(test_init_bits)
{
  /* the same seed, the same bits, for every kind; another seed differs */
  for (int k = 0; k < GC_INIT_COUNT; k++) {
    gc_net *a = init_net(20, 15, (gc_init)k, 1.2, 0.3, 9);
    gc_net *b = init_net(20, 15, (gc_init)k, 1.2, 0.3, 9);
    gc_net *c = init_net(20, 15, (gc_init)k, 1.2, 0.3, 10);
    ck_assert(!memcmp(a->p.data, b->p.data, a->p.n * sizeof *a->p.data));
    ck_assert(memcmp(a->p.data, c->p.data, a->p.n * sizeof *a->p.data));
    gc_net_free(a);
    gc_net_free(b);
    gc_net_free(c);
  }
  /* gaussian with sigma_w = sigma_b = 1 is network2's default */
  gc_net *d = init_net(20, 15, GC_INIT_DEFAULT, 0, 0, 5);
  gc_net *g = init_net(20, 15, GC_INIT_GAUSSIAN, 1, 1, 5);
  ck_assert(!memcmp(d->p.data, g->p.data, d->p.n * sizeof *d->p.data));
  gc_net_free(d);
  gc_net_free(g);
  gc_init kind;
  for (int k = 0; k < GC_INIT_COUNT; k++) {
    ck_assert_int_eq(gc_init_from_name(&kind, gc_init_name(k)), GC_OK);
    ck_assert_int_eq(kind, k);
  }
  ck_assert_int_eq(gc_init_from_name(&kind, "xavier"), GC_EINVAL);
  gc_net *n;
  size_t s[] = {3, 2};
  ck_assert_int_eq(gc_net_alloc(&n, 2, s, GC_ACT_SIGMOID, GC_COST_QUADRATIC),
                   GC_OK);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  ck_assert_int_eq(gc_net_init_sigma(n, GC_INIT_GAUSSIAN, -1, 0, r), GC_EINVAL);
  ck_assert_int_eq(gc_net_init_sigma(n, GC_INIT_GAUSSIAN, 1, INFINITY, r),
                   GC_EINVAL);
  ck_assert_int_eq(gc_net_init_sigma(n, GC_INIT_GAUSSIAN, NAN, 0, r),
                   GC_EINVAL);
  gsl_rng_free(r);
  gc_net_free(n);
}
END_TEST

/* ---------------------------------------------------------- momentum */

/* Three mini-batch steps of the trainer against the steps written out
 * here: the gradient of the summed cost from a forward and backward pass
 * of a copy of the net, then, with n = 6, m = 2, wd = eta*lambda/n and
 * rate = eta/m,
 *   s = -wd w - rate G  (biases: -rate g),  v = mu v + s,
 *   classical: w = w + v;  Nesterov: w = w + mu v + s. */
static void momentum_case(int nesterov)
{
  static const uint8_t img[18] = {10, 200, 30, 250, 0, 90, 60, 60, 255,
                                  1, 2, 3, 128, 40, 220, 90, 180, 5};
  static const uint8_t lab[6] = {0, 1, 1, 0, 1, 0};
  const gc_dataset d = {6, 3, 2, img, lab};
  const double eta = 0.5, lambda = 0.3, mu = 0.7;
  size_t s[] = {3, 4, 2};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 21);
  gc_net *net = make_net(s, 3, GC_ACT_TANH, GC_OUTPUT_SIGMOID,
                         GC_COST_CROSS_ENTROPY, r);
  gc_net *ref;
  ck_assert_int_eq(gc_net_copy(&ref, net), GC_OK);
  gc_train_config c;
  gc_train_config_default(&c);
  c.batch = 2;
  c.eta = eta;
  c.lambda = lambda;
  c.monitor = 0;
  c.momentum = mu;
  c.nesterov = nesterov;
  gc_trainer *t;
  ck_assert_int_eq(gc_trainer_alloc(&t, net, &d, NULL, &c), GC_OK);
  gc_workspace *ws;
  ck_assert_int_eq(gc_workspace_alloc(&ws, ref, 2), GC_OK);
  gc_params g, v;
  ck_assert_int_eq(gc_params_alloc_like(&g, ref), GC_OK);
  ck_assert_int_eq(gc_params_alloc_like(&v, ref), GC_OK); /* zeros */
  const double wd = eta * lambda / 6, rate = eta / 2;
  for (size_t step = 0; step < 3; step++) {
    size_t idx[2] = {2 * step + 1, 2 * step};
    ck_assert_int_eq(gc_trainer_step(t, idx, 2), GC_OK);
    double x[6], y[4];
    gc_dataset_batch(x, y, &d, idx, 0, 2);
    ck_assert_int_eq(gc_net_forward(ref, ws, x, 2), GC_OK);
    ck_assert_int_eq(gc_net_backward(ref, ws, y, &g), GC_OK);
    for (size_t l = 1; l < 3; l++) {
      size_t nw = s[l] * s[l - 1];
      for (size_t k = 0; k < nw + s[l]; k++) {
        int bias = k >= nw;
        double *w = bias ? &ref->p.b[l][k - nw] : &ref->p.w[l][k];
        double *vk = bias ? &v.b[l][k - nw] : &v.w[l][k];
        double G = bias ? g.b[l][k - nw] : g.w[l][k];
        double sk = (bias ? 0.0 : -wd * *w) - rate * G;
        *vk = mu * *vk + sk;
        *w = nesterov ? *w + mu * *vk + sk : *w + *vk;
      }
    }
    for (size_t k = 0; k < net->p.n; k++) {
      ck_assert_msg(fabs(net->p.data[k] - ref->p.data[k]) <=
                        1e-14 * fmax(1, fabs(ref->p.data[k])),
                    "%s step %zu, parameter %zu: %.17g against %.17g",
                    nesterov ? "Nesterov" : "classical", step + 1, k,
                    net->p.data[k], ref->p.data[k]);
      ck_assert(fabs(t->vel.data[k] - v.data[k]) <= 1e-14);
    }
  }
  ck_assert_uint_eq(t->updates, 3);
  ck_assert(gc_trainer_momentum(t) == mu);
  gc_params_free(&g);
  gc_params_free(&v);
  gc_workspace_free(ws);
  gc_trainer_free(t);
  gc_net_free(ref);
  gc_net_free(net);
  gsl_rng_free(r);
}

START_TEST(test_momentum_steps)
{
  momentum_case(0);
  momentum_case(1);
}
END_TEST

/* momentum 0 is network2's step bit for bit (no velocity); momentum >= 1,
 * NaN, or Nesterov without momentum refused */
START_TEST(test_momentum_zero_and_refusals)
{
  static const uint8_t img[8] = {10, 200, 30, 250, 0, 90, 60, 60};
  static const uint8_t lab[4] = {0, 1, 1, 0};
  const gc_dataset d = {4, 2, 2, img, lab};
  size_t s[] = {2, 3, 2};
  gc_net *a, *b;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 2);
  a = make_net(s, 3, GC_ACT_SIGMOID, GC_OUTPUT_SIGMOID, GC_COST_CROSS_ENTROPY,
               r);
  ck_assert_int_eq(gc_net_copy(&b, a), GC_OK);
  gc_train_config c, z;
  gc_train_config_default(&c);
  c.batch = 3;
  c.monitor = 0;
  z = c;
  z.momentum = 0.0;
  gc_trainer *ta, *tb;
  ck_assert_int_eq(gc_trainer_alloc(&ta, a, &d, NULL, &c), GC_OK);
  ck_assert_int_eq(gc_trainer_alloc(&tb, b, &d, NULL, &z), GC_OK);
  ck_assert_ptr_null(tb->vel.data);
  for (int e = 0; e < 3; e++) {
    ck_assert_int_eq(gc_trainer_epoch(ta, NULL), GC_OK);
    ck_assert_int_eq(gc_trainer_epoch(tb, NULL), GC_OK);
  }
  ck_assert(!memcmp(a->p.data, b->p.data, a->p.n * sizeof *a->p.data));
  ck_assert_uint_eq(tb->updates, 6);
  gc_trainer_free(ta);
  gc_trainer_free(tb);
  gc_trainer *t;
  double bad[] = {1.0, 1.5, -0.1, NAN, INFINITY};
  for (size_t i = 0; i < 5; i++) {
    z.momentum = bad[i];
    ck_assert_int_eq(gc_trainer_alloc(&t, a, &d, NULL, &z), GC_EINVAL);
  }
  z.momentum = 0;
  z.nesterov = 1;
  gc_error_clear();
  ck_assert_int_eq(gc_trainer_alloc(&t, a, &d, NULL, &z), GC_EINVAL);
  ck_assert_str_eq(gc_strerror_last(),
                   "Nesterov's momentum needs a momentum mu > 0");
  gc_net_free(a);
  gc_net_free(b);
  gsl_rng_free(r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("remedies");
  TCase *tc = test_case(s, "core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_fd_one_activation);
  tcase_add_test(tc, test_fd_every_combination);
  tcase_add_test(tc, test_softmax_delta);
  tcase_add_test(tc, test_softmax_two_classes);
  tcase_add_test(tc, test_refusals);
  tcase_add_test(tc, test_init_moments);
  tcase_add_test(tc, test_orthogonal);
  tcase_add_test(tc, test_init_bits);
  tcase_add_test(tc, test_momentum_steps);
  tcase_add_test(tc, test_momentum_zero_and_refusals);
  return test_run(s);
}
