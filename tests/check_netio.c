/* check_netio.c -- saving and loading nets in network2's JSON layout:
 * exact round trips, a hand-written network2 file, and every kind of
 * malformed file refused with a message. */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static char dir[] = "/tmp/gc_netio_XXXXXX";

static int setup(void) { return mkdtemp(dir) != NULL; }

static char *path_in(const char *name)
{
  static char buf[256];
  snprintf(buf, sizeof buf, "%s/%s", dir, name);
  return buf;
}

/* a temporary file of the atomic writer left in dir? */
static int tmp_left(void)
{
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int left = 0;
  for (struct dirent *e; (e = readdir(d));)
    left |= strstr(e->d_name, ".tmp.") != NULL;
  closedir(d);
  return left;
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *b = malloc((size_t)n + 1);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return b;
}

START_TEST(test_round_trip)
{
  size_t sizes[] = {5, 4, 3, 2};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  for (int c = 0; c < 2; c++) {
    gc_net *net;
    gc_cost cost = c ? GC_COST_QUADRATIC : GC_COST_CROSS_ENTROPY;
    ck_assert_int_eq(gc_net_alloc(&net, 4, sizes, GC_ACT_SIGMOID, cost), GC_OK);
    gc_net_init(net, GC_INIT_LARGE, r);
    /* awkward values: extremes, subnormals, -0, exact decimals */
    net->p.w[1][0] = 1.7976931348623157e308;
    net->p.w[1][1] = -4.9406564584124654e-324;
    net->p.w[1][2] = -0.0;
    net->p.w[1][3] = 0.1;
    net->p.b[3][1] = 1.0 / 3.0;
    net->p.b[2][0] = 2.2250738585072014e-308;
    char p[256];
    snprintf(p, sizeof p, "%s", path_in("net.json"));
    ck_assert_int_eq(gc_net_save(p, net), GC_OK);
    ck_assert(!tmp_left());
    gc_net *back;
    ck_assert_int_eq(gc_net_load(&back, p), GC_OK);
    ck_assert_uint_eq(back->nlayers, 4);
    for (size_t l = 0; l < 4; l++) ck_assert_uint_eq(back->sizes[l], sizes[l]);
    ck_assert_int_eq(back->cost, cost);
    ck_assert_uint_eq(back->p.n, net->p.n);
    ck_assert_int_eq(memcmp(back->p.data, net->p.data,
                            net->p.n * sizeof(double)), 0);
    /* the file is network2's layout */
    size_t len;
    char *text = slurp(p, &len);
    ck_assert_ptr_nonnull(strstr(text, "{\"sizes\": [5, 4, 3, 2], \"weights\": [[["));
    /* and ends with the instruction set of the build that wrote it */
    const char *isa = gc_build_isa();
    ck_assert(!strcmp(isa, "avx512") || !strcmp(isa, "avx2") ||
              !strcmp(isa, "portable"));
    char tail[128];
    snprintf(tail, sizeof tail, "\"cost\": \"%s\", \"isa\": \"%s\"}\n",
             c ? "QuadraticCost" : "CrossEntropyCost", isa);
    ck_assert_ptr_nonnull(strstr(text, tail));
    ck_assert_ptr_nonnull(strstr(text, "\"biases\": [[["));
    free(text);
    gc_net_free(back);
    gc_net_free(net);
  }
  gsl_rng_free(r);
  unlink(path_in("net.json"));
}
END_TEST

/* A net with other activations says so in its file (and network2's keys
 * stay as they are); it loads back with them.  The plain sigmoid net's file
 * has no such keys (tested above: it ends with the cost). */
START_TEST(test_activations_round_trip)
{
  size_t sizes[] = {4, 3, 3, 2};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 5);
  gc_net *net;
  ck_assert_int_eq(gc_net_alloc(&net, 4, sizes, GC_ACT_SIGMOID,
                                GC_COST_QUADRATIC), GC_OK);
  gc_activation acts[2] = {GC_ACT_ERF, GC_ACT_LEAKY_RELU};
  ck_assert_int_eq(gc_net_set_activations(net, 2, acts), GC_OK);
  ck_assert_int_eq(gc_net_set_output(net, GC_OUTPUT_SOFTMAX,
                                     GC_COST_LOG_LIKELIHOOD), GC_OK);
  ck_assert_int_eq(gc_net_init(net, GC_INIT_HE, r), GC_OK);
  char p[256];
  snprintf(p, sizeof p, "%s", path_in("acts.json"));
  ck_assert_int_eq(gc_net_save(p, net), GC_OK);
  size_t len;
  char *text = slurp(p, &len);
  ck_assert_ptr_nonnull(strstr(text, "\"cost\": \"LogLikelihoodCost\", "
                               "\"activations\": [\"erf\", \"leaky-relu\"], "
                               "\"output\": \"softmax\", \"isa\": \""));
  free(text);
  gc_net *back;
  ck_assert_int_eq(gc_net_load(&back, p), GC_OK);
  ck_assert_int_eq(back->act[1], GC_ACT_ERF);
  ck_assert_int_eq(back->act[2], GC_ACT_LEAKY_RELU);
  ck_assert_int_eq(back->output, GC_OUTPUT_SOFTMAX);
  ck_assert_int_eq(back->cost, GC_COST_LOG_LIKELIHOOD);
  ck_assert(!memcmp(back->p.data, net->p.data, net->p.n * sizeof(double)));
  gc_net_free(back);
  gc_net_free(net);
  gsl_rng_free(r);
  unlink(p);
  /* refused: a softmax with cross-entropy, a wrong number of activations,
   * an unknown one */
  static const char *bad[] = {
      "{\"sizes\": [1, 2], \"weights\": [[[1], [2]]], \"biases\": [[[0], "
      "[0]]], \"cost\": \"CrossEntropyCost\", \"output\": \"softmax\"}",
      "{\"sizes\": [1, 1, 1], \"weights\": [[[1]], [[1]]], \"biases\": "
      "[[[0]], [[0]]], \"cost\": \"QuadraticCost\", \"activations\": "
      "[\"tanh\", \"relu\"]}",
      "{\"sizes\": [1, 1, 1], \"weights\": [[[1]], [[1]]], \"biases\": "
      "[[[0]], [[0]]], \"cost\": \"QuadraticCost\", \"activations\": "
      "[\"swish\"]}",
      "{\"sizes\": [1, 2], \"weights\": [[[1], [2]]], \"biases\": [[[0], "
      "[0]]], \"cost\": \"LogLikelihoodCost\"}"};
  static const char *why[] = {"goes with the log-likelihood",
                              "more than the 1 entries",
                              "unknown activation \"swish\"",
                              "needs a softmax"};
  for (int i = 0; i < 4; i++) {
    gc_error_clear();
    ck_assert_int_eq(gc_net_from_json(&back, bad[i], strlen(bad[i])),
                     GC_EFORMAT);
    ck_assert_msg(strstr(gc_strerror_last(), why[i]) != NULL, "%d: %s", i,
                  gc_strerror_last());
  }
}
END_TEST

/* A file as network2 writes it (json.dump), by hand: w^1 is 2 x 3, the
 * biases column vectors; keys in another order, an unknown key, spaces. */
START_TEST(test_network2_file)
{
  const char *t =
      "{\"cost\": \"QuadraticCost\", \"comment\": {\"x\": [1, true, null]},\n"
      "  \"biases\": [[[0.5], [-1.5]], [[2e-1]]],\n"
      "  \"sizes\": [3, 2, 1],\n"
      "  \"weights\": [[[1, 2, 3], [4, 5, 6.25]], [[-7, 8E+2]]]}\n";
  gc_net *net;
  ck_assert_int_eq(gc_net_from_json(&net, t, strlen(t)), GC_OK);
  ck_assert_uint_eq(net->nlayers, 3);
  ck_assert_int_eq(net->cost, GC_COST_QUADRATIC);
  ck_assert(gc_net_is_sigmoid(net)); /* a plain network2 file is a sigmoid net */
  double w1[] = {1, 2, 3, 4, 5, 6.25}, w2[] = {-7, 800};
  for (int k = 0; k < 6; k++) ck_assert_double_eq(net->p.w[1][k], w1[k]);
  for (int k = 0; k < 2; k++) ck_assert_double_eq(net->p.w[2][k], w2[k]);
  ck_assert_double_eq(net->p.b[1][0], 0.5);
  ck_assert_double_eq(net->p.b[1][1], -1.5);
  ck_assert_double_eq(net->p.b[2][0], 0.2);
  gc_net_free(net);
}
END_TEST

static const char good[] =
    "{\"sizes\": [2, 2, 1], \"weights\": [[[1, 2], [3, 4]], [[5, 6]]], "
    "\"biases\": [[[0.5], [0.25]], [[0.125]]], \"cost\": \"CrossEntropyCost\"}";

/* Every prefix of a valid file is refused. */
START_TEST(test_truncated)
{
  gc_net *net;
  size_t n = strlen(good);
  ck_assert_int_eq(gc_net_from_json(&net, good, n), GC_OK);
  gc_net_free(net);
  for (size_t k = 0; k < n; k++) {
    int st = gc_net_from_json(&net, good, k);
    ck_assert_msg(st == GC_EFORMAT, "prefix of %zu bytes: status %d", k, st);
    ck_assert_ptr_null(net);
    ck_assert(strlen(gc_strerror_last()) > 0);
  }
}
END_TEST

/* text must be refused with a message containing `needle` */
static void refuse(const char *text, const char *needle)
{
  gc_net *net = (gc_net *)1;
  gc_error_clear();
  int st = gc_net_from_json(&net, text, strlen(text));
  ck_assert_msg(st != GC_OK, "accepted: %s", text);
  ck_assert_ptr_null(net);
  const char *m = gc_strerror_last();
  ck_assert_msg(strstr(m, needle), "for %s\nmessage '%s' lacks '%s'", text, m,
                needle);
}

#define W_OK_ "\"weights\": [[[1, 2], [3, 4]], [[5, 6]]]"
#define B_OK_ "\"biases\": [[[0.5], [0.25]], [[0.125]]]"
#define C_OK_ "\"cost\": \"CrossEntropyCost\""
#define S_OK_ "\"sizes\": [2, 2, 1]"

START_TEST(test_wrong_lengths)
{
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\"[0][1] has 1 entries, expected 2");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2, 9], [3, 4]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\"[0][0] has more than the 2 entries");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\"[0] has 1 entries, expected 2");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\" has 1 entries, expected 2");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, 6]], [[7]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\" has more than");
  refuse("{" S_OK_ ", " W_OK_ ", \"biases\": [[[0.5]], [[0.125]]], " C_OK_ "}",
         "\"biases\"[0] has 1 entries, expected 2");
  refuse("{" S_OK_ ", " W_OK_ ", \"biases\": [[[0.5], [0.25], [1]], [[0.125]]], " C_OK_ "}",
         "\"biases\"[0] has more than");
  refuse("{" S_OK_ ", " W_OK_ ", \"biases\": [[[0.5, 1], [0.25]], [[0.125]]], " C_OK_ "}",
         "\"biases\"[0][0] has more than the 1");
  refuse("{" S_OK_ ", " W_OK_ ", \"biases\": [[[], [0.25]], [[0.125]]], " C_OK_ "}",
         "\"biases\"[0][0] is empty");
  refuse("{\"sizes\": [2, 3, 1], " W_OK_ ", " B_OK_ ", " C_OK_ "}", "weights");
  refuse("{\"sizes\": [], " W_OK_ ", " B_OK_ ", " C_OK_ "}", "at least two");
  refuse("{\"sizes\": [2], " W_OK_ ", " B_OK_ ", " C_OK_ "}", "at least two");
  refuse("{\"sizes\": [2, 0, 1], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "\"sizes\"[1] = 0 is not a whole number");
  refuse("{\"sizes\": [2, 1.5, 1], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "\"sizes\"[1] = 1.5 is not a whole number");
  refuse("{\"sizes\": [2, -2, 1], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "not a whole number");
}
END_TEST

START_TEST(test_not_numbers)
{
  refuse("{" S_OK_ ", \"weights\": [[[1, NaN], [3, 4]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\"[0][0][1]: NaN and Infinity are not allowed");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [-Infinity, 4]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\"[0][1][0]: NaN and Infinity");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, 1e999]]], " B_OK_ ", " C_OK_ "}",
         "too large for a double");
  refuse("{" S_OK_ ", \"weights\": [[[1, \"2\"], [3, 4]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "\"weights\"[0][0][1]: expected a number");
  refuse("{" S_OK_ ", \"weights\": [[[1, true], [3, 4]], [[5, 6]]], " B_OK_ ", " C_OK_ "}",
         "expected a number");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, 6]]], \"biases\": [[[0.5], [abc]], [[0.125]]], " C_OK_ "}",
         "expected a value");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, 6]]], \"biases\": [[[0.5], [0x1]], [[0.125]]], " C_OK_ "}",
         "expected ','");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, .6]]], " B_OK_ ", " C_OK_ "}",
         "expected a value");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, 6.]]], " B_OK_ ", " C_OK_ "}",
         "digit must follow the decimal point");
  refuse("{" S_OK_ ", \"weights\": [[[1, 2], [3, 4]], [[5, 6e]]], " B_OK_ ", " C_OK_ "}",
         "digit must follow the exponent");
  refuse("{\"sizes\": [2, \"2\", 1], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "\"sizes\"[1]: expected a number");
  refuse("{\"sizes\": 3, " W_OK_ ", " B_OK_ ", " C_OK_ "}", "expected '['");
}
END_TEST

START_TEST(test_huge_sizes)
{
  refuse("{\"sizes\": [784, 1000000000, 10], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "neurons is more than");
  /* 1.6e9 parameters are refused because the text cannot hold them,
   * before any allocation */
  refuse("{\"sizes\": [40000, 40000, 10], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "cannot hold");
  refuse("{\"sizes\": [784, 30, 10], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "cannot hold");
  refuse("{\"sizes\": [2, 1e300, 1], " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "neurons is more than");
}
END_TEST

START_TEST(test_keys_and_syntax)
{
  refuse("{" W_OK_ ", " B_OK_ ", " C_OK_ "}", "no \"sizes\" key");
  refuse("{" S_OK_ ", " B_OK_ ", " C_OK_ "}", "no \"weights\" key");
  refuse("{" S_OK_ ", " W_OK_ ", " C_OK_ "}", "no \"biases\" key");
  refuse("{" S_OK_ ", " W_OK_ ", " B_OK_ "}", "no \"cost\" key");
  refuse("{" S_OK_ ", " W_OK_ ", " B_OK_ ", \"cost\": \"HingeCost\"}",
         "unknown cost \"HingeCost\"");
  refuse("{" S_OK_ ", " W_OK_ ", " B_OK_ ", \"cost\": 3}", "expected a string");
  refuse("{" S_OK_ ", " S_OK_ ", " W_OK_ ", " B_OK_ ", " C_OK_ "}",
         "appears twice");
  refuse("{" S_OK_ ", " W_OK_ ", " B_OK_ ", " C_OK_ "} x", "after the end");
  refuse("{" S_OK_ ", " W_OK_ ", " B_OK_ ", " C_OK_ ",}", "expected a string");
  refuse("[1, 2]", "expected '{'");
  refuse("", "empty");
  refuse("   \n", "empty");
  refuse("{}", "no \"sizes\" key");
  refuse("{\"sizes\" [2, 1]}", "expected ':'");
  refuse("{\"a\": \"unterminated", "unterminated string");
  refuse("{\"a\": \"bad \\q escape\"}", "bad escape");
  /* deep nesting in an ignored key is refused, not a stack overflow */
  char deep[400];
  memset(deep, '[', sizeof deep);
  memcpy(deep, "{\"x\": ", 6);
  deep[sizeof deep - 1] = 0;
  refuse(deep, "nested deeper");
  /* the position is given as line:column */
  refuse("{\n\"sizes\": [2, x]}", "JSON:2:14:");
}
END_TEST

START_TEST(test_files)
{
  gc_net *net;
  ck_assert_int_eq(gc_net_load(&net, path_in("missing.json")), GC_EIO);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "missing.json"));
  ck_assert_ptr_null(net);
  size_t sizes[] = {2, 1};
  ck_assert_int_eq(gc_net_alloc(&net, 2, sizes, GC_ACT_SIGMOID, GC_COST_QUADRATIC), GC_OK);
  ck_assert_int_eq(gc_net_save("/nonexistent-dir/x/net.json", net), GC_EIO);
  net->p.w[1][1] = NAN;
  ck_assert_int_eq(gc_net_save(path_in("nan.json"), net), GC_ENUMERIC);
  ck_assert_int_ne(access(path_in("nan.json"), F_OK), 0);
  gc_net_free(net);
  /* a malformed file names itself in the message */
  FILE *f = fopen(path_in("bad.json"), "w");
  fputs("{\"sizes\": [2, 1], \"weights\": [[[1, 2]]], \"biases\": [[[1]]]}", f);
  fclose(f);
  ck_assert_int_eq(gc_net_load(&net, path_in("bad.json")), GC_EFORMAT);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "bad.json"));
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "cost"));
  unlink(path_in("bad.json"));
}
END_TEST

int main(void)
{
  if (!setup()) return EXIT_FAILURE;
  Suite *s = suite_create("netio");
  TCase *tc = test_case(s, "json");
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_activations_round_trip);
  tcase_add_test(tc, test_network2_file);
  tcase_add_test(tc, test_truncated);
  tcase_add_test(tc, test_wrong_lengths);
  tcase_add_test(tc, test_not_numbers);
  tcase_add_test(tc, test_huge_sizes);
  tcase_add_test(tc, test_keys_and_syntax);
  tcase_add_test(tc, test_files);
  int rc = test_run(s);
  rmdir(dir);
  return rc;
}
