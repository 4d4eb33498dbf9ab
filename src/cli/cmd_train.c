/* cmd_train.c -- gradchain train: network2's SGD on MNIST. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_rng.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "gradchain/run.h"
#include "cli/actout.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/runout.h"
#include "cli/outfile.h"

static const char usage[] =
  "Usage: gradchain train [OPTIONS]\n"
  "Train a network on MNIST by network2's mini-batch SGD with L2\n"
  "regularisation; print the monitored values of every epoch.\n\n"
  "  --sizes N0,N1,...   layer sizes, input first (784,30,10)\n"
  "  --epochs N          epochs (30)\n"
  "  --batch M           mini-batch size (10)\n"
  "  --eta ETA           learning rate (0.1)\n"
  "  --lambda L          L2 regularisation parameter (5.0)\n"
  "  --activation A      the hidden layers' activation, or a comma list, one\n"
  "                      per hidden layer: sigmoid | tanh | relu |\n"
  "                      leaky-relu | softplus | identity | erf |\n"
  "                      hard-tanh (sigmoid)\n"
  "  --output O          sigmoid | softmax (sigmoid)\n"
  "  --cost C            cross-entropy | quadratic | log-likelihood\n"
  "                      (cross-entropy); log-likelihood goes with softmax\n"
  "                      and softmax with it only\n"
  "  --init I            default (w ~ N(0,1/n_in), b ~ N(0,1)) | large\n"
  "                      (w ~ N(0,1)) | glorot | he | orthogonal | gaussian\n"
  "                      | uniform (default)\n"
  "  --sigma-w S         gaussian: w ~ N(0, S^2/n_in); orthogonal: the gain\n"
  "                      (1)\n"
  "  --sigma-b S         gaussian: b ~ N(0, S^2) (0)\n"
  "  --seed S            seed of the initialisation and shuffling (1)\n"
  "  --monitor LIST      any of eval-accuracy,eval-cost,train-accuracy,\n"
  "                      train-cost,activations, or none (eval-accuracy);\n"
  "                      activations: mean, sd, 2.5/50/97.5th percentiles\n"
  "                      and saturated fraction of every hidden layer over\n"
  "                      a sample of the evaluation set, before the first\n"
  "                      epoch and after each\n"
  "  --stats-sample N    the activations' sample: the first N evaluation\n"
  "                      images (300)\n"
  "  --stats-every K     also take the activations every K mini-batches\n"
  "  --momentum MU       classical momentum (0: none), in [0, 1)\n"
  "  --nesterov          Nesterov's form of the momentum (refused without\n"
  "                      --momentum)\n"
  "  --momentum-max MU   momentum (0: none), in [0, 1); with sutskever the\n"
  "                      cap of the schedule\n"
  "  --momentum-schedule constant | sutskever: mu_t = min(1 - 2^(-1 -\n"
  "                      log2(floor(t/250) + 1)), MU) for update t\n"
  "                      (constant)\n"
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
  "  --format F          text | json | csv (text); csv: the activation\n"
  "                      records, one row per record and hidden layer\n"
  "  --plot DIR          the activations' figures (mean with its 2.5-97.5\n"
  "                      band, sd, saturated fraction against mini-batches\n"
  "                      seen): CSV, gnuplot scripts and PNGs in DIR\n"
  "  --quiet             no progress lines on stderr\n"
  "  --help              this text\n"
  "On SIGINT (Ctrl-C) the current epoch is finished and checkpointed, and\n"
  "the program exits with status 130 after printing the command that\n"
  "resumes; a second SIGINT ends it at once.\n";

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

static void print_text(const gc_run_result *res)
{
  const gc_epoch_stats *st = res->history;
  unsigned mon = res->config.monitor;
  runout_remedies_text(stdout, &res->config);
  printf("%5s", "epoch");
  if (mon & GC_MONITOR_EVAL_ACCURACY) printf("  %15s", "eval-accuracy");
  if (mon & GC_MONITOR_EVAL_COST) printf("  %15s", "eval-cost");
  if (mon & GC_MONITOR_TRAIN_ACCURACY) printf("  %15s", "train-accuracy");
  if (mon & GC_MONITOR_TRAIN_COST) printf("  %15s", "train-cost");
  printf("\n");
  for (size_t i = 0; i < res->epochs; i++) {
    printf("%5zu", st[i].epoch);
    if (mon & GC_MONITOR_EVAL_ACCURACY)
      printf("  %15.4f", st[i].evaluation_accuracy);
    if (mon & GC_MONITOR_EVAL_COST) printf("  %15.6g", st[i].evaluation_cost);
    if (mon & GC_MONITOR_TRAIN_ACCURACY)
      printf("  %15.4f", st[i].training_accuracy);
    if (mon & GC_MONITOR_TRAIN_COST) printf("  %15.6g", st[i].training_cost);
    printf("\n");
  }
  if (res->stopped_early)
    printf("stopped early: no better evaluation accuracy in %zu epochs\n",
           res->config.early_stop);
  act_text(stdout, res);
  printf("seconds: %.3f\n", res->seconds);
}

static const cli_opt train_opts[] = {
  OPT_SIZES, OPT_EPOCHS, OPT_BATCH, OPT_ETA, OPT_LAMBDA, OPT_COST, OPT_INIT,
  OPT_SEED, OPT_MONITOR, OPT_EVAL, OPT_TRAIN_SIZE, OPT_EARLY_STOP,
  OPT_STATS_SAMPLE, OPT_STATS_EVERY, OPT_MOMENTUM_SCHEDULE, OPT_MOMENTUM_MAX,
  OPT_ACTIVATIONS, OPT_OUTPUT, OPT_SIGMA_W, OPT_SIGMA_B, OPT_MOMENTUM,
  OPT_NESTEROV, OPT_SAVE, OPT_CHECKPOINT, OPT_RESUME,
  OPT_DATA, OPT_PLOT, OPT_FORMAT, OPT_QUIET, OPT_HELP};

#define GIVEN(a, o) CLI_GIVEN(a, o)

/* --resume: the options given on the command line must agree with the
 * checkpoint's run (all but --epochs, which may lengthen it); the run
 * becomes the checkpoint's. */
static int adopt(cli_args *a, const gc_checkpoint *ck)
{
#define DIFFER(opt, fmt, mine, theirs)                                       \
  return cli_fail(CLI_USAGE, "%s " fmt " disagrees with the checkpoint %s, " \
                  "which has " fmt "; leave it out to continue that run",   \
                  opt, mine, file, theirs)
  const char *file = a->resume;
  gc_run_config k;
  const gc_run_config *c = &a->run;
  if (gc_run_config_from_checkpoint(&k, ck))
    return cli_fail(CLI_FAIL, "--resume %s: %s", file, gc_strerror_last());
  if (GIVEN(a, OPT_SIZES) &&
      (c->nlayers != k.nlayers ||
       memcmp(c->sizes, k.sizes, k.nlayers * sizeof *k.sizes)))
    return cli_fail(CLI_USAGE, "--sizes disagrees with the layer sizes of "
                    "the checkpoint %s; leave it out to continue that run",
                    file);
  if (GIVEN(a, OPT_EPOCHS)) {
    if (c->epochs < ck->epoch)
      return cli_fail(CLI_USAGE, "--epochs %zu: the checkpoint %s has done "
                      "%zu already", c->epochs, file, ck->epoch);
    k.epochs = c->epochs;
  }
  if (GIVEN(a, OPT_BATCH) && c->batch != k.batch)
    DIFFER("--batch", "%zu", c->batch, k.batch);
  if (GIVEN(a, OPT_ETA) && c->eta != k.eta)
    DIFFER("--eta", "%.17g", c->eta, k.eta);  /* 17 digits: tell apart */
  if (GIVEN(a, OPT_LAMBDA) && c->lambda != k.lambda)
    DIFFER("--lambda", "%.17g", c->lambda, k.lambda);
  if (GIVEN(a, OPT_COST) && c->cost != k.cost)
    DIFFER("--cost", "%s", gc_cost_name(c->cost), gc_cost_name(k.cost));
  if (GIVEN(a, OPT_INIT) && c->init != k.init)
    DIFFER("--init", "%s", gc_init_name(c->init), gc_init_name(k.init));
  if (GIVEN(a, OPT_SEED) && c->seed != k.seed)
    DIFFER("--seed", "%lu", c->seed, k.seed);
  if (GIVEN(a, OPT_MONITOR) && c->monitor != k.monitor)
    return cli_fail(CLI_USAGE, "--monitor disagrees with the monitors of the "
                    "checkpoint %s; leave it out to continue that run", file);
  if (GIVEN(a, OPT_EVAL) && c->eval_set != k.eval_set)
    DIFFER("--eval", "%s", gc_eval_set_name(c->eval_set),
           gc_eval_set_name(k.eval_set));
  if (GIVEN(a, OPT_TRAIN_SIZE) && c->train_size != k.train_size)
    DIFFER("--train-size", "%zu", c->train_size, k.train_size);
  if (GIVEN(a, OPT_EARLY_STOP) && c->early_stop != k.early_stop)
    DIFFER("--early-stop", "%zu", c->early_stop, k.early_stop);
  if (GIVEN(a, OPT_MOMENTUM_SCHEDULE) && c->schedule != k.schedule)
    DIFFER("--momentum-schedule", "%s", gc_schedule_name(c->schedule),
           gc_schedule_name(k.schedule));
  if (GIVEN(a, OPT_MOMENTUM_MAX) && c->momentum != k.momentum)
    DIFFER("--momentum-max", "%.17g", c->momentum, k.momentum);
  if (GIVEN(a, OPT_MOMENTUM) && c->momentum != k.momentum)
    DIFFER("--momentum", "%.17g", c->momentum, k.momentum);
  if (GIVEN(a, OPT_NESTEROV) && c->nesterov != k.nesterov)
    return cli_fail(CLI_USAGE, "--nesterov disagrees with the checkpoint %s, "
                    "whose momentum is classical; leave it out to continue "
                    "that run", file);
  if (GIVEN(a, OPT_OUTPUT) && c->output != k.output)
    DIFFER("--output", "%s", gc_output_name(c->output),
           gc_output_name(k.output));
  if (GIVEN(a, OPT_SIGMA_W) && c->sigma_w != k.sigma_w)
    DIFFER("--sigma-w", "%.17g", c->sigma_w, k.sigma_w);
  if (GIVEN(a, OPT_SIGMA_B) && c->sigma_b != k.sigma_b)
    DIFFER("--sigma-b", "%.17g", c->sigma_b, k.sigma_b);
  if (GIVEN(a, OPT_ACTIVATIONS)) {
    size_t h = k.nlayers - 2;
    if (c->nacts && c->nacts != h)
      return cli_fail(CLI_USAGE, "--activation: %zu activations for the %zu "
                      "hidden layers of the checkpoint %s", c->nacts, h, file);
    for (size_t l = 0; l < h; l++)
      if ((c->nacts ? c->acts[l] : c->act) != (k.nacts ? k.acts[l] : k.act))
        return cli_fail(CLI_USAGE, "--activation disagrees with the hidden "
                        "layers' activations of the checkpoint %s; leave it "
                        "out to continue that run", file);
  }
  if (GIVEN(a, OPT_STATS_SAMPLE) && c->stats_sample != k.stats_sample)
    DIFFER("--stats-sample", "%zu", c->stats_sample, k.stats_sample);
  if (GIVEN(a, OPT_STATS_EVERY) && c->stats_every != k.stats_every)
    DIFFER("--stats-every", "%zu", c->stats_every, k.stats_every);
#undef DIFFER
  a->run = k;
  return CLI_OK;
}

/* The run against the data, with the command line's words. */
static int check_run(const cli_args *a, const gc_mnist *m, int resumed)
{
  const gc_run_config *r = &a->run;
  size_t n = m->training.n;
  int rc = cli_check_sizes(r, &m->training);
  if (rc) return rc;
  if (resumed && r->train_size > n)
    return cli_fail(CLI_FAIL, "--resume %s: the run trained on %zu images "
                    "but the data have only %zu (other data?)", a->resume,
                    r->train_size, n);
  if (r->train_size > n)
    return cli_fail(CLI_USAGE, "--train-size: %zu is more than the %zu "
                    "training images", r->train_size, n);
  if (r->train_size) n = r->train_size;
  if (r->batch > n)
    return cli_fail(CLI_USAGE, "--batch: %zu is more than the %zu training "
                    "images", r->batch, n);
  return cli_check_stats(a, r->eval_set == GC_EVAL_SET_TEST ? m->test.n
                                                            : m->validation.n);
}

/* set by SIGINT, checked between epochs */
static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
  (void)sig;
  interrupted = 1;
}

/* Say how an interrupted run continues (if it can). */
static void report_interrupt(const gc_run *r, const char *ckpath, int argc,
                             char **argv)
{
  size_t k = r->result.epochs, epochs = r->cfg.epochs;
  if (ckpath) {
    fprintf(stderr, "gradchain train: interrupted after epoch %zu of %zu; "
            "the checkpoint %s holds it; continue with: ", k, epochs, ckpath);
    print_command(stderr, argc, argv, ckpath);
    fputc('\n', stderr);
  } else {
    fprintf(stderr, "gradchain train: interrupted after epoch %zu of %zu; "
            "no checkpoint was requested, so the run cannot be resumed (give "
            "--checkpoint FILE to make it resumable)\n", k, epochs);
  }
}

/* The epochs: progress, checkpoint after each, stop on SIGINT.  SIGINT
 * finishes the epoch; a second one kills (SA_RESETHAND). */
static int epochs_loop(gc_run *r, const cli_args *a, int argc, char **argv)
{
  const char *ckpath = a->checkpoint ? a->checkpoint : a->resume;
  struct sigaction sa, old_sa;
  interrupted = 0;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  int handler = !sigaction(SIGINT, &sa, &old_sa), rc = CLI_OK;
  size_t k0 = r->result.epochs;
  double t0 = now();
  while (!gc_run_done(r)) {
    if (gc_run_iterate(r)) {
      rc = cli_fail_lib();
      break;
    }
    size_t k = r->result.epochs, epochs = r->cfg.epochs;
    double el = now() - t0;
    if (!a->quiet)
      progress(&r->result.history[k - 1], epochs, r->cfg.monitor,
               (double)r->train.n * (double)(k - k0) / el,
               gc_run_done(r) ? 0.0 : el / (double)(k - k0) * (double)(epochs - k));
    if (ckpath && gc_run_checkpoint(r, ckpath)) {
      rc = cli_fail_lib();
      break;
    }
    if (interrupted && !gc_run_done(r)) {
      report_interrupt(r, ckpath, argc, argv);
      rc = CLI_INTERRUPTED;
      break;
    }
  }
  if (handler) sigaction(SIGINT, &old_sa, NULL);
  return rc;
}

/* --plot DIR: the activations' figures. */
static int plot(const cli_args *a, const gc_run_result *res)
{
  char title[64];
  const gc_run_config *c = &res->config;
  int k = snprintf(title, sizeof title, "[");
  for (size_t l = 0; l < c->nlayers && k < (int)sizeof title - 16; l++)
    k += snprintf(title + k, sizeof title - (size_t)k, "%s%zu", l ? "," : "",
                  c->sizes[l]);
  snprintf(title + k, sizeof title - (size_t)k, "]");
  stage_ctx ctx = {a->plot, 0, 1, a->data, a->quiet, 0};
  FILE *devnull = fopen("/dev/null", "w");
  int st = !devnull || make_dirs(a->plot) ? CLI_FAIL
           : act_plot(&ctx, devnull, "activations", title, res);
  if (devnull) fclose(devnull);
  return st;
}

/* Load the data, set up (or resume) the run, train, save, print. */
static int train(cli_args *a, const gc_checkpoint *ck, int argc,
                 char **argv)
{
  gc_mnist *m = NULL;
  gc_run *r = NULL;
  int rc;
  if (cli_mnist_load(&m, a->data)) return cli_fail_lib();
  if ((rc = check_run(a, m, ck != NULL))) goto done;
  if (gc_run_alloc(&r, &a->run, m)) {
    rc = cli_fail_lib();
    goto done;
  }
  if (ck && gc_run_restore(r, ck)) {
    rc = cli_fail(CLI_FAIL, "--resume %s: %s (not the same data?)", a->resume,
                  gc_strerror_last());
    goto done;
  }
  if ((rc = epochs_loop(r, a, argc, argv))) goto done;
  if (a->save && gc_net_save(a->save, r->net)) {
    rc = cli_fail_lib();
    goto done;
  }
  if (a->format == CLI_JSON) {
    static const runout_style style = {"{", ", ", "}\n", runout_config,
                                       NULL, RUNOUT_STOPPED};
    runout_json(stdout, &r->result, &style);
  }
  else if (a->format == CLI_CSV) act_csv(stdout, &r->result);
  else print_text(&r->result);
  if (a->plot && (rc = plot(a, &r->result))) goto done;
done:
  gc_run_free(r);
  gc_mnist_free(m);
  return rc;
}

int cmd_train(int argc, char **argv)
{
  cli_args a;
  cli_args_init(&a);
  int rc = cli_args_parse(&a, train_opts, sizeof train_opts /
                          sizeof *train_opts, 1, argc, argv);
  if (rc || a.help) return rc ? rc : cli_help(usage);
  gc_checkpoint *ck = NULL;
  if (a.resume) {
    if (gc_checkpoint_load(&ck, a.resume)) return cli_fail_lib();
    if ((rc = adopt(&a, ck))) {
      gc_checkpoint_free(ck);
      return rc;
    }
  }
  if (!rc) rc = cli_check_momentum(&a);
  if (!rc) rc = cli_check_remedies(&a, a.run.nlayers - 2);
  if (!rc && !(a.run.monitor & GC_MONITOR_ACTIVATIONS)) {
    if (a.format == CLI_CSV)
      rc = cli_fail(CLI_USAGE, "--format csv: train writes CSV only for the "
                    "activation records (add --monitor activations)");
    else if (a.plot)
      rc = cli_fail(CLI_USAGE, "--plot: train plots only the activation "
                    "records (add --monitor activations)");
  }
  if (!rc) rc = train(&a, ck, argc, argv);
  gc_checkpoint_free(ck);
  return rc;
}
