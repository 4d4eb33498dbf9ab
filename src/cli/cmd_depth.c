/* cmd_depth.c -- `gradchain depth`: validation accuracy against the number
 * of hidden layers, over several seeds, beside the book's numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "gradchain/train.h"
#include "gradchain/depth.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/outfile.h"
#include "cli/runout.h"
#include "cli/reproduce/stages.h"
#include "cli/sweep.h"


/* The book's accuracy, for the book's nets only (network2's sigmoid net,
 * default initialiser, cross-entropy): NaN beside anything else. */
static double depth_book(const gc_depth_config *c, size_t hidden)
{
  int book = runout_is_default(&c->base) && c->base.init == GC_INIT_DEFAULT &&
             c->base.cost == GC_COST_CROSS_ENTROPY;
  return book ? gc_depth_book(c->width, hidden) : NAN;
}

static const char usage[] =
  "Usage: gradchain depth [OPTIONS]\n\n"
  "Trains [784,W,10], [784,W,W,10], ... (W = --width) with the chapter's\n"
  "settings over several seeds and prints, for each number of hidden layers,\n"
  "the mean and standard deviation of the final and of the best validation\n"
  "accuracy, and the epoch of the best, beside the book's value.\n\n"
  "  --depths LIST     numbers of hidden layers, a list of numbers and\n"
  "                    ranges A..B (1,2,3,4; 1..10 is ten depths)\n"
  "  --width W         neurons per hidden layer (30)\n"
  "  --epochs N        epochs (30)\n"
  "  --batch M         mini-batch size (10)\n"
  "  --eta ETA         learning rate (0.1)\n"
  "  --lambda L        L2 regularisation (5.0)\n"
  "  --seeds N         seeds 1..N (1)\n"
  "  --activation A    the hidden layers' activation (sigmoid); a list, one\n"
  "                    per hidden layer, only when every depth has that many\n"
  "  --output O, --cost C, --init I, --sigma-w S, --sigma-b S, --momentum MU,\n"
  "  --nesterov        the net and its update, as for gradchain train\n"
  "  --train-size N    train on the first N training images (all 50000)\n"
  "  --data DIR        MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --plot DIR        also write depth.csv, depth.gp and depth.png there\n"
  "  --format F        text | json | csv (text)\n"
  "  --quiet           no progress on stderr\n";

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* progress on stderr after every run */
static void progress(const gc_run_result *run, size_t done, size_t total,
                     void *arg)
{
  const double *t0 = arg;
  const gc_run_config *c = &run->config;
  size_t hidden = c->nlayers - 2;
  double el = now() - *t0;
  fprintf(stderr, "depth: %zu hidden layer%s, seed %lu: final %.2f%%, "
          "best %.2f%%  [%zu/%zu, %.0fs, about %.0fs left]\n", hidden,
          hidden == 1 ? "" : "s", c->seed, 100 * run->final_accuracy,
          100 * run->best_accuracy, done, total, el,
          el / (double)done * (double)(total - done));
}

static int run_study(gc_depth_result *res, const gc_depth_config *c,
                     const char *data, int quiet)
{
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, data)) return cli_fail_lib();
  double t0 = now();
  gc_depth_config pc = *c; /* the runs on the process pool of sweep */
  pc.runner = cli_pool_batch;
  int st = gc_depth_study(res, &pc, m, quiet ? NULL : progress, &t0);
  gc_mnist_free(m);
  return st ? cli_fail_lib() : CLI_OK;
}

static void print_json(FILE *f, const gc_depth_result *res)
{
  const gc_depth_config *c = &res->config;
  fprintf(f, "{\"width\": %zu, \"epochs\": %zu, \"batch\": %zu, \"eta\": ",
          c->width, c->base.epochs, c->base.batch);
  cli_json_double(f, c->base.eta);
  fputs(", \"lambda\": ", f);
  cli_json_double(f, c->base.lambda);
  fprintf(f, ", \"seeds\": %zu", c->seeds);
  runout_remedies_keys(f, &c->base);
  if (c->base.momentum > 0) {
    fputs(", \"momentum\": ", f);
    cli_json_double(f, c->base.momentum);
    fprintf(f, ", \"nesterov\": %s", c->base.nesterov ? "true" : "false");
  }
  fputs(", \"rows\": [", f);
  for (size_t d = 0; d < c->ndepths; d++) {
    const gc_depth_row *r = &res->rows[d];
    fprintf(f, "%s\n  {\"hidden\": %zu, \"final_mean\": ", d ? "," : "", r->hidden);
    cli_json_double(f, r->final_mean);
    fputs(", \"final_sd\": ", f);
    cli_json_double(f, r->final_sd);
    fputs(", \"best_mean\": ", f);
    cli_json_double(f, r->best_mean);
    fputs(", \"best_sd\": ", f);
    cli_json_double(f, r->best_sd);
    fputs(", \"best_epoch_mean\": ", f);
    cli_json_double(f, r->best_epoch_mean);
    fputs(", \"best_epoch_sd\": ", f);
    cli_json_double(f, r->best_epoch_sd);
    fputs(", \"book\": ", f);
    cli_json_double(f, depth_book(c, r->hidden));
    fputs(", \"final\": ", f);
    cli_json_doubles(f, r->final, c->seeds);
    fputs(", \"best\": ", f);
    cli_json_doubles(f, r->best, c->seeds);
    fputs(", \"best_epoch\": [", f);
    for (size_t s = 0; s < c->seeds; s++)
      fprintf(f, s ? ", %zu" : "%zu", r->best_epoch[s]);
    fputc(']', f);
    fputs("}", f);
  }
  fputs("]}\n", f);
}

static void print_csv(FILE *f, const gc_depth_result *res)
{
  const gc_depth_config *c = &res->config;
  fputs("hidden,final_mean,final_sd,best_mean,best_sd,book,best_epoch_mean,"
        "best_epoch_sd\n", f);
  for (size_t d = 0; d < c->ndepths; d++) {
    const gc_depth_row *r = &res->rows[d];
    double b = depth_book(c, r->hidden);
    fprintf(f, "%zu,%.6f,%.6f,%.6f,%.6f,", r->hidden, r->final_mean,
            r->final_sd, r->best_mean, r->best_sd);
    if (!isnan(b)) fprintf(f, "%.4f", b);
    fprintf(f, ",%.4f,%.4f\n", r->best_epoch_mean, r->best_epoch_sd);
  }
}

/* Markdown table (also the text output) */
static void print_table(FILE *f, const gc_depth_result *res,
                        int markdown)
{
  const gc_depth_config *c = &res->config;
  const char *sep = markdown ? " | " : "  ";
  if (markdown)
    fprintf(f, "| hidden layers | sizes | final accuracy (%%) | best accuracy "
            "(%%) | epoch of the best | book (%%) |\n"
            "|---|---|---|---|---|---|\n");
  else {
    runout_remedies_text(f, &c->base);
    fprintf(f, "%-7s  %-24s  %-16s  %-16s  %-14s  %s\n", "hidden", "sizes",
            "final (%)", "best (%)", "best epoch", "book (%)");
  }
  for (size_t d = 0; d < c->ndepths; d++) {
    const gc_depth_row *r = &res->rows[d];
    char sizes[128], fin[48], bst[48], bk[16], ep[48];
    int n = snprintf(sizes, sizeof sizes, "[784");
    for (size_t l = 0; l < r->hidden && n < 100; l++)
      n += snprintf(sizes + n, sizeof sizes - (size_t)n, ",%zu", c->width);
    snprintf(sizes + n, sizeof sizes - (size_t)n, ",10]");
    if (c->seeds > 1) {
      snprintf(fin, sizeof fin, "%.2f ± %.2f", 100 * r->final_mean, 100 * r->final_sd);
      snprintf(bst, sizeof bst, "%.2f ± %.2f", 100 * r->best_mean, 100 * r->best_sd);
      snprintf(ep, sizeof ep, "%.1f ± %.1f", r->best_epoch_mean,
               r->best_epoch_sd);
    } else {
      snprintf(ep, sizeof ep, "%zu", r->best_epoch[0]);
      snprintf(fin, sizeof fin, "%.2f", 100 * r->final_mean);
      snprintf(bst, sizeof bst, "%.2f", 100 * r->best_mean);
    }
    double b = depth_book(c, r->hidden);
    if (isnan(b)) snprintf(bk, sizeof bk, "-");
    else snprintf(bk, sizeof bk, "%.2f", 100 * b);
    if (markdown)
      fprintf(f, "| %zu%s%s%s%s%s%s%s%s%s%s |\n", r->hidden, sep, sizes, sep,
              fin, sep, bst, sep, ep, sep, bk);
    else /* ± is two bytes, one column */
      fprintf(f, "%-7zu  %-24s  %-*s  %-*s  %-*s  %s\n", r->hidden, sizes,
              16 + (c->seeds > 1), fin, 16 + (c->seeds > 1), bst,
              14 + (c->seeds > 1), ep, bk);
  }
}

static int write_plot(const stage_ctx *ctx, FILE *md,
                      const gc_depth_result *res)
{
  const gc_depth_config *c = &res->config;
  outfile o;
  if (outfile_open(&o, ctx->dir, "depth.csv")) return CLI_FAIL;
  print_csv(o.f, res);
  if (outfile_commit(&o)) return CLI_FAIL;
  if (outfile_open(&o, ctx->dir, "depth.json")) return CLI_FAIL;
  print_json(o.f, res);
  if (outfile_commit(&o)) return CLI_FAIL;
  char body[1536];
  snprintf(body, sizeof body,
           "set title 'Validation accuracy against depth (%zu epochs, %zu seed%s)'\n"
           "set xlabel 'hidden layers of %zu neurons'\n"
           "set ylabel 'validation accuracy (%%)'\n"
           "set xtics 1\nset xrange [0.5:%zu.5]\nset key outside right top vertical Left reverse\n"
           "plot 'depth.csv' using 1:($4*100):($5*100) skip 1 with yerrorlines "
           "lw 2 title 'best epoch (mean ± sd)', "
           "'depth.csv' using 1:($2*100):($3*100) skip 1 with yerrorlines "
           "lw 2 title 'final epoch (mean ± sd)', "
           "'depth.csv' using 1:($6*100) skip 1 with linespoints pt 7 ps 1.5 "
           "dt 2 title 'book (network2)'\n",
           c->base.epochs, c->seeds, c->seeds == 1 ? "" : "s", c->width,
           c->depths[c->ndepths - 1]);
  return stage_figure(ctx, md, "depth", "Validation accuracy against the "
                      "number of hidden layers", body);
}

int stage_depth(const stage_ctx *ctx, FILE *md)
{
  gc_depth_config c;
  gc_depth_config_init(&c);
  c.seeds = (size_t)ctx->seeds;
  if (ctx->quick) c.base.epochs = 3;
  gc_depth_result res;
  if (run_study(&res, &c, ctx->data, ctx->quiet)) return CLI_FAIL;
  fprintf(md, "## Accuracy against depth\n\n"
          "network2's settings: %zu epochs, mini-batch %zu, η = %g, λ = %g, "
          "cross-entropy, default initialiser, trained on %s training "
          "images, validation accuracy after every epoch; %zu seed%s.  The "
          "book's point: more hidden layers do not help, although a deeper "
          "net can represent more.\n\n",
          c.base.epochs, c.base.batch, c.base.eta, c.base.lambda,
          c.base.train_size ? "the first 10,000" : "the 50,000", c.seeds,
          c.seeds == 1 ? "" : "s (mean ± standard deviation)");
  print_table(md, &res, 1);
  int st = write_plot(ctx, md, &res);
  gc_depth_result_free(&res);
  return st;
}

static const cli_opt depth_opts[] = {
  OPT_DEPTHS, OPT_WIDTH, OPT_EPOCHS, OPT_BATCH, OPT_ETA, OPT_LAMBDA,
  OPT_ACTIVATIONS, OPT_OUTPUT, OPT_COST, OPT_INIT, OPT_SIGMA_W, OPT_SIGMA_B,
  OPT_MOMENTUM, OPT_NESTEROV,
  OPT_SEEDS, OPT_TRAIN_SIZE, OPT_DATA, OPT_PLOT, OPT_FORMAT, OPT_QUIET,
  OPT_HELP};

int cmd_depth(int argc, char **argv)
{
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, depth_opts, sizeof depth_opts /
                          sizeof *depth_opts, 1, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  for (size_t d = 0; d < a.ndepths; d++)
    if (a.depths[d] > GC_DEPTH_MAX)
      return cli_fail(CLI_USAGE, "--depths: %zu hidden layers: a depth is 1 "
                      "to %d", a.depths[d], GC_DEPTH_MAX);
  if ((st = cli_check_remedies(&a, 0))) return st;
  for (size_t d = 0; d < a.ndepths && a.run.nacts; d++)
    if (a.depths[d] != a.run.nacts)
      return cli_fail(CLI_USAGE, "--activation: %zu activations, but a net of "
                      "--depths has %zu hidden layer%s (give one activation "
                      "for every depth)", a.run.nacts, a.depths[d],
                      a.depths[d] == 1 ? "" : "s");
  gc_depth_config c;
  gc_depth_config_init(&c);
  c.base = a.run;
  c.ndepths = a.ndepths;
  memcpy(c.depths, a.depths, a.ndepths * sizeof *a.depths);
  c.width = a.width;
  c.seeds = a.seeds;
  gc_depth_result res;
  if (run_study(&res, &c, a.data, a.quiet)) return CLI_FAIL;
  if (a.format == CLI_JSON) print_json(stdout, &res);
  else if (a.format == CLI_CSV) print_csv(stdout, &res);
  else print_table(stdout, &res, 0);
  if (a.plot) {
    stage_ctx ctx = {a.plot, 0, (int)c.seeds, a.data, a.quiet, 0};
    FILE *devnull = fopen("/dev/null", "w");
    if (make_dirs(a.plot) || !devnull || write_plot(&ctx, devnull, &res))
      st = CLI_FAIL;
    if (devnull) fclose(devnull);
  }
  gc_depth_result_free(&res);
  return st;
}
