/* exp_theory.c -- reproduce's stage "theory": mean-field theory beside the
 * chapter's nets (tanh phase diagram, predicted against measured speed
 * ratios) and the Jacobian spectra of wide nets at criticality, Gaussian
 * against orthogonal weights. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "gradchain/init.h"
#include "gradchain/speeds_study.h"
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/reproduce/stages.h"

#define HIST_BW 0.5 /* bins of ln sigma */


/* The tanh phase diagram: xi_c over sigma_w2 x sigma_b2, critical line. */
static int phase(const stage_ctx *ctx, FILE *md, double crit005)
{
  size_t n = ctx->quick ? 40 : 100;
  double w2r[2] = {0.05, 4}, b2r[2] = {0, 0.5};
  cli_phase g;
  int st = cli_phase_compute(&g, GC_ACT_TANH, n, w2r, b2r);
  if (st) return st;
  st = cli_phase_csv(ctx->dir, "theory_phase", &g);
  if (!st) {
    fprintf(md, "### The phase diagram of tanh\n\n"
            "A wide tanh net with weights N(0, σ_w²/n) and biases N(0, σ_b²) "
            "is ordered (gradients vanish, χ₁ < 1) left of the white line "
            "χ₁ = 1 and chaotic (they explode) right of it.  The colour is "
            "the depth scale ξ_c over which two inputs' correlation "
            "settles; it diverges on the line, where signals and gradients "
            "travel furthest.  At σ_b² = 0 the line starts at σ_w² = 1, "
            "at σ_b² = 0.05 it is at σ_w² = %.4f (`gradchain meanfield "
            "--activation tanh --critical --sigma-b2 0.05`).  %zu × %zu "
            "points.\n", crit005, n, n);
    char body[1024];
    snprintf(body, sizeof body,
             "set title 'tanh: depth scale ξ_c (colour, log scale) and the "
             "critical line χ_1 = 1'\n"
             "set xlabel 'σ_w^2'\nset ylabel 'σ_b^2'\n"
             "set xrange [%g:%g]\nset yrange [%g:%g]\nunset grid\n"
             "set key nobox noopaque textcolor rgb 'white'\n"
             "set logscale cb\nset cblabel 'ξ_c (layers)'\n"
             "set view map\nset palette rgb 33,13,10\n"
             "splot 'theory_phase.csv' skip 1 using 1:2:4 with pm3d notitle, "
             "\\\n      'theory_phase_critical.csv' skip 1 using 2:1:(1) with "
             "lines lw 3 lc rgb 'white' title 'χ_1 = 1'\n",
             w2r[0], w2r[1], b2r[0], b2r[1]);
    st = stage_figure(ctx, md, "theory_phase",
                      "tanh phase diagram: ξ_c and the critical line", body);
  }
  cli_phase_free(&g);
  return st;
}

/* Measured ratios of consecutive layers' speeds against 1/sqrt(chi1) and
 * the book's, for the chapter's three deep nets. */
static int ratios(const stage_ctx *ctx, FILE *md)
{
  static const size_t n2[] = {784, 30, 30, 10}, n3[] = {784, 30, 30, 30, 10},
                      n4[] = {784, 30, 30, 30, 30, 10};
  const size_t *nets[] = {n2, n3, n4};
  double ratio, chi1;
  if (gc_meanfield_speed_ratio(&ratio, &chi1, GC_ACT_SIGMOID, 1, 1))
    return cli_fail_lib();
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, ctx->data)) return cli_fail_lib();
  outfile o;
  memset(&o, 0, sizeof o);
  int st = outfile_open(&o, ctx->dir, "theory_speeds.csv") ? CLI_FAIL : 0;
  if (!st)
    fprintf(o.f, "hidden,x,pair,measured,sd,theory,book\n");
  fprintf(md, "\n### Predicted against measured speeds\n\n"
          "The chapter's nets (sigmoid, weights N(0, 1/n_in), biases N(0, "
          "1): σ_w² = 1, σ_b² = 1) are deep in the ordered phase: χ₁ = "
          "%.5f, so theory says each hidden layer learns 1/√χ₁ = %.3f "
          "times as fast as the one before it.  Measured: ‖δˡ⁺¹‖/‖δˡ‖ at "
          "initialisation over the first 1000 training images, mean ± sd "
          "over %d seed%s.\n\n"
          "| net | layers | measured | theory | book |\n|---|---|---|---|---|\n",
          chi1, ratio, ctx->seeds, ctx->seeds == 1 ? "" : "s");
  double lo = INFINITY, hi = -INFINITY, px = 0;
  /* the first layer's pre-activation variance: mean(x^2) + 1 (weights
   * N(0, 1/784), biases N(0, 1)), over the images measured */
  double *img = malloc(784 * sizeof *img);
  for (size_t i = 0; img && i < 1000; i++) {
    gc_dataset_batch(img, NULL, &m->training, NULL, i, 1);
    for (size_t k = 0; k < 784; k++) px += img[k] * img[k] / 784e3;
  }
  free(img);
  for (int k = 0; k < 3 && !st; k++) {
    size_t L = (size_t)k + 4, H = L - 2;
    gc_run_config c;
    gc_run_config_init(&c);
    if (gc_run_config_set_sizes(&c, L, nets[k])) {
      st = cli_fail_lib();
      break;
    }
    gc_speeds_init_result r;
    memset(&r, 0, sizeof r);
    if (gc_speeds_at_init(&r, &c, (size_t)ctx->seeds, 1000, m)) {
      st = cli_fail_lib();
      break;
    }
    double mean[8], sd[8];
    gc_speeds_ratios(mean, sd, &r);
    const double *bk = gc_speeds_book(nets[k], L);
    for (size_t l = 0; l + 1 < H; l++) {
      double b = bk ? bk[l + 1] / bk[l] : NAN;
      fprintf(md, "| %zu hidden | %zu → %zu | %.2f ± %.2f | %.2f | %s%.2f |\n",
              H, l + 1, l + 2, mean[l], sd[l], ratio, bk ? "" : "-",
              bk ? b : 0.0);
      fprintf(o.f, "%zu,%g,%zu->%zu,%.6g,%.6g,%.6g,%.6g\n", H,
              (double)(l + 1) + 0.15 * (double)(k - 1), l + 1, l + 2,
              mean[l], sd[l], ratio, b);
      if (mean[l] < lo) lo = mean[l];
      if (mean[l] > hi) hi = mean[l];
    }
    gc_speeds_init_result_free(&r);
  }
  gc_mnist_free(m);
  if (st && o.f) outfile_abort(&o);
  if (!st && outfile_commit(&o)) st = CLI_FAIL;
  if (st) return st;
  fprintf(md, "\nThe measured ratios lie between %.2f and %.2f, around the "
          "prediction %.2f; the book's (0.070/0.017 = 4.1, 0.285/0.070 = "
          "4.1, 0.017/0.003 = 5.7) scatter the same way.  Theory is about "
          "an infinitely wide layer at its fixed point q*; these layers "
          "are 30 wide (a ratio of one net varies by the sd shown from "
          "seed to seed), the first hidden layer sees MNIST pixels rather "
          "than a previous layer at q* (784 pixels in [0, 1] give its "
          "pre-activations a variance of %.2f, not q* = 1.30), and "
          "the last hidden layer's δ comes from the output layer's "
          "cross-entropy error, not from another hidden layer: so the "
          "prediction holds for the middle of the net to within the "
          "seed-to-seed spread, not for each layer of one net.\n",
          lo, hi, ratio, 1 + px);
  return stage_figure(ctx, md, "theory_speeds",
                      "speed ratios ‖δ^{l+1}‖/‖δ^l‖: measured (mean ± sd), "
                      "theory 1/√χ₁, book",
                      "set xlabel 'layer pair l → l+1'\n"
                      "set ylabel '‖δ^{l+1}‖ / ‖δ^l‖'\n"
                      "set xrange [0.5:3.5]\nset xtics ('1→2' 1, '2→3' 2, "
                      "'3→4' 3)\n"
                      "plot for [h=2:4] 'theory_speeds.csv' skip 1 using "
                      "($1 == h ? $2 : NaN):4:5 with yerrorbars pt 7 title "
                      "sprintf('%d hidden layers', h), \\\n"
                      "     'theory_speeds.csv' skip 1 using 2:6 with lines "
                      "lw 2 lc rgb 'black' title 'theory 1/√χ_1', \\\n"
                      "     'theory_speeds.csv' skip 1 using ($1 == 4 ? $2 : "
                      "NaN):7 with points pt 4 ps 2 lc rgb 'red' title "
                      "'book (4 hidden)'\n");
}

/* Spectra of J at depths 10 and 50 for one activation: Gaussian and
 * orthogonal weights of the same variances.  Histogram blocks (index
 * 2*init + depth) in NAME.csv, one line per case in md. */
static int spectra(const stage_ctx *ctx, FILE *md, const char *name,
                   gc_activation act, double sw2, double sb2,
                   gc_init gauss)
{
  const size_t n = ctx->quick ? 100 : 300, L = 50, dep[2] = {10, 50};
  const gc_init kinds[2] = {gauss, GC_INIT_ORTHOGONAL};
  double q = 1, chi = NAN;
  gc_meanfield *w = gc_meanfield_alloc(act, NULL);
  gc_meanfield_result r;
  if (w && gc_meanfield_point(&r, w, sw2, sb2) == 0) {
    chi = r.chi1;
    if (r.q_star > sb2) q = (r.q_star - sb2) / sw2; /* z^1 at q* */
  }
  gc_meanfield_free(w);
  char file[128];
  snprintf(file, sizeof file, "%s.csv", name);
  outfile o;
  if (outfile_open(&o, ctx->dir, file)) return CLI_FAIL;
  double *x = malloc(n * sizeof *x);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  int st = x && rng ? 0 : cli_fail(CLI_FAIL, "out of memory");
  double ms[2][2] = {{NAN, NAN}, {NAN, NAN}};
  size_t nres[2][2] = {{0, 0}, {0, 0}};
  fprintf(md, "\n| weights | depth | mean σ² | χ₁^depth | ln σ_max | "
          "ln σ_min | resolved |\n|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < 2 && !st; k++) {
    gc_jacobian_params p = {dep, 2, 0, 0};
    gc_jacobian *j = NULL;
    gsl_rng_set(rng, 2);
    gc_jacobian_input(x, n, q, rng);
    gsl_rng_set(rng, 1);
    if (gc_jacobian_alloc(&j, n, n, L, &p) ||
        gc_jacobian_random(j, n, n, L, act, kinds[k], sqrt(sw2), sqrt(sb2),
                           x, rng)) {
      gc_jacobian_free(j);
      st = cli_fail_lib();
      break;
    }
    for (int d = 0; d < 2; d++) {
      size_t cnt;
      const double *ls = gc_jacobian_log_spectrum(j, dep[d], &cnt);
      const gc_jacobian_layer *rec = &gc_jacobian_layers(j)[dep[d] - 1];
      double floor_ln = rec->log_max_singular +
                        log((double)dep[d] * 2.220446049250313e-16);
      size_t res = 0;
      for (size_t i = 0; i < cnt; i++) res += ls[i] > floor_ln;
      ms[k][d] = rec->mean_sq;
      nres[k][d] = res;
      fprintf(md, "| %s | %zu | %.3f | %.3f | %.2f | %s%.2f | %zu of %zu "
              "|\n", gc_init_name(kinds[k]), dep[d], rec->mean_sq,
              pow(chi, (double)dep[d]),
              ls[0], res < cnt ? "< " : "", res < cnt ? floor_ln : ls[cnt - 1],
              res, cnt);
      fprintf(o.f, "# %s depth %zu: ln_sigma_bin_centre,fraction\n",
              gc_init_name(kinds[k]), dep[d]);
      double ce[512], fr[512]; /* ln sigma spans < 256 at these depths */
      size_t nb = gc_jacobian_histogram(ce, fr, 512, ls, cnt, HIST_BW);
      for (size_t b = 0; b < nb; b++)
        fprintf(o.f, "%.6g,%.6g\n", ce[b], fr[b]);
      fprintf(o.f, "\n\n");
    }
    gc_jacobian_free(j);
  }
  free(x);
  gsl_rng_free(rng);
  if (st) {
    outfile_abort(&o);
    return st;
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  fprintf(md, "\nIn this one net of width %zu the mean σ² at depth 50 is "
          "%.3g with %s weights and %.3g with orthogonal ones, against "
          "theory's χ₁^50 = %.3g; %zu and %zu of the %zu singular values "
          "are above the rounding floor at depth 50 (%zu and %zu at depth "
          "10).\n", n, ms[0][1], gc_init_name(gauss), ms[1][1],
          pow(chi, 50.0), nres[0][1], nres[1][1], n, nres[0][0], nres[1][0]);
  char body[1024], cap[256];
  snprintf(body, sizeof body,
           "set xlabel 'ln σ (singular values of J)'\n"
           "set ylabel 'fraction per bin of %g'\n"
           "set key top left box opaque\n"
           "set style fill transparent solid 0.3\n"
           "plot '%s.csv' index 0 using 1:2 with boxes lc 1 title "
           "'%s, depth 10', \\\n"
           "     '%s.csv' index 1 using 1:2 with boxes lc 2 title "
           "'%s, depth 50', \\\n"
           "     '%s.csv' index 2 using 1:2 with boxes lc 3 title "
           "'orthogonal, depth 10', \\\n"
           "     '%s.csv' index 3 using 1:2 with boxes lc 4 title "
           "'orthogonal, depth 50'\n",
           HIST_BW, name, gc_init_name(gauss), name, gc_init_name(gauss),
           name, name);
  snprintf(cap, sizeof cap, "%s, width %zu, σ_w² = %.4g, σ_b² = %g: "
           "spectra of J at depths 10 and 50", gc_activation_name(act), n,
           sw2, sb2);
  return stage_figure(ctx, md, name, cap, body);
}

int stage_theory(const stage_ctx *ctx, FILE *md)
{
  fprintf(md, "## Mean-field theory and the chapter's nets\n\n");
  gc_meanfield_critical_result cr;
  gc_meanfield *w = gc_meanfield_alloc(GC_ACT_TANH, NULL);
  int st = !w || gc_meanfield_critical(&cr, w, 0.05) ? cli_fail_lib() : 0;
  gc_meanfield_free(w);
  if (!st) st = phase(ctx, md, cr.sigma_w2);
  if (!st) st = ratios(ctx, md);
  if (!st) {
    fprintf(md, "\n### Jacobian spectra at criticality: tanh\n\n"
            "The input-output Jacobian J = D_l W_l ⋯ D_1 W_1 of a tanh net "
            "on the critical line (σ_b² = 0.05, σ_w² = %.6f, χ₁ = 1), "
            "its input at the fixed point q* (`gradchain jacobian`).  "
            "Theory fixes only the mean of σ²; how the σ spread depends on "
            "the weights: Gaussian weights spread them over many e-folds, "
            "more with depth, orthogonal ones keep them closer together "
            "(dynamical isometry, Pennington et al. 2017; for tanh only "
            "approximately, as the D_l vary), and the mean σ² of one "
            "Gaussian net drifts from χ₁^depth as depth/width grows.  \"resolved\" counts the "
            "singular values above the product's rounding floor "
            "depth·ε·σ_max; below it the SVD of a product formed in double "
            "sees only rounding (ln σ_min then says \"<\" the floor).\n",
            cr.sigma_w2);
    st = spectra(ctx, md, "theory_spectra_tanh", GC_ACT_TANH, cr.sigma_w2,
                 0.05, GC_INIT_GAUSSIAN);
  }
  if (!st) {
    fprintf(md, "\n### Jacobian spectra at criticality: ReLU with He\n\n"
            "ReLU with He's initialiser (σ_w² = 2, σ_b² = 0) is critical "
            "at every q (χ₁ = σ_w²/2 = 1).  But about half of the units of "
            "every layer are off, so J has rank at most about n/2: about "
            "half of its singular values are exactly 0 (the unresolved "
            "ones), whatever the weights, and orthogonal weights cannot make "
            "it isometric.  At finite width the mean σ² of one ReLU net "
            "scatters widely around χ₁^depth, more so with depth: the log of "
            "‖J‖ fluctuates with a variance that grows like depth/width "
            "(Hanin and Nica 2019), where mean-field theory, a statement "
            "about infinite width, is silent.\n");
    st = spectra(ctx, md, "theory_spectra_relu", GC_ACT_RELU, 2, 0,
                 GC_INIT_HE);
  }
  return st;
}
