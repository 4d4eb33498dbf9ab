/* exp_chains.c -- the chain figures of the chapter: |dC/db_j| against j for
 * random N(0,1) chains and for the exploding construction; sigma'. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>


#include "gradchain/gradchain.h"
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/reproduce/stages.h"

int stage_figure(const stage_ctx *ctx, FILE *md, const char *name,
                 const char *caption, const char *body)
{
  return stage_figure_data(ctx, md, name, name, caption, body);
}

int stage_figure_data(const stage_ctx *ctx, FILE *md, const char *name,
                      const char *data, const char *caption,
                      const char *body)
{
  char gp[256];
  snprintf(gp, sizeof gp, "%s.gp", name);
  outfile o;
  if (outfile_open(&o, ctx->dir, gp)) return CLI_FAIL;
  fprintf(o.f,
          "# %s -- made by gradchain reproduce; edit and run `gnuplot %s`\n"
          "set terminal pngcairo size 900,560 enhanced font 'DejaVu Sans,11'\n"
          "set output '%s.png'\n"
          "set datafile separator ','\n"
          "set key top right box opaque\n"
          "set grid\n%s",
          name, gp, name, body);
  if (outfile_commit(&o)) return CLI_FAIL;
  if (plot_available() && plot_run(ctx->dir, gp) == 0)
    fprintf(md, "\n![%s](%s.png)\n\n*%s* (data: `%s.csv`, script: `%s`)\n",
            caption, name, caption, data, gp);
  else
    fprintf(md, "\n*%s*: gnuplot was not available, so no picture; the data "
            "are in `%s.csv`; draw them with `gnuplot %s` (Debian package "
            "gnuplot-nox).\n", caption, data, gp);
  return 0;
}

#define DEPTH 30
#define NSEEDS 5

int stage_chains(const stage_ctx *ctx, FILE *md)
{
  gc_chain_study_config cc;
  gc_chain_study_config_init(&cc); /* DEPTH layers, NSEEDS seeds */
  gc_chain_study_result res;
  if (gc_chain_study(&res, &cc)) return cli_fail_lib();
  double g[NSEEDS][DEPTH], ex[DEPTH];
  for (int s = 0; s < NSEEDS; s++)
    for (int j = 0; j < DEPTH; j++) g[s][j] = res.random[s * DEPTH + j];
  for (int j = 0; j < DEPTH; j++) ex[j] = res.exploding[j];
  gc_chain_study_result_free(&res);

  outfile o;
  if (outfile_open(&o, ctx->dir, "chain_gradients.csv")) return CLI_FAIL;
  fprintf(o.f, "j");
  for (int s = 0; s < NSEEDS; s++) fprintf(o.f, ",random_seed%d", s + 1);
  fprintf(o.f, ",exploding_W100\n");
  for (int j = 0; j < DEPTH; j++) {
    fprintf(o.f, "%d", j + 1);
    for (int s = 0; s < NSEEDS; s++) fprintf(o.f, ",%.17g", g[s][j]);
    fprintf(o.f, ",%.17g\n", ex[j]);
  }
  if (outfile_commit(&o)) return CLI_FAIL;

  if (outfile_open(&o, ctx->dir, "sigma_prime.csv")) return CLI_FAIL;
  fprintf(o.f, "z,sigma,sigma_prime\n");
  for (int i = -400; i <= 400; i++) {
    double z = i / 50.0;
    fprintf(o.f, "%.17g,%.17g,%.17g\n", z, gc_activation_value(GC_ACT_SIGMOID, z),
            gc_activation_deriv(GC_ACT_SIGMOID, z));
  }
  if (outfile_commit(&o)) return CLI_FAIL;

  fprintf(md, "## Chains: vanishing and exploding gradients\n\n"
          "A chain of %d sigmoid neurons, quadratic cost, a0 = 1, y = 0.  "
          "With w_j, b_j drawn N(0,1) (seeds 1-%d), |∂C/∂b_j| falls by "
          "orders of magnitude from the last layer to the first; with the "
          "exploding construction (w_j = 100, b_j = -100 a_(j-1), every "
          "factor 25) it grows by 25 per layer.\n\n"
          "| chain | \\|∂C/∂b_1\\| | \\|∂C/∂b_%d\\| | ratio b_%d/b_1 |\n"
          "|---|---|---|---|\n", DEPTH, NSEEDS, DEPTH, DEPTH);
  for (int s = 0; s < NSEEDS; s++)
    fprintf(md, "| random, seed %d | %.3e | %.3e | %.3g |\n", s + 1, g[s][0],
            g[s][DEPTH - 1], g[s][DEPTH - 1] / g[s][0]);
  fprintf(md, "| exploding, W = 100 | %.3e | %.3e | %.3g (= 25^-%d) |\n",
          ex[0], ex[DEPTH - 1], ex[DEPTH - 1] / ex[0], DEPTH - 1);
  char body[2048];
  int n = snprintf(body, sizeof body,
           "set title 'Gradient along a chain of %d sigmoid neurons'\n"
           "set xlabel 'layer j'\nset ylabel '|∂C/∂b_j|'\n"
           "set logscale y\nset format y '10^{%%L}'\nset key bottom right\n"
           "plot ", DEPTH);
  for (int s = 0; s < NSEEDS; s++)
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "'chain_gradients.csv' using 1:%d skip 1 with linespoints "
                  "title 'random N(0,1), seed %d', ", s + 2, s + 1);
  snprintf(body + n, sizeof body - (size_t)n,
           "'chain_gradients.csv' using 1:%d skip 1 with linespoints lw 2 "
           "title 'exploding, w = 100, b = -100 a'\n", NSEEDS + 2);
  if (stage_figure(ctx, md, "chain_gradients",
                   "|∂C/∂b_j| against the layer j (log scale)", body))
    return CLI_FAIL;
  if (stage_figure(ctx, md, "sigma_prime", "σ'(z) and its maximum 1/4 at z = 0",
        "set title \"The sigmoid's derivative\"\n"
        "set xlabel 'z'\nset ylabel \"σ'(z)\"\nset yrange [0:0.3]\n"
        "set label 1 \"max σ'(0) = 1/4\" at 0.3,0.262\n"
        "set arrow 1 from 0,0 to 0,0.25 nohead dt 2\n"
        "plot 'sigma_prime.csv' using 1:3 skip 1 with lines lw 2 title \"σ'(z)\", "
        "0.25 with lines dt 3 title '1/4'\n"))
    return CLI_FAIL;
  return 0;
}
