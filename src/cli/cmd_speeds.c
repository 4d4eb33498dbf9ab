/* cmd_speeds.c -- `gradchain speeds`: the chapter's speed of learning
 * ||delta^l|| of every hidden layer, at initialisation and (--train)
 * during 500 epochs of batch gradient descent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "gradchain/train.h"
#include "gradchain/speeds_study.h"
#include "cli/cli.h"
#include "cli/actout.h"
#include "cli/options.h"
#include "cli/outfile.h"
#include "cli/runout.h"
#include "cli/reproduce/stages.h"

static const char usage[] =
  "Usage: gradchain speeds [--sizes LIST] [--seeds N] [--examples N] [OPTIONS]\n"
  "       gradchain speeds --train [--sizes LIST] [--epochs N] [OPTIONS]\n\n"
  "The speed of learning of hidden layer l is ||delta^l||, the length of\n"
  "dC/db^l averaged over the first 1000 training images (cross-entropy,\n"
  "default initialiser).  Without --train: right after initialisation, over\n"
  "--seeds seeds, beside the book's values, with the gradients of the first\n"
  "six neurons of every hidden layer.  With --train: before every epoch of\n"
  "batch gradient descent on those images (mini-batch = all of them,\n"
  "eta = 0.1, lambda = 5.0, 500 epochs).\n\n"
  "  --sizes LIST     layer sizes (784,30,30,10)\n"
  "  --seeds N        seeds S..S+N-1 (1); with --train only S\n"
  "  --seed S         the first seed S (1)\n"
  "  --examples N     images averaged over (1000)\n"
  "  --train          the speeds during training\n"
  "  --epochs N       epochs of --train (500)\n"
  "  --eta ETA        learning rate of --train (0.1)\n"
  "  --lambda L       L2 regularisation of --train (5.0)\n"
  "  --monitor activations\n"
  "                   with --train: the activation statistics of every\n"
  "                   hidden layer (see gradchain train --help) before the\n"
  "                   first epoch and after each; --plot draws them too\n"
  "  --stats-sample N, --stats-every K   as for gradchain train\n"
  "  --activation A, --output O, --cost C, --init I, --sigma-w S,\n"
  "  --sigma-b S      the net, as for gradchain train\n"
  "  --momentum MU, --nesterov\n"
  "                   with --train: momentum, as for gradchain train\n"
  "  --momentum-max MU, --momentum-schedule constant|sutskever\n"
  "                   with --train: momentum, as for gradchain train\n"
  "  --data DIR       MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --plot DIR       also write the CSV, gnuplot script and PNG there\n"
  "  --format F       text | json | csv (text)\n"
  "  --quiet          no progress on stderr\n";

#define TOP GC_SPEEDS_TOP /* neurons per hidden layer in the bar diagram */

typedef gc_speeds_init_result init_result;
typedef gc_speeds_train_result train_result;

/* the book's values, for the book's net only (sigmoid, default init,
 * cross-entropy) */
static const double *book_speeds(const gc_run_config *c, const size_t *sizes,
                                 size_t L)
{
  int book = runout_is_default(c) && c->init == GC_INIT_DEFAULT &&
             c->cost == GC_COST_CROSS_ENTROPY;
  return book ? gc_speeds_book(sizes, L) : NULL;
}

/* The run of a speeds study in reproduce: the defaults with these sizes. */
static void speeds_config(gc_run_config *c, const size_t *sizes, size_t L)
{
  gc_run_config_init(c);
  gc_run_config_set_sizes(c, L, sizes);
}

/* progress of --train, at most once a second */
typedef struct train_progress {
  time_t t0, last;
} train_progress;

static int train_progress_hook(const gc_run *run, void *arg)
{
  train_progress *p = arg;
  size_t e = run->result.epochs, epochs = run->cfg.epochs;
  if (time(NULL) != p->last) {
    p->last = time(NULL);
    double el = difftime(p->last, p->t0);
    fprintf(stderr, "speeds --train: %zu hidden layers, epoch %zu/%zu "
            "[%.0fs, about %.0fs left]\n", run->cfg.nlayers - 2, e, epochs,
            el, el / (double)e * (double)(epochs - e));
  }
  return GC_OK;
}

/* c run as batch gradient descent on its first `examples` images */
static int speeds_train(const gc_mnist *m, const gc_run_config *c,
                        size_t examples, int quiet, train_result *r)
{
  gc_run_config k = *c;
  k.train_size = examples;
  train_progress p = {time(NULL), time(NULL)};
  return gc_speeds_during_training(r, &k, m, quiet ? NULL : train_progress_hook,
                                   &p);
}

/* ------------------------------------------------------------- output */

static void sizes_str(char *buf, size_t n, const size_t *sizes, size_t L)
{
  int k = snprintf(buf, n, "[");
  for (size_t l = 0; l < L && (size_t)k < n - 16; l++)
    k += snprintf(buf + k, n - (size_t)k, "%s%zu", l ? "," : "", sizes[l]);
  snprintf(buf + k, n - (size_t)k, "]");
}

static void json_sizes(FILE *f, const size_t *sizes, size_t L)
{
  fputc('[', f);
  for (size_t l = 0; l < L; l++) fprintf(f, "%s%zu", l ? ", " : "", sizes[l]);
  fputc(']', f);
}

static void init_json(FILE *f, const size_t *sizes, size_t L, const init_result *r)
{
  const double *bk = book_speeds(&r->config, sizes, L);
  fputs("{\"sizes\": ", f);
  json_sizes(f, sizes, L);
  fputs(", \"layers\": [", f);
  for (size_t l = 0; l < r->hidden; l++) {
    fprintf(f, "%s{\"layer\": %zu, \"mean\": ", l ? ", " : "", l + 1);
    cli_json_double(f, r->mean[l]);
    fputs(", \"sd\": ", f);
    cli_json_double(f, r->sd[l]);
    fputs(", \"book\": ", f);
    cli_json_double(f, bk ? bk[l] : NAN);
    fputs(", \"first_neurons\": ", f);
    cli_json_doubles(f, r->neuron + l * TOP,
                     sizes[l + 1] < TOP ? sizes[l + 1] : TOP);
    fputs("}", f);
  }
  double rm, rsd;
  gc_speeds_last_first(&rm, &rsd, r);
  fputs("], \"last_first\": ", f);
  cli_json_double(f, rm);
  fputs(", \"last_first_sd\": ", f);
  cli_json_double(f, rsd);
  fputs(", \"per_seed\": [", f);
  for (size_t s = 0; s < r->seeds; s++) {
    if (s) fputs(", ", f);
    cli_json_doubles(f, r->per_seed + s * r->hidden, r->hidden);
  }
  fputs("]}\n", f);
}

static void init_csv(FILE *f, const size_t *sizes, size_t L, const init_result *r)
{
  const double *bk = book_speeds(&r->config, sizes, L);
  double rm, rsd;
  gc_speeds_last_first(&rm, &rsd, r);
  fputs("layer,mean,sd,book,last_first,last_first_sd\n", f);
  for (size_t l = 0; l < r->hidden; l++) {
    fprintf(f, "%zu,%.17g,%.17g,", l + 1, r->mean[l], r->sd[l]);
    if (bk) fprintf(f, "%g", bk[l]);
    fprintf(f, ",%.17g,%.17g\n", rm, rsd); /* the same on every row */
  }
}

/* Mean-field theory's ratio 1/sqrt(chi1) beside the measured ratios of
 * consecutive layers and the book's (nets with one hidden activation) */
static void prediction(FILE *f, const size_t *sizes, size_t L,
                       const init_result *r)
{
  const gc_run_config *c = &r->config;
  if (r->hidden < 2) return;
  for (size_t k = 1; k < c->nacts; k++)
    if (c->acts[k] != c->acts[0]) return; /* mixed: no single chi1 */
  gc_activation act = c->nacts ? c->acts[0] : c->act;
  double sw2, sb2, ratio, chi1;
  gc_jacobian_init_variances(&sw2, &sb2, c->init, sizes[1], sizes[2],
                             c->sigma_w, c->sigma_b);
  if (gc_meanfield_speed_ratio(&ratio, &chi1, act, sw2, sb2)) {
    fprintf(f, "\nmean field: no prediction (%s)\n", gc_strerror_last());
    return;
  }
  const double *bk = book_speeds(&r->config, sizes, L);
  double mean[GC_RUN_MAX_LAYERS], sd[GC_RUN_MAX_LAYERS];
  gc_speeds_ratios(mean, sd, r);
  fprintf(f, "\nMean field (%s, %s init: sigma_w^2 = %g, sigma_b^2 = %g): "
          "chi1 = %.4g, so each\nlayer should learn 1/sqrt(chi1) = %.3g "
          "times as fast as the one before it.\n%-12s  %-22s  %-8s  %s\n",
          gc_activation_name(act), gc_init_name(c->init), sw2, sb2, chi1,
          ratio, "layers", "measured (mean +- sd)", "theory", "book");
  for (size_t l = 0; l + 1 < r->hidden; l++) {
    char v[64], b[96], name[48];
    snprintf(name, sizeof name, "%zu -> %zu", l + 1, l + 2);
    if (r->seeds > 1) snprintf(v, sizeof v, "%.3f +- %.3f", mean[l], sd[l]);
    else snprintf(v, sizeof v, "%.3f", mean[l]);
    if (bk) snprintf(b, sizeof b, "%.3f (%g/%g)", bk[l + 1] / bk[l], bk[l + 1],
                     bk[l]);
    else snprintf(b, sizeof b, "-");
    fprintf(f, "%-12s  %-22s  %-8.3f  %s\n", name, v, ratio, b);
  }
}

static void init_table(FILE *f, const size_t *sizes, size_t L,
                       const init_result *r, int md)
{
  const double *bk = book_speeds(&r->config, sizes, L);
  char sz[256];
  sizes_str(sz, sizeof sz, sizes, L);
  if (md)
    fprintf(f, "| net | hidden layer | ‖δ‖ (mean%s) | book |\n|---|---|---|---|\n",
            r->seeds > 1 ? " ± sd" : "");
  else {
    runout_remedies_text(f, &r->config);
    fprintf(f, "Speeds of learning at initialisation, %s, %zu seed%s\n"
            "%-6s  %-22s  %s\n", sz, r->seeds, r->seeds == 1 ? "" : "s",
            "layer", "||delta|| (mean +- sd)", "book");
  }
  for (size_t l = 0; l < r->hidden; l++) {
    char v[64], b[16];
    if (r->seeds > 1) snprintf(v, sizeof v, "%.4f ± %.4f", r->mean[l], r->sd[l]);
    else snprintf(v, sizeof v, "%.4f", r->mean[l]);
    if (bk) snprintf(b, sizeof b, "%g", bk[l]);
    else snprintf(b, sizeof b, "-");
    if (md) fprintf(f, "| %s | %zu | %s | %s |\n", l ? "" : sz, l + 1, v, b);
    else fprintf(f, "%-6zu  %-22s  %s\n", l + 1, v, b);
  }
  if (!md) {
    double rm, rsd;
    gc_speeds_last_first(&rm, &rsd, r);
    if (r->seeds > 1)
      fprintf(f, "last / first hidden layer: %.4g +- %.2g\n", rm, rsd);
    else
      fprintf(f, "last / first hidden layer: %.4g\n", rm);
  }
  if (!md) prediction(f, sizes, L, r);
  if (!md) {
    fputs("\ndC/db of the first six neurons of each hidden layer (seed 1):\n", f);
    for (size_t l = 0; l < r->hidden; l++) {
      fprintf(f, "layer %zu:", l + 1);
      for (size_t j = 0; j < TOP && j < sizes[l + 1]; j++)
        fprintf(f, " %+.5f", r->neuron[l * TOP + j]);
      fputc('\n', f);
    }
  }
}

static void train_csv(FILE *f, const train_result *r)
{
  fputs("epoch", f);
  for (size_t l = 0; l < r->hidden; l++) fprintf(f, ",layer%zu", l + 1);
  fputc('\n', f);
  for (size_t e = 0; e < r->epochs; e++) {
    fprintf(f, "%zu", e);
    for (size_t l = 0; l < r->hidden; l++)
      fprintf(f, ",%.17g", r->series[e * r->hidden + l]);
    fputc('\n', f);
  }
}

static void train_json(FILE *f, const size_t *sizes, size_t L, const train_result *r)
{
  fputs("{\"sizes\": ", f);
  json_sizes(f, sizes, L);
  fprintf(f, ", \"epochs\": %zu, \"series\": [", r->epochs);
  for (size_t e = 0; e < r->epochs; e++) {
    fputs(e ? ",\n  " : "\n  ", f);
    cli_json_doubles(f, r->series + e * r->hidden, r->hidden);
  }
  fputs("],\n \"final_ratio\": ", f);
  cli_json_double(f, r->final_ratio);
  if (r->run.nrecords) { /* the records after each epoch, beside series */
    fputs(",\n \"activations\": [", f);
    for (size_t e = 0; e < r->epochs; e++) {
      fputs(e ? ",\n  " : "\n  ", f);
      act_json_layers(f, act_epoch_layers(&r->run, e + 1), r->hidden);
    }
    fputc(']', f);
    act_json_records(f, &r->run);
  }
  fputs("}\n", f);
}

static void train_text(FILE *f, const size_t *sizes, size_t L, const train_result *r)
{
  char sz[256];
  sizes_str(sz, sizeof sz, sizes, L);
  runout_remedies_text(f, &r->config);
  fprintf(f, "Speeds of learning during training, %s, %zu epochs\n%-7s", sz,
          r->epochs, "epoch");
  for (size_t l = 0; l < r->hidden; l++) fprintf(f, "  layer %-6zu", l + 1);
  fputc('\n', f);
  for (size_t e = 0; e < r->epochs; e++) {
    if (r->epochs > 12 && e % (r->epochs / 10) != 0 && e + 1 != r->epochs) continue;
    fprintf(f, "%-7zu", e);
    for (size_t l = 0; l < r->hidden; l++)
      fprintf(f, "  %-12.5g", r->series[e * r->hidden + l]);
    fputc('\n', f);
  }
  fprintf(f, "last / first hidden layer at the end: %.3g\n", r->final_ratio);
}

/* figures */
static int plot_init(const stage_ctx *ctx, FILE *md, const char *name,
                     const size_t *sizes, size_t L, const init_result *r)
{
  char file[128];
  snprintf(file, sizeof file, "%s.csv", name);
  outfile o;
  if (outfile_open(&o, ctx->dir, file)) return CLI_FAIL;
  fputs("neuron", o.f);
  for (size_t l = 0; l < r->hidden; l++) fprintf(o.f, ",layer%zu", l + 1);
  fputc('\n', o.f);
  for (size_t j = 0; j < TOP; j++) {
    fprintf(o.f, "%zu", j + 1);
    for (size_t l = 0; l < r->hidden; l++)
      fprintf(o.f, ",%.17g", j < sizes[l + 1] ? r->neuron[l * TOP + j] : NAN);
    fputc('\n', o.f);
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  char body[2048], sz[256];
  sizes_str(sz, sizeof sz, sizes, L);
  int n = snprintf(body, sizeof body,
        "set title \"∂C/∂b of the first six neurons of each hidden layer, %s, "
        "at initialisation\"\n"
        "set xlabel 'neuron'\nset ylabel '∂C/∂b (average over 1000 images)'\n"
        "set style data histograms\nset style histogram clustered gap 1\n"
        "set style fill solid 0.8 border -1\nset xzeroaxis\nset key top left\n"
        "plot ", sz);
  for (size_t l = 0; l < r->hidden; l++)
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "%s'%s' using %zu:xtic(1) skip 1 title 'hidden layer %zu'",
                  l ? ", " : "", file, l + 2, l + 1);
  snprintf(body + n, sizeof body - (size_t)n, "\n");
  return stage_figure(ctx, md, name, "Gradients of the first six neurons of "
                      "every hidden layer at initialisation", body);
}

static int plot_train(const stage_ctx *ctx, FILE *md, const char *name,
                      const size_t *sizes, size_t L, const train_result *r)
{
  char file[128];
  snprintf(file, sizeof file, "%s.csv", name);
  outfile o;
  if (outfile_open(&o, ctx->dir, file)) return CLI_FAIL;
  train_csv(o.f, r);
  if (outfile_commit(&o)) return CLI_FAIL;
  char body[2048], sz[256], cap[320];
  sizes_str(sz, sizeof sz, sizes, L);
  int n = snprintf(body, sizeof body,
        "set title 'Speed of learning during training, %s'\n"
        "set xlabel 'epoch'\nset ylabel '‖δ^l‖ (log scale)'\n"
        "set logscale y\nset format y '10^{%%L}'\nset key top right\n"
        "plot ", sz);
  for (size_t l = 0; l < r->hidden; l++)
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "%s'%s' using 1:%zu skip 1 with lines lw 2 title 'hidden layer %zu'",
                  l ? ", " : "", file, l + 2, l + 1);
  snprintf(body + n, sizeof body - (size_t)n, "\n");
  snprintf(cap, sizeof cap, "Speed of learning of each hidden layer during "
           "training, %s", sz);
  return stage_figure(ctx, md, name, cap, body);
}

/* --------------------------------------------------------------- stage */

int stage_speeds(const stage_ctx *ctx, FILE *md)
{
  static const size_t n2[] = {784, 30, 30, 10}, n3[] = {784, 30, 30, 30, 10},
                      n4[] = {784, 30, 30, 30, 30, 10};
  const size_t *nets[] = {n2, n3, n4};
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, ctx->data)) return cli_fail_lib();
  size_t epochs = ctx->quick ? 100 : 500;
  fprintf(md, "## Learning speeds at initialisation\n\n"
          "‖δ^l‖ = length of ∂C/∂b^l averaged over the first 1000 training "
          "images, right after the default initialisation, cross-entropy; "
          "%d seed%s.  The earlier layers learn more slowly.\n\n",
          ctx->seeds, ctx->seeds == 1 ? "" : "s");
  int st = 0;
  init_result ir[3];
  memset(ir, 0, sizeof ir);
  for (int k = 0; k < 3 && !st; k++)
  {
    gc_run_config c;
    speeds_config(&c, nets[k], (size_t)k + 4);
    if (gc_speeds_at_init(&ir[k], &c, (size_t)ctx->seeds, 1000, m))
      st = cli_fail_lib();
  }
  for (int k = 0; k < 3 && !st; k++) {
    init_table(md, nets[k], (size_t)k + 4, &ir[k], 1);
    fputc('\n', md);
  }
  if (!st) {
    outfile o;
    if (outfile_open(&o, ctx->dir, "speeds_init.json")) st = CLI_FAIL;
    else {
      fputs("[\n", o.f);
      for (int k = 0; k < 3; k++) {
        init_json(o.f, nets[k], (size_t)k + 4, &ir[k]);
        if (k < 2) fputs(",", o.f);
      }
      fputs("]\n", o.f);
      st = outfile_commit(&o);
    }
  }
  for (int k = 0; k < 3 && !st; k++) {
    char name[64];
    snprintf(name, sizeof name, "speeds_init_%dhidden", k + 2);
    st = plot_init(ctx, md, name, nets[k], (size_t)k + 4, &ir[k]);
  }
  for (int k = 0; k < 3; k++) gc_speeds_init_result_free(&ir[k]);
  if (!st)
    fprintf(md, "\n## Learning speeds during training\n\n"
            "Batch gradient descent on the first 1000 training images "
            "(mini-batch 1000), η = 0.1, λ = 5.0, %zu epochs%s; ‖δ^l‖ before "
            "every epoch.  The book: the last hidden layer ends up learning "
            "about 100 times faster than the first in the four-hidden-layer "
            "net.\n\n| net | last / first hidden layer at the end |\n|---|---|\n",
            epochs, ctx->quick ? " (quick run: the book uses 500)" : "");
  train_result tr[3];
  memset(tr, 0, sizeof tr);
  /* The three trainings are independent and each runs on one core: side
   * by side on OpenMP's threads (each result is the same bits on any
   * number of threads).  The library's message is per thread: kept. */
  int fail[3] = {0, 0, 0};
  char why[3][512];
  if (!st) {
#pragma omp parallel for schedule(dynamic, 1)
    for (int k = 2; k >= 0; k--) { /* the longest first */
      gc_run_config c;
      speeds_config(&c, nets[k], (size_t)k + 4);
      c.epochs = epochs;
      if ((fail[k] = speeds_train(m, &c, 1000, 1, &tr[k])))
        snprintf(why[k], sizeof why[k], "%s", gc_strerror_last());
    }
  }
  for (int k = 0; k < 3 && !st; k++) {
    if (fail[k]) {
      st = cli_fail(CLI_FAIL, "%s", why[k]);
      break;
    }
    char sz[256];
    sizes_str(sz, sizeof sz, nets[k], (size_t)k + 4);
    fprintf(md, "| %s | %.3g |\n", sz, tr[k].final_ratio);
  }
  for (int k = 0; k < 3 && !st; k++) {
    char name[64];
    snprintf(name, sizeof name, "speeds_train_%dhidden", k + 2);
    st = plot_train(ctx, md, name, nets[k], (size_t)k + 4, &tr[k]);
  }
  for (int k = 0; k < 3; k++) gc_speeds_train_result_free(&tr[k]);
  gc_mnist_free(m);
  return st;
}

/* ------------------------------------------------------------- command */

static const cli_opt speeds_opts[] = {
  OPT_SIZES, OPT_SEEDS, OPT_SEED, OPT_EXAMPLES, OPT_TRAIN, OPT_EPOCHS,
  OPT_ETA, OPT_LAMBDA, OPT_MONITOR, OPT_STATS_SAMPLE, OPT_STATS_EVERY,
  OPT_MOMENTUM_SCHEDULE, OPT_MOMENTUM_MAX, OPT_ACTIVATIONS, OPT_OUTPUT,
  OPT_COST, OPT_INIT, OPT_SIGMA_W, OPT_SIGMA_B, OPT_MOMENTUM, OPT_NESTEROV,
  OPT_DATA, OPT_PLOT, OPT_FORMAT, OPT_QUIET, OPT_HELP};

/* the study the options ask for, printed and plotted */
static int speeds(const cli_args *a, const gc_mnist *m)
{
  const gc_run_config *c = &a->run;
  const size_t *sizes = c->sizes, L = c->nlayers;
  int st = CLI_OK;
  stage_ctx ctx = {a->plot, 0, a->train ? 1 : (int)a->seeds, a->data,
                   a->quiet, 0};
  FILE *devnull = a->plot ? fopen("/dev/null", "w") : NULL;
  if (a->plot && (make_dirs(a->plot) || !devnull)) st = CLI_FAIL;
  if (!a->train) {
    init_result r;
    if (gc_speeds_at_init(&r, c, a->seeds, a->examples, m))
      return cli_fail_lib();
    if (a->format == CLI_JSON) init_json(stdout, sizes, L, &r);
    else if (a->format == CLI_CSV) init_csv(stdout, sizes, L, &r);
    else init_table(stdout, sizes, L, &r, 0);
    if (!st && a->plot && plot_init(&ctx, devnull, "speeds_init", sizes, L, &r))
      st = CLI_FAIL;
    gc_speeds_init_result_free(&r);
  } else {
    train_result r;
    if (speeds_train(m, c, a->examples, a->quiet, &r)) return cli_fail_lib();
    if (a->format == CLI_JSON) train_json(stdout, sizes, L, &r);
    else if (a->format == CLI_CSV) train_csv(stdout, &r);
    else train_text(stdout, sizes, L, &r);
    if (a->format == CLI_TEXT) act_text(stdout, &r.run);
    if (!st && a->plot && plot_train(&ctx, devnull, "speeds_train", sizes, L, &r))
      st = CLI_FAIL;
    if (!st && a->plot && r.run.nrecords) {
      char title[320];
      sizes_str(title, sizeof title, sizes, L);
      strcat(title, ", batch gradient descent");
      if (act_plot(&ctx, devnull, "activations", title, &r.run)) st = CLI_FAIL;
    }
    gc_speeds_train_result_free(&r);
  }
  if (devnull) fclose(devnull);
  return st;
}

int cmd_speeds(int argc, char **argv)
{
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, speeds_opts, sizeof speeds_opts /
                          sizeof *speeds_opts, 1, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  if (!CLI_GIVEN(&a, OPT_SIZES)) {
    static const size_t def[] = {784, 30, 30, 10};
    gc_run_config_set_sizes(&a.run, 4, def);
  }
  if (!CLI_GIVEN(&a, OPT_EPOCHS)) a.run.epochs = 500;
  if (!CLI_GIVEN(&a, OPT_MONITOR)) a.run.monitor = 0;
  else if (a.run.monitor & ~(unsigned)GC_MONITOR_ACTIVATIONS || !a.train)
    return cli_fail(CLI_USAGE, "--monitor: speeds takes only activations, "
                    "and only with --train");
  if ((st = cli_check_momentum(&a))) return st;
  if (a.run.nlayers < 3)
    return cli_fail(CLI_USAGE, "--sizes: the speeds need at least one "
                    "hidden layer");
  if ((st = cli_check_remedies(&a, a.run.nlayers - 2))) return st;
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, a.data)) return cli_fail_lib();
  const gc_run_config *c = &a.run;
  if ((st = cli_check_sizes(c, &m->training)))
    ;
  else if (a.examples > m->training.n)
    st = cli_fail(CLI_USAGE, "--examples %zu: the training set has %zu",
                  a.examples, m->training.n);
  else if ((st = cli_check_stats(&a, m->validation.n)))
    ;
  else
    st = speeds(&a, m);
  gc_mnist_free(m);
  return st;
}
