/* exp_saturation.c -- reproduce's stage "saturation": Glorot and Bengio's
 * activation statistics during the first epochs of a deep net, and
 * Sutskever et al.'s momentum schedule against constant momentum. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "gradchain/init.h"
#include "gradchain/run.h"
#include "cli/actout.h"
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/reproduce/stages.h"

static const size_t act_sizes[] = {784, 100, 100, 100, 100, 10};
#define ACT_L (sizeof act_sizes / sizeof *act_sizes)

static const struct {
  const char *name, *label;
  gc_activation act;
  gc_init init;
} act_cfgs[] = {
  {"saturation_sigmoid_default", "Sigmoid, network2's default init "
   "(w ~ N(0, 1/n_in), b ~ N(0, 1))", GC_ACT_SIGMOID, GC_INIT_DEFAULT},
  {"saturation_sigmoid_uniform", "Sigmoid, Glorot and Bengio's standard "
   "init (w ~ U(±1/√n_in), b = 0)", GC_ACT_SIGMOID, GC_INIT_UNIFORM},
  {"saturation_tanh_glorot", "Tanh, Glorot and Bengio's normalised init "
   "(w ~ U(±√(6/(n_in+n_out))), b = 0)", GC_ACT_TANH, GC_INIT_GLOROT},
};
#define NACT (sizeof act_cfgs / sizeof *act_cfgs)

/* network2's settings on a smaller run for --quick */
static void base_config(gc_run_config *c, const stage_ctx *ctx,
                        const gc_mnist *m, size_t epochs, size_t quick)
{
  gc_run_config_init(c);
  c->epochs = ctx->quick ? quick : epochs;
  if (ctx->quick && m->training.n > 10000) c->train_size = 10000;
}

/* The paragraph on one configuration, from its records. */
static void act_paragraph(FILE *md, const gc_run_result *r, gc_activation act,
                          double *fall)
{
  size_t H = r->nhidden, n = r->nrecords, imin = 0, isat = 0;
  const gc_layer_stats *first = gc_run_result_layers(r, 0),
                       *last = gc_run_result_layers(r, n - 1);
  for (size_t i = 0; i < n; i++) {
    const gc_layer_stats *s = gc_run_result_layers(r, i);
    if (s[H - 1].mean < gc_run_result_layers(r, imin)[H - 1].mean) imin = i;
    if (s[H - 1].saturated > gc_run_result_layers(r, isat)[H - 1].saturated)
      isat = i;
  }
  const gc_layer_stats *lo = gc_run_result_layers(r, imin),
                       *sat = gc_run_result_layers(r, isat);
  *fall = 1 - lo[H - 1].mean / first[H - 1].mean;
  double maxsat = 0;
  size_t lmax = 1;
  for (size_t i = 0; i < n; i++)
    for (size_t l = 0; l < H; l++)
      if (gc_run_result_layers(r, i)[l].saturated > maxsat) {
        maxsat = gc_run_result_layers(r, i)[l].saturated;
        lmax = l + 1;
      }
  fprintf(md, "\nThe last hidden layer's mean activation starts at %.3f "
          "(2.5-97.5%%: %.3f-%.3f), is lowest after %zu mini-batches at "
          "%.3f (%.3f-%.3f) and ends, after %zu mini-batches, at %.3f "
          "(%.3f-%.3f); ",
          first[H - 1].mean, first[H - 1].p2_5, first[H - 1].p97_5,
          r->act_records[imin].batches, lo[H - 1].mean, lo[H - 1].p2_5,
          lo[H - 1].p97_5, r->act_records[n - 1].batches, last[H - 1].mean,
          last[H - 1].p2_5, last[H - 1].p97_5);
  if (maxsat == 0)
    fprintf(md, "no activation of any hidden layer is saturated in any "
            "record.  ");
  else
    fprintf(md, "at most %.1f%% of its activations are saturated (after %zu "
            "mini-batches).  Of all hidden layers and records, the largest "
            "saturated fraction is %.1f%% (layer %zu).  ",
            100 * sat[H - 1].saturated, r->act_records[isat].batches,
            100 * maxsat, lmax);
  fprintf(md, "The first hidden layer's mean goes from %.3f to %.3f.  "
          "Validation accuracy after the last epoch: %.2f%%.  ",
          first[0].mean, last[0].mean, 100 * r->final_accuracy);
  if (act == GC_ACT_SIGMOID) {
    double drop = first[H - 1].mean - lo[H - 1].mean;
    if (lo[H - 1].mean < 0.05 && sat[H - 1].saturated > 0.5)
      fprintf(md, "As in Glorot and Bengio's Figure 2, the last hidden "
              "layer is driven to 0 and saturates");
    else if (drop > 0.5 * first[H - 1].mean)
      fprintf(md, "Its mean falls toward 0 as in Glorot and Bengio's Figure "
              "2 (by %.0f%% of its start), but does not reach it: at the "
              "lowest point its 2.5th percentile, %.3f, is %s the saturated "
              "band a < 0.01", 100 * drop / first[H - 1].mean,
              lo[H - 1].p2_5, lo[H - 1].p2_5 > 0.01 ? "above" : "inside");
    else if (drop > 0)
      fprintf(md, "Its mean falls by %.0f%% of its start only: unlike Glorot "
              "and Bengio's Figure 2, the last hidden layer is not driven "
              "to 0", 100 * drop / first[H - 1].mean);
    else
      fprintf(md, "Its mean does not fall: unlike Glorot and Bengio's "
              "Figure 2, the last hidden layer is not driven to 0");
    if (r->final_accuracy < 0.2)
      fprintf(md, ", and the net is still at chance after %zu epoch%s: "
              "learning stalls while the last layer sits near 0, as the "
              "paper describes.\n", r->epochs, r->epochs == 1 ? "" : "s");
    else if (last[H - 1].mean > 1.5 * lo[H - 1].mean)
      fprintf(md, "; it comes back to %.3f, its band widening, as the net "
              "learns.\n", last[H - 1].mean);
    else
      fprintf(md, ".\n");
  } else {
    /* when each layer first has more than 5% saturated */
    size_t t[16], tmin = (size_t)-1, tmax = 0, inorder = 1, all = 1;
    fprintf(md, "More than 5%% of a layer's units saturated (|a| > 0.99) "
            "first after");
    for (size_t l = 0; l < H && l < 16; l++) {
      size_t i = 0;
      while (i < n && gc_run_result_layers(r, i)[l].saturated <= 0.05) i++;
      all &= i < n;
      t[l] = i < n ? r->act_records[i].batches : (size_t)-1;
      if (l && t[l] <= t[l - 1]) inorder = 0;
      if (i < n && t[l] < tmin) tmin = t[l];
      if (i < n && t[l] > tmax) tmax = t[l];
      if (i < n)
        fprintf(md, "%s %zu mini-batches (layer %zu)", l ? "," : "",
                t[l], l + 1);
      else
        fprintf(md, "%s never (layer %zu)", l ? "," : "", l + 1);
    }
    fprintf(md, "; at the end:");
    for (size_t l = 0; l < H; l++)
      fprintf(md, "%s %.1f%%", l ? "," : "", 100 * last[l].saturated);
    fprintf(md, " (layers 1 to %zu).  Glorot and Bengio's Figure 3 shows "
            "tanh with the standard init saturating layer after layer, the "
            "first layer first; with the normalised init they report "
            "activations that stay alike across layers.  Here the "
            "normalised init starts with %.1f%% saturated in the last "
            "layer, and ", H, 100 * first[H - 1].saturated);
    if (!all)
      fprintf(md, "not every layer saturates.\n");
    else if (inorder && H > 1)
      fprintf(md, "the layers saturate one after another, the first "
              "first, as in their Figure 3.\n");
    else
      fprintf(md, "the layers saturate within %zu mini-batches of one "
              "another, not layer after layer, as the net learns.\n",
              tmax - tmin);
  }
}

static int activations(const stage_ctx *ctx, FILE *md, const gc_mnist *m)
{
  size_t every = ctx->quick ? 100 : 500;
  gc_run_config c;
  base_config(&c, ctx, m, 5, 1);
  size_t nval = m->validation.n;
  double fall[NACT], acc[NACT];
  fprintf(md, "### Activations during the first epochs (Glorot and Bengio "
          "2010)\n\n"
          "[784,100,100,100,100,10] trained with network2's settings (η = "
          "%g, λ = %g, mini-batch %zu, cross-entropy, sigmoid output "
          "layer) for %zu epoch%s on %s training images.  The activation "
          "monitor (`train --monitor activations --stats-every %zu`) "
          "takes the mean, the sd, the 2.5th, 50th and 97.5th percentiles "
          "and the saturated fraction (sigmoid: a < 0.01 or a > 0.99; "
          "tanh: |a| > 0.99) of every hidden layer over the first %zu "
          "validation images, before training, every %zu mini-batches "
          "and after each epoch.  Glorot and Bengio's sigmoid net had zero "
          "biases; network2's default init draws the biases from N(0, 1), "
          "which the second configuration does not.\n",
          c.eta, c.lambda, c.batch, c.epochs, c.epochs == 1 ? "" : "s",
          c.train_size ? "the first 10,000" : "all 50,000", every,
          nval < 300 ? nval : 300, every);
  for (size_t k = 0; k < NACT; k++) {
    base_config(&c, ctx, m, 5, 1);
    if (gc_run_config_set_sizes(&c, ACT_L, act_sizes)) return cli_fail_lib();
    c.act = act_cfgs[k].act;
    c.init = act_cfgs[k].init;
    c.monitor = GC_MONITOR_EVAL_ACCURACY | GC_MONITOR_ACTIVATIONS;
    c.stats_sample = nval < 300 ? nval : 300;
    c.stats_every = every;
    gc_run_result r;
    if (gc_run_perform(&r, &c, m, NULL, NULL)) return cli_fail_lib();
    fprintf(md, "\n#### %s\n", act_cfgs[k].label);
    char title[256];
    snprintf(title, sizeof title, "[784,100x4,10], %s, %s init",
             gc_activation_name(c.act), gc_init_name(c.init));
    int st = act_plot(ctx, md, act_cfgs[k].name, title, &r);
    if (!st) act_paragraph(md, &r, c.act, &fall[k]);
    acc[k] = r.final_accuracy;
    gc_run_result_free(&r);
    if (st) return st;
  }
  fprintf(md, "\nnetwork2's N(0, 1) biases against the paper's zero biases: "
          "with them (and weights N(0, 1/n_in)) the last hidden layer's "
          "mean fell by %.0f%% at its lowest and the net reached %.2f%%; "
          "with zero biases (the standard init) it fell by %.0f%% and the "
          "net reached %.2f%%.  %s\n", 100 * fall[0], 100 * acc[0],
          100 * fall[1], 100 * acc[1],
          acc[0] > acc[1] + 0.2 && fall[1] > fall[0] ?
          "So on this net network2's random biases, which spread the units' "
          "operating points over the sigmoid, spare it the paper's "
          "stall; the zero biases reproduce it." :
          "The two inits do not differ here as they would if the biases "
          "alone decided the stall.");
  return 0;
}

/* Sutskever et al.'s schedule against constant momentum on the deepest
 * net of the remedies stage and, because that one does not leave its
 * plateau, on the chapter's deepest.  eta = 0.01: constant mu = 0.9 then
 * takes network2's long-run step eta/(1-mu) = 0.1. */
#define MOM_ETA 0.01
#define MOM_EPOCHS 10
#define MOM_QUICK 3

static const size_t mom_hidden[] = {8, 4};
#define NNET (sizeof mom_hidden / sizeof *mom_hidden)

static const struct {
  gc_schedule schedule;
  double mu;
  const char *title, *key; /* Markdown, gnuplot (enhanced) */
} mom_cfgs[] = {
  {GC_SCHEDULE_CONSTANT, 0.9, "constant μ = 0.9", "constant μ = 0.9"},
  {GC_SCHEDULE_SUTSKEVER, 0.9, "Sutskever, μ_max = 0.9",
   "Sutskever, μ_{max} = 0.9"},
  {GC_SCHEDULE_SUTSKEVER, 0.99, "Sutskever, μ_max = 0.99",
   "Sutskever, μ_{max} = 0.99"},
};
#define NMOM (sizeof mom_cfgs / sizeof *mom_cfgs)
#define NRUN (NNET * NMOM)

static int momentum_csv(const stage_ctx *ctx, const double *acc,
                        const size_t *done, size_t epochs)
{
  outfile o;
  if (outfile_open(&o, ctx->dir, "saturation_momentum.csv")) return CLI_FAIL;
  fprintf(o.f, "epoch");
  for (size_t k = 0; k < NRUN; k++)
    fprintf(o.f, ",hidden%zu_%s_%g", mom_hidden[k / NMOM],
            gc_schedule_name(mom_cfgs[k % NMOM].schedule),
            mom_cfgs[k % NMOM].mu);
  fputc('\n', o.f);
  for (size_t e = 0; e < epochs; e++) {
    fprintf(o.f, "%zu", e + 1);
    for (size_t k = 0; k < NRUN; k++)
      fprintf(o.f, ",%.17g", e < done[k] ? acc[k * epochs + e] : NAN);
    fputc('\n', o.f);
  }
  return outfile_commit(&o) ? CLI_FAIL : 0;
}

static int momentum(const stage_ctx *ctx, FILE *md, const gc_mnist *m)
{
  gc_run_config c;
  base_config(&c, ctx, m, MOM_EPOCHS, MOM_QUICK);
  size_t epochs = c.epochs;
  double *acc = calloc(NRUN * epochs, sizeof *acc), best[NRUN];
  size_t done[NRUN], bestep[NRUN];
  if (!acc) return cli_fail(CLI_FAIL, "out of memory");
  for (size_t k = 0; k < NRUN; k++) {
    size_t H = mom_hidden[k / NMOM], sizes[16];
    sizes[0] = 784;
    for (size_t l = 1; l <= H; l++) sizes[l] = 30;
    sizes[H + 1] = 10;
    base_config(&c, ctx, m, MOM_EPOCHS, MOM_QUICK);
    gc_run_result r;
    if (gc_run_config_set_sizes(&c, H + 2, sizes)) {
      free(acc);
      return cli_fail_lib();
    }
    c.eta = MOM_ETA;
    c.schedule = mom_cfgs[k % NMOM].schedule;
    c.momentum = mom_cfgs[k % NMOM].mu;
    if (gc_run_perform(&r, &c, m, NULL, NULL)) {
      free(acc);
      return cli_fail_lib();
    }
    done[k] = r.epochs;
    best[k] = r.best_accuracy;
    bestep[k] = r.best_epoch;
    for (size_t e = 0; e < r.epochs; e++)
      acc[k * epochs + e] = r.history[e].evaluation_accuracy;
    gc_run_result_free(&r);
  }
  if (momentum_csv(ctx, acc, done, epochs)) {
    free(acc);
    return CLI_FAIL;
  }
  size_t upe = (c.train_size ? c.train_size : m->training.n) / c.batch;
  fprintf(md, "\n### Sutskever's momentum schedule\n\n"
          "[784, 30 × 8, 10] (the remedies stage's deepest net) and "
          "[784, 30 × 4, 10], sigmoid, network2's default init, λ = %g, "
          "mini-batch %zu, %zu epoch%s on %s training images, η = %g, "
          "with momentum: constant μ = 0.9 against Sutskever, Martens, Dahl "
          "and Hinton's schedule μ_t = min(1 − 2^(−1−log₂(⌊t/250⌋+1)), "
          "μ_max) (`train --momentum-schedule sutskever --momentum-max "
          "MU`), which starts at 0.5 and reaches 0.9 after 1000 updates "
          "and 0.99 after 12,250 (an epoch here is %zu updates).  η = %g "
          "because constant μ = 0.9 then takes network2's long-run step "
          "η/(1−μ) = 0.1, network2's η without momentum; μ_max = 0.99 "
          "takes ten times that.\n\n"
          "| net | momentum | validation accuracy, epoch 1 | last epoch | "
          "best (epoch) |\n|---|---|---|---|---|\n", c.lambda, c.batch,
          epochs, epochs == 1 ? "" : "s",
          c.train_size ? "the first 10,000" : "all 50,000", MOM_ETA, upe,
          MOM_ETA);
  for (size_t k = 0; k < NRUN; k++)
    fprintf(md, "| %zu hidden | %s | %.2f%% | %.2f%% | %.2f%% (%zu) |\n",
            mom_hidden[k / NMOM], mom_cfgs[k % NMOM].title,
            100 * acc[k * epochs], 100 * acc[k * epochs + done[k] - 1],
            100 * best[k], bestep[k]);
  /* what the numbers say: does any run of the deep net leave chance, and
   * does the schedule's fast start pay on the shallower one */
  double b8 = 0, d8 = 0;
  for (size_t k = 0; k < NMOM; k++) b8 = best[k] > b8 ? best[k] : b8;
  for (size_t k = 1; k < NMOM; k++)
    for (size_t e = 0; e < done[k] && e < done[0]; e++)
      d8 = fmax(d8, fabs(acc[k * epochs + e] - acc[e]));
  const double *c4 = acc + NMOM * epochs, *s4 = acc + (NMOM + 2) * epochs;
  size_t e2 = epochs > 1 ? 1 : 0;
  fprintf(md, "\n%s%s  On [784, 30 × 4, 10] the schedule with μ_max = 0.99 "
          "%s: %.1f%% against %.1f%% for constant μ = 0.9 after epoch %zu, "
          "%.1f%% against %.1f%% after the last; the schedule capped at 0.9 "
          "differs from constant 0.9 only in its first 1000 updates "
          "(%.1f%% against %.1f%% after epoch 1).  Sutskever et al. paired "
          "the schedule with a sparse or carefully scaled init and far more "
          "updates; with network2's default init and these epochs the "
          "schedule alone does not rescue the 8-hidden-layer net.\n",
          b8 < 0.2 ? "No run of the 8-hidden-layer net leaves chance (its "
          "best validation accuracy is below 20%): neither constant "
          "momentum nor the schedule gets it off its plateau within these "
          "epochs (nor did η from 0.01 to 1, μ_max = 0.999 or λ = 0 in 10 "
          "to 30 epochs of `gradchain train`, tried while writing this "
          "stage)." : "The 8-hidden-layer net leaves chance (see the "
          "table).", d8 < 0.01 ? "  Its three curves lie within 1% of "
          "one another." : "",
          s4[e2] < 0.2 && c4[e2] < 0.2 ? "and constant momentum have not "
          "left chance yet" : s4[e2] > c4[e2] + 0.05 ?
          "leaves the plateau sooner" : "does not leave the plateau sooner",
          100 * s4[e2], 100 * c4[e2], e2 + 1,
          100 * s4[done[NMOM + 2] - 1], 100 * c4[done[NMOM] - 1],
          100 * acc[(NMOM + 1) * epochs], 100 * c4[0]);
  free(acc);
  char body[2048];
  int n = snprintf(body, sizeof body,
                   "set title 'sigmoid, default init, η = %g: momentum "
                   "schedules'\nset xlabel 'epoch'\n"
                   "set ylabel 'validation accuracy (%%)'\nset yrange [0:100]\n"
                   "set xrange [1:%zu]\nset xtics 1\n"
                   "set key outside right top box opaque\nplot ", MOM_ETA,
                   epochs);
  for (size_t k = 0; k < NRUN; k++)
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "'saturation_momentum.csv' skip 1 using 1:($%zu*100) with "
                  "linespoints lw 2 pt %d lc %zu dt %d title '%zu hidden, "
                  "%s'%s", k + 2, k < NMOM ? 7 : 6, k % NMOM + 1,
                  k < NMOM ? 1 : 2, mom_hidden[k / NMOM],
                  mom_cfgs[k % NMOM].key, k + 1 < NRUN ? ", \\\n  " : "\n");
  return stage_figure(ctx, md, "saturation_momentum", "validation accuracy "
                      "per epoch under the momentum schedules", body);
}

int stage_saturation(const stage_ctx *ctx, FILE *md)
{
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, ctx->data)) return cli_fail_lib();
  fprintf(md, "## Saturation and the momentum schedule\n\n");
  if (ctx->quick)
    fprintf(md, "> **Quick run**: 1 epoch (activations) and %d (momentum) on at "
            "most 10,000 training images instead of 5 and %d on 50,000, "
            "records every 100 mini-batches instead of 500; the numbers "
            "below are not the full stage's.\n\n", MOM_QUICK, MOM_EPOCHS);
  int st = activations(ctx, md, m);
  if (!st) st = momentum(ctx, md, m);
  gc_mnist_free(m);
  return st;
}
