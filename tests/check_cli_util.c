/* check_cli_util.c -- the CLI's number parsers (src/cli/cli_util.c,
 * compiled into this test): what they accept, with values checked against
 * hand-written expectations, and what they refuse. */
#include <check.h>

#include "testlib.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

START_TEST(test_size_accepts)
{
  size_t v = 0;
  ck_assert_int_eq(cli_parse_size("42", "--n", 1, 100, &v), 0);
  ck_assert_uint_eq(v, 42);
  ck_assert_int_eq(cli_parse_size("  7", "--n", 1, 100, &v), 0);
  ck_assert_uint_eq(v, 7);
  ck_assert_int_eq(cli_parse_size("\t8", "--n", 1, 100, &v), 0);
  ck_assert_uint_eq(v, 8);
  ck_assert_int_eq(cli_parse_size("18446744073709551615", "--n", 0, SIZE_MAX,
                                  &v), 0);
  ck_assert_uint_eq(v, SIZE_MAX);
}
END_TEST

/* Regression (found by fuzz/fuzz_numlist.c): a sign after white space
 * other than ' ' slipped past the sign check, so strtoull read "\t-1" as
 * 2^64-1 and "\r\r+8" as 8. */
START_TEST(test_size_refuses_hidden_sign)
{
  size_t v = 12345;
  unsigned long u = 12345;
  ck_assert_int_ne(cli_parse_size("\t-1", "--n", 0, SIZE_MAX, &v), 0);
  ck_assert_int_ne(cli_parse_size("\r\r+8", "--n", 2, 100, &v), 0);
  ck_assert_int_ne(cli_parse_size("\n-0", "--n", 0, 100, &v), 0);
  ck_assert_int_ne(cli_parse_ulong("\v-5", "--seed", &u), 0);
  ck_assert_uint_eq(v, 12345);
  ck_assert_uint_eq(u, 12345);
  size_t *list = NULL, n = 0;
  ck_assert_int_ne(cli_parse_sizes("784,\f-30,10", "--sizes", 1, 1000, &list,
                                   &n), 0);
  ck_assert_ptr_null(list);
}
END_TEST

START_TEST(test_size_refuses)
{
  size_t v = 3;
  const char *bad[] = {"", " ", "-1", "+1", "0x10", "1e3", "5 ", "1.0",
                       "18446744073709551616", "101", "0"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    ck_assert_msg(cli_parse_size(bad[i], "--n", 1, 100, &v) != 0,
                  "'%s' accepted", bad[i]);
  ck_assert_uint_eq(v, 3);
}
END_TEST

START_TEST(test_lists)
{
  size_t *s = NULL, n = 0;
  ck_assert_int_eq(cli_parse_sizes("784,30,10", "--sizes", 1, 1000, &s, &n),
                   0);
  ck_assert_uint_eq(n, 3);
  ck_assert_uint_eq(s[0], 784);
  ck_assert_uint_eq(s[1], 30);
  ck_assert_uint_eq(s[2], 10);
  free(s);
  s = NULL;
  ck_assert_int_ne(cli_parse_sizes("1,,2", "--sizes", 1, 9, &s, &n), 0);
  ck_assert_int_ne(cli_parse_sizes("1,2,", "--sizes", 1, 9, &s, &n), 0);
  ck_assert_ptr_null(s);
  double *x = NULL;
  ck_assert_int_eq(cli_parse_doubles("0.5,-2,1e-3", "--w", &x, &n), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert(x[0] == 0.5 && x[1] == -2.0 && x[2] == 0.001);
  free(x);
  x = NULL;
  ck_assert_int_ne(cli_parse_doubles("1,nan", "--w", &x, &n), 0);
  ck_assert_int_ne(cli_parse_doubles("1,inf", "--w", &x, &n), 0);
  ck_assert_int_ne(cli_parse_doubles("1e999", "--w", &x, &n), 0);
  ck_assert_ptr_null(x);
}
END_TEST

/* For MPFR the pieces come back as typed, beside their doubles; MPFR's
 * refusals come first. */
START_TEST(test_numbers_as_typed)
{
  double *x = NULL;
  char **t = NULL;
  size_t n = 0;
  ck_assert_int_eq(cli_parse_numbers("0.1,-1.2e-3,0x1p-3", "--w", 1, &x, &t,
                                     &n), 0);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(t[0], "0.1");
  ck_assert_str_eq(t[1], "-1.2e-3");
  ck_assert_str_eq(t[2], "0x1p-3");
  ck_assert(x[0] == 0.1 && x[1] == -1.2e-3 && x[2] == 0.125);
  free(x);
  free(t);
  x = NULL;
  t = NULL;
  ck_assert_int_eq(cli_parse_numbers("1,1.2x", "--w", 1, &x, &t, &n),
                   CLI_USAGE);
  ck_assert_int_eq(cli_parse_numbers("1e99999999999999999999", "--w", 1, &x,
                                     &t, &n), CLI_USAGE);
  ck_assert_int_eq(cli_parse_numbers("1e400", "--w", 1, &x, &t, &n),
                   CLI_USAGE);
  ck_assert_ptr_null(x);
  ck_assert_ptr_null(t);
  double d;
  ck_assert_int_eq(cli_parse_number("-0.3", "--b", 1, &d), 0);
  ck_assert(d == -0.3);
}
END_TEST

int main(void)
{
  /* the parsers' one-line complaints are expected here */
  if (!freopen("/dev/null", "w", stderr)) return 1;
  Suite *s = suite_create("cli_util");
  TCase *tc = test_case(s, "numbers");
  tcase_add_test(tc, test_size_accepts);
  tcase_add_test(tc, test_size_refuses_hidden_sign);
  tcase_add_test(tc, test_size_refuses);
  tcase_add_test(tc, test_lists);
  tcase_add_test(tc, test_numbers_as_typed);
  return test_run(s);
}
