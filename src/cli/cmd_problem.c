/* cmd_problem.c -- gradchain problem NAME: the chapter's problems. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpfr.h>

#include "gradchain/error.h"
#include "gradchain/mpfr_digits.h"
#include "gradchain/problem_activation.h"
#include "gradchain/problem_bound.h"
#include "gradchain/problem_identity.h"
#include "gradchain/problem_maxwidth.h"
#include "gradchain/problem_width.h"
#include "cli/cli.h"
#include "cli/options.h"

static const char usage_main[] =
    "Usage: gradchain problem NAME [OPTIONS]\n"
    "       gradchain problem NAME --help\n\n"
    "The chapter's problems, solved with GSL (and MPFR):\n"
    "  bound       |w sigma'(wa+b)| >= 1 needs |w| >= 4\n"
    "  width       the interval of a with |w sigma'(wa+b)| >= 1 (--w W)\n"
    "  maxwidth    the |w| with the widest interval (--prec BITS: MPFR)\n"
    "  identity    a sigmoid neuron computing x on [0,1] (--w1 W1)\n"
    "  activation  sup|f'| and random deep chains for four activations\n\n"
    "Every problem takes --format text|json.\n";

static const char usage_bound[] =
    "Usage: gradchain problem bound [--format text|json]\n\n"
    "Maximise sigma' with GSL's Brent minimiser, then solve |w| max sigma' = 1\n"
    "with GSL's Brent root solver.  Prints z*, sigma'(z*) and the bound on\n"
    "|w| with each solver's tolerance and iteration count.\n";

static const char usage_width[] =
    "Usage: gradchain problem width --w W [--b B] [--no-polish]\n"
    "                [--prec BITS [--double-inputs]] [--format text|json]\n\n"
    "The ends of {a : |w sigma'(wa+b)| >= 1}: Brent bracketing, then Newton\n"
    "polishing; compared with the closed form of the width,\n"
    "(2/|w|) ln(|w|(1+sqrt(1-4/|w|))/2 - 1).  b only shifts the interval:\n"
    "its centre is -b/w.  |w| < 4 gives the empty set.\n"
    "  --w W        the weight (required, non-zero)\n"
    "  --b B        the bias (default 0)\n"
    "  --no-polish  Brent only\n"
    "  --prec BITS  also the closed form in MPFR (16..1000000 bits), with w\n"
    "               and b as typed (decimals read by MPFR, correctly\n"
    "               rounded), digits confirmed by a run 64 bits higher\n"
    "  --double-inputs  with --prec: w and b rounded to double first\n";

static const char usage_maxwidth[] =
    "Usage: gradchain problem maxwidth [--prec BITS] [--format text|json]\n\n"
    "Maximise the width of problem 2 over |w| > 4: GSL's Brent minimiser,\n"
    "then GSL's Brent root solver on dW/dw = 0.  With --prec BITS (16 ..\n"
    "1000000) Newton in MPFR refines both until the step is below 2^-BITS;\n"
    "the digits printed are those a second run at BITS+64 bits confirms.\n";

static const char usage_identity[] =
    "Usage: gradchain problem identity [--w1 W1] [--grid N]\n"
    "                                  [--format text|json]\n\n"
    "w2 sigma(w1 x + b) - offset ~ x on [0,1]: the Taylor construction\n"
    "b = -w1/2, w2 = 4/w1, offset = w2/2 - 1/2, its maximum error on a grid\n"
    "of N+1 points (default 10000), a sweep over w1, and the minimax\n"
    "optimum over b, w2, offset (w1 fixed) by GSL's Nelder-Mead.\n"
    "  --w1 W1   the input weight (default 0.1, non-zero)\n";

static const char usage_activation[] =
    "Usage: gradchain problem activation [--chains N] [--seed S]\n"
    "             [--depths D1,D2,...] [--wscale S] [--format text|json]\n\n"
    "For sigmoid, tanh, ReLU and softplus: sup|f'|, the analogue 1/sup|f'|\n"
    "of the |w| >= 4 bound, and quantiles over N random chains (w ~\n"
    "N(0,S^2), b ~ N(0,1), a0 ~ U(0,1)) of log10 |prod w_j f'(z_j)| at each\n"
    "depth.\n"
    "  --chains N   default 10001\n"
    "  --seed S     default 1\n"
    "  --depths     default 10,30,100 (increasing)\n"
    "  --wscale S   standard deviation of the weights (default 1)\n";

/* Parse argv (argv[0] = NAME) with the options `allowed` (--format and
 * --help are every problem's).  Returns -1 to go on, else an exit status. */
static int parse(cli_args *a, int argc, char **argv, const cli_opt *allowed,
                 size_t n, const char *usage)
{
  cli_opt opts[OPT_COUNT];
  opts[0] = OPT_FORMAT;
  opts[1] = OPT_HELP;
  if (n) memcpy(opts + 2, allowed, n * sizeof *allowed); /* bound has none */
  cli_args_init(a);
  int st = cli_args_parse(a, opts, n + 2, 0, argc, argv);
  if (st || a->help) return st ? st : cli_help(usage);
  return -1;
}

static void json_key(FILE *f, const char *k, double v, int comma)
{
  fprintf(f, "\"%s\": ", k);
  cli_json_double(f, v);
  if (comma) fputs(", ", f);
}

/* ------------------------------------------------------------------ bound */

static int run_bound(int argc, char **argv)
{
  cli_args a;
  int st = parse(&a, argc, argv, NULL, 0, usage_bound);
  if (st >= 0) return st;
  gc_bound_result r;
  if (gc_problem_bound(&r, NULL)) return cli_fail_lib();
  if (a.format == CLI_JSON) {
    printf("{\"problem\": \"bound\", ");
    json_key(stdout, "z_star", r.z_star, 1);
    json_key(stdout, "sigma_prime_max", r.sigma_prime_max, 1);
    json_key(stdout, "w_min", r.w_min, 1);
    json_key(stdout, "z_tol", r.z_tol, 1);
    printf("\"z_iter\": %zu, ", r.z_iter);
    json_key(stdout, "w_tol", r.w_tol, 1);
    printf("\"w_iter\": %zu}\n", r.w_iter);
    return CLI_OK;
  }
  printf("Problem 1: |w sigma'(wa+b)| >= 1 needs |w| >= 4\n\n"
         "  argmax sigma'     z*         = %-22.15g (exact 0)\n"
         "                    Brent minimiser: %zu iterations, final bracket "
         "[%.3g, %.3g], tolerance %g\n"
         "  max sigma'        sigma'(z*) = %-22.17g (exact 1/4, "
         "difference %.2g)\n"
         "  smallest |w|      w_min      = %-22.17g (exact 4, difference "
         "%.2g)\n"
         "                    Brent root: %zu iterations, relative "
         "tolerance %g\n\n"
         "  so |w sigma'(wa+b)| <= |w|/4 < 1 whenever |w| < %.17g.\n",
         r.z_star, r.z_iter, r.z_lo, r.z_hi, r.z_tol, r.sigma_prime_max,
         r.sigma_prime_max - 0.25, r.w_min, r.w_min - 4, r.w_iter, r.w_tol,
         r.w_min);
  return CLI_OK;
}

/* ------------------------------------------------------------------ width */

struct width_ctx {
  double w, b;
  const char *arg_w, *arg_b; /* as typed; parsed once --prec is known */
  int polish;
  size_t prec;
  int double_inputs, decimal;
};

/* The interval in MPFR at prec bits, confirmed by prec + 64: each run
 * reads w and b itself (32 bits above its outputs, as gc_width_mpfr
 * computes). */
struct width_mp {
  gc_width_kind kind;
  char *s[3];           /* a_lo, a_hi, width: the confirmed digits */
  size_t d[3];
  mpfr_prec_t read;     /* the precision w and b were read at */
};

static int width_mpfr(struct width_mp *m, const struct width_ctx *x)
{
  mpfr_prec_t p = (mpfr_prec_t)x->prec;
  mpfr_t v[2][5]; /* w, b, a_lo, a_hi, width */
  gc_width_kind kind[2];
  int e = 0;
  for (int k = 0; k < 2; k++) {
    mpfr_prec_t q = p + 64 * k;
    for (int i = 0; i < 5; i++) mpfr_init2(v[k][i], i < 2 ? q + 32 : q);
    if (x->decimal) {
      /* checked when parsed */
      gc_mpfr_set_str(v[k][0], x->arg_w, MPFR_RNDN);
      if (x->arg_b) gc_mpfr_set_str(v[k][1], x->arg_b, MPFR_RNDN);
      else mpfr_set_zero(v[k][1], 1);
    } else {
      mpfr_set_d(v[k][0], x->w, MPFR_RNDN);
      mpfr_set_d(v[k][1], x->b, MPFR_RNDN);
    }
    if (!e) e = gc_width_mpfr(v[k][2], v[k][3], v[k][4], &kind[k], v[k][0],
                              v[k][1], MPFR_RNDN);
  }
  m->read = p + 32;
  m->kind = kind[0];
  if (!e && x->decimal && kind[0] == GC_WIDTH_POINT) {
    /* |w| read as 4: a point only if the decimal is 4 exactly, that is,
     * if it reads the same rounded down and up */
    mpfr_t dn, up;
    mpfr_inits2(p + 32, dn, up, (mpfr_ptr)0);
    gc_mpfr_set_str(dn, x->arg_w, MPFR_RNDD);
    gc_mpfr_set_str(up, x->arg_w, MPFR_RNDU);
    if (!mpfr_equal_p(dn, up)) kind[1] = GC_WIDTH_INTERVAL;
    mpfr_clears(dn, up, (mpfr_ptr)0);
  }
  if (!e && kind[0] != kind[1])
    e = gc_error(GC_ENOCONV, "|w| is 4 to within %ld bits: whether the set "
                 "is a point or not is not certain (try a higher --prec)",
                 (long)(p + 32));
  size_t len = x->prec / 3 + 16;
  for (int i = 0; !e && i < 3; i++) {
    if (!(m->s[i] = malloc(len))) e = gc_error(GC_ENOMEM, "out of memory");
    else if (mpfr_zero_p(v[0][i + 2]) && mpfr_zero_p(v[1][i + 2])) {
      snprintf(m->s[i], len, "0"); /* exactly (b = 0 or a point's width) */
      m->d[i] = gc_mpfr_digits(p);
    }
    else m->d[i] = gc_mpfr_confirmed_digits(m->s[i], len, v[0][i + 2],
                                            v[1][i + 2], p);
  }
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 5; i++) mpfr_clear(v[k][i]);
  return e;
}

static void width_inputs_line(const struct width_ctx *x,
                              const struct width_mp *m)
{
  if (x->decimal)
    printf("inputs: as typed (decimal, correctly rounded to %ld bits)\n",
           (long)m->read);
  else
    printf("inputs: the doubles nearest to the typed values%s\n",
           x->double_inputs ? " (--double-inputs)" : "");
}

static int run_width(int argc, char **argv)
{
  static const cli_opt opts[] = {OPT_W, OPT_B, OPT_NO_POLISH, OPT_PREC,
                                  OPT_DOUBLE_INPUTS};
  cli_args a;
  int st = parse(&a, argc, argv, opts, sizeof opts / sizeof *opts,
                 usage_width);
  if (st >= 0) return st;
  struct width_ctx x = {0};
  x.arg_w = a.text[OPT_W];
  x.arg_b = a.text[OPT_B];
  x.polish = !CLI_GIVEN(&a, OPT_NO_POLISH);
  x.prec = a.prec;
  x.double_inputs = CLI_GIVEN(&a, OPT_DOUBLE_INPUTS);
  if (x.double_inputs && !x.prec)
    return cli_fail(CLI_USAGE, "--double-inputs goes with --prec");
  x.decimal = x.prec && !x.double_inputs;
  if (!x.arg_w) return cli_fail(CLI_USAGE, "--w W is required");
  if (cli_parse_number(x.arg_w, "--w", x.decimal, &x.w) ||
      (x.arg_b && cli_parse_number(x.arg_b, "--b", x.decimal, &x.b)))
    return CLI_USAGE;
  if (x.w == 0) return cli_fail(CLI_USAGE, "--w must not be 0");
  gc_width_params p;
  gc_width_params_default(&p);
  p.polish = x.polish;
  gc_width_result r, r0;
  if (gc_problem_width(&r, x.w, x.b, &p)) return cli_fail_lib();
  if (gc_problem_width(&r0, x.w, 0.0, &p)) return cli_fail_lib();
  struct width_mp m = {0};
  if (x.prec && width_mpfr(&m, &x)) {
    for (int i = 0; i < 3; i++) free(m.s[i]);
    return cli_fail_lib();
  }
  static const char *const names[] = {"a_lo", "a_hi", "width"};
  double diff = r.width - r.width_closed_form;
  if (a.format == CLI_JSON) {
    printf("{\"problem\": \"width\", \"set\": \"%s\", \"w\": ",
           gc_width_kind_name(r.kind));
    cli_json_typed(stdout, x.decimal ? x.arg_w : NULL, r.w, m.read,
                   gc_mpfr_digits(m.read));
    printf(", \"b\": ");
    cli_json_typed(stdout, x.decimal ? x.arg_b : NULL, r.b, m.read,
                   gc_mpfr_digits(m.read));
    printf(", \"inputs\": \"%s\", ", x.decimal ? "decimal" : "double");
    json_key(stdout, "a_lo", r.a_lo, 1);
    json_key(stdout, "a_hi", r.a_hi, 1);
    json_key(stdout, "width", r.width, 1);
    json_key(stdout, "width_closed_form", r.width_closed_form, 1);
    json_key(stdout, "difference", diff, 1);
    json_key(stdout, "centre", r.centre, 1);
    json_key(stdout, "shift", r.shift, 1);
    json_key(stdout, "width_at_b0", r0.width, 1);
    json_key(stdout, "end_err", r.end_err, 1);
    printf("\"iterations\": [%zu, %zu], \"newton\": [%zu, %zu], ", r.iter_lo,
           r.iter_hi, r.polish_lo, r.polish_hi);
    json_key(stdout, "tol", r.tol, 0);
    if (x.prec) {
      printf(", \"mpfr\": {\"prec\": %zu, \"confirm_prec\": %zu, \"set\": "
             "\"%s\"", x.prec, x.prec + 64, gc_width_kind_name(m.kind));
      for (int i = 0; i < 3 && m.kind != GC_WIDTH_EMPTY; i++)
        printf(", \"%s\": \"%s\", \"%s_digits\": %zu", names[i], m.s[i],
               names[i], m.d[i]);
      printf("}");
    }
    printf("}\n");
  } else {
    char b1[32], b2[32];
    if (x.decimal) {
      printf("Problem 2: the a with |w sigma'(wa+b)| >= 1, w = %s, b = %s\n",
             x.arg_w, x.arg_b ? x.arg_b : "0");
    } else {
      snprintf(b1, sizeof b1, "%.17g", r.w);
      snprintf(b2, sizeof b2, "%.17g", r.b);
      printf("Problem 2: the a with |w sigma'(wa+b)| >= 1, w = %s, b = %s\n",
             b1, b2);
    }
    width_inputs_line(&x, &m);
    putchar('\n');
    if (r.kind == GC_WIDTH_EMPTY)
      printf("  empty set: |w| = %g < 4, so |w sigma'(wa+b)| <= |w|/4 = %g "
             "< 1 for every a.\n", fabs(r.w), fabs(r.w) / 4);
    else if (r.kind == GC_WIDTH_POINT)
      printf("  a single point: |w| = 4, and |w sigma'(wa+b)| = 1 only at\n"
             "  wa + b = 0, a = -b/w = %.17g (width 0).\n", r.shift);
    else
      printf("  a_lo   = %-24.17g (Brent %zu iterations, Newton %zu)\n"
             "  a_hi   = %-24.17g (Brent %zu iterations, Newton %zu)\n"
             "  width  = %-24.17g (a_hi - a_lo; Brent relative tolerance "
             "%g)\n"
             "  each end estimated good to +- %.2g (tolerance + "
             "rounding/|g'|)\n"
             "  closed form (2/|w|) ln(|w|(1+sqrt(1-4/|w|))/2 - 1)\n"
             "         = %-24.17g difference %.3g (%.2g relative)\n\n"
             "  b only shifts the interval:\n"
             "  centre (a_lo+a_hi)/2 = %-24.17g -b/w = %.17g\n"
             "  width at b = 0       = %-24.17g difference %.3g\n",
             r.a_lo, r.iter_lo, r.polish_lo, r.a_hi, r.iter_hi, r.polish_hi,
             r.width, r.tol, r.end_err, r.width_closed_form, diff,
             diff / r.width_closed_form, r.centre, r.shift, r0.width,
             r.width - r0.width);
    if (x.prec) {
      printf("\n  MPFR, %zu bits: the closed form a = (-b -+ 2 artanh(sqrt(1 - "
             "4/|w|)))/w;\n  digits confirmed by a run at %zu bits:\n",
             x.prec, x.prec + 64);
      if (m.kind == GC_WIDTH_EMPTY)
        printf("  empty set (|w| < 4)\n");
      else if (m.kind == GC_WIDTH_POINT)
        printf("  a single point a = -b/w = %s  (%zu digits)\n", m.s[0],
               m.d[0]);
      else
        for (int i = 0; i < 3; i++)
          printf("  %-6s = %s  (%zu digits)\n", names[i], m.s[i], m.d[i]);
    }
  }
  for (int i = 0; i < 3; i++) free(m.s[i]);
  return CLI_OK;
}

/* --------------------------------------------------------------- maxwidth */

static int run_maxwidth(int argc, char **argv)
{
  static const cli_opt opts[] = {OPT_PREC};
  cli_args a;
  int st = parse(&a, argc, argv, opts, 1, usage_maxwidth);
  if (st >= 0) return st;
  size_t prec = a.prec;
  gc_maxwidth_result r;
  if (gc_problem_maxwidth(&r, NULL)) return cli_fail_lib();

  char *ws = NULL, *Ws = NULL;
  size_t wd = 0, Wd = 0, iters = 0, iters_ref = 0;
  if (prec) {
    mpfr_prec_t p = (mpfr_prec_t)prec, pr = p + 64;
    mpfr_t w, W, wr, Wr;
    mpfr_init2(w, p);
    mpfr_init2(W, p);
    mpfr_init2(wr, pr);
    mpfr_init2(Wr, pr);
    int e = gc_maxwidth_mpfr(w, W, p, MPFR_RNDN, r.w_star, 200, &iters);
    if (!e) e = gc_maxwidth_mpfr(wr, Wr, pr, MPFR_RNDN, r.w_star, 200,
                                 &iters_ref);
    size_t len = prec / 3 + 16;
    ws = malloc(len);
    Ws = malloc(len);
    if (!e && (!ws || !Ws)) e = gc_error(GC_ENOMEM, "out of memory");
    if (!e) {
      wd = gc_mpfr_confirmed_digits(ws, len, w, wr, p);
      Wd = gc_mpfr_confirmed_digits(Ws, len, W, Wr, p);
    }
    mpfr_clears(w, W, wr, Wr, (mpfr_ptr)0);
    if (e) {
      free(ws);
      free(Ws);
      return cli_fail_lib();
    }
  }
  if (a.format == CLI_JSON) {
    printf("{\"problem\": \"maxwidth\", ");
    json_key(stdout, "w_star", r.w_star, 1);
    json_key(stdout, "width_max", r.width_max, 1);
    json_key(stdout, "w_err", r.w_err, 1);
    json_key(stdout, "width_err", r.width_err, 1);
    json_key(stdout, "minimiser_w", r.min_w, 1);
    printf("\"minimiser_iter\": %zu, \"root_iter\": %zu", r.min_iter,
           r.root_iter);
    if (prec)
      printf(", \"mpfr\": {\"prec\": %zu, \"newton_iter\": %zu, "
             "\"w_star\": \"%s\", \"w_star_digits\": %zu, "
             "\"width_max\": \"%s\", \"width_max_digits\": %zu}",
             prec, iters, ws, wd, Ws, Wd);
    printf("}\n");
  } else {
    printf("Problem 3: the widest interval, max over |w| > 4 of\n"
           "  W(w) = (2/|w|) ln(|w|(1+sqrt(1-4/|w|))/2 - 1)\n\n"
           "  Brent minimiser on -W:  w = %.12g, W = %.15g\n"
           "      %zu iterations, final bracket [%.12g, %.12g] (tolerance "
           "%g)\n"
           "  Brent root of dW/dw = (2/w^2)(1/s - 2 artanh s), s = "
           "sqrt(1-4/w):\n"
           "      %zu iterations, relative tolerance %g\n\n"
           "  w*        = %.17g  +- %.2g\n"
           "  width_max = %.17g  +- %.2g\n",
           r.min_w, r.min_width, r.min_iter, r.min_lo, r.min_hi, r.min_tol,
           r.root_iter, r.root_tol, r.w_star, r.w_err, r.width_max,
           r.width_err);
    if (prec)
      printf("\n  MPFR, %zu bits: Newton on dW/dw = 0, %zu steps (last step "
             "< 2^-%zu);\n  digits confirmed by a run at %zu bits:\n"
             "  w*        = %s  (%zu digits)\n"
             "  width_max = %s  (%zu digits)\n",
             prec, iters, prec, prec + 64, ws, wd, Ws, Wd);
  }
  free(ws);
  free(Ws);
  return CLI_OK;
}

/* --------------------------------------------------------------- identity */

static void json_neuron(const gc_identity_neuron *n)
{
  json_key(stdout, "w1", n->w1, 1);
  json_key(stdout, "b", n->b, 1);
  json_key(stdout, "w2", n->w2, 1);
  json_key(stdout, "offset", n->offset, 1);
  json_key(stdout, "max_error", n->max_error, 0);
}

static int run_identity(int argc, char **argv)
{
  static const cli_opt opts[] = {OPT_W1, OPT_POINTS};
  cli_args a;
  int st = parse(&a, argc, argv, opts, 2, usage_identity);
  if (st >= 0) return st;
  double w1 = a.w1;
  size_t grid = a.points;
  if (w1 == 0) return cli_fail(CLI_USAGE, "--w1 must not be 0");
  gc_identity_neuron t, o;
  if (gc_identity_taylor(&t, w1, grid)) return cli_fail_lib();
  gc_identity_params p;
  gc_identity_params_default(&p);
  p.grid = grid;
  gc_identity_info info;
  if (gc_identity_optimise(&o, &info, &t, &p)) return cli_fail_lib();
  static const double sweep[] = {2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01,
                                 1e-3, 1e-4, 1e-5};
  size_t ns = sizeof sweep / sizeof sweep[0];
  gc_identity_neuron sw[sizeof sweep / sizeof sweep[0]];
  for (size_t i = 0; i < ns; i++)
    if (gc_identity_taylor(&sw[i], sweep[i], grid)) return cli_fail_lib();
  double exact = gc_identity_taylor_error(w1);
  double lead = gc_identity_leading_error(w1);
  double floor_ = gc_identity_rounding_floor(w1);
  double wbal = gc_identity_balanced_w1();
  if (a.format == CLI_JSON) {
    printf("{\"problem\": \"identity\", ");
    json_neuron(&t);
    printf(", ");
    json_key(stdout, "exact_error", exact, 1);
    json_key(stdout, "leading_error", lead, 1);
    json_key(stdout, "rounding_floor", floor_, 1);
    json_key(stdout, "balanced_w1", wbal, 1);
    printf("\"optimised\": {");
    json_neuron(&o);
    printf("}, \"nelder_mead_iter\": %zu, ", info.iter);
    json_key(stdout, "improvement", t.max_error / o.max_error, 1);
    printf("\"sweep\": [");
    for (size_t i = 0; i < ns; i++) {
      printf("%s{", i ? ", " : "");
      json_key(stdout, "w1", sw[i].w1, 1);
      json_key(stdout, "max_error", sw[i].max_error, 1);
      json_key(stdout, "exact_error",
               gc_identity_taylor_error(sw[i].w1), 1);
      json_key(stdout, "leading_error",
               gc_identity_leading_error(sw[i].w1), 1);
      json_key(stdout, "rounding_floor",
               gc_identity_rounding_floor(sw[i].w1), 0);
      printf("}");
    }
    printf("]}\n");
    return CLI_OK;
  }
  printf("Problem 4: w2 sigma(w1 x + b) - offset ~ x on [0,1]\n\n"
         "  Taylor construction (x = 1/2 + Delta):\n"
         "    w1 = %.17g  b = -w1/2 = %.17g\n"
         "    w2 = 4/w1 = %.17g  offset = w2/2 - 1/2 = %.17g\n"
         "    max error on %zu+1 points = %.6e\n"
         "    exact 1/2 - (2/w1) tanh(w1/4)  = %.6e\n"
         "    leading term w1^2/96           = %.6e\n"
         "    rounding in double, 2^-52/w1   = %.6e\n", t.w1, t.b, t.w2,
         t.offset, grid, t.max_error, exact, lead, floor_);
  if (floor_ > exact)
    printf("    (w1 is below %.2g, where w1^2/96 and 2^-52/w1 balance: in "
           "double\n     the measured error is rounding, not the Taylor "
           "error)\n", wbal);
  printf("\n  sweep over w1 (measured max error, exact, leading term, "
         "rounding floor):\n"
         "        w1     measured        exact     w1^2/96    2^-52/w1  "
         "measured/(w1^2/96)\n");
  for (size_t i = 0; i < ns; i++) {
    double l = gc_identity_leading_error(sw[i].w1);
    printf("  %8g  %11.4e  %11.4e  %11.4e  %11.4e  %10.6f\n", sw[i].w1,
           sw[i].max_error, gc_identity_taylor_error(sw[i].w1), l,
           gc_identity_rounding_floor(sw[i].w1), sw[i].max_error / l);
  }
  printf("\n  minimax optimum over b, w2, offset (w1 fixed), Nelder-Mead "
         "(%zu iterations):\n"
         "    w1 = %.17g  b = %.17g\n"
         "    w2 = %.17g  offset = %.17g\n"
         "    max error = %.6e, %.3f times smaller than Taylor\n",
         info.iter, o.w1, o.b, o.w2, o.offset, o.max_error,
         t.max_error / o.max_error);
  return CLI_OK;
}

/* ------------------------------------------------------------- activation */

static int run_activation(int argc, char **argv)
{
  static const cli_opt opts[] = {OPT_CHAINS, OPT_SEED, OPT_DEPTHS,
                                  OPT_WSCALE};
  cli_args a;
  int st = parse(&a, argc, argv, opts, sizeof opts / sizeof *opts,
                 usage_activation);
  if (st >= 0) return st;
  gc_act_chain_params p;
  gc_act_chain_params_default(&p);
  p.nchains = a.chains;
  p.seed = a.run.seed;
  p.wscale = a.wscale;
  if (CLI_GIVEN(&a, OPT_DEPTHS)) {
    if (a.ndepths > GC_PROBLEM_ACT_MAX_DEPTHS)
      return cli_fail(CLI_USAGE, "--depths: at most %d depths",
                      GC_PROBLEM_ACT_MAX_DEPTHS);
    for (size_t i = 0; i < a.ndepths; i++) {
      if (i && a.depths[i] <= a.depths[i - 1])
        return cli_fail(CLI_USAGE, "--depths: the depths must increase");
      p.depths[i] = a.depths[i];
    }
    p.ndepths = a.ndepths;
  }
  static const gc_activation acts[] = {GC_ACT_SIGMOID, GC_ACT_TANH, GC_ACT_RELU,
                                       GC_ACT_SOFTPLUS};
  gc_act_result r[4];
  for (size_t i = 0; i < 4; i++)
    if (gc_problem_activation(&r[i], acts[i], &p)) return cli_fail_lib();
  if (a.format == CLI_JSON) {
    printf("{\"problem\": \"activation\", \"chains\": %zu, \"seed\": %lu, ",
           p.nchains, p.seed);
    json_key(stdout, "wscale", p.wscale, 1);
    printf("\"activations\": [");
    for (size_t i = 0; i < 4; i++) {
      printf("%s{\"name\": \"%s\", ", i ? ", " : "",
             gc_activation_name(r[i].act));
      json_key(stdout, "deriv_max", r[i].deriv_max, 1);
      printf("\"attained\": %s, ", r[i].attained ? "true" : "false");
      json_key(stdout, "argmax", r[i].argmax, 1);
      json_key(stdout, "w_bound", r[i].w_bound, 1);
      printf("\"chains\": [");
      for (size_t k = 0; k < r[i].ndepths; k++) {
        printf("%s{\"depth\": %zu, ", k ? ", " : "", r[i].depths[k]);
        json_key(stdout, "q10", r[i].q10[k], 1);
        json_key(stdout, "median", r[i].median[k], 1);
        json_key(stdout, "q90", r[i].q90[k], 1);
        json_key(stdout, "zero_fraction", r[i].zero_fraction[k], 1);
        json_key(stdout, "median_nonzero", r[i].median_nonzero[k], 0);
        printf("}");
      }
      printf("]}");
    }
    printf("]}\n");
    return CLI_OK;
  }
  printf("Problem 5: other activations (w ~ N(0,%g^2), b ~ N(0,1), a0 ~ "
         "U(0,1), %zu chains, seed %lu)\n\n"
         "  activation  sup|f'|  reached at   |w| bound\n",
         p.wscale, p.nchains, p.seed);
  for (size_t i = 0; i < 4; i++) {
    char at[32];
    if (r[i].attained) snprintf(at, sizeof at, "z = %.3g", r[i].argmax);
    else snprintf(at, sizeof at, "z -> inf");
    printf("  %-10s  %7.4g  %-11s  %s %g\n", gc_activation_name(r[i].act),
           r[i].deriv_max, at, r[i].attained ? ">=" : "> ", r[i].w_bound);
  }
  printf("\n  log10 |prod_j w_j f'(z_j)| over the chains "
         "(10%%, median, 90%%;\n  share exactly 0; median over the "
         "non-zero ones):\n"
         "  activation  depth       q10    median       q90   zero  median!=0"
         "\n");
  for (size_t i = 0; i < 4; i++)
    for (size_t k = 0; k < r[i].ndepths; k++)
      printf("  %-10s  %5zu  %8.2f  %8.2f  %8.2f  %5.3f  %8.2f\n",
             k ? "" : gc_activation_name(r[i].act), r[i].depths[k],
             r[i].q10[k], r[i].median[k], r[i].q90[k],
             r[i].zero_fraction[k], r[i].median_nonzero[k]);
  return CLI_OK;
}

/* --------------------------------------------------------------- dispatch */

int cmd_problem(int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run)(int, char **);
  } problems[] = {{"bound", run_bound},
                  {"width", run_width},
                  {"maxwidth", run_maxwidth},
                  {"identity", run_identity},
                  {"activation", run_activation}};
  if (argc < 2)
    return cli_fail(CLI_USAGE, "missing NAME: bound, width, maxwidth, "
                    "identity or activation (try gradchain problem --help)");
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
    return cli_help(usage_main);
  for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
    if (!strcmp(argv[1], problems[i].name)) {
      /* messages name the problem: "gradchain problem width: ..." */
      static char cmd[32];
      snprintf(cmd, sizeof cmd, "problem %s", problems[i].name);
      cli_cmd = cmd;
      return problems[i].run(argc - 1, argv + 1);
    }
  return cli_fail(CLI_USAGE, "unknown problem '%s' (bound, width, maxwidth, "
                  "identity, activation)", argv[1]);
}
