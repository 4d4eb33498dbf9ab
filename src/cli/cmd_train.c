/* cmd_train.c -- gradchain train: network2's SGD on MNIST. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
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
  "  --checkpoint FILE   after every epoch write the whole state to FILE\n"
  "                      (atomically), so that --resume can continue\n"
  "  --resume FILE       continue the run saved in FILE (and keep writing\n"
  "                      it unless --checkpoint names another); the result\n"
  "                      is bit for bit the uninterrupted run's.  The\n"
  "                      configuration comes from FILE; options given must\n"
  "                      agree with it, except --epochs, which may extend\n"
  "                      the run\n"
  "  --data DIR          MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --format F          text | json (text)\n"
  "  --quiet             no progress lines on stderr\n"
  "  --help              this text\n"
  "On SIGINT (Ctrl-C) the current epoch is finished and checkpointed, and\n"
  "the program exits with status 130 after printing the command that\n"
  "resumes; a second SIGINT ends it at once.\n";

/* set by SIGINT, checked between epochs */
static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
  (void)sig;
  interrupted = 1;
}

/* Print argv as a shell command line, quoting what needs it, with any
 * --resume replaced by "--resume RESUME" at the end. */
static void print_command(FILE *f, int argc, char **argv, const char *resume)
{
  fputs("gradchain", f);
  for (int i = 0; i <= argc; i++) {
    const char *a = i < argc ? argv[i] : NULL;
    if (a && !strcmp(a, "--resume")) {
      i++;
      continue;
    }
    if (a && !strncmp(a, "--resume=", 9)) continue;
    if (!a) {
      fputs(" --resume", f);
      a = resume;
    }
    fputc(' ', f);
    if (*a && strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_./,=:+-@%") == strlen(a)) {
      fputs(a, f);
      continue;
    }
    fputc('\'', f);
    for (; *a; a++) {
      if (*a == '\'') fputs("'\\''", f);
      else fputc(*a, f);
    }
    fputc('\'', f);
  }
}


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

/* --resume: the options given on the command line must agree with the
 * checkpoint's run (all but --epochs, which may lengthen it). */
static int adopt(const gc_checkpoint *ck, const char *file, unsigned long given,
                 const size_t *sizes, size_t L, size_t *epochs,
                 gc_train_config *cfg, gc_cost cost, gc_init init,
                 int use_test, size_t train_size)
{
  enum { G_SIZES, G_EPOCHS, G_BATCH, G_ETA, G_LAMBDA, G_COST, G_INIT, G_SEED,
         G_MONITOR, G_EVAL, G_TRAINSIZE, G_EARLY };
#define G(b) (given & (1UL << (b)))
#define DIFFER(opt, fmt, mine, theirs)                                       \
  return cli_fail(CLI_USAGE, "%s " fmt " disagrees with the checkpoint %s, " \
                  "which has " fmt "; leave it out to continue that run",   \
                  opt, mine, file, theirs)
  const gc_checkpoint_run *r = &ck->run;
  const gc_train_config *k = &ck->cfg;
  if (strcmp(r->eval_set, "validation") && strcmp(r->eval_set, "test"))
    return cli_fail(CLI_FAIL, "--resume %s: unknown evaluation set \"%s\"",
                    file, r->eval_set);
  gc_init ci;
  if (gc_init_from_name(&ci, r->init))
    return cli_fail(CLI_FAIL, "--resume %s: %s", file, gc_strerror_last());
  if (k->seed != r->seed + 1)
    return cli_fail(CLI_FAIL, "--resume %s: shuffle seed %lu is not seed %lu "
                    "+ 1: not written by gradchain train", file, k->seed,
                    r->seed);
  if (G(G_SIZES) && (L != ck->net->nlayers ||
                     memcmp(sizes, ck->net->sizes, L * sizeof *sizes)))
    return cli_fail(CLI_USAGE, "--sizes disagrees with the layer sizes of "
                    "the checkpoint %s; leave it out to continue that run",
                    file);
  if (G(G_EPOCHS)) {
    if (*epochs < ck->epoch)
      return cli_fail(CLI_USAGE, "--epochs %zu: the checkpoint %s has done "
                      "%zu already", *epochs, file, ck->epoch);
  } else {
    *epochs = r->epochs;
  }
  if (G(G_BATCH) && cfg->batch != k->batch)
    DIFFER("--batch", "%zu", cfg->batch, k->batch);
  if (G(G_ETA) && cfg->eta != k->eta)
    DIFFER("--eta", "%.17g", cfg->eta, k->eta);  /* 17 digits: tell apart */
  if (G(G_LAMBDA) && cfg->lambda != k->lambda)
    DIFFER("--lambda", "%.17g", cfg->lambda, k->lambda);
  if (G(G_COST) && cost != ck->net->cost)
    DIFFER("--cost", "%s", gc_cost_name(cost), gc_cost_name(ck->net->cost));
  if (G(G_INIT) && init != ci)
    DIFFER("--init", "%s", init == GC_INIT_LARGE ? "large" : "default",
           r->init);
  if (G(G_SEED) && cfg->seed != r->seed)
    DIFFER("--seed", "%lu", cfg->seed, r->seed);
  if (G(G_MONITOR) && cfg->monitor != k->monitor)
    return cli_fail(CLI_USAGE, "--monitor disagrees with the monitors of the "
                    "checkpoint %s; leave it out to continue that run", file);
  if (G(G_EVAL) && use_test != !strcmp(r->eval_set, "test"))
    DIFFER("--eval", "%s", use_test ? "test" : "validation", r->eval_set);
  if (G(G_TRAINSIZE) && train_size != ck->train_size)
    DIFFER("--train-size", "%zu", train_size, ck->train_size);
  if (G(G_EARLY) && cfg->early_stop != k->early_stop)
    DIFFER("--early-stop", "%zu", cfg->early_stop, k->early_stop);
#undef DIFFER
#undef G
  *cfg = *k;
  cfg->seed = r->seed; /* the shuffling uses seed + 1 */
  return CLI_OK;
}

int cmd_train(int argc, char **argv)
{
  enum { O_SIZES = 256, O_EPOCHS, O_BATCH, O_ETA, O_LAMBDA, O_COST, O_INIT,
         O_SEED, O_MONITOR, O_EVAL, O_TRAINSIZE, O_EARLY, O_SAVE, O_DATA,
         O_FORMAT, O_QUIET, O_HELP, O_CHECKPOINT, O_RESUME };
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
    {"checkpoint", required_argument, NULL, O_CHECKPOINT},
    {"resume", required_argument, NULL, O_RESUME},
    {"data", required_argument, NULL, O_DATA},
    {"format", required_argument, NULL, O_FORMAT},
    {"quiet", no_argument, NULL, O_QUIET},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0}};
  gc_train_config cfg;
  gc_train_config_default(&cfg);
  size_t *sizes = NULL, L = 0, epochs = 30, train_size = 0;
  gc_cost cost = GC_COST_CROSS_ENTROPY;
  gc_init init = GC_INIT_DEFAULT;
  const char *save = NULL, *data = NULL, *ckpath = NULL, *resume = NULL;
  unsigned long given = 0; /* options given, as bits 1 << (c - O_SIZES) */
  int use_test = 0, quiet = 0;
  cli_format format = CLI_TEXT;
  int c, rc = CLI_OK;
  gc_checkpoint *ck = NULL; /* before any goto out */

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c >= O_SIZES && c <= O_RESUME) given |= 1UL << (c - O_SIZES);
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
    case O_CHECKPOINT: ckpath = optarg; break;
    case O_RESUME: resume = optarg; break;
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
  if (resume) {
    if (!ckpath) ckpath = resume;
    if (gc_checkpoint_load(&ck, resume)) {
      rc = cli_fail_lib();
      goto out;
    }
    if ((rc = adopt(ck, resume, given, sizes, L, &epochs, &cfg, cost, init,
                    use_test, train_size)))
      goto out;
    /* the run is the checkpoint's */
    free(sizes);
    L = ck->net->nlayers;
    sizes = malloc(L * sizeof *sizes);
    if (!sizes) {
      rc = cli_fail(CLI_FAIL, "out of memory");
      goto out;
    }
    memcpy(sizes, ck->net->sizes, L * sizeof *sizes);
    cost = ck->net->cost;
    gc_init_from_name(&init, ck->run.init);
    use_test = !strcmp(ck->run.eval_set, "test");
    train_size = ck->train_size;
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
  struct sigaction sa, old_sa;
  int handler = 0;
  if (cli_mnist_load(&m, data)) {
    rc = cli_fail_lib();
    goto done;
  }
  gc_dataset train = m->training;
  const gc_dataset *eval = use_test ? &m->test : &m->validation;
  if (ck && train_size > train.n) {
    rc = cli_fail(CLI_FAIL, "--resume %s: the run trained on %zu images but "
                  "the data have only %zu (other data?)", resume, train_size,
                  train.n);
    goto done;
  }
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
  if (gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, cost)) {
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
  if (!ck) gc_net_init(net, init, rng);
  cfg.seed += 1;
  if (gc_trainer_alloc(&t, net, &train, eval, &cfg)) {
    rc = cli_fail_lib();
    goto done;
  }
  cfg.seed -= 1;
  size_t k = 0;
  if (ck) {
    if (gc_checkpoint_restore(t, ck)) {
      rc = cli_fail(CLI_FAIL, "--resume %s: %s (not the same data?)", resume,
                    gc_strerror_last());
      goto done;
    }
    k = ck->epoch;
    if (k) memcpy(st, ck->history, k * sizeof *st);
  }
  gc_checkpoint_run run;
  memset(&run, 0, sizeof run);
  run.epochs = epochs;
  run.seed = cfg.seed;
  snprintf(run.init, sizeof run.init, "%s",
           init == GC_INIT_LARGE ? "large" : "default");
  snprintf(run.eval_set, sizeof run.eval_set, "%s",
           use_test ? "test" : "validation");

  /* SIGINT: finish the epoch, checkpoint it, stop; a second one kills */
  interrupted = 0;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  handler = !sigaction(SIGINT, &sa, &old_sa);

  double t0 = now();
  size_t k0 = k;
  while (k < epochs && !t->stopped) {
    if (gc_trainer_epoch(t, &st[k])) {
      rc = cli_fail_lib();
      goto done;
    }
    k++;
    double el = now() - t0;
    if (!quiet)
      progress(&st[k - 1], epochs, cfg.monitor,
               (double)train.n * (k - k0) / el,
               t->stopped ? 0.0 : el / (k - k0) * (epochs - k));
    if (ckpath && gc_checkpoint_save(ckpath, t, &run, st)) {
      rc = cli_fail_lib();
      goto done;
    }
    if (interrupted && k < epochs && !t->stopped) {
      if (ckpath) {
        fprintf(stderr, "gradchain train: interrupted after epoch %zu of "
                "%zu; the checkpoint %s holds it; continue with: ", k, epochs,
                ckpath);
        print_command(stderr, argc, argv, ckpath);
        fputc('\n', stderr);
      } else {
        fprintf(stderr, "gradchain train: interrupted after epoch %zu of %zu; "
                "no checkpoint was requested, so the run cannot be resumed "
                "(give --checkpoint FILE to make it resumable)\n", k, epochs);
      }
      rc = CLI_INTERRUPTED;
      goto done;
    }
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
  if (handler) sigaction(SIGINT, &old_sa, NULL);
  free(st);
  if (rng) gsl_rng_free(rng);
  gc_trainer_free(t);
  gc_net_free(net);
  gc_mnist_free(m);
out:
  gc_checkpoint_free(ck);
  free(sizes);
  return rc;
usage_fail:
  free(sizes);
  return CLI_USAGE;
}
