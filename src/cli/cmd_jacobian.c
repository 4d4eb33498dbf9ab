/* cmd_jacobian.c -- gradchain jacobian: singular values of the
 * input-output Jacobian and of the backward product of a wide net, depth
 * by depth, beside mean-field theory's chi1^depth; Lyapunov exponents. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "gradchain/init.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/outfile.h"

static const char usage[] =
  "Usage: gradchain jacobian [OPTIONS]\n"
  "The input-output Jacobian J = D_L W_L ... D_1 W_1 of a random net of\n"
  "--width n and --depth L (or of a saved net), and with --backward the\n"
  "backward product of the chapter's equation 124 (delta^L to delta^(L-k)):\n"
  "at every depth the mean squared singular value beside chi1^depth of\n"
  "mean-field theory, the largest singular value and, at the --spectra\n"
  "depths, the whole spectrum (GSL SVD) and the smallest.  The input has\n"
  "|x|^2/n chosen so that the first layer's pre-activations have length q*\n"
  "(or is an MNIST image).\n\n"
  "  --width N          width of every layer (30)\n"
  "  --depth L          number of weight layers (10)\n"
  "  --activation NAME  sigmoid (default), tanh, relu, ... as in meanfield\n"
  "  --init KIND        the trainer's initialiser: default, large, glorot,\n"
  "                     he, orthogonal, gaussian, uniform (default)\n"
  "  --sigma-w2 V       gaussian: weight variance times the width;\n"
  "                     orthogonal: the gain squared (1); either option\n"
  "                     alone means --init gaussian\n"
  "  --sigma-b2 V       their bias variance (0)\n"
  "  --seed S           the net's and the input's generator (1)\n"
  "  --load FILE        a saved net instead (its input: MNIST image 0)\n"
  "  --data DIR         MNIST image 0 of the training set as the input\n"
  "  --spectra LIST     depths at which to compute the whole spectrum\n"
  "  --out DIR          with --spectra: DIR/layers.csv, spectra.csv,\n"
  "                     spectra_hist.csv, spectra.gp and spectra.png\n"
  "  --lyapunov         the Lyapunov spectrum (QR, layer by layer; the net\n"
  "                     is drawn one layer at a time, J only)\n"
  "  --blocks B         blocks of layers for its standard errors (10)\n"
  "  --backward         the backward product too (as many dense products\n"
  "                     again; not with --lyapunov)\n"
  "  --format F         text | json (text)\n"
  "  --help             this text\n";

#define HIST_BW 0.25 /* bins of ln sigma */

static const cli_opt jac_opts[] = {
    OPT_WIDTH, OPT_DEPTH, OPT_ACTIVATION, OPT_INIT, OPT_SIGMA_W2,
    OPT_SIGMA_B2, OPT_SEED, OPT_LOAD, OPT_DATA, OPT_SPECTRA, OPT_OUT,
    OPT_LYAPUNOV, OPT_BLOCKS, OPT_BACKWARD, OPT_FORMAT, OPT_HELP};

/* a saved net, an MNIST image as the input, and what the command refuses
 * in its own words before the library runs */
typedef struct inputs {
  gc_net *net;
  double *x;
} inputs;

/* MNIST training image 0 into *x (784 values) */
static int mnist_input(double **x, size_t *n0, const char *dir)
{
  gc_mnist *m = NULL;
  if (cli_mnist_load(&m, dir)) return cli_fail_lib();
  *n0 = m->training.dim;
  *x = malloc(*n0 * sizeof **x);
  if (!*x) {
    gc_mnist_free(m);
    return cli_fail(CLI_FAIL, "out of memory");
  }
  gc_dataset_batch(*x, NULL, &m->training, NULL, 0, 1);
  gc_mnist_free(m);
  return CLI_OK;
}

static int prepare(gc_jacobian_study_config *c, inputs *in, const cli_args *a)
{
  gc_jacobian_study_config_init(c);
  c->width = a->width;
  c->depth = a->depth;
  c->act = a->act;
  c->init = a->run.init;
  c->sigma_w2 = a->sigma_w2;
  c->sigma_b2 = a->sigma_b2;
  c->seed = a->run.seed;
  c->spectra = a->spectra;
  c->nspectra = a->nspectra;
  c->lyapunov = a->lyapunov;
  c->blocks = a->blocks;
  c->backward = a->backward;
  size_t L = a->depth;
  if (a->load) {
    if (gc_net_load(&in->net, a->load)) return cli_fail_lib();
    c->net = in->net;
    L = in->net->nlayers - 1;
  }
  if (a->load || a->data) {
    int st = mnist_input(&in->x, &c->input_width, a->data);
    if (st) return st;
    c->input = in->x;
    if (a->load && c->input_width != in->net->sizes[0])
      return cli_fail(CLI_FAIL, "%s has %zu inputs; an MNIST image has %zu",
                      a->load, in->net->sizes[0], c->input_width);
  }
  double bytes = gc_jacobian_study_bytes(c);
  if (bytes > 0.8 * cli_machine_bytes())
    return cli_fail(CLI_FAIL, "a net of width %zu and depth %zu needs %.3g "
                    "GB, more than 80%% of this machine's memory (--lyapunov "
                    "draws one layer at a time)", c->width, c->depth,
                    bytes / 1e9);
  for (size_t i = 0; i < a->nspectra; i++)
    if (a->spectra[i] > L)
      return cli_fail(CLI_USAGE, "--spectra: depth %zu is beyond the net's "
                      "%zu layers", a->spectra[i], L);
  if (a->lyapunov && L < a->blocks)
    return cli_fail(CLI_USAGE, "--lyapunov: %zu layers cannot make %zu "
                    "blocks (--blocks)", L, a->blocks);
  return CLI_OK;
}

static void json_layers(const gc_jacobian_study *s, const gc_jacobian *j)
{
  const gc_jacobian_layer *r = gc_jacobian_layers(j);
  size_t D = gc_jacobian_depth(j);
  printf("[");
  for (size_t l = 0; l < D; l++) {
    printf("%s{\"depth\": %zu, \"mean_sq_singular\": ", l ? ", " : "",
           r[l].depth);
    cli_json_double(stdout, r[l].mean_sq);
    printf(", \"log_mean_sq_singular\": ");
    cli_json_double(stdout, r[l].log_mean_sq);
    printf(", \"chi1_pow\": ");
    cli_json_double(stdout, gc_jacobian_study_chi1_pow(s, r[l].depth));
    printf(", \"max_singular\": ");
    cli_json_double(stdout, r[l].max_singular);
    printf(", \"min_singular\": ");
    cli_json_double(stdout, r[l].min_singular);
    printf("}");
  }
  printf("]");
}

/* JSON has no infinities: -inf (an annihilated direction) as the string */
static void json_exps(const double *v, size_t n)
{
  printf("[");
  for (size_t i = 0; i < n; i++) {
    if (i) printf(", ");
    if (isinf(v[i])) printf(v[i] < 0 ? "\"-inf\"" : "\"inf\"");
    else cli_json_double(stdout, v[i]);
  }
  printf("]");
}

static void text_layers(const gc_jacobian_study *s, const gc_jacobian *j,
                        const char *what)
{
  const gc_jacobian_layer *r = gc_jacobian_layers(j);
  size_t D = gc_jacobian_depth(j);
  printf("\n%s\n  depth  mean sq sing.   chi1^depth      max sing.     "
         "min sing.\n", what);
  for (size_t l = 0; l < D; l++) {
    printf("  %5zu  %-14.6g  %-14.6g  %-12.6g  ", r[l].depth,
           isnan(r[l].mean_sq) ? exp(r[l].log_mean_sq) : r[l].mean_sq,
           gc_jacobian_study_chi1_pow(s, r[l].depth), r[l].max_singular);
    if (r[l].has_spectrum) printf("%.6g\n", r[l].min_singular);
    else printf("-\n");
    if (isnan(r[l].mean_sq))
      printf("         (ln mean sq = %.6g: beyond double)\n",
             r[l].log_mean_sq);
  }
}

static int write_files(const gc_jacobian_study *s, const cli_args *a)
{
  if (make_dirs(a->out))
    return cli_fail(CLI_FAIL, "cannot create directory '%s'", a->out);
  outfile o;
  if (outfile_open(&o, a->out, "layers.csv")) return CLI_FAIL;
  fprintf(o.f, "product,depth,mean_sq_singular,log_mean_sq_singular,"
               "chi1_pow,max_singular,min_singular\n");
  for (int b = 0; b < 2; b++) {
    const gc_jacobian *j = b ? s->bwd : s->fwd;
    if (!j) continue;
    const gc_jacobian_layer *r = gc_jacobian_layers(j);
    for (size_t l = 0; l < gc_jacobian_depth(j); l++)
      fprintf(o.f, "%s,%zu,%.10g,%.10g,%.10g,%.10g,%.10g\n",
              b ? "backward" : "jacobian", r[l].depth, r[l].mean_sq,
              r[l].log_mean_sq, gc_jacobian_study_chi1_pow(s, r[l].depth), r[l].max_singular,
              r[l].min_singular);
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  if (outfile_open(&o, a->out, "spectra.csv")) return CLI_FAIL;
  fprintf(o.f, "product,depth,index,singular,ln_singular\n");
  for (int b = 0; b < 2; b++) {
    const gc_jacobian *j = b ? s->bwd : s->fwd;
    for (size_t i = 0; j && i < a->nspectra; i++) {
      size_t cnt;
      const double *ls = gc_jacobian_log_spectrum(j, a->spectra[i], &cnt);
      for (size_t k = 0; ls && k < cnt; k++)
        fprintf(o.f, "%s,%zu,%zu,%.10g,%.10g\n", b ? "backward" : "jacobian",
                a->spectra[i], k + 1, exp(ls[k]), ls[k]);
    }
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  /* histograms of ln sigma (bins of HIST_BW), one block per depth of J,
   * and the rounding floor of each: depth * eps * sigma_max */
  if (outfile_open(&o, a->out, "spectra_hist.csv")) return CLI_FAIL;
  double floor_ln[CLI_MAX_SPECTRA];
  for (size_t i = 0; i < a->nspectra; i++) {
    size_t cnt;
    const double *ls = gc_jacobian_log_spectrum(s->fwd, a->spectra[i], &cnt);
    const gc_jacobian_layer *r = &gc_jacobian_layers(s->fwd)[a->spectra[i] - 1];
    floor_ln[i] = r->log_max_singular + log((double)r->depth * DBL_EPSILON);
    fprintf(o.f, "# depth %zu: ln_sigma_bin_centre,fraction\n", a->spectra[i]);
    size_t nb = gc_jacobian_histogram(NULL, NULL, 0, ls, cnt, HIST_BW);
    double *ce = malloc((nb + 1) * sizeof *ce), *fr = malloc((nb + 1) * sizeof *fr);
    if (!ce || !fr) nb = 0;
    nb = gc_jacobian_histogram(ce, fr, nb, ls, cnt, HIST_BW);
    for (size_t b = 0; b < nb; b++) fprintf(o.f, "%.6g,%.6g\n", ce[b], fr[b]);
    free(ce);
    free(fr);
    fprintf(o.f, "\n\n");
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  if (outfile_open(&o, a->out, "spectra.gp")) return CLI_FAIL;
  fprintf(o.f,
          "# spectra.gp -- made by gradchain jacobian; run `gnuplot "
          "spectra.gp`\n"
          "set terminal pngcairo size 900,600 enhanced font 'DejaVu Sans,11'\n"
          "set output 'spectra.png'\n"
          "set datafile separator ','\n"
          "set title \"singular values of J (%s, width %zu, %s init): histogram "
          "of ln σ\"\n"
          "set xlabel 'ln σ'\nset ylabel 'fraction of singular values per "
          "bin of %g'\n"
          "set key top left\nset style fill transparent solid 0.35\n",
          gc_activation_name(a->load ? GC_ACT_SIGMOID : a->act), s->width,
          a->load ? "saved net" : gc_init_name(a->run.init),
          HIST_BW);
  for (size_t i = 0; i < a->nspectra; i++)
    fprintf(o.f, "set arrow from %.6g, graph 0 to %.6g, graph 1 nohead dt 2 "
            "lc %zu\n", floor_ln[i], floor_ln[i], i + 1);
  fprintf(o.f, "plot ");
  for (size_t i = 0; i < a->nspectra; i++)
    fprintf(o.f, "%s'spectra_hist.csv' index %zu using 1:2 with boxes lc %zu "
            "title 'depth %zu'", i ? ", \\\n     " : "", i, i + 1,
            a->spectra[i]);
  fprintf(o.f, "\n# dashed: the rounding floor depth * eps * sigma_max of "
          "each depth; values left of it are not resolved\n");
  if (outfile_commit(&o)) return CLI_FAIL;
  if (a->nspectra && plot_available()) plot_run(a->out, "spectra.gp");
  return CLI_OK;
}

static int print(const gc_jacobian_study *s, const cli_args *a)
{
  size_t k = 0;
  double *ex = NULL, *se = NULL;
  if (a->lyapunov) {
    k = s->input_width < s->width ? s->input_width : s->width;
    ex = malloc(k * sizeof *ex);
    se = malloc(k * sizeof *se);
    if (!ex || !se || gc_jacobian_lyapunov(ex, se, s->fwd)) {
      free(ex);
      free(se);
      return ex && se ? cli_fail_lib() : cli_fail(CLI_FAIL, "out of memory");
    }
  }
  const char *act = gc_activation_name(a->load ? GC_ACT_SIGMOID : a->act);
  if (a->format == CLI_JSON) {
    printf("{\"width\": %zu, \"input_width\": %zu, \"depth\": %zu, "
           "\"activation\": ", s->width, s->input_width, s->depth);
    cli_json_string(stdout, act);
    printf(", \"sigma_w2\": ");
    cli_json_double(stdout, s->sigma_w2);
    printf(", \"sigma_b2\": ");
    cli_json_double(stdout, s->sigma_b2);
    printf(", \"q_star\": ");
    cli_json_double(stdout, s->q_star);
    printf(", \"chi1\": ");
    cli_json_double(stdout, s->chi1);
    printf(", \"layers\": ");
    json_layers(s, s->fwd);
    if (s->bwd) {
      printf(", \"backward\": ");
      json_layers(s, s->bwd);
    }
    printf(", \"spectra\": [");
    int first = 1;
    for (int b = 0; b < 2; b++) {
      const gc_jacobian *j = b ? s->bwd : s->fwd;
      for (size_t i = 0; j && i < a->nspectra; i++) {
        size_t cnt;
        const double *ls = gc_jacobian_log_spectrum(j, a->spectra[i], &cnt);
        if (!ls) continue;
        printf("%s{\"product\": \"%s\", \"depth\": %zu, \"ln_singular\": ",
               first ? "" : ", ", b ? "backward" : "jacobian",
               a->spectra[i]);
        json_exps(ls, cnt);
        printf("}");
        first = 0;
      }
    }
    printf("]");
    if (k) {
      printf(", \"lyapunov\": {\"blocks\": %zu, \"exponents\": ", a->blocks);
      json_exps(ex, k);
      printf(", \"standard_errors\": ");
      json_exps(se, k);
      printf("}");
    }
    printf(", \"seconds\": %.3f, \"cpu_seconds\": %.3f}\n", s->seconds, s->cpu_seconds);
  } else {
    printf("Jacobian products, activation %s, %s init: width %zu, depth "
           "%zu, sigma_w^2 = %.6g, sigma_b^2 = %.6g%s\n", act,
           a->load ? "saved" : gc_init_name(a->run.init), s->width, s->depth, s->sigma_w2,
           s->sigma_b2, a->load ? " (measured from the saved net)" : "");
    if (s->have_theory && isnan(s->q_star))
      printf("mean field: no fixed point q*, but for %s chi1 = %.6g at any "
             "q\n", act, s->chi1);
    else if (s->have_theory)
      printf("mean field: q* = %.6g, chi1 = %.6g (per layer, the squared "
             "gradient changes by chi1)\n", s->q_star, s->chi1);
    else
      printf("mean field: no fixed point q* (%s)\n", s->theory_error);
    text_layers(s, s->fwd, "input-output Jacobian J = D_l W_l ... D_1 W_1:");
    if (s->bwd)
      text_layers(s, s->bwd, "backward product (equation 124), delta^L to "
                  "delta^(L-depth):");
    if (k) {
      printf("\nLyapunov exponents (per layer, %zu blocks):\n", a->blocks);
      for (size_t i = 0; i < k; i++)
        if (i < 5 || i + 5 >= k)
          printf("  %5zu  %-12.6g +- %.2g\n", i + 1, ex[i], se[i]);
        else if (i == 5)
          printf("  ...\n");
    }
    printf("\nin %.2f s (CPU %.2f s)\n", s->seconds, s->cpu_seconds);
  }
  free(ex);
  free(se);
  return CLI_OK;
}

int cmd_jacobian(int argc, char **argv)
{
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, jac_opts, sizeof jac_opts / sizeof *jac_opts,
                          0, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  if (a.load && (CLI_GIVEN(&a, OPT_WIDTH) || CLI_GIVEN(&a, OPT_DEPTH) ||
                 CLI_GIVEN(&a, OPT_INIT) || CLI_GIVEN(&a, OPT_ACTIVATION) ||
                 CLI_GIVEN(&a, OPT_SIGMA_W2) || CLI_GIVEN(&a, OPT_SIGMA_B2) ||
                 CLI_GIVEN(&a, OPT_LYAPUNOV)))
    return cli_fail(CLI_USAGE, "--load takes the net's own sizes, "
                    "activation and weights (no --width, --depth, --init, "
                    "--activation, --sigma-w2, --sigma-b2 or --lyapunov)");
  int sig = CLI_GIVEN(&a, OPT_SIGMA_W2) || CLI_GIVEN(&a, OPT_SIGMA_B2);
  if (sig && !CLI_GIVEN(&a, OPT_INIT)) a.run.init = GC_INIT_GAUSSIAN;
  if (sig && a.run.init != GC_INIT_GAUSSIAN &&
      a.run.init != GC_INIT_ORTHOGONAL)
    return cli_fail(CLI_USAGE, "--sigma-w2 and --sigma-b2 go with --init "
                    "gaussian or orthogonal (not %s)",
                    gc_init_name(a.run.init));
  if (a.backward && a.lyapunov)
    return cli_fail(CLI_USAGE, "--backward goes with a stored net, not with "
                    "--lyapunov (which draws J one layer at a time)");
  if (a.out && !a.nspectra)
    return cli_fail(CLI_USAGE, "--out needs --spectra (the depths to plot)");
  gc_jacobian_study_config c;
  inputs in = {NULL, NULL};
  gc_jacobian_study *s = NULL;
  st = prepare(&c, &in, &a);
  if (!st && gc_jacobian_study_run(&s, &c)) st = cli_fail_lib();
  if (!st && a.out) st = write_files(s, &a);
  if (!st) st = print(s, &a);
  gc_jacobian_study_free(s);
  gc_net_free(in.net);
  free(in.x);
  return st;
}
