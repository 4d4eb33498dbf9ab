/* cmd_speeds.c -- `gradchain speeds`: the chapter's speed of learning
 * ||delta^l|| of every hidden layer, at initialisation and (--train)
 * during 500 epochs of batch gradient descent. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "gradchain/train.h"
#include "cli/cli.h"
#include "cli/outfile.h"
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
  "  --seeds N        seeds 1..N (1); with --train the seed is --seed\n"
  "  --seed S         seed of the --train run (1)\n"
  "  --examples N     images averaged over (1000)\n"
  "  --train          the speeds during training\n"
  "  --epochs N       epochs of --train (500)\n"
  "  --eta ETA        learning rate of --train (0.1)\n"
  "  --lambda L       L2 regularisation of --train (5.0)\n"
  "  --data DIR       MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --plot DIR       also write the CSV, gnuplot script and PNG there\n"
  "  --format F       text | json | csv (text)\n"
  "  --quiet          no progress on stderr\n";

/* The book's speeds at initialisation, by number of hidden layers. */
static const double book2[] = {0.07, 0.31};
static const double book3[] = {0.012, 0.060, 0.283};
static const double book4[] = {0.003, 0.017, 0.070, 0.285};

static const double *book_speeds(const size_t *sizes, size_t L)
{
  if (sizes[0] != 784 || sizes[L - 1] != 10) return NULL;
  for (size_t l = 1; l + 1 < L; l++)
    if (sizes[l] != 30) return NULL;
  switch (L - 2) {
  case 2: return book2;
  case 3: return book3;
  case 4: return book4;
  default: return NULL;
  }
}

#define TOP 6 /* neurons per hidden layer in the bar diagram */

typedef struct init_result {
  size_t L, seeds, hidden;
  double *per_seed;  /* seeds x hidden */
  double *mean, *sd; /* hidden */
  double *neuron;    /* hidden x TOP: dC/db of the first neurons, seed 1 */
} init_result;

static void init_result_free(init_result *r)
{
  free(r->per_seed);
  free(r->mean);
  free(r->sd);
  free(r->neuron);
}

static int speeds_init(const gc_mnist *m, const size_t *sizes, size_t L,
                       size_t seeds, size_t examples, init_result *r)
{
  memset(r, 0, sizeof *r);
  r->L = L;
  r->seeds = seeds;
  r->hidden = L - 2;
  size_t H = r->hidden;
  if (H == 0) return gc_error(GC_EINVAL, "the net has no hidden layer");
  r->per_seed = calloc(seeds * H, sizeof(double));
  r->mean = calloc(H, sizeof(double));
  r->sd = calloc(H, sizeof(double));
  r->neuron = calloc(H * TOP, sizeof(double));
  double *col = malloc(seeds * sizeof(double));
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  int st = r->per_seed && r->mean && r->sd && r->neuron && col && rng
               ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
  for (size_t s = 0; !st && s < seeds; s++) {
    gc_net *net = NULL;
    gc_params g = {0};
    st = gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, GC_COST_CROSS_ENTROPY);
    if (!st) {
      gsl_rng_set(rng, s + 1);
      gc_net_init(net, GC_INIT_DEFAULT, rng);
      st = gc_params_alloc_like(&g, net);
    }
    if (!st) st = gc_layer_speeds(r->per_seed + s * H, &g, net, &m->training,
                                  examples);
    if (!st && s == 0)
      for (size_t l = 1; l <= H; l++)
        for (size_t j = 0; j < TOP && j < sizes[l]; j++)
          r->neuron[(l - 1) * TOP + j] = g.b[l][j];
    gc_params_free(&g);
    gc_net_free(net);
  }
  for (size_t l = 0; !st && l < H; l++) {
    for (size_t s = 0; s < seeds; s++) col[s] = r->per_seed[s * H + l];
    r->mean[l] = gsl_stats_mean(col, 1, seeds);
    r->sd[l] = seeds > 1 ? gsl_stats_sd(col, 1, seeds) : 0;
  }
  free(col);
  gsl_rng_free(rng);
  return st;
}

typedef struct train_result {
  size_t hidden, epochs;
  double *series; /* epochs x hidden: speeds before each epoch */
  double final_ratio;
} train_result;

static int speeds_train(const gc_mnist *m, const size_t *sizes, size_t L,
                        size_t examples, size_t epochs, double eta,
                        double lambda, unsigned long seed, int quiet,
                        train_result *r)
{
  memset(r, 0, sizeof *r);
  size_t H = L - 2;
  r->hidden = H;
  r->epochs = epochs;
  if (H == 0) return gc_error(GC_EINVAL, "the net has no hidden layer");
  r->series = calloc(epochs * H, sizeof(double));
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gc_net *net = NULL;
  gc_trainer *t = NULL;
  int st = r->series && rng ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
  gc_dataset d = m->training;
  if (examples > d.n)
    st = gc_error(GC_EINVAL, "%zu examples asked for, the training set has "
                  "%zu", examples, d.n);
  d.n = examples;
  if (!st) st = gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, GC_COST_CROSS_ENTROPY);
  if (!st) {
    gsl_rng_set(rng, seed);
    gc_net_init(net, GC_INIT_DEFAULT, rng);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.batch = examples; /* batch gradient descent */
    cfg.eta = eta;
    cfg.lambda = lambda;
    cfg.seed = seed + 1; /* as `gradchain train`: init S, shuffling S+1 */
    cfg.monitor = 0;
    st = gc_trainer_alloc(&t, net, &d, NULL, &cfg);
  }
  time_t t0 = time(NULL), last = t0;
  for (size_t e = 0; !st && e < epochs; e++) {
    /* one epoch is one step on all the examples: its gradient, taken at
     * the parameters before the epoch, is exactly the speeds' average */
    st = gc_trainer_epoch(t, NULL);
    for (size_t l = 1; !st && l <= H; l++) {
      double s2 = 0;
      for (size_t j = 0; j < sizes[l]; j++) {
        double g = t->grad.b[l][j] / (double)examples;
        s2 += g * g;
      }
      r->series[e * H + l - 1] = sqrt(s2);
    }
    if (!quiet && time(NULL) != last) {
      last = time(NULL);
      double el = difftime(last, t0);
      fprintf(stderr, "speeds --train: %zu hidden layers, epoch %zu/%zu "
              "[%.0fs, about %.0fs left]\n", H, e + 1, epochs, el,
              el / (double)(e + 1) * (double)(epochs - e - 1));
    }
  }
  if (!st)
    r->final_ratio = r->series[(epochs - 1) * H + H - 1] / r->series[(epochs - 1) * H];
  gc_trainer_free(t);
  gc_net_free(net);
  gsl_rng_free(rng);
  return st;
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
  const double *bk = book_speeds(sizes, L);
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
  fputs("], \"per_seed\": [", f);
  for (size_t s = 0; s < r->seeds; s++) {
    if (s) fputs(", ", f);
    cli_json_doubles(f, r->per_seed + s * r->hidden, r->hidden);
  }
  fputs("]}\n", f);
}

static void init_csv(FILE *f, const size_t *sizes, size_t L, const init_result *r)
{
  const double *bk = book_speeds(sizes, L);
  fputs("layer,mean,sd,book\n", f);
  for (size_t l = 0; l < r->hidden; l++) {
    fprintf(f, "%zu,%.17g,%.17g,", l + 1, r->mean[l], r->sd[l]);
    if (bk) fprintf(f, "%g\n", bk[l]);
    else fputs("\n", f);
  }
}

static void init_table(FILE *f, const size_t *sizes, size_t L,
                       const init_result *r, int md)
{
  const double *bk = book_speeds(sizes, L);
  char sz[256];
  sizes_str(sz, sizeof sz, sizes, L);
  if (md)
    fprintf(f, "| net | hidden layer | ‖δ‖ (mean%s) | book |\n|---|---|---|---|\n",
            r->seeds > 1 ? " ± sd" : "");
  else
    fprintf(f, "Speeds of learning at initialisation, %s, %zu seed%s\n"
            "%-6s  %-22s  %s\n", sz, r->seeds, r->seeds == 1 ? "" : "s",
            "layer", "||delta|| (mean +- sd)", "book");
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
  fputs("}\n", f);
}

static void train_text(FILE *f, const size_t *sizes, size_t L, const train_result *r)
{
  char sz[256];
  sizes_str(sz, sizeof sz, sizes, L);
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
    if (speeds_init(m, nets[k], (size_t)k + 4, (size_t)ctx->seeds, 1000, &ir[k]))
      st = cli_fail_lib();
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
  for (int k = 0; k < 3; k++) init_result_free(&ir[k]);
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
  for (int k = 0; k < 3 && !st; k++) {
    if (speeds_train(m, nets[k], (size_t)k + 4, 1000, epochs, 0.1, 5.0, 1,
                     ctx->quiet, &tr[k])) {
      st = cli_fail_lib();
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
  for (int k = 0; k < 3; k++) free(tr[k].series);
  gc_mnist_free(m);
  return st;
}

/* ------------------------------------------------------------- command */

int cmd_speeds(int argc, char **argv)
{
  static const struct option lo[] = {
    {"sizes", required_argument, 0, 'S'}, {"seeds", required_argument, 0, 's'},
    {"seed", required_argument, 0, 'x'},  {"examples", required_argument, 0, 'n'},
    {"train", no_argument, 0, 'T'},       {"epochs", required_argument, 0, 'e'},
    {"eta", required_argument, 0, 'E'},   {"lambda", required_argument, 0, 'l'},
    {"data", required_argument, 0, 'd'},  {"plot", required_argument, 0, 'p'},
    {"format", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
  size_t *sizes = NULL, L = 0, seeds = 1, examples = 1000, epochs = 500;
  unsigned long seed = 1;
  double eta = 0.1, lambda = 5.0;
  int train = 0, quiet = 0, ch, st = 0;
  const char *data = NULL, *plot = NULL;
  cli_format fmt = CLI_TEXT;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    switch (ch) {
    case 'S':
      free(sizes);
      sizes = NULL;
      st = cli_parse_sizes(optarg, "--sizes", 1, GC_NET_MAX_WIDTH, &sizes, &L);
      break;
    case 's': st = cli_parse_size(optarg, "--seeds", 1, 1000, &seeds); break;
    case 'x': st = cli_parse_ulong(optarg, "--seed", &seed); break;
    case 'n': st = cli_parse_size(optarg, "--examples", 1, 1000000, &examples); break;
    case 'T': train = 1; break;
    case 'e': st = cli_parse_size(optarg, "--epochs", 1, 10000000, &epochs); break;
    case 'E': st = cli_parse_double(optarg, "--eta", &eta); break;
    case 'l': st = cli_parse_double(optarg, "--lambda", &lambda); break;
    case 'd': data = optarg; break;
    case 'p': plot = optarg; break;
    case 'f': st = cli_parse_format(optarg, 1, &fmt); break;
    case 'q': quiet = 1; break;
    case 'h': free(sizes); return cli_help(usage);
    case ':': st = cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]); break;
    default: st = cli_fail(CLI_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
    }
    if (st) {
      free(sizes);
      return CLI_USAGE;
    }
  }
  if (optind < argc) {
    free(sizes);
    return cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
  }
  if (!sizes) {
    static const size_t def[] = {784, 30, 30, 10};
    L = 4;
    sizes = malloc(sizeof def);
    if (!sizes) return cli_fail(CLI_FAIL, "out of memory");
    memcpy(sizes, def, sizeof def);
  }
  if (L < 3) {
    free(sizes);
    return cli_fail(CLI_USAGE, "--sizes needs at least one hidden layer");
  }
  if (!(eta > 0) || lambda < 0) {
    free(sizes);
    return cli_fail(CLI_USAGE, "--eta must be positive and --lambda not negative");
  }
  gc_mnist *m = NULL;
  if (gc_mnist_load(&m, data)) {
    free(sizes);
    return cli_fail_lib();
  }
  if (sizes[0] != m->training.dim || sizes[L - 1] != GC_MNIST_CLASSES) {
    st = cli_fail(CLI_USAGE, "--sizes must start with %zu (the pixels) and "
                  "end with %d (the digits)", m->training.dim, GC_MNIST_CLASSES);
  } else if (examples > m->training.n) {
    st = cli_fail(CLI_USAGE, "--examples %zu: the training set has %zu",
                  examples, m->training.n);
  } else if (!train) {
    init_result r;
    if (speeds_init(m, sizes, L, seeds, examples, &r)) st = cli_fail_lib();
    else {
      if (fmt == CLI_JSON) init_json(stdout, sizes, L, &r);
      else if (fmt == CLI_CSV) init_csv(stdout, sizes, L, &r);
      else init_table(stdout, sizes, L, &r, 0);
      if (plot) {
        stage_ctx ctx = {plot, 0, (int)seeds, data, quiet, 0};
        FILE *devnull = fopen("/dev/null", "w");
        if (make_dirs(plot) || !devnull ||
            plot_init(&ctx, devnull, "speeds_init", sizes, L, &r))
          st = CLI_FAIL;
        if (devnull) fclose(devnull);
      }
    }
    init_result_free(&r);
  } else {
    train_result r;
    if (speeds_train(m, sizes, L, examples, epochs, eta, lambda, seed, quiet, &r))
      st = cli_fail_lib();
    else {
      if (fmt == CLI_JSON) train_json(stdout, sizes, L, &r);
      else if (fmt == CLI_CSV) train_csv(stdout, &r);
      else train_text(stdout, sizes, L, &r);
      if (plot) {
        stage_ctx ctx = {plot, 0, 1, data, quiet, 0};
        FILE *devnull = fopen("/dev/null", "w");
        if (make_dirs(plot) || !devnull ||
            plot_train(&ctx, devnull, "speeds_train", sizes, L, &r))
          st = CLI_FAIL;
        if (devnull) fclose(devnull);
      }
    }
    free(r.series);
  }
  gc_mnist_free(m);
  free(sizes);
  return st;
}
