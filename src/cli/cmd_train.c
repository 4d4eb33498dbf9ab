/* cmd_train.c -- gradchain train: network2's SGD on MNIST. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "cli/cli.h"

static const char usage[] =
  "Usage: gradchain train [OPTIONS]\n"
  "Train a sigmoid network on MNIST by network2's mini-batch SGD with L2\n"
  "regularisation; print the monitored values of every epoch.\n\n"
  "  --sizes N0,N1,...   layer sizes, input first (784,30,10)\n"
  "  --epochs N          epochs (30)\n"
  "  --batch M           mini-batch size (10)\n"
  "  --eta ETA           learning rate (0.1)\n"
  "  --lambda L          L2 regularisation parameter (5.0)\n"
  "  --cost C            cross-entropy | quadratic (cross-entropy)\n"
  "  --init I            default (w ~ N(0,1/n_in)) | large (w ~ N(0,1))\n"
  "  --seed S            seed of the initialisation and shuffling (1)\n"
  "  --monitor LIST      any of eval-accuracy,eval-cost,train-accuracy,\n"
  "                      train-cost, or none (eval-accuracy)\n"
  "  --eval SET          validation | test: the evaluation set (validation)\n"
  "  --train-size N      train on the first N training images (50000)\n"
  "  --early-stop N      stop after N epochs without a better evaluation\n"
  "                      accuracy (0: never)\n"
  "  --save FILE         save the trained net as network2 JSON\n"
  "  --data DIR          MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --format F          text | json (text)\n"
  "  --quiet             no progress lines on stderr\n"
  "  --help              this text\n";

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_time(char *buf, size_t n, double s)
{
  if (s < 60) snprintf(buf, n, "%.0fs", s);
  else if (s < 3600) snprintf(buf, n, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
  else snprintf(buf, n, "%.0fh%02.0fm", floor(s / 3600), fmod(floor(s / 60), 60));
}

static void progress(const gc_epoch_stats *s, size_t epochs, unsigned mon,
                     double rate, double left)
{
  char t[32];
  fmt_time(t, sizeof t, left);
  fprintf(stderr, "epoch %zu/%zu", s->epoch, epochs);
  if (mon & GC_MONITOR_EVAL_ACCURACY)
    fprintf(stderr, "  eval-accuracy %.4f", s->evaluation_accuracy);
  if (mon & GC_MONITOR_EVAL_COST)
    fprintf(stderr, "  eval-cost %.6g", s->evaluation_cost);
  if (mon & GC_MONITOR_TRAIN_ACCURACY)
    fprintf(stderr, "  train-accuracy %.4f", s->training_accuracy);
  if (mon & GC_MONITOR_TRAIN_COST)
    fprintf(stderr, "  train-cost %.6g", s->training_cost);
  fprintf(stderr, "  %.0f examples/s  %s left\n", rate, t);
}

static void print_json(const gc_epoch_stats *st, size_t k, unsigned mon,
                       double secs, const gc_net *net, const gc_train_config *c,
                       int stopped)
{
  printf("{\"sizes\": [");
  for (size_t l = 0; l < net->nlayers; l++)
    printf(l ? ", %zu" : "%zu", net->sizes[l]);
  printf("], \"cost\": ");
  cli_json_string(stdout, gc_cost_name(net->cost));
  printf(", \"batch\": %zu, \"eta\": ", c->batch);
  cli_json_double(stdout, c->eta);
  printf(", \"lambda\": ");
  cli_json_double(stdout, c->lambda);
  printf(", \"seed\": %lu, \"epochs\": [", c->seed);
  for (size_t i = 0; i < k; i++) {
    printf(i ? ",\n  {\"epoch\": %zu" : "\n  {\"epoch\": %zu", st[i].epoch);
    if (mon & GC_MONITOR_EVAL_ACCURACY) {
      printf(", \"evaluation_accuracy\": ");
      cli_json_double(stdout, st[i].evaluation_accuracy);
    }
    if (mon & GC_MONITOR_EVAL_COST) {
      printf(", \"evaluation_cost\": ");
      cli_json_double(stdout, st[i].evaluation_cost);
    }
    if (mon & GC_MONITOR_TRAIN_ACCURACY) {
      printf(", \"training_accuracy\": ");
      cli_json_double(stdout, st[i].training_accuracy);
    }
    if (mon & GC_MONITOR_TRAIN_COST) {
      printf(", \"training_cost\": ");
      cli_json_double(stdout, st[i].training_cost);
    }
    printf("}");
  }
  printf("%s], \"stopped_early\": %s, \"seconds\": ", k ? "\n" : "",
         stopped ? "true" : "false");
  cli_json_double(stdout, secs);
  printf("}\n");
}

static void print_text(const gc_epoch_stats *st, size_t k, unsigned mon,
                       double secs, int stopped, size_t early)
{
  printf("%5s", "epoch");
  if (mon & GC_MONITOR_EVAL_ACCURACY) printf("  %15s", "eval-accuracy");
  if (mon & GC_MONITOR_EVAL_COST) printf("  %15s", "eval-cost");
  if (mon & GC_MONITOR_TRAIN_ACCURACY) printf("  %15s", "train-accuracy");
  if (mon & GC_MONITOR_TRAIN_COST) printf("  %15s", "train-cost");
  printf("\n");
  for (size_t i = 0; i < k; i++) {
    printf("%5zu", st[i].epoch);
    if (mon & GC_MONITOR_EVAL_ACCURACY)
      printf("  %15.4f", st[i].evaluation_accuracy);
    if (mon & GC_MONITOR_EVAL_COST) printf("  %15.6g", st[i].evaluation_cost);
    if (mon & GC_MONITOR_TRAIN_ACCURACY)
      printf("  %15.4f", st[i].training_accuracy);
    if (mon & GC_MONITOR_TRAIN_COST) printf("  %15.6g", st[i].training_cost);
    printf("\n");
  }
  if (stopped)
    printf("stopped early: no better evaluation accuracy in %zu epochs\n",
           early);
  printf("seconds: %.3f\n", secs);
}

int cmd_train(int argc, char **argv)
{
  enum { O_SIZES = 256, O_EPOCHS, O_BATCH, O_ETA, O_LAMBDA, O_COST, O_INIT,
         O_SEED, O_MONITOR, O_EVAL, O_TRAINSIZE, O_EARLY, O_SAVE, O_DATA,
         O_FORMAT, O_QUIET, O_HELP };
  static const struct option opts[] = {
    {"sizes", required_argument, NULL, O_SIZES},
    {"epochs", required_argument, NULL, O_EPOCHS},
    {"batch", required_argument, NULL, O_BATCH},
    {"eta", required_argument, NULL, O_ETA},
    {"lambda", required_argument, NULL, O_LAMBDA},
    {"cost", required_argument, NULL, O_COST},
    {"init", required_argument, NULL, O_INIT},
    {"seed", required_argument, NULL, O_SEED},
    {"monitor", required_argument, NULL, O_MONITOR},
    {"eval", required_argument, NULL, O_EVAL},
    {"train-size", required_argument, NULL, O_TRAINSIZE},
    {"early-stop", required_argument, NULL, O_EARLY},
    {"save", required_argument, NULL, O_SAVE},
    {"data", required_argument, NULL, O_DATA},
    {"format", required_argument, NULL, O_FORMAT},
    {"quiet", no_argument, NULL, O_QUIET},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0}};
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  size_t *sizes = NULL, L = 0, epochs = 30, train_size = 0;
  gc_cost cost = GC_CROSS_ENTROPY;
  gc_init init = GC_INIT_DEFAULT;
  const char *save = NULL, *data = NULL;
  int use_test = 0, quiet = 0;
  cli_format format = CLI_TEXT;
  int c, rc = CLI_OK;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case O_SIZES:
      free(sizes);
      sizes = NULL;
      if (cli_parse_sizes(optarg, "--sizes", 1, GC_NET_MAX_WIDTH, &sizes, &L))
        return CLI_USAGE;
      break;
    case O_EPOCHS:
      if (cli_parse_size(optarg, "--epochs", 1, 1000000, &epochs))
        goto usage_fail;
      break;
    case O_BATCH:
      if (cli_parse_size(optarg, "--batch", 1, 1000000000, &cfg.batch))
        goto usage_fail;
      break;
    case O_ETA:
      if (cli_parse_double(optarg, "--eta", &cfg.eta)) goto usage_fail;
      if (cfg.eta < 0) {
        rc = cli_fail(CLI_USAGE, "--eta: %s is negative", optarg);
        goto out;
      }
      break;
    case O_LAMBDA:
      if (cli_parse_double(optarg, "--lambda", &cfg.lambda)) goto usage_fail;
      if (cfg.lambda < 0) {
        rc = cli_fail(CLI_USAGE, "--lambda: %s is negative", optarg);
        goto out;
      }
      break;
    case O_COST:
      if (gc_cost_from_name(&cost, optarg)) {
        rc = cli_fail(CLI_USAGE, "--cost: %s", gc_strerror_last());
        goto out;
      }
      break;
    case O_INIT:
      if (gc_init_from_name(&init, optarg)) {
        rc = cli_fail(CLI_USAGE, "--init: %s", gc_strerror_last());
        goto out;
      }
      break;
    case O_SEED:
      if (cli_parse_ulong(optarg, "--seed", &cfg.seed)) goto usage_fail;
      break;
    case O_MONITOR:
      if (gc_monitor_from_names(&cfg.monitor, optarg)) {
        rc = cli_fail(CLI_USAGE, "--monitor: %s", gc_strerror_last());
        goto out;
      }
      break;
    case O_EVAL:
      if (!strcmp(optarg, "validation")) use_test = 0;
      else if (!strcmp(optarg, "test")) use_test = 1;
      else {
        rc = cli_fail(CLI_USAGE, "--eval: '%s' is not validation or test",
                      optarg);
        goto out;
      }
      break;
    case O_TRAINSIZE:
      if (cli_parse_size(optarg, "--train-size", 1, 1000000000, &train_size))
        goto usage_fail;
      break;
    case O_EARLY:
      if (cli_parse_size(optarg, "--early-stop", 0, 1000000, &cfg.early_stop))
        goto usage_fail;
      break;
    case O_SAVE: save = optarg; break;
    case O_DATA: data = optarg; break;
    case O_FORMAT:
      if (cli_parse_format(optarg, 0, &format)) goto usage_fail;
      break;
    case O_QUIET: quiet = 1; break;
    case O_HELP:
      free(sizes);
      return cli_help(usage);
    default:
      rc = cli_fail(CLI_USAGE, "unknown or incomplete option '%s' (try "
                    "--help)", argv[optind - 1]);
      goto out;
    }
  }
  if (optind < argc) {
    rc = cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    goto out;
  }
  if (!sizes) {
    static const size_t def[] = {784, 30, 10};
    sizes = malloc(sizeof def);
    if (!sizes) return cli_fail(CLI_FAIL, "out of memory");
    memcpy(sizes, def, sizeof def);
    L = 3;
  }
  if (L < 2) {
    rc = cli_fail(CLI_USAGE, "--sizes: a net needs at least two layers "
                  "(input and output)");
    goto out;
  }
  if (sizes[0] != 784 || sizes[L - 1] != 10) {
    rc = cli_fail(CLI_USAGE, "--sizes: MNIST needs 784 inputs and 10 "
                  "outputs (got %zu and %zu)", sizes[0], sizes[L - 1]);
    goto out;
  }

  gc_mnist *m = NULL;
  gc_net *net = NULL;
  gc_trainer *t = NULL;
  gsl_rng *rng = NULL;
  gc_epoch_stats *st = NULL;
  if (gc_mnist_load(&m, data)) {
    rc = cli_fail_lib();
    goto out;
  }
  gc_dataset train = m->training;
  const gc_dataset *eval = use_test ? &m->test : &m->validation;
  if (train_size) {
    if (train_size > train.n) {
      rc = cli_fail(CLI_USAGE, "--train-size: %zu is more than the %zu "
                    "training images", train_size, train.n);
      goto done;
    }
    train.n = train_size;
  }
  if (cfg.batch > train.n) {
    rc = cli_fail(CLI_USAGE, "--batch: %zu is more than the %zu training "
                  "images", cfg.batch, train.n);
    goto done;
  }
  if (gc_net_alloc(&net, L, sizes, GC_SIGMOID, cost)) {
    rc = cli_fail_lib();
    goto done;
  }
  rng = gsl_rng_alloc(gsl_rng_mt19937);
  st = calloc(epochs, sizeof *st);
  if (!rng || !st) {
    rc = cli_fail(CLI_FAIL, "out of memory");
    goto done;
  }
  /* the initialisation draws from seed S, the shuffling from S+1 */
  gsl_rng_set(rng, cfg.seed);
  gc_net_init(net, init, rng);
  cfg.seed += 1;
  if (gc_trainer_alloc(&t, net, &train, eval, &cfg)) {
    rc = cli_fail_lib();
    goto done;
  }
  cfg.seed -= 1;
  double t0 = now();
  size_t k = 0;
  while (k < epochs && !t->stopped) {
    if (gc_trainer_epoch(t, &st[k])) {
      rc = cli_fail_lib();
      goto done;
    }
    k++;
    double el = now() - t0;
    if (!quiet)
      progress(&st[k - 1], epochs, cfg.monitor, (double)train.n * k / el,
               t->stopped ? 0.0 : el / k * (epochs - k));
  }
  double secs = now() - t0;
  if (save && gc_net_save(save, net)) {
    rc = cli_fail_lib();
    goto done;
  }
  if (format == CLI_JSON)
    print_json(st, k, cfg.monitor, secs, net, &cfg, t->stopped);
  else
    print_text(st, k, cfg.monitor, secs, t->stopped, cfg.early_stop);
done:
  free(st);
  if (rng) gsl_rng_free(rng);
  gc_trainer_free(t);
  gc_net_free(net);
  gc_mnist_free(m);
out:
  free(sizes);
  return rc;
usage_fail:
  free(sizes);
  return CLI_USAGE;
}
