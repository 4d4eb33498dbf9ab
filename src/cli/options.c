/* options.c -- the option table and its driver (see options.h). */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/chain.h"
#include "gradchain/chain_mpfr.h"
#include "gradchain/error.h"
#include "gradchain/net.h"
#include "gradchain/problem_activation.h"
#include "gradchain/problem_identity.h"
#include "cli/options.h"

/* One limit for each count, whichever subcommand takes it. */
#define MAX_EPOCHS 1000000
#define MAX_BATCH 1000000000
#define MAX_SET 1000000000   /* --train-size, --examples, --stats-* */
#define MAX_SEEDS 1000
#define MAX_POINTS 100000000 /* --grid of identity, --chains */
#define MAX_DEPTH_LIST 1000000 /* an item of --depths */

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
/* --momentum and --momentum-max (the cap of a schedule): mu in [0, 1) */
P(p_momentum)
{
  (void)csv;
  if (cli_parse_double(arg, opt, &a->run.momentum)) return CLI_USAGE;
  if (!(a->run.momentum >= 0 && a->run.momentum < 1))
    return cli_fail(CLI_USAGE, "%s: '%s' is not from 0 up to, not including, "
                    "1", opt, arg);
  return CLI_OK;
}
P(p_nesterov) { (void)arg; (void)opt; (void)csv; a->run.nesterov = 1; return CLI_OK; }
P(p_output) { (void)csv; return p_lib(gc_output_from_name(&a->run.output, arg), opt); }
/* NAME, or NAME,NAME,... one per hidden layer */
P(p_activations)
{
  (void)csv;
  gc_run_config *c = &a->run;
  size_t n = 0;
  char buf[64];
  for (const char *s = arg;; n++) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (n >= GC_RUN_MAX_LAYERS - 2)
      return cli_fail(CLI_USAGE, "%s: more than %d activations", opt,
                      GC_RUN_MAX_LAYERS - 2);
    if (len >= sizeof buf)
      return cli_fail(CLI_USAGE, "%s: '%.*s...' is no activation", opt, 20, s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (gc_activation_from_name(&c->acts[n], buf)) return p_lib(1, opt);
    if (!e) break;
    s = e + 1;
  }
  n++;
  c->act = a->act = c->acts[0];
  c->nacts = n > 1 ? n : 0;
  return CLI_OK;
}
/* a list of depths and ranges A..B (A <= B), e.g. 1..4,6,8 */
P(p_depths)
{
  (void)csv;
  size_t n = 0;
  char buf[64];
  for (const char *s = arg;; ) {
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s), lo, hi;
    if (len >= sizeof buf)
      return cli_fail(CLI_USAGE, "%s: '%.*s...' is not a depth", opt, 20, s);
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *dots = strstr(buf, "..");
    if (dots) *dots = '\0';
    if (cli_parse_size(buf, opt, 1, MAX_DEPTH_LIST, &lo)) return CLI_USAGE;
    hi = lo;
    if (dots && cli_parse_size(dots + 2, opt, lo, MAX_DEPTH_LIST, &hi))
      return CLI_USAGE;
    if (hi - lo >= (size_t)GC_DEPTH_MAX - n)
      return cli_fail(CLI_USAGE, "%s: at most %d depths", opt, GC_DEPTH_MAX);
    for (size_t k = lo; k <= hi; k++) a->depths[n++] = k;
    if (!e) break;
    s = e + 1;
  }
  a->ndepths = n;
  return CLI_OK;
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
/* the typed text only (in a->text): strings, flags, and numbers MPFR
 * reads once --prec is known */
P(p_text) { (void)a; (void)arg; (void)opt; (void)csv; return CLI_OK; }
P(p_dir)
{
  (void)a; (void)csv;
  return *arg ? CLI_OK : cli_fail(CLI_USAGE, "%s: empty directory name", opt);
}
P(p_activation) { (void)csv; return p_lib(gc_activation_from_name(&a->act, arg), opt); }
/* a net's or a chain's depth (GC_NET_MAX_LAYERS = GC_CHAIN_MAX_DEPTH) */
P(p_depth) { (void)csv; return p_count(arg, opt, 1, GC_CHAIN_MAX_DEPTH, &a->depth); }
P(p_random) { (void)csv; return p_count(arg, opt, 1, GC_CHAIN_MAX_DEPTH, &a->random); }
P(p_prec)
{
  (void)csv;
  return p_count(arg, opt, GC_MPFR_PREC_MIN, GC_MPFR_PREC_MAX, &a->prec);
}
P(p_w1) { (void)csv; return cli_parse_double(arg, opt, &a->w1) ? CLI_USAGE : CLI_OK; }
P(p_points) { (void)csv; return p_count(arg, opt, 1, MAX_POINTS, &a->points); }
P(p_chains) { (void)csv; return p_count(arg, opt, 1, MAX_POINTS, &a->chains); }

/* a finite number > 0 (positive) or >= 0 */
static int p_var(const char *arg, const char *opt, int positive, double *out)
{
  if (cli_parse_double(arg, opt, out)) return CLI_USAGE;
  if (positive ? !(*out > 0) : !(*out >= 0))
    return cli_fail(CLI_USAGE, "%s must be %s (got %s)", opt,
                    positive ? "> 0" : ">= 0", arg);
  return CLI_OK;
}

/* LO,HI with lo_min <= LO < HI */
static int p_range(const char *arg, const char *opt, double lo_min,
                   double out[2])
{
  double *v = NULL;
  size_t n = 0;
  if (cli_parse_doubles(arg, opt, &v, &n)) return CLI_USAGE;
  int ok = n == 2 && v[0] >= lo_min && v[1] > v[0];
  if (ok) {
    out[0] = v[0];
    out[1] = v[1];
  }
  free(v);
  if (!ok)
    return cli_fail(CLI_USAGE, "%s needs LO,HI with %s LO < HI (got '%s')",
                    opt, lo_min > 0 ? "0 <" : "0 <=", arg);
  return CLI_OK;
}
P(p_wscale) { (void)csv; return p_var(arg, opt, 1, &a->wscale); }
P(p_sigma_w2) { (void)csv; return p_var(arg, opt, 1, &a->sigma_w2); }
P(p_sigma_b2) { (void)csv; return p_var(arg, opt, 0, &a->sigma_b2); }
P(p_sigma_w) { (void)csv; return p_var(arg, opt, 0, &a->run.sigma_w); }
P(p_sigma_b) { (void)csv; return p_var(arg, opt, 0, &a->run.sigma_b); }
P(p_grid_size) { (void)csv; return p_count(arg, opt, 2, 1000, &a->grid_size); }
P(p_w2_range) { (void)csv; return p_range(arg, opt, 1e-300, a->w2_range); }
P(p_b2_range) { (void)csv; return p_range(arg, opt, 0, a->b2_range); }
P(p_jobs) { (void)csv; return p_count(arg, opt, 1, 4096, &a->jobs); }
P(p_timeout) { (void)csv; return p_count(arg, opt, 1, 100000000, &a->timeout); }
P(p_hidden) { (void)csv; return p_count(arg, opt, 0, GC_RUN_MAX_LAYERS - 2, &a->hidden); }
P(p_shard)
{
  (void)csv;
  char *end;
  errno = 0;
  unsigned long k = strtoul(arg, &end, 10), n = 0;
  if (*end == '/' && end > arg) n = strtoul(end + 1, &end, 10);
  if (errno || *end || !n || !k || k > n || n > 1000000 ||
      !strchr(arg, '/') || arg[0] == '-')
    return cli_fail(CLI_USAGE, "%s wants k/K with 1 <= k <= K, not '%s'", opt,
                    arg);
  a->shard_k = k;
  a->shard_n = n;
  return CLI_OK;
}
P(p_engine)
{
  (void)csv;
  if (strcmp(arg, "mpi") && strcmp(arg, "pool"))
    return cli_fail(CLI_USAGE, "%s is pool or mpi, not '%s'", opt, arg);
  a->mpi = !strcmp(arg, "mpi");
  return CLI_OK;
}
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
P(p_backward) { (void)arg; (void)opt; (void)csv; a->backward = 1; return CLI_OK; }
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
  [OPT_MOMENTUM_MAX] = {"momentum-max", required_argument, p_momentum},
  /* --activation of a net (a list: one per hidden layer); the one
   * activation of the chains, jacobian and the mean field: OPT_ACTIVATION */
  [OPT_ACTIVATIONS] = {"activation", required_argument, p_activations},
  [OPT_OUTPUT] = {"output", required_argument, p_output},
  [OPT_SIGMA_W] = {"sigma-w", required_argument, p_sigma_w},
  [OPT_SIGMA_B] = {"sigma-b", required_argument, p_sigma_b},
  [OPT_MOMENTUM] = {"momentum", required_argument, p_momentum},
  [OPT_NESTEROV] = {"nesterov", no_argument, p_nesterov},
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
  [OPT_ACTIVATION] = {"activation", required_argument, p_activation},
  [OPT_WEIGHTS] = {"weights", required_argument, p_text},
  [OPT_WEIGHT] = {"weight", required_argument, p_text},
  [OPT_BIASES] = {"biases", required_argument, p_text},
  [OPT_DEPTH] = {"depth", required_argument, p_depth},
  [OPT_RANDOM] = {"random", required_argument, p_random},
  [OPT_INPUT] = {"input", required_argument, p_text},
  [OPT_TARGET] = {"target", required_argument, p_text},
  [OPT_PREC] = {"prec", required_argument, p_prec},
  [OPT_DOUBLE_INPUTS] = {"double-inputs", no_argument, p_text},
  [OPT_CHECK_FD] = {"check-fd", no_argument, p_text},
  [OPT_SUMMARY] = {"summary", no_argument, p_text},
  [OPT_W] = {"w", required_argument, p_text},
  [OPT_B] = {"b", required_argument, p_text},
  [OPT_NO_POLISH] = {"no-polish", no_argument, p_text},
  [OPT_W1] = {"w1", required_argument, p_w1},
  /* --grid: the points of identity, the phase diagram's directory of
   * meanfield, a sweep's grid (three meanings of one name, kept from
   * before the table; no subcommand takes two of them) */
  [OPT_POINTS] = {"grid", required_argument, p_points},
  [OPT_CHAINS] = {"chains", required_argument, p_chains},
  [OPT_WSCALE] = {"wscale", required_argument, p_wscale},
  [OPT_CRITICAL] = {"critical", no_argument, p_text},
  [OPT_PHASE] = {"grid", required_argument, p_text},
  [OPT_GRID_SIZE] = {"grid-size", required_argument, p_grid_size},
  [OPT_W2_RANGE] = {"w2-range", required_argument, p_w2_range},
  [OPT_B2_RANGE] = {"b2-range", required_argument, p_b2_range},
  [OPT_GRID] = {"grid", required_argument, p_text},
  [OPT_GRID_FILE] = {"grid-file", required_argument, p_text},
  [OPT_EXTEND] = {"extend", no_argument, p_text},
  [OPT_STATUS] = {"status", required_argument, p_text},
  [OPT_JOBS] = {"jobs", required_argument, p_jobs},
  [OPT_TIMEOUT] = {"timeout", required_argument, p_timeout},
  [OPT_SHARD] = {"shard", required_argument, p_shard},
  [OPT_ENGINE] = {"engine", required_argument, p_engine},
  [OPT_REDO_DAMAGED] = {"redo-damaged", no_argument, p_text},
  [OPT_HIDDEN] = {"hidden", required_argument, p_hidden},
  /* sweep-report's --plot names a key (depth's --plot a directory) */
  [OPT_PLOT_KEY] = {"plot", required_argument, p_text},
  [OPT_QUICK] = {"quick", no_argument, p_text},
  [OPT_FORCE] = {"force", no_argument, p_text},
  [OPT_STAGES] = {"stages", required_argument, p_text},
  [OPT_DIR] = {"dir", required_argument, p_dir},
  [OPT_TARBALL] = {"tarball", required_argument, p_text},
  [OPT_SIGMA_W2] = {"sigma-w2", required_argument, p_sigma_w2},
  [OPT_SIGMA_B2] = {"sigma-b2", required_argument, p_sigma_b2},
  [OPT_SPECTRA] = {"spectra", required_argument, p_spectra},
  [OPT_LYAPUNOV] = {"lyapunov", no_argument, p_lyapunov},
  [OPT_BLOCKS] = {"blocks", required_argument, p_blocks},
  [OPT_BACKWARD] = {"backward", no_argument, p_backward},
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
  gc_act_chain_params act; /* the problems' defaults are the library's */
  gc_act_chain_params_default(&act);
  gc_identity_params id;
  gc_identity_params_default(&id);
  a->w1 = 0.1;
  a->wscale = act.wscale;
  a->points = id.grid;
  a->chains = act.nchains;
  a->grid_size = 100;
  a->w2_range[0] = 0.05;
  a->w2_range[1] = 4;
  a->b2_range[1] = 0.5;
  a->hidden = 1;
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
  while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    if (c == 'h') c = 256 + OPT_HELP;
    if (c == ':')
      return cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]);
    if (c < 256 || c >= 256 + OPT_COUNT)
      return cli_fail(CLI_USAGE, "unknown option '%s' (try --help)",
                      argv[optind - 1]);
    cli_opt o = (cli_opt)(c - 256);
    char name[32];
    snprintf(name, sizeof name, "--%s", table[o].name);
    a->given[o] = 1;
    a->text[o] = optarg ? optarg : "";
    int st = table[o].parse(a, optarg, name, csv);
    if (st) return st;
    if (a->help) return CLI_OK;
  }
  for (; optind < argc; optind++) {
    if (a->npos >= a->maxpos)
      return cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
    a->pos[a->npos++] = argv[optind];
  }
  return CLI_OK;
}

int cli_option_apply(cli_args *a, const char *name, const char *arg)
{
  for (size_t o = 0; o < OPT_COUNT; o++)
    if (!strcmp(table[o].name, name) && table[o].has_arg) {
      char opt[32];
      snprintf(opt, sizeof opt, "--%s", name);
      a->given[o] = 1;
      a->text[o] = arg;
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

int cli_check_remedies(const cli_args *a, size_t hidden)
{
  const gc_run_config *c = &a->run;
  if (hidden && c->nacts && c->nacts != hidden)
    return cli_fail(CLI_USAGE, "--activation: %zu activations for %zu hidden "
                    "layer%s (give one, or one per hidden layer)", c->nacts,
                    hidden, hidden == 1 ? "" : "s");
  if (gc_output_cost_check(c->output, c->cost))
    return cli_fail(CLI_USAGE, "--output %s with --cost %s: %s",
                    gc_output_name(c->output), gc_cost_name(c->cost),
                    gc_strerror_last());
  if (CLI_GIVEN(a, OPT_SIGMA_W) && c->init != GC_INIT_GAUSSIAN &&
      c->init != GC_INIT_ORTHOGONAL)
    return cli_fail(CLI_USAGE, "--sigma-w: the %s initialiser does not take "
                    "it (gaussian and orthogonal do)", gc_init_name(c->init));
  if (CLI_GIVEN(a, OPT_SIGMA_B) && c->init != GC_INIT_GAUSSIAN)
    return cli_fail(CLI_USAGE, "--sigma-b: the %s initialiser does not take "
                    "it (gaussian does)", gc_init_name(c->init));
  if (CLI_GIVEN(a, OPT_MOMENTUM) && CLI_GIVEN(a, OPT_MOMENTUM_MAX))
    return cli_fail(CLI_USAGE, "--momentum and --momentum-max both set the "
                    "momentum: give one");
  if (c->nesterov && c->momentum == 0)
    return cli_fail(CLI_USAGE, "--nesterov: there is no momentum to take "
                    "Nesterov's form (add --momentum MU, 0 < MU < 1)");
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
