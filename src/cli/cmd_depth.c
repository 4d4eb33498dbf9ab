/* cmd_depth.c -- `gradchain depth`: validation accuracy against the number
 * of hidden layers, over several seeds, beside the book's numbers. */
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
  "Usage: gradchain depth [OPTIONS]\n\n"
  "Trains [784,W,10], [784,W,W,10], ... (W = --width) with the chapter's\n"
  "settings over several seeds and prints, for each number of hidden layers,\n"
  "the mean and standard deviation of the final and of the best validation\n"
  "accuracy beside the book's value.\n\n"
  "  --depths LIST     numbers of hidden layers (1,2,3,4)\n"
  "  --width W         neurons per hidden layer (30)\n"
  "  --epochs N        epochs (30)\n"
  "  --batch M         mini-batch size (10)\n"
  "  --eta ETA         learning rate (0.1)\n"
  "  --lambda L        L2 regularisation (5.0)\n"
  "  --seeds N         seeds 1..N (1)\n"
  "  --train-size N    train on the first N training images (all 50000)\n"
  "  --data DIR        MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --plot DIR        also write depth.csv, depth.gp and depth.png there\n"
  "  --format F        text | json | csv (text)\n"
  "  --quiet           no progress on stderr\n";

/* the book's validation accuracies for 1..4 hidden layers of 30 */
static const double book[] = {0.9648, 0.9690, 0.9657, 0.9653};

typedef struct depth_cfg {
  size_t *depths, ndepths, width, epochs, batch, seeds, train_size;
  double eta, lambda;
  int quiet;
} depth_cfg;

typedef struct depth_row {
  size_t hidden;
  double final_mean, final_sd, best_mean, best_sd;
  double *final, *best; /* per seed */
} depth_row;

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Train one net; final and best validation accuracy. */
static int train_one(const gc_mnist *m, const depth_cfg *c, size_t hidden,
                     unsigned long seed, double *final, double *best)
{
  size_t L = hidden + 2, *sizes = malloc(L * sizeof *sizes);
  if (!sizes) return gc_error(GC_ENOMEM, "out of memory");
  sizes[0] = m->training.dim;
  for (size_t l = 1; l + 1 < L; l++) sizes[l] = c->width;
  sizes[L - 1] = GC_MNIST_CLASSES;
  gc_net *net = NULL;
  gc_trainer *t = NULL;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  int st = r ? gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, GC_COST_CROSS_ENTROPY)
             : gc_error(GC_ENOMEM, "out of memory");
  free(sizes);
  gc_dataset train = m->training;
  if (c->train_size && c->train_size < train.n) train.n = c->train_size;
  if (!st) {
    gsl_rng_set(r, seed);
    gc_net_init(net, GC_INIT_DEFAULT, r);
    gc_train_config cfg;
    gc_train_config_default(&cfg);
    cfg.batch = c->batch;
    cfg.eta = c->eta;
    cfg.lambda = c->lambda;
    cfg.seed = seed + 1; /* as `gradchain train`: init S, shuffling S+1 */
    cfg.monitor = GC_MONITOR_EVAL_ACCURACY;
    st = gc_trainer_alloc(&t, net, &train, &m->validation, &cfg);
  }
  *best = 0;
  for (size_t e = 0; !st && e < c->epochs; e++) {
    gc_epoch_stats s;
    st = gc_trainer_epoch(t, &s);
    if (st) break;
    *final = s.evaluation_accuracy;
    if (s.evaluation_accuracy > *best) *best = s.evaluation_accuracy;
  }
  gc_trainer_free(t);
  gc_net_free(net);
  gsl_rng_free(r);
  return st;
}

/* All (depth, seed) runs, two at a time: each run is independent and
 * deterministic, so the table does not depend on the thread count. */
static int run_depth(const gc_mnist *m, const depth_cfg *c, depth_row *rows)
{
  size_t nj = c->ndepths * c->seeds, done = 0;
  int st = GC_OK;
  char msg[512] = "";
  double t0 = now();
  for (size_t d = 0; d < c->ndepths; d++) {
    rows[d].hidden = c->depths[d];
    rows[d].final = calloc(c->seeds, sizeof(double));
    rows[d].best = calloc(c->seeds, sizeof(double));
    if (!rows[d].final || !rows[d].best)
      return gc_error(GC_ENOMEM, "out of memory");
  }
#pragma omp parallel for schedule(dynamic, 1) num_threads(2)
  for (size_t k = 0; k < nj; k++) {
    /* deepest first: the longest jobs start early */
    size_t d = c->ndepths - 1 - k / c->seeds, s = k % c->seeds;
    int failed;
#pragma omp atomic read
    failed = st;
    if (failed) continue;
    int e = train_one(m, c, rows[d].hidden, (unsigned long)s + 1,
                      &rows[d].final[s], &rows[d].best[s]);
#pragma omp critical(depth_progress)
    {
      if (e && !st) {
        st = e;
        snprintf(msg, sizeof msg, "%s", gc_strerror_last());
      }
      done++;
      if (!c->quiet && !e) {
        double el = now() - t0;
        fprintf(stderr, "depth: %zu hidden layer%s, seed %zu: final %.2f%%, "
                "best %.2f%%  [%zu/%zu, %.0fs, about %.0fs left]\n",
                rows[d].hidden, rows[d].hidden == 1 ? "" : "s", s + 1,
                100 * rows[d].final[s], 100 * rows[d].best[s], done, nj, el,
                el / (double)done * (double)(nj - done));
      }
    }
  }
  if (st) return gc_error(st, "%s", msg);
  for (size_t d = 0; d < c->ndepths; d++) {
    rows[d].final_mean = gsl_stats_mean(rows[d].final, 1, c->seeds);
    rows[d].best_mean = gsl_stats_mean(rows[d].best, 1, c->seeds);
    rows[d].final_sd = c->seeds > 1 ? gsl_stats_sd(rows[d].final, 1, c->seeds) : 0;
    rows[d].best_sd = c->seeds > 1 ? gsl_stats_sd(rows[d].best, 1, c->seeds) : 0;
  }
  return GC_OK;
}

static double book_value(const depth_cfg *c, size_t hidden)
{
  if (c->width != 30 || hidden < 1 || hidden > 4) return NAN;
  return book[hidden - 1];
}

static void print_json(FILE *f, const depth_cfg *c, const depth_row *rows)
{
  fprintf(f, "{\"width\": %zu, \"epochs\": %zu, \"batch\": %zu, \"eta\": ",
          c->width, c->epochs, c->batch);
  cli_json_double(f, c->eta);
  fputs(", \"lambda\": ", f);
  cli_json_double(f, c->lambda);
  fprintf(f, ", \"seeds\": %zu, \"rows\": [", c->seeds);
  for (size_t d = 0; d < c->ndepths; d++) {
    const depth_row *r = &rows[d];
    fprintf(f, "%s\n  {\"hidden\": %zu, \"final_mean\": ", d ? "," : "", r->hidden);
    cli_json_double(f, r->final_mean);
    fputs(", \"final_sd\": ", f);
    cli_json_double(f, r->final_sd);
    fputs(", \"best_mean\": ", f);
    cli_json_double(f, r->best_mean);
    fputs(", \"best_sd\": ", f);
    cli_json_double(f, r->best_sd);
    fputs(", \"book\": ", f);
    cli_json_double(f, book_value(c, r->hidden));
    fputs(", \"final\": ", f);
    cli_json_doubles(f, r->final, c->seeds);
    fputs(", \"best\": ", f);
    cli_json_doubles(f, r->best, c->seeds);
    fputs("}", f);
  }
  fputs("]}\n", f);
}

static void print_csv(FILE *f, const depth_cfg *c, const depth_row *rows)
{
  fputs("hidden,final_mean,final_sd,best_mean,best_sd,book\n", f);
  for (size_t d = 0; d < c->ndepths; d++) {
    const depth_row *r = &rows[d];
    double b = book_value(c, r->hidden);
    fprintf(f, "%zu,%.6f,%.6f,%.6f,%.6f,", r->hidden, r->final_mean,
            r->final_sd, r->best_mean, r->best_sd);
    if (isnan(b)) fputs("\n", f);
    else fprintf(f, "%.4f\n", b);
  }
}

/* Markdown table (also the text output) */
static void print_table(FILE *f, const depth_cfg *c, const depth_row *rows,
                        int markdown)
{
  const char *sep = markdown ? " | " : "  ";
  if (markdown)
    fprintf(f, "| hidden layers | sizes | final accuracy (%%) | best accuracy "
            "(%%) | book (%%) |\n|---|---|---|---|---|\n");
  else
    fprintf(f, "%-7s  %-24s  %-16s  %-16s  %s\n", "hidden", "sizes",
            "final (%)", "best (%)", "book (%)");
  for (size_t d = 0; d < c->ndepths; d++) {
    const depth_row *r = &rows[d];
    char sizes[128], fin[48], bst[48], bk[16];
    int n = snprintf(sizes, sizeof sizes, "[784");
    for (size_t l = 0; l < r->hidden && n < 100; l++)
      n += snprintf(sizes + n, sizeof sizes - (size_t)n, ",%zu", c->width);
    snprintf(sizes + n, sizeof sizes - (size_t)n, ",10]");
    if (c->seeds > 1) {
      snprintf(fin, sizeof fin, "%.2f ± %.2f", 100 * r->final_mean, 100 * r->final_sd);
      snprintf(bst, sizeof bst, "%.2f ± %.2f", 100 * r->best_mean, 100 * r->best_sd);
    } else {
      snprintf(fin, sizeof fin, "%.2f", 100 * r->final_mean);
      snprintf(bst, sizeof bst, "%.2f", 100 * r->best_mean);
    }
    double b = book_value(c, r->hidden);
    if (isnan(b)) snprintf(bk, sizeof bk, "-");
    else snprintf(bk, sizeof bk, "%.2f", 100 * b);
    if (markdown)
      fprintf(f, "| %zu%s%s%s%s%s%s%s%s |\n", r->hidden, sep, sizes, sep, fin,
              sep, bst, sep, bk);
    else
      fprintf(f, "%-7zu  %-24s  %-16s  %-16s  %s\n", r->hidden, sizes, fin,
              bst, bk);
  }
}

static int write_plot(const stage_ctx *ctx, FILE *md, const depth_cfg *c,
                      const depth_row *rows)
{
  outfile o;
  if (outfile_open(&o, ctx->dir, "depth.csv")) return CLI_FAIL;
  print_csv(o.f, c, rows);
  if (outfile_commit(&o)) return CLI_FAIL;
  if (outfile_open(&o, ctx->dir, "depth.json")) return CLI_FAIL;
  print_json(o.f, c, rows);
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
           c->epochs, c->seeds, c->seeds == 1 ? "" : "s", c->width,
           c->depths[c->ndepths - 1]);
  return stage_figure(ctx, md, "depth", "Validation accuracy against the "
                      "number of hidden layers", body);
}

static void depth_defaults(depth_cfg *c)
{
  static size_t d4[] = {1, 2, 3, 4};
  memset(c, 0, sizeof *c);
  c->depths = d4;
  c->ndepths = 4;
  c->width = 30;
  c->epochs = 30;
  c->batch = 10;
  c->eta = 0.1;
  c->lambda = 5.0;
  c->seeds = 1;
}

static int load_data(gc_mnist **m, const char *dir)
{
  if (gc_mnist_load(m, dir)) return cli_fail_lib();
  return 0;
}

static void rows_free(depth_row *rows, size_t n)
{
  if (!rows) return;
  for (size_t d = 0; d < n; d++) {
    free(rows[d].final);
    free(rows[d].best);
  }
  free(rows);
}

int stage_depth(const stage_ctx *ctx, FILE *md)
{
  depth_cfg c;
  depth_defaults(&c);
  c.seeds = (size_t)ctx->seeds;
  c.quiet = ctx->quiet;
  if (ctx->quick) {
    c.epochs = 3;
  }
  gc_mnist *m = NULL;
  if (load_data(&m, ctx->data)) return CLI_FAIL;
  depth_row *rows = calloc(c.ndepths, sizeof *rows);
  int st = rows ? run_depth(m, &c, rows) : gc_error(GC_ENOMEM, "out of memory");
  gc_mnist_free(m);
  if (st) {
    rows_free(rows, c.ndepths);
    return cli_fail_lib();
  }
  fprintf(md, "## Accuracy against depth\n\n"
          "network2's settings: %zu epochs, mini-batch %zu, η = %g, λ = %g, "
          "cross-entropy, default initialiser, trained on %s training "
          "images, validation accuracy after every epoch; %zu seed%s.  The "
          "book's point: more hidden layers do not help, although a deeper "
          "net can represent more.\n\n",
          c.epochs, c.batch, c.eta, c.lambda,
          c.train_size ? "the first 10,000" : "the 50,000", c.seeds,
          c.seeds == 1 ? "" : "s (mean ± standard deviation)");
  print_table(md, &c, rows, 1);
  st = write_plot(ctx, md, &c, rows);
  rows_free(rows, c.ndepths);
  return st;
}

int cmd_depth(int argc, char **argv)
{
  static const struct option lo[] = {
    {"depths", required_argument, 0, 'D'}, {"width", required_argument, 0, 'w'},
    {"epochs", required_argument, 0, 'e'}, {"batch", required_argument, 0, 'b'},
    {"eta", required_argument, 0, 'E'},    {"lambda", required_argument, 0, 'l'},
    {"seeds", required_argument, 0, 's'},  {"train-size", required_argument, 0, 'n'},
    {"data", required_argument, 0, 'd'},   {"plot", required_argument, 0, 'p'},
    {"format", required_argument, 0, 'f'}, {"quiet", no_argument, 0, 'q'},
    {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  depth_cfg c;
  depth_defaults(&c);
  const char *data = NULL, *plot = NULL;
  cli_format fmt = CLI_TEXT;
  size_t *depths = NULL;
  int ch, st = CLI_OK;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    switch (ch) {
    case 'D':
      free(depths);
      depths = NULL;
      if (cli_parse_sizes(optarg, "--depths", 1, 100, &depths, &c.ndepths)) {
        st = CLI_USAGE;
        goto done;
      }
      c.depths = depths;
      break;
    case 'w': st = cli_parse_size(optarg, "--width", 1, 100000, &c.width); break;
    case 'e': st = cli_parse_size(optarg, "--epochs", 1, 1000000, &c.epochs); break;
    case 'b': st = cli_parse_size(optarg, "--batch", 1, 1000000, &c.batch); break;
    case 'E': st = cli_parse_double(optarg, "--eta", &c.eta); break;
    case 'l': st = cli_parse_double(optarg, "--lambda", &c.lambda); break;
    case 's': st = cli_parse_size(optarg, "--seeds", 1, 1000, &c.seeds); break;
    case 'n': st = cli_parse_size(optarg, "--train-size", 1, (size_t)1 << 40, &c.train_size); break;
    case 'd': data = optarg; break;
    case 'p': plot = optarg; break;
    case 'f': st = cli_parse_format(optarg, 1, &fmt); break;
    case 'q': c.quiet = 1; break;
    case 'h': st = cli_help(usage); goto done;
    case ':': st = cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]); break;
    default:
      st = cli_fail(CLI_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
    }
    if (st) {
      st = CLI_USAGE;
      goto done;
    }
  }
  if (optind < argc) {
    st = cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    goto done;
  }
  if (c.eta <= 0 || c.lambda < 0) {
    st = cli_fail(CLI_USAGE, "--eta must be positive and --lambda not negative");
    goto done;
  }
  gc_mnist *m = NULL;
  if (load_data(&m, data)) {
    st = CLI_FAIL;
    goto done;
  }
  depth_row *rows = calloc(c.ndepths, sizeof *rows);
  int e = rows ? run_depth(m, &c, rows) : gc_error(GC_ENOMEM, "out of memory");
  gc_mnist_free(m);
  if (e) {
    st = cli_fail_lib();
  } else {
    if (fmt == CLI_JSON) print_json(stdout, &c, rows);
    else if (fmt == CLI_CSV) print_csv(stdout, &c, rows);
    else print_table(stdout, &c, rows, 0);
    if (plot) {
      stage_ctx ctx = {plot, 0, (int)c.seeds, data, c.quiet, 0};
      FILE *devnull = fopen("/dev/null", "w");
      if (make_dirs(plot) || !devnull || write_plot(&ctx, devnull, &c, rows))
        st = CLI_FAIL;
      if (devnull) fclose(devnull);
    }
  }
  rows_free(rows, c.ndepths);
done:
  free(depths);
  return st;
}
