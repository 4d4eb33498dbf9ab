/* check_net.c -- the core net: hand-derived one-neuron cases, costs and
 * activations (finite-difference checks of backpropagation are in
 * check_remedies.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

START_TEST(test_one_neuron)
{
  size_t s[] = {1, 1};
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 2, s, GC_ACT_SIGMOID, GC_COST_QUADRATIC), GC_OK);
  net->p.w[1][0] = 0.6;
  net->p.b[1][0] = 0.9;
  gc_workspace *ws;
  ck_assert_int_eq(gc_workspace_alloc(&ws, net, 1), GC_OK);
  double x = 1.0, y = 0.0;
  gc_params g;
  ck_assert_int_eq(gc_params_alloc_like(&g, net), GC_OK);
  ck_assert_int_eq(gc_net_forward(net, ws, &x, 1), GC_OK);
  ck_assert_int_eq(gc_net_backward(net, ws, &y, &g), GC_OK);
  double z = 1.5, a = 1 / (1 + exp(-z)), sp = a * (1 - a);
  ck_assert_double_eq_tol(ws->a[1][0], a, 1e-15);
  ck_assert_double_eq_tol(g.b[1][0], a * sp, 1e-15);
  ck_assert_double_eq_tol(g.w[1][0], x * a * sp, 1e-15);
  /* a = 0.8175744761936437 (the book's 0.82 in the learning-slowdown
   * example, computed independently) */
  ck_assert_double_eq_tol(ws->a[1][0], 0.8175744761936437, 1e-15);
  gc_params_free(&g);
  gc_workspace_free(ws);
  gc_net_free(net);
}
END_TEST

START_TEST(test_sigmoid_tails)
{
  /* sigma'(z) = e^{-|z|}/(1+e^{-|z|})^2; for z = 40, e^{-40}(1 - 2e^{-40}) */
  ck_assert_double_eq_tol(gc_activation_deriv(GC_ACT_SIGMOID, 40.0) / exp(-40.0),
                          1.0, 1e-15);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_SIGMOID, 0.0), 0.25);
  ck_assert_double_eq(gc_activation_value(GC_ACT_SIGMOID, 0.0), 0.5);
  ck_assert_double_eq_tol(gc_activation_value(GC_ACT_SIGMOID, -40.0) / exp(-40.0),
                          1.0, 1e-15);
  ck_assert_double_eq_tol(gc_activation_deriv(GC_ACT_TANH, 20.0) / (4 * exp(-40.0)),
                          1.0, 1e-14);
  ck_assert_double_eq_tol(gc_activation_value(GC_ACT_SOFTPLUS, 0.0), log(2.0),
                          1e-16);
  ck_assert_double_eq(gc_activation_value(GC_ACT_SOFTPLUS, 800.0), 800.0);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_RELU, -1.0), 0.0);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_RELU, 2.0), 1.0);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_RELU, 0.0), 0.0);
  ck_assert_double_eq(gc_activation_value(GC_ACT_LEAKY_RELU, -2.0), -0.02);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_LEAKY_RELU, -2.0), 0.01);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_LEAKY_RELU, 3.0), 1.0);
  /* erf(sqrt(pi)/2 z) at z = 1/sqrt(pi): erf(1/2) = 0.5204998778130465,
   * slope e^{-1/4} = 0.7788007830714049 (tabulated values) */
  double z = 0.56418958354775628695;
  ck_assert_double_eq_tol(gc_activation_value(GC_ACT_ERF, z),
                          0.5204998778130465, 2e-16);
  ck_assert_double_eq_tol(gc_activation_deriv(GC_ACT_ERF, z),
                          0.7788007830714049, 2e-16);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_ERF, 0.0), 1.0);
  ck_assert_double_eq(gc_activation_value(GC_ACT_HARD_TANH, 3.0), 1.0);
  ck_assert_double_eq(gc_activation_value(GC_ACT_HARD_TANH, -3.0), -1.0);
  ck_assert_double_eq(gc_activation_value(GC_ACT_HARD_TANH, 0.25), 0.25);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_HARD_TANH, 0.25), 1.0);
  ck_assert_double_eq(gc_activation_deriv(GC_ACT_HARD_TANH, -1.5), 0.0);
  ck_assert(isnan(gc_activation_value(GC_ACT_HARD_TANH, NAN)));
  gc_activation act;
  for (int a = 0; a < GC_ACT_COUNT; a++) {
    ck_assert_int_eq(gc_activation_from_name(&act, gc_activation_name(a)),
                     GC_OK);
    ck_assert_int_eq(act, a);
  }
  ck_assert_int_eq(gc_activation_from_name(&act, "leaky-relu"), GC_OK);
  ck_assert_int_eq(act, GC_ACT_LEAKY_RELU);
  ck_assert_int_eq(gc_activation_from_name(&act, "swish"), GC_EINVAL);
}
END_TEST

START_TEST(test_costs)
{
  double a[] = {0.25, 0.5}, y[] = {0.0, 1.0};
  ck_assert_double_eq_tol(gc_cost_value(GC_COST_QUADRATIC, 2, a, y),
                          0.5 * (0.0625 + 0.25), 1e-16);
  ck_assert_double_eq_tol(gc_cost_value(GC_COST_CROSS_ENTROPY, 2, a, y),
                          -log(0.75) - log(0.5), 1e-15);
  gc_cost c;
  ck_assert_int_eq(gc_cost_from_name(&c, "CrossEntropyCost"), GC_OK);
  ck_assert_int_eq(c, GC_COST_CROSS_ENTROPY);
  ck_assert_int_eq(gc_cost_from_name(&c, "hinge"), GC_EINVAL);
}
END_TEST

START_TEST(test_bad_sizes)
{
  gc_net *net;
  size_t s0[] = {3, 0, 2};
  ck_assert_int_eq(gc_net_alloc(&net, 3, s0, GC_ACT_SIGMOID, GC_COST_QUADRATIC),
                   GC_EINVAL);
  ck_assert_ptr_null(net);
  size_t s1[] = {3};
  ck_assert_int_eq(gc_net_alloc(&net, 1, s1, GC_ACT_SIGMOID, GC_COST_QUADRATIC),
                   GC_EINVAL);
  size_t s2[] = {100000000, 100000000};
  gc_error_clear(); /* the calls above left messages of their own */
  ck_assert_int_eq(gc_net_alloc(&net, 2, s2, GC_ACT_SIGMOID, GC_COST_QUADRATIC),
                   GC_ERANGE);
  ck_assert_ptr_null(net);
  ck_assert_msg(strstr(gc_strerror_last(), "more than") != NULL, "message: %s",
                gc_strerror_last());
}
END_TEST

/* every value of every enum has a name, and the name parses back to it;
 * the names are the ones the manual lists */
START_TEST(test_enum_names)
{
  static const char *acts[GC_ACT_COUNT] = {"sigmoid", "tanh", "relu",
                                           "softplus", "identity",
                                           "leaky-relu", "erf", "hard-tanh"};
  for (int k = 0; k < GC_ACT_COUNT; k++) {
    gc_activation a = GC_ACT_COUNT - 1 - k; /* not the value wanted */
    ck_assert_str_eq(gc_activation_name((gc_activation)k), acts[k]);
    ck_assert_int_eq(gc_activation_from_name(&a, acts[k]), GC_OK);
    ck_assert_int_eq(a, k);
  }
  static const char *costs[] = {"quadratic", "cross-entropy",
                                "log-likelihood"};
  for (int k = GC_COST_QUADRATIC; k <= GC_COST_LOG_LIKELIHOOD; k++) {
    gc_cost c = GC_COST_LOG_LIKELIHOOD - k;
    ck_assert_str_eq(gc_cost_name((gc_cost)k), costs[k]);
    ck_assert_int_eq(gc_cost_from_name(&c, costs[k]), GC_OK);
    ck_assert_int_eq(c, k);
  }
  static const char *inits[] = {"default", "large", "glorot", "he",
                                "orthogonal", "gaussian", "uniform"};
  for (int k = GC_INIT_DEFAULT; k <= GC_INIT_UNIFORM; k++) {
    gc_init i = GC_INIT_UNIFORM - k;
    ck_assert_str_eq(gc_init_name((gc_init)k), inits[k]);
    ck_assert_int_eq(gc_init_from_name(&i, inits[k]), GC_OK);
    ck_assert_int_eq(i, k);
  }
  static const char *mons[] = {"eval-accuracy", "eval-cost",
                               "train-accuracy", "train-cost"};
  for (unsigned k = 0; k < 4; k++) {
    unsigned flag = 0;
    ck_assert_str_eq(gc_monitor_name(1u << k), mons[k]);
    ck_assert_int_eq(gc_monitor_from_name(&flag, mons[k]), GC_OK);
    ck_assert_uint_eq(flag, 1u << k);
  }
  ck_assert_ptr_null(gc_monitor_name(GC_MONITOR_EVAL_COST | 1));
  static const char *kinds[] = {"empty", "point", "interval"};
  for (int k = GC_WIDTH_EMPTY; k <= GC_WIDTH_INTERVAL; k++) {
    gc_width_kind w = GC_WIDTH_INTERVAL - k;
    ck_assert_str_eq(gc_width_kind_name((gc_width_kind)k), kinds[k]);
    ck_assert_int_eq(gc_width_kind_from_name(&w, kinds[k]), GC_OK);
    ck_assert_int_eq(w, k);
  }
  gc_width_kind wk;
  ck_assert_int_eq(gc_width_kind_from_name(&wk, "line"), GC_EINVAL);
  unsigned flag;
  ck_assert_int_eq(gc_monitor_from_name(&flag, "eval"), GC_EINVAL);
  gc_activation a;
  gc_cost c;
  gc_init i;
  ck_assert_int_eq(gc_activation_from_name(&a, "sigmoids"), GC_EINVAL);
  ck_assert_int_eq(gc_cost_from_name(&c, ""), GC_EINVAL);
  ck_assert_int_eq(gc_init_from_name(&i, "Large"), GC_EINVAL);
  ck_assert_str_eq(gc_init_name((gc_init)GC_INIT_COUNT), "?");
  ck_assert_str_eq(gc_activation_name((gc_activation)GC_ACT_COUNT), "?");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("net");
  TCase *tc = test_case(s, "core");
  tcase_add_test(tc, test_one_neuron);
  tcase_add_test(tc, test_sigmoid_tails);
  tcase_add_test(tc, test_costs);
  tcase_add_test(tc, test_bad_sizes);
  tcase_add_test(tc, test_enum_names);
  return test_run(s);
}
