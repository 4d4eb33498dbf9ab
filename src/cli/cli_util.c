/* cli_util.c -- parsing and printing shared by the subcommands. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>

#include "gradchain/mpfr_digits.h"
#include "gradchain/error.h"
#include "cli/cli.h"
#include "io/json.h"

const char *cli_cmd = "";

int cli_fail(int status, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "gradchain%s%s: ", *cli_cmd ? " " : "", cli_cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return status;
}

int cli_fail_lib(void)
{
  const char *m = gc_strerror_last();
  return cli_fail(CLI_FAIL, "%s", *m ? m : "unknown error");
}

int cli_mnist_load(gc_mnist **m, const char *dir)
{
  int st = gc_mnist_load(m, dir);
  if (st == GC_ENODATA && strstr(gc_strerror_last(), "not found")) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", gc_strerror_last());
    if (dir && *dir)
      gc_error(st, "%s; fetch it with: gradchain fetch-mnist --dir %s", msg,
               dir);
    else
      gc_error(st, "%s; fetch it with: gradchain fetch-mnist", msg);
  }
  return st;
}

int cli_parse_double(const char *s, const char *opt, double *out)
{
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || *end != '\0' || !*s)
    return cli_fail(CLI_USAGE, "%s: '%s' is not a number", opt, s);
  if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1))
    return cli_fail(CLI_USAGE, "%s: '%s' is not a finite double", opt, s);
  *out = v;
  return 0;
}

int cli_parse_number(const char *s, const char *opt, int mpfr, double *out)
{
  if (mpfr) {
    /* in MPFR's widest range, as the MPFR evaluations read it */
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    mpfr_t x;
    mpfr_init2(x, 64);
    int st = gc_mpfr_set_str(x, s, MPFR_RNDN);
    mpfr_clear(x);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
    if (st) return cli_fail(CLI_USAGE, "%s: %s", opt, gc_strerror_last());
  }
  return cli_parse_double(s, opt, out);
}

int cli_parse_size(const char *s, const char *opt, size_t min, size_t max,
                   size_t *out)
{
  char *end;
  errno = 0;
  /* all the white space strtoull would skip, so that no sign hides
   * behind a tab or a carriage return (found by fuzzing) */
  while (isspace((unsigned char)*s)) s++;
  if (*s == '-' || *s == '+' || !*s)
    return cli_fail(CLI_USAGE, "%s: '%s' is not a whole number from %zu to "
                    "%zu", opt, s, min, max);
  unsigned long long v = strtoull(s, &end, 10);
  if (end == s || *end != '\0' || errno == ERANGE || v < min || v > max)
    return cli_fail(CLI_USAGE, "%s: '%s' is not a whole number from %zu to "
                    "%zu", opt, s, min, max);
  *out = (size_t)v;
  return 0;
}

int cli_parse_ulong(const char *s, const char *opt, unsigned long *out)
{
  size_t v;
  if (cli_parse_size(s, opt, 0, ULONG_MAX, &v)) return CLI_USAGE;
  *out = (unsigned long)v;
  return 0;
}

/* split s at commas; call fn on each piece.  With strs, *strs gets the
 * pieces too: n pointers followed by the text, one allocation. */
static int split(const char *s, const char *opt, void *out, size_t *n,
                 size_t elem, int (*fn)(const char *, const char *, void *,
                                        const void *),
                 const void *ctx, char ***strs)
{
  size_t cap = 1, k = 0, len = strlen(s);
  for (const char *p = s; *p; p++) cap += *p == ',';
  char **ptrs = malloc(cap * sizeof *ptrs + len + 1);
  unsigned char *arr = malloc(cap * elem);
  if (!ptrs || !arr) {
    free(ptrs);
    free(arr);
    return cli_fail(CLI_FAIL, "out of memory");
  }
  char *buf = (char *)(ptrs + cap);
  memcpy(buf, s, len + 1);
  char *p = buf;
  for (size_t i = 0; i < cap; i++) {
    char *c = strchr(p, ',');
    if (c) *c = '\0';
    ptrs[k] = p;
    if (fn(p, opt, arr + k * elem, ctx)) {
      free(ptrs);
      free(arr);
      return CLI_USAGE;
    }
    k++;
    p = c ? c + 1 : p + strlen(p);
  }
  if (strs) *strs = ptrs;
  else free(ptrs);
  *(void **)out = arr;
  *n = k;
  return 0;
}

static int one_number(const char *s, const char *opt, void *out,
                      const void *ctx)
{
  return cli_parse_number(s, opt, *(const int *)ctx, out);
}

static int one_size(const char *s, const char *opt, void *out, const void *ctx)
{
  const size_t *mm = ctx;
  return cli_parse_size(s, opt, mm[0], mm[1], out);
}

int cli_parse_doubles(const char *s, const char *opt, double **out, size_t *n)
{
  return cli_parse_numbers(s, opt, 0, out, NULL, n);
}

int cli_parse_numbers(const char *s, const char *opt, int mpfr, double **out,
                      char ***strs, size_t *n)
{
  return split(s, opt, out, n, sizeof(double), one_number, &mpfr, strs);
}

int cli_parse_sizes(const char *s, const char *opt, size_t min, size_t max,
                    size_t **out, size_t *n)
{
  size_t mm[2] = {min, max};
  return split(s, opt, out, n, sizeof(size_t), one_size, mm, NULL);
}

int cli_parse_format(const char *s, int allow_csv, cli_format *out)
{
  if (!strcmp(s, "text")) *out = CLI_TEXT;
  else if (!strcmp(s, "json")) *out = CLI_JSON;
  else if (allow_csv && !strcmp(s, "csv")) *out = CLI_CSV;
  else
    return cli_fail(CLI_USAGE, "--format: '%s' is not one of text, json%s",
                    s, allow_csv ? ", csv" : "");
  return 0;
}

void cli_json_double(FILE *f, double x) { gc_json_put_double(f, x); }

void cli_json_doubles(FILE *f, const double *x, size_t n)
{
  fputc('[', f);
  for (size_t i = 0; i < n; i++) {
    if (i) fputs(", ", f);
    gc_json_put_double(f, x[i]);
  }
  fputc(']', f);
}

void cli_json_string(FILE *f, const char *s) { gc_json_put_string(f, s); }

void cli_json_mpfr(FILE *f, mpfr_srcptr x, size_t digits)
{
  if (!mpfr_number_p(x)) {
    fputs("null", f);
    return;
  }
  size_t size = digits + 64;
  char *buf = malloc(size);
  if (!buf) {
    fputs("null", f);
    return;
  }
  gc_mpfr_snprint(buf, size, x, digits);
  fputs(buf, f);
  free(buf);
}

/* Is s a number in JSON's syntax? */
static int json_number_p(const char *s)
{
  if (*s == '-') s++;
  if (*s == '0') s++;
  else if (isdigit((unsigned char)*s)) while (isdigit((unsigned char)*s)) s++;
  else return 0;
  if (*s == '.') {
    if (!isdigit((unsigned char)*++s)) return 0;
    while (isdigit((unsigned char)*s)) s++;
  }
  if (*s == 'e' || *s == 'E') {
    if (*++s == '+' || *s == '-') s++;
    if (!isdigit((unsigned char)*s)) return 0;
    while (isdigit((unsigned char)*s)) s++;
  }
  return *s == '\0';
}

void cli_json_typed(FILE *f, const char *typed, double d, mpfr_prec_t prec,
                    size_t digits)
{
  if (!typed) {
    cli_json_double(f, d);
  } else if (json_number_p(typed)) {
    fputs(typed, f);
  } else {
    /* ".5", "+1", "0x1p-3": as MPFR read it (checked when parsed) */
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
    mpfr_t x;
    mpfr_init2(x, prec);
    gc_mpfr_set_str(x, typed, MPFR_RNDN);
    cli_json_mpfr(f, x, digits);
    mpfr_clear(x);
    mpfr_set_emin(emin);
    mpfr_set_emax(emax);
  }
}

int cli_help(const char *text)
{
  fputs(text, stdout);
  return CLI_OK;
}
