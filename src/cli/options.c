/* options.c -- the option table and its driver (see options.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/net.h"
#include "cli/options.h"

/* One limit for each count, whichever subcommand takes it. */
#define MAX_EPOCHS 1000000
#define MAX_BATCH 1000000000
#define MAX_SET 1000000000   /* --train-size, --examples, --stats-* */
#define MAX_SEEDS 1000

typedef int (*parser)(cli_args *a, const char *arg, const char *opt,
                      int csv);

static int p_sizes(cli_args *a, const char *arg, const char *opt, int csv)
{
  (void)csv;
  size_t *sizes, L;
  if (cli_parse_sizes(arg, opt, 1, GC_NET_MAX_WIDTH, &sizes, &L))
    return CLI_USAGE;
  int st = CLI_OK;
  if (L < 2)
    st = cli_fail(CLI_USAGE, "%s: a net needs at least two layers (input "
                  "and output)", opt);
  else if (gc_run_config_set_sizes(&a->run, L, sizes))
    st = cli_fail(CLI_USAGE, "%s: %s", opt, gc_strerror_last());
  free(sizes);
  return st;
}

static int p_count(const char *arg, const char *opt, size_t min, size_t max,
                   size_t *out)
{
  return cli_parse_size(arg, opt, min, max, out) ? CLI_USAGE : CLI_OK;
}

/* a finite number >= 0 */
static int p_rate(const char *arg, const char *opt, double *out)
{
  if (cli_parse_double(arg, opt, out)) return CLI_USAGE;
  if (*out < 0) return cli_fail(CLI_USAGE, "%s: '%s' is negative", opt, arg);
  return CLI_OK;
}

/* a name the library knows; its message says which are */
static int p_lib(int st, const char *opt)
{
  return st ? cli_fail(CLI_USAGE, "%s: %s", opt, gc_strerror_last()) : CLI_OK;
}

#define P(name) \
  static int name(cli_args *a, const char *arg, const char *opt, int csv)
P(p_epochs) { (void)csv; return p_count(arg, opt, 1, MAX_EPOCHS, &a->run.epochs); }
P(p_batch) { (void)csv; return p_count(arg, opt, 1, MAX_BATCH, &a->run.batch); }
P(p_eta) { (void)csv; return p_rate(arg, opt, &a->run.eta); }
P(p_lambda) { (void)csv; return p_rate(arg, opt, &a->run.lambda); }
P(p_cost) { (void)csv; return p_lib(gc_cost_from_name(&a->run.cost, arg), opt); }
P(p_init) { (void)csv; return p_lib(gc_init_from_name(&a->run.init, arg), opt); }
P(p_seed) { (void)csv; return cli_parse_ulong(arg, opt, &a->run.seed) ? CLI_USAGE : CLI_OK; }
P(p_monitor) { (void)csv; return p_lib(gc_monitor_from_names(&a->run.monitor, arg), opt); }
P(p_eval)
{
  (void)csv;
  if (strcmp(arg, "validation") && strcmp(arg, "test"))
    return cli_fail(CLI_USAGE, "%s: '%s' is not validation or test", opt, arg);
  return p_lib(gc_eval_set_from_name(&a->run.eval_set, arg), opt);
}
P(p_train_size) { (void)csv; return p_count(arg, opt, 1, MAX_SET, &a->run.train_size); }
P(p_early_stop) { (void)csv; return p_count(arg, opt, 0, MAX_EPOCHS, &a->run.early_stop); }
P(p_stats_sample) { (void)csv; return p_count(arg, opt, 1, MAX_SET, &a->run.stats_sample); }
P(p_stats_every) { (void)csv; return p_count(arg, opt, 1, MAX_SET, &a->run.stats_every); }
P(p_schedule) { (void)csv; return p_lib(gc_schedule_from_name(&a->run.schedule, arg), opt); }
P(p_momentum_max)
{
  (void)csv;
  if (cli_parse_double(arg, opt, &a->run.momentum)) return CLI_USAGE;
  if (!(a->run.momentum >= 0 && a->run.momentum < 1))
    return cli_fail(CLI_USAGE, "%s: '%s' is not from 0 up to, not including, "
                    "1", opt, arg);
  return CLI_OK;
}
P(p_depths)
{
  (void)csv;
  size_t *d, n;
  if (cli_parse_sizes(arg, opt, 1, GC_DEPTH_MAX, &d, &n)) return CLI_USAGE;
  int st = n > GC_DEPTH_MAX
               ? cli_fail(CLI_USAGE, "%s: at most %d depths", opt, GC_DEPTH_MAX)
               : CLI_OK;
  if (!st) {
    memcpy(a->depths, d, n * sizeof *d);
    a->ndepths = n;
  }
  free(d);
  return st;
}
P(p_width) { (void)csv; return p_count(arg, opt, 1, GC_NET_MAX_WIDTH, &a->width); }
P(p_seeds) { (void)csv; return p_count(arg, opt, 1, MAX_SEEDS, &a->seeds); }
P(p_examples) { (void)csv; return p_count(arg, opt, 1, MAX_SET, &a->examples); }
P(p_train) { (void)arg; (void)opt; (void)csv; a->train = 1; return CLI_OK; }
P(p_load) { (void)opt; (void)csv; a->load = arg; return CLI_OK; }
P(p_save) { (void)opt; (void)csv; a->save = arg; return CLI_OK; }
P(p_checkpoint) { (void)opt; (void)csv; a->checkpoint = arg; return CLI_OK; }
P(p_resume) { (void)opt; (void)csv; a->resume = arg; return CLI_OK; }
P(p_data) { (void)opt; (void)csv; a->data = arg; return CLI_OK; }
P(p_plot) { (void)opt; (void)csv; a->plot = arg; return CLI_OK; }
P(p_out) { (void)opt; (void)csv; a->out = arg; return CLI_OK; }
P(p_format)
{
  (void)opt;
  return cli_parse_format(arg, csv, &a->format) ? CLI_USAGE : CLI_OK;
}
P(p_quiet) { (void)arg; (void)opt; (void)csv; a->quiet = 1; return CLI_OK; }
P(p_help) { (void)arg; (void)opt; (void)csv; a->help = 1; return CLI_OK; }
P(p_depth) { (void)csv; return p_count(arg, opt, 1, GC_NET_MAX_LAYERS, &a->depth); }
P(p_activation) { (void)csv; return p_lib(gc_activation_from_name(&a->act, arg), opt); }
/* a finite variance, > 0 for the weights' */
static int p_var(const char *arg, const char *opt, int positive, double *out)
{
  if (cli_parse_double(arg, opt, out)) return CLI_USAGE;
  if (positive ? !(*out > 0) : !(*out >= 0))
    return cli_fail(CLI_USAGE, "%s must be %s (got %s)", opt,
                    positive ? "> 0" : ">= 0", arg);
  return CLI_OK;
}
P(p_sigma_w2) { (void)csv; return p_var(arg, opt, 1, &a->sigma_w2); }
P(p_sigma_b2) { (void)csv; return p_var(arg, opt, 0, &a->sigma_b2); }
P(p_spectra)
{
  (void)csv;
  size_t *d, n;
  if (cli_parse_sizes(arg, opt, 1, GC_NET_MAX_LAYERS, &d, &n))
    return CLI_USAGE;
  int st = n > CLI_MAX_SPECTRA
               ? cli_fail(CLI_USAGE, "%s: at most %d depths", opt,
                          CLI_MAX_SPECTRA)
               : CLI_OK;
  if (!st) {
    memcpy(a->spectra, d, n * sizeof *d);
    a->nspectra = n;
  }
  free(d);
  return st;
}
P(p_lyapunov) { (void)arg; (void)opt; (void)csv; a->lyapunov = 1; return CLI_OK; }
P(p_blocks) { (void)csv; return p_count(arg, opt, 2, 1000000, &a->blocks); }
#undef P

static const struct {
  const char *name;
  int has_arg;
  parser parse;
} table[OPT_COUNT] = {
  [OPT_SIZES] = {"sizes", required_argument, p_sizes},
  [OPT_EPOCHS] = {"epochs", required_argument, p_epochs},
  [OPT_BATCH] = {"batch", required_argument, p_batch},
  [OPT_ETA] = {"eta", required_argument, p_eta},
  [OPT_LAMBDA] = {"lambda", required_argument, p_lambda},
  [OPT_COST] = {"cost", required_argument, p_cost},
  [OPT_INIT] = {"init", required_argument, p_init},
  [OPT_SEED] = {"seed", required_argument, p_seed},
  [OPT_MONITOR] = {"monitor", required_argument, p_monitor},
  [OPT_EVAL] = {"eval", required_argument, p_eval},
  [OPT_SET] = {"set", required_argument, p_eval},
  [OPT_TRAIN_SIZE] = {"train-size", required_argument, p_train_size},
  [OPT_EARLY_STOP] = {"early-stop", required_argument, p_early_stop},
  [OPT_STATS_SAMPLE] = {"stats-sample", required_argument, p_stats_sample},
  [OPT_STATS_EVERY] = {"stats-every", required_argument, p_stats_every},
  [OPT_MOMENTUM_SCHEDULE] = {"momentum-schedule", required_argument,
                             p_schedule},
  [OPT_MOMENTUM_MAX] = {"momentum-max", required_argument, p_momentum_max},
  [OPT_DEPTHS] = {"depths", required_argument, p_depths},
  [OPT_WIDTH] = {"width", required_argument, p_width},
  [OPT_SEEDS] = {"seeds", required_argument, p_seeds},
  [OPT_EXAMPLES] = {"examples", required_argument, p_examples},
  [OPT_TRAIN] = {"train", no_argument, p_train},
  [OPT_LOAD] = {"load", required_argument, p_load},
  [OPT_SAVE] = {"save", required_argument, p_save},
  [OPT_CHECKPOINT] = {"checkpoint", required_argument, p_checkpoint},
  [OPT_RESUME] = {"resume", required_argument, p_resume},
  [OPT_DATA] = {"data", required_argument, p_data},
  [OPT_PLOT] = {"plot", required_argument, p_plot},
  [OPT_OUT] = {"out", required_argument, p_out},
  [OPT_FORMAT] = {"format", required_argument, p_format},
  [OPT_QUIET] = {"quiet", no_argument, p_quiet},
  [OPT_HELP] = {"help", no_argument, p_help},
  [OPT_DEPTH] = {"depth", required_argument, p_depth},
  [OPT_ACTIVATION] = {"activation", required_argument, p_activation},
  [OPT_SIGMA_W2] = {"sigma-w2", required_argument, p_sigma_w2},
  [OPT_SIGMA_B2] = {"sigma-b2", required_argument, p_sigma_b2},
  [OPT_SPECTRA] = {"spectra", required_argument, p_spectra},
  [OPT_LYAPUNOV] = {"lyapunov", no_argument, p_lyapunov},
  [OPT_BLOCKS] = {"blocks", required_argument, p_blocks},
};

void cli_args_init(cli_args *a)
{
  gc_depth_config d; /* the library's defaults */
  gc_depth_config_init(&d);
  memset(a, 0, sizeof *a);
  a->run = d.base;
  a->ndepths = d.ndepths;
  memcpy(a->depths, d.depths, sizeof a->depths);
  a->width = d.width;
  a->seeds = d.seeds;
  a->examples = 1000;
  a->format = CLI_TEXT;
  a->depth = 10;
  a->act = GC_ACT_SIGMOID;
  a->sigma_w2 = 1; /* the trainer's sigma_w = 1, sigma_b = 0 */
  a->sigma_b2 = 0;
  a->blocks = 10;
}

int cli_args_parse(cli_args *a, const cli_opt *allowed, size_t n, int csv,
                   int argc, char **argv)
{
  struct option lo[OPT_COUNT + 1];
  memset(lo, 0, sizeof lo);
  for (size_t i = 0; i < n; i++) {
    lo[i].name = table[allowed[i]].name;
    lo[i].has_arg = table[allowed[i]].has_arg;
    lo[i].val = (int)allowed[i] + 256;
  }
  int c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
    if (c == ':')
      return cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]);
    if (c < 256 || c >= 256 + OPT_COUNT)
      return cli_fail(CLI_USAGE, "unknown option '%s' (try --help)",
                      argv[optind - 1]);
    cli_opt o = (cli_opt)(c - 256);
    char name[32];
    snprintf(name, sizeof name, "--%s", table[o].name);
    a->given |= 1ULL << o;
    int st = table[o].parse(a, optarg, name, csv);
    if (st) return st;
    if (a->help) return CLI_OK;
  }
  if (optind < argc)
    return cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
  return CLI_OK;
}

int cli_option_apply(cli_args *a, const char *name, const char *arg)
{
  for (size_t o = 0; o < OPT_COUNT; o++)
    if (!strcmp(table[o].name, name) && table[o].has_arg) {
      char opt[32];
      snprintf(opt, sizeof opt, "--%s", name);
      a->given |= 1ULL << o;
      return table[o].parse(a, arg, opt, 1);
    }
  return cli_fail(CLI_USAGE, "--%s is not an option with a value", name);
}

int cli_check_sizes(const gc_run_config *c, const gc_dataset *d)
{
  size_t in = c->sizes[0], out = c->sizes[c->nlayers - 1];
  if (in != d->dim || out != d->nclasses)
    return cli_fail(CLI_USAGE, "--sizes: MNIST needs %zu inputs and %zu "
                    "outputs (got %zu and %zu)", d->dim, d->nclasses, in, out);
  return CLI_OK;
}

int cli_check_momentum(const cli_args *a)
{
  if (a->run.schedule == GC_SCHEDULE_SUTSKEVER && a->run.momentum == 0)
    return cli_fail(CLI_USAGE, "--momentum-schedule sutskever: give its cap "
                    "with --momentum-max MU (0 < MU < 1)");
  return CLI_OK;
}

int cli_check_stats(const cli_args *a, size_t n)
{
  const gc_run_config *c = &a->run;
  int on = (c->monitor & GC_MONITOR_ACTIVATIONS) != 0;
  if (!on && CLI_GIVEN(a, OPT_STATS_SAMPLE))
    return cli_fail(CLI_USAGE, "--stats-sample: there is no activation "
                    "monitor to take it (add --monitor activations)");
  if (!on && CLI_GIVEN(a, OPT_STATS_EVERY))
    return cli_fail(CLI_USAGE, "--stats-every: there is no activation "
                    "monitor to take it (add --monitor activations)");
  if (on && c->stats_sample > n)
    return cli_fail(CLI_USAGE, "--stats-sample: %zu is more than the %zu "
                    "images of the %s set", c->stats_sample, n,
                    gc_eval_set_name(c->eval_set));
  return CLI_OK;
}
