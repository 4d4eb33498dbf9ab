/* cmd_chain.c -- `gradchain chain` and `gradchain explode`: a toy chain's
 * gradient written out term by term, in double or at any precision. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "cli/cli.h"
#include "cli/options.h"

/* exit status when a double result left double's range */
#define CLI_RANGE 3

static const char chain_usage[] =
  "Usage: gradchain chain --weights LIST --biases LIST [options]\n"
  "       gradchain chain --depth L --weights W --biases B [options]\n"
  "       gradchain chain --random L [--seed S] [options]\n\n"
  "A chain of one neuron per layer: z_j = w_j a_{j-1} + b_j, a_j = f(z_j).\n"
  "Prints z, a, f'(z), the factor w f'(z), dC/db and dC/dw for every layer,\n"
  "and dC/db_1 = f'(z_1) w_2 f'(z_2) ... w_L f'(z_L) dC/da_L written out,\n"
  "checked against backpropagation (and finite differences on request).\n\n"
  "  --weights LIST      w_1,...,w_L (one value with --depth)\n"
  "  --biases LIST       b_1,...,b_L (one value with --depth)\n"
  "  --depth L           repeat one weight and one bias L times\n"
  "  --random L          w_j, b_j drawn N(0,1) (the book's initialisation)\n"
  "  --seed S            seed of --random (default 1)\n"
  "  --input A0          input a_0 (default 1)\n"
  "  --target Y          target y (default 0)\n"
  "  --cost NAME         quadratic (default) or cross-entropy\n"
  "  --activation NAME   sigmoid (default), tanh, relu, softplus, identity,\n"
  "                       leaky-relu, erf, hard-tanh\n"
  "  --prec BITS         evaluate in MPFR at BITS bits (16..1000000); every\n"
  "                      printed digit is correct for the numbers as typed\n"
  "                      (decimals read by MPFR, correctly rounded; the\n"
  "                      doubles of --random are exact as drawn)\n"
  "  --double-inputs     with --prec: round the typed numbers to double\n"
  "                      first (the digits of the double problem)\n"
  "  --check-fd          compare with central finite differences (4 L^2\n"
  "                      layer evaluations: depth 10000 at most)\n"
  "  --summary           print only dC/db_1, its magnitude and the flags\n"
  "  --format FMT        text (default), json or csv\n"
  "  --help              this text\n\n"
  "Exit status: 0 success, 1 failure, 2 bad command line, 3 the double\n"
  "result under- or overflowed (printed and flagged; use --prec).\n";

static const char explode_usage[] =
  "Usage: gradchain explode --depth L [--weight W] [--input A0] [--target Y]\n"
  "                         [--prec BITS [--double-inputs]] [--summary]\n"
  "                         [--format FMT]\n\n"
  "The exploding construction: w_j = W (default 100), b_j = -W a_{j-1}, so\n"
  "every z_j = 0, sigma'(z_j) = 1/4 and every factor w_j sigma'(z_j) = W/4\n"
  "(25 for the book's case).  dC/db_1 = (1/4) (W/4)^(L-1) dC/da_L.\n"
  "Options as for `gradchain chain` (--cost, --activation, --check-fd too).\n";

struct opts {
  int explode;
  double *w, *b;
  size_t nw, nb;
  /* the numbers as typed: kept for MPFR, parsed once --prec is known */
  const char *arg_w, *arg_b, *arg_a0, *arg_y, *arg_W;
  char **ws, **bs;     /* the pieces of --weights and --biases */
  int decimal;         /* MPFR reads the typed numbers (--prec without
                          --double-inputs) */
  int double_inputs;
  size_t depth, random;
  unsigned long seed;
  double a0, y, W;
  gc_cost cost;
  gc_activation act;
  long prec;
  int check_fd, summary;
  cli_format format;
};

static int parse(struct opts *o, int argc, char **argv)
{
  static const cli_opt opts[] = {
    OPT_WEIGHTS, OPT_WEIGHT, OPT_BIASES, OPT_DEPTH, OPT_RANDOM, OPT_SEED,
    OPT_INPUT, OPT_TARGET, OPT_COST, OPT_ACTIVATION, OPT_PREC, OPT_CHECK_FD,
    OPT_SUMMARY, OPT_FORMAT, OPT_DOUBLE_INPUTS, OPT_HELP};
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, opts, sizeof opts / sizeof *opts, 1, argc, argv);
  if (st) return st;
  if (a.help) return -1;
  if (a.text[OPT_WEIGHT] && !o->explode)
    return cli_fail(CLI_USAGE, "--weight belongs to explode; use --weights");
  o->arg_w = a.text[OPT_WEIGHTS];
  o->arg_W = a.text[OPT_WEIGHT];
  o->arg_b = a.text[OPT_BIASES];
  o->arg_a0 = a.text[OPT_INPUT];
  o->arg_y = a.text[OPT_TARGET];
  o->depth = CLI_GIVEN(&a, OPT_DEPTH) ? a.depth : 0;
  o->random = a.random;
  o->seed = a.run.seed;
  /* the book's chain: quadratic cost unless told */
  o->cost = CLI_GIVEN(&a, OPT_COST) ? a.run.cost : GC_COST_QUADRATIC;
  /* a chain's output is its activation, never a softmax */
  if (gc_output_cost_check(GC_OUTPUT_SIGMOID, o->cost))
    return cli_fail(CLI_USAGE, "--cost %s: %s", gc_cost_name(o->cost),
                    gc_strerror_last());
  o->act = a.act;
  o->prec = (long)a.prec;
  o->double_inputs = CLI_GIVEN(&a, OPT_DOUBLE_INPUTS);
  o->check_fd = CLI_GIVEN(&a, OPT_CHECK_FD);
  o->summary = CLI_GIVEN(&a, OPT_SUMMARY);
  o->format = a.format;
  if (o->double_inputs && !o->prec)
    return cli_fail(CLI_USAGE, "--double-inputs goes with --prec");
  /* the last of a repeated option counts, as getopt gives them */
  int mp = o->decimal = o->prec && !o->double_inputs;
  if (o->arg_w && cli_parse_numbers(o->arg_w, "--weights", mp, &o->w,
                                    mp ? &o->ws : NULL, &o->nw))
    return CLI_USAGE;
  if (o->arg_b && cli_parse_numbers(o->arg_b, "--biases", mp, &o->b,
                                    mp ? &o->bs : NULL, &o->nb))
    return CLI_USAGE;
  if ((o->arg_W && cli_parse_number(o->arg_W, "--weight", mp, &o->W)) ||
      (o->arg_a0 && cli_parse_number(o->arg_a0, "--input", mp, &o->a0)) ||
      (o->arg_y && cli_parse_number(o->arg_y, "--target", mp, &o->y)))
    return CLI_USAGE;
  return 0;
}

/* Build the chain the options describe. */
static int build(struct opts *o, gc_chain **c)
{
  size_t L;
  if (o->explode) {
    if (!o->depth) return cli_fail(CLI_USAGE, "--depth is required");
    if (o->w || o->b || o->random)
      return cli_fail(CLI_USAGE, "explode sets weights and biases itself");
    L = o->depth;
  } else if (o->random) {
    if (o->w || o->b || o->depth)
      return cli_fail(CLI_USAGE, "--random draws weights and biases: drop "
                      "--weights, --biases and --depth");
    L = o->random;
  } else {
    if (!o->w || !o->b)
      return cli_fail(CLI_USAGE, "give --weights and --biases, or --random");
    if (o->depth) {
      if (o->nw != 1 || o->nb != 1)
        return cli_fail(CLI_USAGE, "with --depth, --weights and --biases take "
                        "one value each");
      L = o->depth;
    } else {
      if (o->nw != o->nb)
        return cli_fail(CLI_USAGE, "--weights has %zu values but --biases has "
                        "%zu", o->nw, o->nb);
      L = o->nw;
    }
  }
  /* refuse what memory cannot hold, before trying */
  double per_layer = 200.0;
  if (o->prec && !o->summary)
    per_layer += 2 * 6 * (48.0 + 2.0 * (double)o->prec / 8);
  double mem = cli_machine_bytes();
  if (per_layer * (double)L > 0.8 * mem)
    return cli_fail(CLI_FAIL, "a chain of %zu layers needs about %.1f GB, more "
                    "than this machine's %.1f GB%s", L,
                    per_layer * (double)L / 1e9, mem / 1e9,
                    o->prec && !o->summary ? " (try --summary)" : "");
  if (gc_chain_alloc(c, L)) return cli_fail_lib();
  (*c)->act = o->act;
  (*c)->cost = o->cost;
  int st;
  if (o->explode) st = gc_chain_set_exploding(*c, o->W, o->a0, o->y);
  else if (o->random) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return cli_fail(CLI_FAIL, "out of memory");
    gsl_rng_set(r, o->seed);
    st = gc_chain_set_random(*c, r, o->a0, o->y);
    gsl_rng_free(r);
  } else if (o->depth)
    st = gc_chain_set_constant(*c, o->w[0], o->b[0], o->a0, o->y);
  else
    st = gc_chain_set(*c, o->w, o->b, o->a0, o->y);
  if (st) return cli_fail_lib();
  return 0;
}

/* ------------------------------------------------------------- printing */

/* A value as text: from the MPFR result when there is one. */
typedef struct view {
  const gc_chain *c;
  const gc_chain_result *d;  /* double evaluation (always) */
  const gc_chain_mpfr_result *m;    /* MPFR evaluation (or NULL) */
} view;

enum col { Z, A, FP, FACTOR, DB, DW };

static void fmt_mp(char *buf, size_t size, mpfr_srcptr x, size_t digits)
{
  gc_mpfr_snprint(buf, size, x, digits);
}

static void fmt_value(const view *v, enum col k, size_t j, size_t digits,
                      char *buf, size_t size)
{
  if (v->m && v->m->layers) {
    mpfr_t *arr[] = {v->m->z, v->m->a, v->m->fp, v->m->factor, v->m->dC_db,
                     v->m->dC_dw};
    fmt_mp(buf, size, arr[k][j], digits);
  } else {
    const double *arr[] = {v->d->z, v->d->a, v->d->fp, v->d->factor,
                           v->d->dC_db, v->d->dC_dw};
    snprintf(buf, size, "%.*g", (int)digits, arr[k][j]);
  }
}

static size_t full_digits(const view *v)
{
  return v->m ? v->m->digits : 17;
}

static void fmt_db1(const view *v, size_t digits, char *buf, size_t size)
{
  if (v->m) fmt_mp(buf, size, v->m->dC_db1, digits);
  else snprintf(buf, size, "%.*g", (int)digits, v->d->dC_db[0]);
}

/* log10 |dC/db_1|, valid far outside double's range */
static double log10_db1(const view *v)
{
  if (v->m) {
    if (mpfr_zero_p(v->m->dC_db1)) return -INFINITY;
    long e;
    double mant = mpfr_get_d_2exp(&e, v->m->dC_db1, MPFR_RNDN);
    return log10(fabs(mant)) + (double)e * 0.30102999566398119521;
  }
  return log10(fabs(v->d->dC_db[0]));
}

static int range_flag(const view *v, int which)
{
  /* in MPFR the exponent range is MPFR's: nothing under- or overflows */
  if (v->m) return 0;
  return which ? v->d->overflow : v->d->underflow;
}

static const char *range_note(const view *v)
{
  if (range_flag(v, 1)) return "   <- OVERFLOW in double: not the true value";
  if (range_flag(v, 0)) return "   <- UNDERFLOW in double: not the true value";
  return "";
}

static void print_product(const view *v, FILE *f)
{
  size_t L = v->c->depth;
  const char *fname = v->c->act == GC_ACT_SIGMOID ? "σ'" : "f'";
  int ce_sig = v->c->cost == GC_COST_CROSS_ENTROPY && v->c->act == GC_ACT_SIGMOID;
  char buf[96];
  /* symbolic line */
  fprintf(f, "∂C/∂b1 = %s(z1)", fname);
  size_t shown_head = L <= 8 ? L : 4, tail_from = L <= 8 ? L + 1 : L - 1;
  for (size_t j = 2; j <= L; j++) {
    if (j > shown_head && j < tail_from) {
      if (j == shown_head + 1) fprintf(f, " × … (%zu factors) …", tail_from - shown_head - 1);
      continue;
    }
    fprintf(f, " × w%zu%s(z%zu)", j, fname, j);
  }
  fprintf(f, " × ∂C/∂a%zu\n", L);
  /* numeric line */
  fputs("       = ", f);
  fmt_value(v, FP, 0, 6, buf, sizeof buf);
  fputs(buf, f);
  for (size_t j = 2; j <= L; j++) {
    if (j > shown_head && j < tail_from) {
      if (j == shown_head + 1) fputs(" × …", f);
      continue;
    }
    fmt_value(v, FACTOR, j - 1, 6, buf, sizeof buf);
    fprintf(f, " × (%s)", buf);
  }
  if (v->m) fmt_mp(buf, sizeof buf, v->m->dC_daL, 6);
  else snprintf(buf, sizeof buf, "%.6g", v->d->dC_daL);
  fprintf(f, " × (%s)\n", buf);
  if (ce_sig)
    fprintf(f, "         (cross-entropy: %s(z%zu)·∂C/∂a%zu is evaluated as "
            "a%zu − y)\n", fname, L, L, L);
  char full[256];
  fmt_db1(v, full_digits(v), full, sizeof full);
  fprintf(f, "       = %s%s\n", full, range_note(v));
}

/* The exploding construction's closed form (sigmoid): every z_j = 0, so
 * a_L = 1/2 and dC/db_1 = (1/4) (W/4)^(L-1) dC/da_L; computed here with
 * MPFR's power function, independently of the chain code. */
static void print_closed_form(const view *v, const struct opts *o, FILE *f)
{
  const gc_chain *c = v->c;
  mpfr_prec_t p = v->m ? v->m->working : 128;
  size_t digits = full_digits(v);
  mpfr_t x, t;
  mpfr_inits2(p, x, t, (mpfr_ptr)0);
  /* W and y as the chain read them (checked when parsed) */
  if (o->decimal && o->arg_W) gc_mpfr_set_str(x, o->arg_W, MPFR_RNDN);
  else mpfr_set_d(x, c->explode_w, MPFR_RNDN);
  mpfr_div_2ui(x, x, 2, MPFR_RNDN);
  mpfr_pow_ui(x, x, c->depth - 1, MPFR_RNDN);
  mpfr_div_2ui(x, x, 2, MPFR_RNDN);
  /* dC/da_L at a_L = 1/2 */
  if (o->decimal && o->arg_y) gc_mpfr_set_str(t, o->arg_y, MPFR_RNDN);
  else mpfr_set_d(t, c->y, MPFR_RNDN);
  mpfr_neg(t, t, MPFR_RNDN);
  mpfr_add_d(t, t, 0.5, MPFR_RNDN);
  if (c->cost == GC_COST_CROSS_ENTROPY) mpfr_mul_2ui(t, t, 2, MPFR_RNDN);
  mpfr_mul(x, x, t, MPFR_RNDN);
  size_t size = digits + 64;
  char *a = malloc(size), *b = malloc(size);
  if (a && b && v->m) {
    gc_mpfr_snprint(a, size, x, digits);
    gc_mpfr_snprint(b, size, v->m->dC_db1, digits);
    fprintf(f, "closed form (1/4)·(W/4)^(L-1)·∂C/∂aL = %s (%s)\n", a,
            !strcmp(a, b) ? "the same, digit for digit" : "DIFFERENT");
  } else if (a && b) {
    double cf = mpfr_get_d(x, MPFR_RNDN), got = v->d->dC_db[0];
    fprintf(f, "closed form (1/4)·(W/4)^(L-1)·∂C/∂aL = %.17g (relative "
            "difference %.2g)\n", cf, isfinite(cf) && cf != 0 ?
            fabs(got - cf) / fabs(cf) : NAN);
  }
  free(a);
  free(b);
  mpfr_clears(x, t, (mpfr_ptr)0);
}

/* One row of the per-layer table, in one of the three formats. */
typedef void (*row_fn)(const view *v, size_t j, size_t digits, FILE *f);

/* Rows 0..L-1 through fn.  Converting MPFR values to decimal is most of
 * the time for deep chains, so chunks of rows are formatted on OpenMP's
 * threads (each into memory) and written in order.  Returns 0 when out of
 * memory (the output is then incomplete). */
static int print_rows(const view *v, size_t L, size_t digits, row_fn fn,
                      FILE *f)
{
  const size_t chunk = 1024, nch = (L + chunk - 1) / chunk;
  int ok = 1;
#pragma omp parallel for ordered schedule(static, 1) \
    if (v->m && nch >= 4)
  for (size_t q = 0; q < nch; q++) {
    mpfr_set_emin(mpfr_get_emin_min()); /* the values' exponents may be */
    mpfr_set_emax(mpfr_get_emax_max()); /* beyond a thread's defaults */
    size_t j1 = (q + 1) * chunk < L ? (q + 1) * chunk : L;
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    if (mf) {
      for (size_t j = q * chunk; j < j1; j++) fn(v, j, digits, mf);
      if (fclose(mf) != 0) {
        free(buf);
        buf = NULL;
      }
    }
#pragma omp ordered
    {
      if (buf) fwrite(buf, 1, len, f);
      else ok = 0;
    }
    free(buf);
  }
  return ok;
}

static void text_row(const view *v, size_t j, size_t digits, FILE *f)
{
  char cell[6][64];
  for (int k = 0; k < 6; k++)
    fmt_value(v, (enum col)k, j, digits, cell[k], sizeof cell[k]);
  fprintf(f, "%6zu %14s %14s %14s %14s %14s %14s\n", j + 1, cell[0],
          cell[1], cell[2], cell[3], cell[4], cell[5]);
}

/* A typed number as MPFR read it (the text) or as the double it became. */
static const char *shown(char *buf, size_t size, const struct opts *o,
                         const char *arg, double d)
{
  if (arg && o->decimal) return arg;
  snprintf(buf, size, "%.17g", d);
  return buf;
}

/* Which numbers the digits belong to. */
static void print_inputs(const view *v, const struct opts *o, FILE *f)
{
  const char *typed = o->decimal ? "as typed (decimal, correctly rounded to "
                      : "the doubles nearest to the typed values";
  fputs("inputs: ", f);
  if (o->random) fputs("w_j, b_j the doubles drawn by --random (exact); a0, "
                       "y ", f);
  fputs(typed, f);
  if (o->decimal) fprintf(f, "%ld bits)", (long)v->m->working);
  else if (o->double_inputs) fputs(" (--double-inputs)", f);
  fputc('\n', f);
}

static int print_text(const view *v, const struct opts *o, const double *fd,
                       const double *fderr, FILE *f)
{
  const gc_chain *c = v->c;
  size_t L = c->depth;
  char b1[32], b2[32], b3[32];
  const char *a0 = shown(b1, sizeof b1, o, o->arg_a0, c->a0);
  const char *y = shown(b2, sizeof b2, o, o->arg_y, c->y);
  if (o->explode) {
    const char *W = shown(b3, sizeof b3, o, o->arg_W, c->explode_w);
    fprintf(f, "Exploding chain: %zu layers, w_j = %s, b_j = -%s·a_{j-1}, "
            "%s, %s cost, a0 = %s, y = %s\n", L, W, W,
            gc_activation_name(c->act), gc_cost_name(c->cost), a0, y);
  } else
    fprintf(f, "Chain: %zu layers, %s, %s cost, a0 = %s, y = %s%s\n", L,
            gc_activation_name(c->act), gc_cost_name(c->cost), a0, y,
            o->random ? " (w_j, b_j ~ N(0,1))" : "");
  if (v->m)
    fprintf(f, "MPFR: %ld bits requested (%zu correct digits), working "
            "precision %ld bits\n", (long)v->m->prec, v->m->digits,
            (long)v->m->working);
  else
    fputs("Double precision\n", f);
  print_inputs(v, o, f);
  if (!o->summary) {
    fprintf(f, "\n%6s %14s %14s %14s %14s %14s %14s\n", "j", "z", "a",
            "f'(z)", "w f'(z)", "dC/db", "dC/dw");
    if (!print_rows(v, L, 7, text_row, f)) return 0;
    fputc('\n', f);
    print_product(v, f);
  } else {
    char full[256];
    fmt_db1(v, full_digits(v), full, sizeof full);
    fprintf(f, "\n∂C/∂b1 = %s%s\n", full, range_note(v));
  }
  double lg = log10_db1(v);
  if (isfinite(lg)) fprintf(f, "log10 |∂C/∂b1| = %.6f\n", lg);
  if (o->explode && c->act == GC_ACT_SIGMOID) print_closed_form(v, o, f);
  fputc('\n', f);
  const gc_chain_result *d = v->d;
  /* the checks in double see the typed numbers rounded to double */
  const char *dp = o->decimal ? " (on the double-rounded problem)" : "";
  if (d->max_ulp_layer)
    fprintf(f, "backpropagation (double%s) agrees: at most %.0f ulp apart "
            "(layer %zu; rounding allows %.0f)\n",
            o->decimal ? ", on the double-rounded problem" : "", d->max_ulp,
            d->max_ulp_layer, d->ulp_bound);
  if (v->m && !d->underflow && !d->overflow) {
    double md = mpfr_get_d(v->m->dC_db1, MPFR_RNDN);
    double rel = md != 0 ? fabs(d->dC_db[0] - md) / fabs(md) : fabs(d->dC_db[0]);
    fprintf(f, "double precision%s gives %.17g (relative error %.2g)\n",
            dp, d->dC_db[0], rel);
  } else if (v->m) {
    fprintf(f, "double precision%s %s here: it gives %.17g\n", dp,
            d->overflow ? "overflows" : "underflows", d->dC_db[0]);
  }
  if (fd) {
    size_t bad = 0;
    double worst = 0;
    for (size_t j = 0; j < L; j++) {
      double r = fabs(fd[j] - d->dC_db_bp[j]) / fderr[j];
      if (!(r <= 1)) bad++;
      if (r > worst || isnan(r)) worst = r;
    }
    fprintf(f, "finite differences%s: %zu of %zu layers within their "
            "error estimate (worst |fd - bp| / estimate = %.3g); dC/db1 by "
            "fd = %.10g\n", dp, L - bad, L, worst, fd[0]);
  }
  return 1;
}

/* A typed number as the header shows it. */
static void json_typed(FILE *f, const view *v, const struct opts *o,
                       const char *arg, double d)
{
  cli_json_typed(f, o->decimal ? arg : NULL, d, v->m ? v->m->working : 0,
                 v->m ? v->m->digits : 0);
}

static void json_layer_value(const view *v, enum col k, size_t j, FILE *f)
{
  if (v->m && v->m->layers) {
    mpfr_t *arr[] = {v->m->z, v->m->a, v->m->fp, v->m->factor, v->m->dC_db,
                     v->m->dC_dw};
    cli_json_mpfr(f, arr[k][j], v->m->digits);
  } else {
    const double *arr[] = {v->d->z, v->d->a, v->d->fp, v->d->factor,
                           v->d->dC_db, v->d->dC_dw};
    cli_json_double(f, arr[k][j]);
  }
}

static void json_row(const view *v, size_t j, size_t digits, FILE *f)
{
  static const char *keys[] = {"z", "a", "sigma_prime", "factor", "dC_db",
                               "dC_dw"};
  (void)digits;
  fprintf(f, "%s\n  {\"j\": %zu", j ? "," : "", j + 1);
  for (int k = 0; k < 6; k++) {
    fprintf(f, ", \"%s\": ", keys[k]);
    json_layer_value(v, (enum col)k, j, f);
  }
  fputc('}', f);
}

static int print_json(const view *v, const struct opts *o, const double *fd,
                       const double *fderr, FILE *f)
{
  const gc_chain *c = v->c;
  size_t L = c->depth;
  fprintf(f, "{\"depth\": %zu, \"activation\": \"%s\", \"cost\": \"%s\", "
          "\"input\": ", L, gc_activation_name(c->act), gc_cost_name(c->cost));
  json_typed(f, v, o, o->arg_a0, c->a0);
  fputs(", \"target\": ", f);
  json_typed(f, v, o, o->arg_y, c->y);
  fprintf(f, ", \"exploding\": %s", c->exploding ? "true" : "false");
  fprintf(f, ", \"inputs\": \"%s\"", o->decimal ? "decimal" : "double");
  fprintf(f, ", \"precision_bits\": %ld, \"digits\": %zu",
          v->m ? (long)v->m->prec : 53L, v->m ? v->m->digits : (size_t)17);
  if (!o->summary) {
    fputs(",\n \"layers\": [", f);
    if (!print_rows(v, L, 0, json_row, f)) return 0;
    fputs("]", f);
  }
  fputs(",\n \"dC_db1\": ", f);
  if (v->m) cli_json_mpfr(f, v->m->dC_db1, v->m->digits);
  else cli_json_double(f, v->d->dC_db[0]);
  fputs(", \"dC_daL\": ", f);
  if (v->m) cli_json_mpfr(f, v->m->dC_daL, v->m->digits);
  else cli_json_double(f, v->d->dC_daL);
  fputs(", \"cost_value\": ", f);
  if (v->m) cli_json_mpfr(f, v->m->cost, v->m->digits);
  else cli_json_double(f, v->d->cost);
  fputs(", \"log10_abs_dC_db1\": ", f);
  cli_json_double(f, log10_db1(v));
  fprintf(f, ",\n \"underflow\": %s, \"overflow\": %s",
          range_flag(v, 0) ? "true" : "false", range_flag(v, 1) ? "true" : "false");
  fprintf(f, ", \"double_underflow\": %s, \"double_overflow\": %s",
          v->d->underflow ? "true" : "false", v->d->overflow ? "true" : "false");
  fputs(", \"double_dC_db1\": ", f);
  cli_json_double(f, v->d->dC_db[0]);
  fprintf(f, ",\n \"backprop_max_ulp\": %.0f, \"backprop_ulp_bound\": %.0f",
          v->d->max_ulp, v->d->ulp_bound);
  if (v->m) fprintf(f, ", \"working_bits\": %ld", (long)v->m->working);
  if (fd) {
    fputs(",\n \"finite_differences\": [", f);
    for (size_t j = 0; j < L; j++) {
      fprintf(f, "%s{\"j\": %zu, \"dC_db\": ", j ? ", " : "", j + 1);
      cli_json_double(f, fd[j]);
      fputs(", \"error_estimate\": ", f);
      cli_json_double(f, fderr[j]);
      fputc('}', f);
    }
    fputc(']', f);
  }
  fputs("}\n", f);
  return 1;
}

static void csv_row(const view *v, size_t j, size_t digits, FILE *f)
{
  size_t size = digits + 64;
  char local[256], *buf = size <= sizeof local ? local : malloc(size);
  if (!buf) return;
  fprintf(f, "%zu", j + 1);
  for (int k = 0; k < 6; k++) {
    fmt_value(v, (enum col)k, j, digits, buf, size);
    fprintf(f, ",%s", buf);
  }
  fputc('\n', f);
  if (buf != local) free(buf);
}

static int print_csv(const view *v, FILE *f)
{
  fputs("j,z,a,sigma_prime,factor,dC_db,dC_dw\n", f);
  return print_rows(v, v->c->depth, full_digits(v), csv_row, f);
}

static int run(int argc, char **argv, int explode)
{
  struct opts o = {0};
  o.explode = explode;
  o.a0 = explode ? 0.5 : 1.0;
  o.y = 0.0;
  o.W = 100.0;
  int st = parse(&o, argc, argv);
  gc_chain *c = NULL;
  gc_chain_result *d = NULL;
  gc_chain_mpfr_result *m = NULL;
  double *fd = NULL, *fderr = NULL;
  if (st < 0) {
    st = cli_help(explode ? explode_usage : chain_usage);
    goto done;
  }
  if (st) goto done;
  if (o.format == CLI_CSV && o.summary) {
    st = cli_fail(CLI_USAGE, "--summary has no CSV form (use text or json)");
    goto done;
  }
  if ((st = build(&o, &c))) goto done;
  if (o.check_fd && c->depth > GC_CHAIN_FD_MAX_DEPTH) {
    st = cli_fail(CLI_USAGE, "--check-fd: at depth %zu the finite differences "
                  "cost 4 L^2 = %.2g layer evaluations; at most depth %zu",
                  c->depth, 4.0 * (double)c->depth * (double)c->depth,
                  GC_CHAIN_FD_MAX_DEPTH);
    goto done;
  }
  if (gc_chain_eval(&d, c)) {
    st = cli_fail_lib();
    goto done;
  }
  if (o.prec) {
    /* the numbers as typed; --random's w_j, b_j are the chain's doubles */
    gc_chain_decimal dec = {(const char *const *)o.ws,
                            (const char *const *)o.bs, o.nw, o.nb, o.arg_a0,
                            o.arg_y, o.arg_W};
    if ((st = gc_chain_mpfr_eval_decimal(&m, c, o.decimal ? &dec : NULL,
                                         o.prec, !o.summary))) {
      st = st == GC_ENOCONV
               ? cli_fail(CLI_FAIL, "%s (try a higher --prec)",
                          gc_strerror_last())
               : cli_fail_lib();
      goto done;
    }
  }
  if (o.check_fd) {
    fd = malloc(c->depth * sizeof *fd);
    fderr = malloc(c->depth * sizeof *fderr);
    if (!fd || !fderr) {
      st = cli_fail(CLI_FAIL, "out of memory");
      goto done;
    }
    if (gc_chain_fd(fd, NULL, fderr, c)) {
      st = cli_fail_lib();
      goto done;
    }
  }
  view v = {c, d, m};
  int printed;
  if (o.format == CLI_JSON) printed = print_json(&v, &o, fd, fderr, stdout);
  else if (o.format == CLI_CSV) printed = print_csv(&v, stdout);
  else printed = print_text(&v, &o, fd, fderr, stdout);
  if (!printed) {
    st = cli_fail(CLI_FAIL, "out of memory while printing the layers");
    goto done;
  }
  if (fflush(stdout) != 0) {
    st = cli_fail(CLI_FAIL, "could not write the output");
    goto done;
  }
  st = CLI_OK;
  if (!m && (d->underflow || d->overflow)) {
    if (d->overflow)
      cli_fail(CLI_RANGE, "warning: in double precision a product overflows "
               "to infinity; the value printed is not the true one: rerun "
               "with --prec 128");
    else if (d->fp_underflow_layer) {
      /* e^-|z| below 2^-(2^62), MPFR's least exponent: no --prec helps */
      double z = d->z[d->fp_underflow_layer - 1];
      cli_fail(CLI_RANGE, "warning: in double precision f'(z%zu) = f'(%g) "
               "underflows below 2.2e-308, and dC/db with it from layer %zu "
               "down; the value printed is not the true one%s",
               d->fp_underflow_layer, z, d->underflow_layer,
               fabs(z) < 3e18 ? ": rerun with --prec 128"
                              : " (nor can MPFR's exponent range hold it)");
    }
    else
      cli_fail(CLI_RANGE, "warning: in double precision dC/db underflows "
               "below 2.2e-308 from layer %zu down; the value printed is not "
               "the true one: rerun with --prec 128", d->underflow_layer);
    st = CLI_RANGE;
  }
done:
  free(fd);
  free(fderr);
  gc_chain_mpfr_result_free(m);
  gc_chain_result_free(d);
  gc_chain_free(c);
  free(o.w);
  free(o.b);
  free(o.ws);
  free(o.bs);
  return st;
}

int cmd_chain(int argc, char **argv) { return run(argc, argv, 0); }
int cmd_explode(int argc, char **argv) { return run(argc, argv, 1); }
