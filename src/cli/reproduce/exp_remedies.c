/* exp_remedies.c -- reproduce's stage "remedies": accuracy against depth
 * and the speeds at initialisation for the chapter's remedies (another
 * activation with its initialiser, a softmax output with the
 * log-likelihood, momentum) beside network2's sigmoid net.  The numbers
 * come from gc_depth_study and gc_speeds_at_init; this file prints. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "gradchain/depth.h"
#include "gradchain/speeds_study.h"
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/sweep.h"
#include "cli/reproduce/stages.h"

typedef struct remedy {
  const char *label;          /* in the tables and the figures' keys */
  gc_activation act;
  gc_init init;
  gc_output output;
  gc_cost cost;
  double momentum;
} remedy;

static const remedy remedies[] = {
  {"sigmoid + default", GC_ACT_SIGMOID, GC_INIT_DEFAULT, GC_OUTPUT_SIGMOID,
   GC_COST_CROSS_ENTROPY, 0},
  {"tanh + glorot", GC_ACT_TANH, GC_INIT_GLOROT, GC_OUTPUT_SIGMOID,
   GC_COST_CROSS_ENTROPY, 0},
  {"relu + he", GC_ACT_RELU, GC_INIT_HE, GC_OUTPUT_SIGMOID,
   GC_COST_CROSS_ENTROPY, 0},
  {"sigmoid + default + softmax/log-likelihood", GC_ACT_SIGMOID,
   GC_INIT_DEFAULT, GC_OUTPUT_SOFTMAX, GC_COST_LOG_LIKELIHOOD, 0},
  {"sigmoid + default + momentum 0.9", GC_ACT_SIGMOID, GC_INIT_DEFAULT,
   GC_OUTPUT_SIGMOID, GC_COST_CROSS_ENTROPY, 0.9},
};
#define NREM (sizeof remedies / sizeof *remedies)
#define MAXD 8 /* hidden layers 1..MAXD */

static void remedy_config(gc_run_config *c, const remedy *r)
{
  c->act = r->act;
  c->init = r->init;
  c->output = r->output;
  c->cost = r->cost;
  c->momentum = r->momentum;
}

/* the command line of one configuration's options */
static void remedy_options(char *buf, size_t n, const remedy *r)
{
  snprintf(buf, n, "--activation %s --init %s%s%s", gc_activation_name(r->act),
           gc_init_name(r->init),
           r->output == GC_OUTPUT_SOFTMAX
               ? " --output softmax --cost log-likelihood" : "",
           r->momentum > 0 ? " --momentum 0.9" : "");
}

static int depth_csv(const stage_ctx *ctx, const gc_depth_result *res,
                     size_t nd)
{
  outfile o;
  if (outfile_open(&o, ctx->dir, "remedies_depth.csv")) return CLI_FAIL;
  fputs("hidden", o.f);
  for (size_t k = 0; k < NREM; k++)
    fprintf(o.f, ",final_mean_%zu,final_sd_%zu,best_mean_%zu,best_sd_%zu,"
            "best_epoch_%zu", k + 1, k + 1, k + 1, k + 1, k + 1);
  fputc('\n', o.f);
  for (size_t d = 0; d < nd; d++) {
    fprintf(o.f, "%zu", res[0].rows[d].hidden);
    for (size_t k = 0; k < NREM; k++) {
      const gc_depth_row *r = &res[k].rows[d];
      fprintf(o.f, ",%.6f,%.6f,%.6f,%.6f,%.2f", r->final_mean, r->final_sd,
              r->best_mean, r->best_sd, r->best_epoch_mean);
    }
    fputc('\n', o.f);
  }
  return outfile_commit(&o);
}

static int speeds_csv(const stage_ctx *ctx, const gc_speeds_init_result *ir)
{
  outfile o;
  if (outfile_open(&o, ctx->dir, "remedies_speeds.csv")) return CLI_FAIL;
  fputs("layer", o.f);
  for (size_t k = 0; k < NREM; k++) fprintf(o.f, ",mean_%zu,sd_%zu", k + 1, k + 1);
  fputc('\n', o.f);
  for (size_t l = 0; l < ir[0].hidden; l++) {
    fprintf(o.f, "%zu", l + 1);
    for (size_t k = 0; k < NREM; k++)
      fprintf(o.f, ",%.17g,%.17g", ir[k].mean[l], ir[k].sd[l]);
    fputc('\n', o.f);
  }
  return outfile_commit(&o);
}

static int figures(const stage_ctx *ctx, FILE *md, size_t train,
                   size_t epochs, size_t nd)
{
  char body[4096];
  int n = snprintf(body, sizeof body,
      "set title 'Best validation accuracy against depth (%zu images, %zu "
      "epochs, mean ± sd over %d seed%s)'\n"
      "set xlabel 'hidden layers of 30 neurons'\n"
      "set ylabel 'best validation accuracy (%%)'\n"
      "set xtics 1\nset xrange [0.5:%zu.5]\n"
      /* the key above 100 %%, where no accuracy can be */
      "set yrange [0:130]\nset ytics 0,20,100\n"
      "set key top center horizontal maxrows 3 box opaque font ',9'\nplot ",
      train, epochs, ctx->seeds, ctx->seeds == 1 ? "" : "s", nd);
  for (size_t k = 0; k < NREM; k++)
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "%s'remedies_depth.csv' using 1:($%zu*100):($%zu*100) skip 1 "
                  "with yerrorlines lw 2 title '%s'", k ? ", \\\n     " : "",
                  5 * k + 4, 5 * k + 5, remedies[k].label);
  snprintf(body + n, sizeof body - (size_t)n, "\n");
  int st = stage_figure(ctx, md, "remedies_depth", "Best validation accuracy "
                        "against the number of hidden layers, for each "
                        "configuration", body);
  if (st) return st;
  n = snprintf(body, sizeof body,
      "set title 'Speed of learning at initialisation, [784,30,30,30,30,10]'\n"
      "set xlabel 'hidden layer'\nset ylabel '‖δ^l‖ (log scale)'\n"
      "set xtics 1\nset xrange [0.8:4.2]\nset logscale y\n"
      "set yrange [*:1000]\nset format y '10^{%%L}'\n"
      "set key top left box opaque font ',9'\nplot ");
  for (size_t k = 0; k < NREM; k++)
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "%s'remedies_speeds.csv' using 1:%zu skip 1 with linespoints "
                  "lw 2 pt 7 %stitle '%s'", k ? ", \\\n     " : "", 2 * k + 2,
                  /* momentum leaves the initial net alone: its line lies
                   * on sigmoid + default's, dashed to show both */
                  remedies[k].momentum > 0 ? "dt 2 " : "", remedies[k].label);
  snprintf(body + n, sizeof body - (size_t)n, "\n");
  return stage_figure(ctx, md, "remedies_speeds", "‖δ^l‖ of each hidden "
                      "layer at initialisation, for each configuration",
                      body);
}

/* What the numbers show, in words made from them. */
static void paragraph(FILE *md, const gc_depth_result *res, size_t nd,
                      const double *ratio, size_t train, size_t epochs)
{
  size_t best_deep = 0, flattest = 0;
  for (size_t k = 1; k < NREM; k++) {
    if (res[k].rows[nd - 1].best_mean > res[best_deep].rows[nd - 1].best_mean)
      best_deep = k;
    if (fabs(log(ratio[k])) < fabs(log(ratio[flattest]))) flattest = k;
  }
  fputs("\n**What the numbers show.**  ", md);
  for (size_t k = 0; k < NREM; k++) {
    size_t peak = 0;
    for (size_t d = 1; d < nd; d++)
      if (res[k].rows[d].best_mean > res[k].rows[peak].best_mean) peak = d;
    fprintf(md, "%s%s: %.2f%% with 1 hidden layer, highest at %zu (%.2f%%), "
            "%.2f%% at %zu; at initialisation the last hidden layer learns "
            "%.3g times as fast as the first%s.", k ? "  " : "",
            remedies[k].label, 100 * res[k].rows[0].best_mean,
            res[k].rows[peak].hidden, 100 * res[k].rows[peak].best_mean,
            100 * res[k].rows[nd - 1].best_mean, res[k].rows[nd - 1].hidden,
            ratio[k], remedies[k].momentum > 0
                          ? " (momentum changes the updates, not the initial "
                            "net, so these are sigmoid + default's speeds)"
                          : "");
  }
  fprintf(md, "  With %zu hidden layers %s trains best; the speeds are "
          "most even (ratio closest to 1) for %s.  ", res[0].rows[nd - 1].hidden,
          remedies[best_deep].label, remedies[flattest].label);
  double gain = res[best_deep].rows[nd - 1].best_mean -
                res[0].rows[nd - 1].best_mean;
  if (gain > 0.01)
    fprintf(md, "So a remedy does let the deep net learn where the "
            "chapter's sigmoid net (%.2f%%) does not keep up: %.1f points "
            "better at this depth", 100 * res[0].rows[nd - 1].best_mean,
            100 * gain);
  else
    fputs("At this depth none of the remedies does clearly better than the "
          "chapter's sigmoid net", md);
  fprintf(md, " -- in this budget of %zu images and %zu epochs; a sigmoid "
          "net that has not left chance (10%%) here may still learn in a "
          "longer run (the stage \"accuracy against depth\" trains longer).\n\n",
          train, epochs);
}

int stage_remedies(const stage_ctx *ctx, FILE *md)
{
  size_t nd = ctx->quick ? 4 : MAXD, epochs = ctx->quick ? 5 : 15;
  size_t train = ctx->quick ? 2000 : 5000, examples = 1000;
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, ctx->data)) return cli_fail_lib();
  if (train > m->training.n) train = m->training.n;       /* small sets */
  if (examples > m->training.n) examples = m->training.n; /* (tests) */
  gc_depth_result res[NREM];
  gc_speeds_init_result ir[NREM];
  memset(res, 0, sizeof res);
  memset(ir, 0, sizeof ir);
  double ratio[NREM], rsd[NREM];
  int st = CLI_OK;
  for (size_t k = 0; k < NREM && !st; k++) {
    gc_depth_config c;
    gc_depth_config_init(&c);
    remedy_config(&c.base, &remedies[k]);
    c.base.epochs = epochs;
    c.base.train_size = train;
    c.ndepths = nd;
    for (size_t d = 0; d < nd; d++) c.depths[d] = d + 1;
    c.width = 30;
    c.seeds = (size_t)ctx->seeds;
    c.runner = cli_pool_batch; /* the runs on the process pool of sweep */
    if (!ctx->quiet)
      fprintf(stderr, "remedies: %s, 1..%zu hidden layers\n",
              remedies[k].label, nd);
    if (gc_depth_study(&res[k], &c, m, NULL, NULL)) st = cli_fail_lib();
    static const size_t net[] = {784, 30, 30, 30, 30, 10};
    gc_run_config r;
    gc_run_config_init(&r);
    remedy_config(&r, &remedies[k]);
    if (!st && (gc_run_config_set_sizes(&r, 6, net) ||
                gc_speeds_at_init(&ir[k], &r, (size_t)ctx->seeds, examples, m)))
      st = cli_fail_lib();
    if (!st) gc_speeds_last_first(&ratio[k], &rsd[k], &ir[k]);
  }
  gc_mnist_free(m);
  if (!st) {
    fprintf(md, "## What helps: activations, initialisers, softmax, "
            "momentum\n\n"
            "Nets of 1 to %zu hidden layers of 30 neurons trained on the "
            "first %zu training images for %zu epochs (mini-batch 10, "
            "η = 0.1, λ = 5), validation accuracy after every epoch, %d "
            "seed%s%s.  Command for one configuration: `gradchain depth "
            "--depths 1..%zu --train-size %zu --epochs %zu --seeds %d "
            "OPTIONS` with\n\n| configuration | OPTIONS |\n|---|---|\n",
            nd, train, epochs, ctx->seeds, ctx->seeds == 1 ? "" : "s (mean ± sd)",
            ctx->quick ? " (quick run: 1 to 8 hidden layers on 5000 images "
            "for 15 epochs without --quick)" : "", nd, train, epochs,
            ctx->seeds);
    for (size_t k = 0; k < NREM; k++) {
      char opt[160];
      remedy_options(opt, sizeof opt, &remedies[k]);
      fprintf(md, "| %s | `%s` |\n", remedies[k].label, opt);
    }
    fputs("\nBest validation accuracy (%), mean ± sd over the seeds:\n\n"
          "| hidden |", md);
    for (size_t k = 0; k < NREM; k++) fprintf(md, " %s |", remedies[k].label);
    fputs("\n|---|", md);
    for (size_t k = 0; k < NREM; k++) fputs("---|", md);
    fputc('\n', md);
    for (size_t d = 0; d < nd; d++) {
      fprintf(md, "| %zu |", res[0].rows[d].hidden);
      for (size_t k = 0; k < NREM; k++)
        fprintf(md, " %.2f ± %.2f |", 100 * res[k].rows[d].best_mean,
                100 * res[k].rows[d].best_sd);
      fputc('\n', md);
    }
    fprintf(md, "\nSpeeds at initialisation of [784,30,30,30,30,10], ‖δ^l‖ "
            "over the first %zu training images (`gradchain speeds --sizes "
            "784,30,30,30,30,10 --seeds %d OPTIONS`):\n\n"
            "| configuration | layer 1 | layer 2 | layer 3 | layer 4 | last "
            "/ first |\n|---|---|---|---|---|---|\n", examples, ctx->seeds);
    for (size_t k = 0; k < NREM; k++) {
      fprintf(md, "| %s |", remedies[k].label);
      for (size_t l = 0; l < 4; l++) fprintf(md, " %.4g |", ir[k].mean[l]);
      fprintf(md, " %.3g ± %.2g |\n", ratio[k], rsd[k]);
    }
    paragraph(md, res, nd, ratio, train, epochs);
    st = depth_csv(ctx, res, nd);
  }
  if (!st) st = speeds_csv(ctx, ir);
  if (!st) st = figures(ctx, md, train, epochs, nd);
  for (size_t k = 0; k < NREM; k++) {
    gc_depth_result_free(&res[k]);
    gc_speeds_init_result_free(&ir[k]);
  }
  return st;
}
