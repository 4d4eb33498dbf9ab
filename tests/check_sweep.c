/* check_sweep.c -- grids: parsing, strict errors, the job order, canonical
 * texts, the FNV-1a names against the published test vectors, and the
 * grouping of results against means and deviations worked out by hand. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static const gc_sweep_key keys[] = {
  {"hidden", GC_SWEEP_INTEGER, "1", 0, 100},
  {"width", GC_SWEEP_INTEGER, "30", 1, 100000},
  {"activation", GC_SWEEP_NAME, "sigmoid", 0, 0},
  {"eta", GC_SWEEP_REAL, "0.1", 0, 1e6},
  {"seed", GC_SWEEP_INTEGER, "1", 0, 4294967295.0},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static gc_grid *grid(const char *text)
{
  gc_grid *g;
  ck_assert_int_eq(gc_grid_alloc(&g, keys, NKEYS), GC_OK);
  ck_assert_msg(gc_grid_parse(g, text, "the grid") == GC_OK, "%s: %s", text,
                gc_strerror_last());
  return g;
}

START_TEST(test_parse_and_order)
{
  gc_grid *g = grid("hidden=1..8 width=30,100\n# a comment, hidden=9\n"
                    "  activation=sigmoid,relu seed=1..10   # trailing\n");
  ck_assert_uint_eq(gc_grid_njobs(g), 8 * 2 * 2 * 10);
  /* seed fastest, then eta (unset), activation, width, hidden */
  ck_assert_str_eq(gc_grid_value(g, 0, 0), "1");
  ck_assert_str_eq(gc_grid_value(g, 0, 4), "1");
  ck_assert_str_eq(gc_grid_value(g, 9, 4), "10");
  ck_assert_str_eq(gc_grid_value(g, 10, 4), "1");
  ck_assert_str_eq(gc_grid_value(g, 10, 2), "relu");
  ck_assert_str_eq(gc_grid_value(g, 20, 1), "100");
  ck_assert_str_eq(gc_grid_value(g, 20, 2), "sigmoid");
  ck_assert_str_eq(gc_grid_value(g, 40, 0), "2");
  ck_assert_str_eq(gc_grid_value(g, 319, 0), "8");
  ck_assert_str_eq(gc_grid_value(g, 319, 3), "0.1"); /* the default */
  size_t nv;
  ck_assert(gc_grid_has(g, 1, &nv) && nv == 2);
  ck_assert(!gc_grid_has(g, 3, &nv) && nv == 0);
  char *t;
  ck_assert_int_eq(gc_grid_text(&t, g), GC_OK);
  ck_assert_str_eq(t, "hidden=1..8\nwidth=30,100\nactivation=sigmoid,relu\n"
                   "seed=1..10\n");
  gc_grid *h = grid(t); /* the canonical text reads back the same */
  char *t2;
  ck_assert_int_eq(gc_grid_text(&t2, h), GC_OK);
  ck_assert_str_eq(t, t2);
  free(t);
  free(t2);
  gc_grid_free(h);
  gc_grid_free(g);

  g = grid("");
  ck_assert_uint_eq(gc_grid_njobs(g), 1);
  ck_assert_int_eq(gc_grid_job_text(&t, g, 0), GC_OK);
  ck_assert_str_eq(t, "");
  free(t);
  gc_grid_free(g);
}
END_TEST

START_TEST(test_canonical_values)
{
  gc_grid *g = grid("eta=0.10,5e-1,1E2,-0 hidden=007,2,3,4,9");
  char *t;
  ck_assert_int_eq(gc_grid_text(&t, g), GC_OK);
  ck_assert_str_eq(t, "hidden=7,2..4,9\neta=0.1,0.5,100,0\n");
  free(t);
  ck_assert_int_eq(gc_grid_set(g, "seed", "3", "--seed"), GC_OK);
  ck_assert_uint_eq(gc_grid_njobs(g), 20);
  ck_assert_str_eq(gc_grid_value(g, 0, 4), "3");
  gc_grid_free(g);
}
END_TEST

static void bad(const char *text, const char *msg)
{
  gc_grid *g;
  ck_assert_int_eq(gc_grid_alloc(&g, keys, NKEYS), GC_OK);
  ck_assert_int_eq(gc_grid_parse(g, "width=10", "x"), GC_OK);
  gc_error_clear();
  ck_assert_msg(gc_grid_parse(g, text, "the grid") != GC_OK, "%s accepted", text);
  ck_assert_str_eq(gc_strerror_last(), msg);
  /* a refused text leaves the grid as it was */
  ck_assert_uint_eq(gc_grid_njobs(g), 1);
  ck_assert_str_eq(gc_grid_value(g, 0, 1), "10");
  ck_assert(!gc_grid_has(g, 0, NULL));
  gc_grid_free(g);
}

START_TEST(test_errors)
{
  bad("hidden=1 depth=3",
      "the grid: unknown key 'depth' (keys: hidden, width, activation, eta, seed)");
  bad("hidden", "the grid: 'hidden' is not KEY=VALUES");
  bad("=3", "the grid: '=3' is not KEY=VALUES");
  bad("hidden=", "the grid: hidden=: empty value");
  bad("hidden=1,,2", "the grid: hidden=1,,2: empty value");
  bad("hidden=5..2", "the grid: hidden=5..2: empty range (5 > 2)");
  bad("hidden=1..", "the grid: hidden=1..: a range is written a..b");
  bad("hidden=1..x", "the grid: hidden=1..x: '1..x' is not a range of whole numbers");
  bad("hidden=1.5", "the grid: hidden=1.5: '1.5' is not a whole number");
  bad("hidden=101", "the grid: hidden=101: 101 is outside [0, 100]");
  bad("hidden=1..101", "the grid: hidden=1..101: 1..101 is outside [0, 100]");
  bad("eta=1..3", "the grid: eta=1..3: a range a..b needs a whole-number key");
  bad("eta=nan", "the grid: eta=nan: 'nan' is not a finite number");
  bad("eta=0.1,0.10", "the grid: eta=0.1,0.10: value 0.1 given twice");
  bad("hidden=1,1..3", "the grid: hidden=1,1..3: value 1 given twice");
  bad("hidden=1 hidden=2", "the grid: key 'hidden' given twice");
  bad("hidden=1 width=3", "the grid: key 'width' given twice");
  bad("activation=re/lu", "the grid: activation=re/lu: 're/lu' is not a name "
      "(letters, digits, '-', '_', '.')");
  bad("seed=0..99999 hidden=0..100 eta=1,2,3,4,5,6,7,8,9,10,11",
      "the grid: more than 100000000 jobs");
}
END_TEST

START_TEST(test_hash)
{
  /* FNV-1a 64 test vectors (Fowler, Noll, Vo) */
  ck_assert(gc_sweep_hash("") == 0xcbf29ce484222325ULL);
  ck_assert(gc_sweep_hash("a") == 0xaf63dc4c8601ec8cULL);
  ck_assert(gc_sweep_hash("foobar") == 0x85944171f73967e8ULL);
  char hex[17];
  gc_sweep_hash_hex(hex, 0xaf63dc4c8601ec8cULL);
  ck_assert_str_eq(hex, "af63dc4c8601ec8c");
  gc_sweep_hash_hex(hex, 0x1fULL);
  ck_assert_str_eq(hex, "000000000000001f");
}
END_TEST

START_TEST(test_job_names)
{
  /* job text: non-default keys only, in name order */
  gc_grid *g = grid("seed=1,2 width=30,100 hidden=3");
  char *t;
  ck_assert_int_eq(gc_grid_job_text(&t, g, 0), GC_OK);
  ck_assert_str_eq(t, "hidden=3\n");
  free(t);
  ck_assert_int_eq(gc_grid_job_text(&t, g, 3), GC_OK);
  ck_assert_str_eq(t, "hidden=3\nseed=2\nwidth=100\n");
  char name[17], want[17];
  ck_assert_int_eq(gc_grid_job_name(name, g, 3), GC_OK);
  gc_sweep_hash_hex(want, gc_sweep_hash(t));
  ck_assert_str_eq(name, want);
  free(t);
  ck_assert_int_ne(gc_grid_job_text(&t, g, 4), GC_OK);
  /* other spellings and orders name the same jobs */
  gc_grid *h = grid("hidden=3 width=100,30 seed=2,1 eta=0.1");
  ck_assert_uint_eq(gc_grid_njobs(h), 4);
  for (size_t i = 0; i < 4; i++) {
    int found = 0;
    ck_assert_int_eq(gc_grid_job_name(name, g, i), GC_OK);
    for (size_t j = 0; j < 4; j++) {
      ck_assert_int_eq(gc_grid_job_name(want, h, j), GC_OK);
      found += !strcmp(name, want);
    }
    ck_assert_int_eq(found, 1);
  }
  gc_grid_free(g);
  gc_grid_free(h);
}
END_TEST

START_TEST(test_groups)
{
  ck_assert_int_lt(gc_sweep_label_cmp("hidden=2", "hidden=10"), 0);
  ck_assert_int_gt(gc_sweep_label_cmp("hidden=10 w=3", "hidden=9 w=30"), 0);
  ck_assert_int_eq(gc_sweep_label_cmp("a=02", "a=2"), 0);
  /* groups: hidden=10 {0.90, 0.92, 0.94}: mean 0.92, sd 0.02;
   * hidden=2 {0.5, 0.7}: mean 0.6, sd sqrt(0.02) */
  gc_sweep_point p[] = {
    {"hidden=10", 0.90, 0.95, "0.1.0", "avx2", 0},
    {"hidden=2", 0.5, 0.6, "0.1.0", "avx2", 1},
    {"hidden=10", 0.92, 0.95, "0.1.0", "avx2", 2},
    {"hidden=2", 0.7, 0.8, "0.1.0", "avx512", 3},
    {"hidden=10", 0.94, 0.98, "0.2.0", "avx2", 4},
  };
  gc_sweep_group *gs;
  size_t ng;
  ck_assert_int_eq(gc_sweep_group_points(&gs, &ng, p, 5), GC_OK);
  ck_assert_uint_eq(ng, 2);
  ck_assert_str_eq(gs[0].group, "hidden=2");
  ck_assert_uint_eq(gs[0].n, 2);
  ck_assert_uint_eq(gs[0].first, 0);
  ck_assert_double_eq_tol(gs[0].final_mean, 0.6, 1e-15);
  ck_assert_double_eq_tol(gs[0].final_sd, sqrt(0.02), 1e-15);
  ck_assert_double_eq_tol(gs[0].best_mean, 0.7, 1e-15);
  ck_assert_double_eq_tol(gs[0].best_sd, sqrt(0.02), 1e-15);
  ck_assert(!gs[0].mixed_versions && gs[0].mixed_isas);
  ck_assert_str_eq(gs[1].group, "hidden=10");
  ck_assert_uint_eq(gs[1].n, 3);
  ck_assert_uint_eq(gs[1].first, 2);
  ck_assert_double_eq_tol(gs[1].final_mean, 0.92, 1e-15);
  ck_assert_double_eq_tol(gs[1].final_sd, 0.02, 1e-15);
  ck_assert_double_eq_tol(gs[1].best_mean, 0.96, 1e-15);
  ck_assert_double_eq_tol(gs[1].best_sd, sqrt(0.0003), 1e-15);
  ck_assert(gs[1].mixed_versions && !gs[1].mixed_isas);
  /* sorted, equal labels in their order */
  ck_assert_double_eq(p[2].final_accuracy, 0.90);
  ck_assert_double_eq(p[4].final_accuracy, 0.94);
  size_t want_id[] = {1, 3, 0, 2, 4};
  for (int i = 0; i < 5; i++) ck_assert_uint_eq(p[i].id, want_id[i]);
  free(gs);
  /* one point: sd 0 */
  gc_sweep_point q = {"x", 0.3, 0.4, NULL, NULL, 7};
  ck_assert_int_eq(gc_sweep_group_points(&gs, &ng, &q, 1), GC_OK);
  ck_assert_uint_eq(ng, 1);
  ck_assert_double_eq(gs[0].final_sd, 0);
  ck_assert(!gs[0].mixed_versions);
  free(gs);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("sweep");
  TCase *tc = test_case(s, "sweep");
  tcase_add_test(tc, test_parse_and_order);
  tcase_add_test(tc, test_canonical_values);
  tcase_add_test(tc, test_errors);
  tcase_add_test(tc, test_hash);
  tcase_add_test(tc, test_job_names);
  tcase_add_test(tc, test_groups);
  return test_run(s);
}
