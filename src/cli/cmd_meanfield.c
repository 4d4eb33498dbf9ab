/* cmd_meanfield.c -- gradchain meanfield: q*, chi1, c* and the depth
 * scales of a wide net, its critical line and phase diagram. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gradchain/error.h"
#include "gradchain/meanfield.h"
#include "gradchain/meanfield_mpfr.h"
#include "gradchain/mpfr_digits.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/outfile.h"

static const char usage[] =
    "Usage: gradchain meanfield [--activation NAME] [--sigma-w2 V]\n"
    "                           [--sigma-b2 V] [--prec BITS]\n"
    "                           [--format text|json|csv]\n"
    "       gradchain meanfield --critical [--activation NAME] [--sigma-b2 V]\n"
    "       gradchain meanfield --grid DIR [--activation NAME] [--grid-size N]\n"
    "                           [--w2-range LO,HI] [--b2-range LO,HI]\n\n"
    "Mean-field theory of a wide net with weights N(0, sigma_w2/N) and biases\n"
    "N(0, sigma_b2): the fixed point q* of the length map (GSL's Brent\n"
    "solver), chi1 = sigma_w2 E[phi'(sqrt(q*) z)^2] (the factor by which the\n"
    "squared gradient changes per layer), the fixed point c* of the\n"
    "correlation map (1 in the ordered phase, chi1 < 1), and the depth scales\n"
    "xi_q, xi_c and xi_grad = -1/ln chi1 (negative: gradients explode).\n"
    "Each with an error estimate from two quadrature node counts.\n"
    "  --activation NAME  sigmoid (default), tanh, relu, softplus, identity,\n"
    "                     leaky-relu, erf, hard-tanh\n"
    "  --sigma-w2 V       weight variance times the width (default 1, > 0)\n"
    "  --sigma-b2 V       bias variance (default 1, >= 0)\n"
    "  --prec BITS        also q* and chi1 in MPFR at BITS (64 .. 4096), with\n"
    "                     the digits a run at BITS + 64 confirms\n"
    "  --critical         the sigma_w2 where chi1 = 1 for this sigma_b2\n"
    "  --grid DIR         phase diagram: DIR/phase.csv (chi1, xi_c), \n"
    "                     phase_critical.csv, phase.gp and phase.png\n"
    "  --grid-size N      N x N points (default 100, 2 .. 1000)\n"
    "  --w2-range LO,HI   sigma_w2 axis (default 0.05,4)\n"
    "  --b2-range LO,HI   sigma_b2 axis (default 0,0.5)\n";

typedef struct args {
  cli_format fmt;
  gc_activation act;
  double sw2, sb2;
  int critical;
  const char *grid;
  size_t gsize;
  double w2r[2], b2r[2];
  size_t prec;
  /* the variances as typed, for --prec (defaults: their shortest text) */
  char sw2_text[64], sb2_text[64];
} args;

static int parse(args *a, int argc, char **argv)
{
  static const cli_opt opts[] = {
      OPT_FORMAT, OPT_HELP, OPT_ACTIVATION, OPT_SIGMA_W2, OPT_SIGMA_B2,
      OPT_CRITICAL, OPT_PHASE, OPT_GRID_SIZE, OPT_W2_RANGE, OPT_B2_RANGE,
      OPT_PREC};
  cli_args o;
  cli_args_init(&o);
  int st = cli_args_parse(&o, opts, sizeof opts / sizeof *opts, 1, argc, argv);
  if (st || o.help) return st ? st : cli_help(usage);
  /* the mean field's bias variance is 1 unless told (the trainer's 0) */
  *a = (args){o.format, o.act, o.sigma_w2,
              CLI_GIVEN(&o, OPT_SIGMA_B2) ? o.sigma_b2 : 1.0,
              CLI_GIVEN(&o, OPT_CRITICAL), o.text[OPT_PHASE], o.grid_size,
              {o.w2_range[0], o.w2_range[1]}, {o.b2_range[0], o.b2_range[1]},
              0, "", ""};
  if (CLI_GIVEN(&o, OPT_SIGMA_W2))
    snprintf(a->sw2_text, sizeof a->sw2_text, "%s", o.text[OPT_SIGMA_W2]);
  else
    snprintf(a->sw2_text, sizeof a->sw2_text, "%.17g", a->sw2);
  if (CLI_GIVEN(&o, OPT_SIGMA_B2))
    snprintf(a->sb2_text, sizeof a->sb2_text, "%s", o.text[OPT_SIGMA_B2]);
  else
    snprintf(a->sb2_text, sizeof a->sb2_text, "%.17g", a->sb2);
  /* the quadrature in MPFR: at most 4096 bits, at least the double's 64 */
  if (o.prec && cli_parse_size(o.text[OPT_PREC], "--prec", 64, 4096, &a->prec))
    return CLI_USAGE;
  if (a->critical && a->grid)
    return cli_fail(CLI_USAGE, "--critical and --grid exclude each other");
  if (a->prec && a->fmt == CLI_CSV)
    return cli_fail(CLI_USAGE, "--prec prints text or json (not csv)");
  if (a->prec && (a->critical || a->grid))
    return cli_fail(CLI_USAGE, "--prec re-evaluates a point (not with "
                    "--critical or --grid)");
  return -1;
}

static void jkey(const char *k, double v, double err)
{
  printf(", \"%s\": ", k);
  cli_json_double(stdout, v);
  printf(", \"%s_err\": ", k);
  cli_json_double(stdout, err);
}

/* q* and chi1 in MPFR at a->prec and a->prec + 64: the digits the second
 * confirms of the first, and those the first confirms of the doubles */
typedef struct mp_digits {
  char q[1400], chi[1400];
  size_t qd, chid, dq, dchi, iters;
} mp_digits;

static int run_mpfr(mp_digits *m, const args *a, const gc_meanfield_result *r)
{
  mpfr_prec_t p = (mpfr_prec_t)a->prec, pr = p + 64;
  mpfr_t q, c, qr, cr, qd, cd;
  mpfr_inits2(p, q, c, (mpfr_ptr)0);
  mpfr_inits2(pr, qr, cr, (mpfr_ptr)0);
  mpfr_inits2(53, qd, cd, (mpfr_ptr)0);
  size_t it2;
  /* the variances as typed, read at each precision (the digits are those
   * of the decimal problem) */
  int e = gc_meanfield_mpfr_point_decimal(q, c, &m->iters, a->act,
                                          a->sw2_text, a->sb2_text,
                                          r->q_star, p);
  if (!e)
    e = gc_meanfield_mpfr_point_decimal(qr, cr, &it2, a->act, a->sw2_text,
                                        a->sb2_text, r->q_star, pr);
  if (!e) {
    char tmp[64];
    m->qd = gc_mpfr_confirmed_digits(m->q, sizeof m->q, q, qr, p);
    m->chid = gc_mpfr_confirmed_digits(m->chi, sizeof m->chi, c, cr, p);
    mpfr_set_d(qd, r->q_star, MPFR_RNDN);
    mpfr_set_d(cd, r->chi1, MPFR_RNDN);
    m->dq = gc_mpfr_confirmed_digits(tmp, sizeof tmp, qd, q, 53);
    m->dchi = gc_mpfr_confirmed_digits(tmp, sizeof tmp, cd, c, 53);
  }
  mpfr_clears(q, c, qr, cr, qd, cd, (mpfr_ptr)0);
  return e ? cli_fail_lib() : CLI_OK;
}

static int run_point(const args *a, gc_meanfield *w)
{
  gc_meanfield_result r;
  if (gc_meanfield_point(&r, w, a->sw2, a->sb2)) return cli_fail_lib();
  static mp_digits m;
  if (a->prec && run_mpfr(&m, a, &r)) return CLI_FAIL;
  const char *name = gc_activation_name(a->act);
  const char *phase = r.chi1 < 1 ? "ordered" : r.chi1 > 1 ? "chaotic"
                                                          : "critical";
  if (a->fmt == CLI_JSON) {
    printf("{\"activation\": ");
    cli_json_string(stdout, name);
    printf(", \"sigma_w2\": ");
    cli_json_double(stdout, a->sw2);
    printf(", \"sigma_b2\": ");
    cli_json_double(stdout, a->sb2);
    jkey("q_star", r.q_star, r.q_star_err);
    jkey("chi1", r.chi1, r.chi1_err);
    jkey("c_star", r.c_star, r.c_star_err);
    jkey("xi_q", r.xi_q, r.xi_q_err);
    jkey("xi_c", r.xi_c, r.xi_c_err);
    jkey("xi_grad", r.xi_grad, r.xi_grad_err);
    printf(", \"phase\": \"%s\"", phase);
    if (a->prec)
      printf(", \"mpfr\": {\"prec\": %zu, \"q_star\": \"%s\", "
             "\"q_star_digits\": %zu, \"chi1\": \"%s\", \"chi1_digits\": %zu, "
             "\"double_q_star_digits\": %zu, \"double_chi1_digits\": %zu, "
             "\"inputs\": \"decimal\"}",
             a->prec, m.q, m.qd, m.chi, m.chid, m.dq, m.dchi);
    printf("}\n");
  } else if (a->fmt == CLI_CSV) {
    printf("activation,sigma_w2,sigma_b2,q_star,q_star_err,chi1,chi1_err,"
           "c_star,c_star_err,xi_q,xi_q_err,xi_c,xi_c_err,xi_grad,"
           "xi_grad_err\n%s,%.17g,%.17g,%.17g,%.3g,%.17g,%.3g,%.17g,%.3g,"
           "%.17g,%.3g,%.17g,%.3g,%.17g,%.3g\n",
           name, a->sw2, a->sb2, r.q_star, r.q_star_err, r.chi1, r.chi1_err,
           r.c_star, r.c_star_err, r.xi_q, r.xi_q_err, r.xi_c, r.xi_c_err,
           r.xi_grad, r.xi_grad_err);
  } else {
    printf("Mean field: %s, sigma_w^2 = %g, sigma_b^2 = %g\n\n"
           "  q*      = %-22.17g +- %.2g   (root of L(q) = q)\n"
           "  chi1    = %-22.17g +- %.2g   (%s phase)\n"
           "  c*      = %-22.17g +- %.2g\n"
           "  xi_q    = %-22.17g +- %.2g\n"
           "  xi_c    = %-22.17g +- %.2g\n"
           "  xi_grad = %-22.17g +- %.2g   (-1/ln chi1)\n\n"
           "  ||delta|| changes by sqrt(chi1) = %.6g per layer forward, so a\n"
           "  layer learns %.6g times as fast as the one before it.\n",
           name, a->sw2, a->sb2, r.q_star, r.q_star_err, r.chi1, r.chi1_err,
           phase, r.c_star, r.c_star_err, r.xi_q, r.xi_q_err, r.xi_c,
           r.xi_c_err, r.xi_grad, r.xi_grad_err, sqrt(r.chi1),
           1 / sqrt(r.chi1));
    if (a->prec)
      printf("\n  MPFR, %zu bits (trapezoid rule halved until two sums agree, "
             "or closed\n  forms in erf; q* by %zu secant steps); digits "
             "confirmed by a run at\n  %zu bits:\n"
             "  inputs: as typed (sigma_w^2 = %s, sigma_b^2 = %s: decimal, "
             "correctly\n  rounded to the working precision)\n"
             "  q*      = %s  (%zu digits)\n"
             "  chi1    = %s  (%zu digits)\n"
             "  the double values above agree with these to %zu and %zu "
             "digits\n", a->prec, m.iters, a->prec + 64, a->sw2_text,
             a->sb2_text, m.q, m.qd, m.chi,
             m.chid, m.dq, m.dchi);
  }
  return CLI_OK;
}

static int run_critical(const args *a, gc_meanfield *w)
{
  gc_meanfield_critical_result r;
  if (gc_meanfield_critical(&r, w, a->sb2)) return cli_fail_lib();
  const char *name = gc_activation_name(a->act);
  if (a->fmt == CLI_JSON) {
    printf("{\"activation\": ");
    cli_json_string(stdout, name);
    printf(", \"sigma_b2\": ");
    cli_json_double(stdout, a->sb2);
    jkey("sigma_w2_critical", r.sigma_w2, r.sigma_w2_err);
    jkey("q_star", r.q_star, r.q_star_err);
    printf(", \"q_star_unbounded\": %s}\n",
           r.q_star_unbounded ? "true" : "false");
  } else if (a->fmt == CLI_CSV) {
    printf("activation,sigma_b2,sigma_w2_critical,sigma_w2_critical_err,"
           "q_star,q_star_err\n%s,%.17g,%.17g,%.3g,%.17g,%.3g\n", name,
           a->sb2, r.sigma_w2, r.sigma_w2_err, r.q_star, r.q_star_err);
  } else {
    printf("Critical line: %s, sigma_b^2 = %g\n\n"
           "  sigma_w^2 = %-22.17g +- %.2g   (chi1 = 1)\n", name, a->sb2,
           r.sigma_w2, r.sigma_w2_err);
    if (r.q_star_unbounded)
      printf("  q*        = inf: the length map of a positively homogeneous\n"
             "              activation has no fixed point on the critical\n"
             "              line when sigma_b^2 > 0\n");
    else
      printf("  q*        = %-22.17g +- %.2g\n", r.q_star, r.q_star_err);
  }
  return CLI_OK;
}

/* a number, or an empty field for NaN (no q*, no critical point) */
static void csv_num(FILE *f, double x, char end)
{
  if (isnan(x)) fputc(end, f);
  else fprintf(f, "%.10g%c", x, end);
}

void cli_phase_free(cli_phase *g)
{
  free(g->sw);
  free(g->sb);
  free(g->chi);
  free(g->xi);
  free(g->crit);
  memset(g, 0, sizeof *g);
}

int cli_phase_compute(cli_phase *g, gc_activation act, size_t n,
                      const double w2r[2], const double b2r[2])
{
  memset(g, 0, sizeof *g);
  /* a picture needs less than the point's 1e-14: Gauss-Hermite 200 and 10
   * Gauss-Legendre nodes per piece keep chi1 and xi_c to ~1e-7 */
  gc_meanfield_params p;
  gc_meanfield_params_default(&p);
  p.nodes = 200;
  p.nodes_2d = 10;
  p.tol = 1e-10;
  gc_meanfield *w = gc_meanfield_alloc(act, &p);
  if (!w) return cli_fail_lib();
  g->n = n;
  g->sw = malloc(n * sizeof *g->sw);
  g->sb = malloc(n * sizeof *g->sb);
  g->chi = malloc(n * n * sizeof *g->chi);
  g->xi = malloc(n * n * sizeof *g->xi);
  g->crit = malloc(n * sizeof *g->crit);
  int st = CLI_OK;
  if (!g->sw || !g->sb || !g->chi || !g->xi || !g->crit)
    st = cli_fail(CLI_FAIL, "out of memory for a %zu x %zu grid", n, n);
  for (size_t i = 0; !st && i < n; i++) {
    g->sw[i] = w2r[0] + (w2r[1] - w2r[0]) * (double)i / (double)(n - 1);
    g->sb[i] = b2r[0] + (b2r[1] - b2r[0]) * (double)i / (double)(n - 1);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!st && gc_meanfield_grid(g->chi, g->xi, g->crit, &g->missing, w, n,
                               g->sw, n, g->sb))
    st = cli_fail_lib();
  clock_gettime(CLOCK_MONOTONIC, &t1);
  g->secs = (double)(t1.tv_sec - t0.tv_sec) +
            1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  gc_meanfield_free(w);
  if (st) cli_phase_free(g);
  return st;
}

int cli_phase_csv(const char *dir, const char *name, const cli_phase *g)
{
  size_t n = g->n;
  const double *sw = g->sw, *sb = g->sb, *chi = g->chi, *xi = g->xi,
               *crit = g->crit;
  char file[256];
  outfile o;
  snprintf(file, sizeof file, "%s.csv", name);
  if (outfile_open(&o, dir, file)) return CLI_FAIL;
  fprintf(o.f, "sigma_w2,sigma_b2,chi1,xi_c\n");
  for (size_t j = 0; j < n; j++) {
    for (size_t i = 0; i < n; i++) {
      fprintf(o.f, "%.10g,%.10g,", sw[i], sb[j]);
      csv_num(o.f, chi[j * n + i], ',');
      csv_num(o.f, xi[j * n + i], '\n');
    }
    fputc('\n', o.f); /* gnuplot's pm3d wants blank lines between rows */
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  snprintf(file, sizeof file, "%s_critical.csv", name);
  if (outfile_open(&o, dir, file)) return CLI_FAIL;
  fprintf(o.f, "sigma_b2,sigma_w2_critical\n");
  for (size_t j = 0; j < n; j++) {
    fprintf(o.f, "%.10g,", sb[j]);
    csv_num(o.f, crit[j], '\n');
  }
  return outfile_commit(&o) ? CLI_FAIL : CLI_OK;
}

static int write_grid(const args *a, const cli_phase *g)
{
  if (cli_phase_csv(a->grid, "phase", g)) return CLI_FAIL;
  outfile o;
  if (outfile_open(&o, a->grid, "phase.gp")) return CLI_FAIL;
  fprintf(o.f,
          "# phase.gp -- made by gradchain meanfield --grid; run `gnuplot "
          "phase.gp`\n"
          "set terminal pngcairo size 900,640 enhanced font 'DejaVu Sans,11'\n"
          "set output 'phase.png'\n"
          "set datafile separator ','\n"
          "set title \"%s: depth scale ξ_c (colour, log scale) and the "
          "critical line χ_1 = 1\"\n"
          "set xlabel 'σ_w^2'\nset ylabel 'σ_b^2'\n"
          "set xrange [%g:%g]\nset yrange [%g:%g]\n"
          "set logscale cb\nset cblabel 'ξ_c (layers)'\n"
          "set view map\nset palette rgb 33,13,10\n"
          "splot 'phase.csv' skip 1 using 1:2:4 with pm3d notitle, \\\n"
          "      'phase_critical.csv' skip 1 using 2:1:(1) with lines lw 3 "
          "lc rgb 'white' title 'χ_1 = 1'\n",
          gc_activation_name(a->act), a->w2r[0], a->w2r[1], a->b2r[0],
          a->b2r[1]);
  if (outfile_commit(&o)) return CLI_FAIL;
  return CLI_OK;
}

static int run_grid(const args *a)
{
  size_t n = a->gsize;
  cli_phase g;
  int st = cli_phase_compute(&g, a->act, n, a->w2r, a->b2r);
  if (st) return st;
  size_t missing = g.missing;
  double secs = g.secs;
  if (make_dirs(a->grid)) {
    st = cli_fail(CLI_FAIL, "cannot create directory '%s'", a->grid);
    goto out;
  }
  st = write_grid(a, &g);
  if (st) goto out;
  int png = plot_available() && plot_run(a->grid, "phase.gp") == 0;
  if (a->fmt == CLI_JSON) {
    printf("{\"activation\": ");
    cli_json_string(stdout, gc_activation_name(a->act));
    printf(", \"grid_size\": %zu, \"points_without_q_star\": %zu, "
           "\"seconds\": %.3f, \"png\": %s}\n", n, missing, secs,
           png ? "true" : "false");
  } else {
    printf("Phase diagram of %s: %zu x %zu points, sigma_w^2 in [%g, %g], "
           "sigma_b^2 in [%g, %g], in %.2f s\n", gc_activation_name(a->act),
           n, n, a->w2r[0], a->w2r[1], a->b2r[0], a->b2r[1], secs);
    if (missing)
      printf("%zu points have no fixed point q* below %g (empty in the "
             "CSV's chi1 and xi_c)\n", missing, GC_MEANFIELD_Q_MAX);
    printf("wrote %s/phase.csv, phase_critical.csv, phase.gp%s\n", a->grid,
           png ? " and phase.png" : " (no gnuplot: no PNG)");
  }
out:
  cli_phase_free(&g);
  return st;
}

int cmd_meanfield(int argc, char **argv)
{
  args a;
  int st = parse(&a, argc, argv);
  if (st >= 0) return st;
  if (a.grid) return run_grid(&a);
  gc_meanfield *w = gc_meanfield_alloc(a.act, NULL);
  if (!w) return cli_fail_lib();
  st = a.critical ? run_critical(&a, w) : run_point(&a, w);
  gc_meanfield_free(w);
  return st;
}
