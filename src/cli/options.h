/* options.h -- the one option table of the gradchain command.
 *
 * Every option has one entry: its name, its parser, its limits, the field
 * of cli_args it sets.  A subcommand lists the options it takes and calls
 * cli_args_parse(), the one driver; so the same option has the same
 * meaning, limits and refusals in every subcommand.  Run options land in
 * the run description (gc_run_config) the library takes.
 *
 * To add an option: an OPT_ id, a field (in `run` when it describes the
 * run), a row in the table of options.c, and its id in the lists of the
 * subcommands that take it.
 */
#ifndef GRADCHAIN_CLI_OPTIONS_H
#define GRADCHAIN_CLI_OPTIONS_H

#include <stddef.h>

#include "gradchain/depth.h"
#include "gradchain/run.h"
#include "cli/cli.h"

typedef enum cli_opt {
  /* the run description */
  OPT_SIZES, OPT_EPOCHS, OPT_BATCH, OPT_ETA, OPT_LAMBDA, OPT_COST, OPT_INIT,
  OPT_SEED, OPT_MONITOR, OPT_EVAL, OPT_SET, OPT_TRAIN_SIZE, OPT_EARLY_STOP,
  OPT_STATS_SAMPLE, OPT_STATS_EVERY, OPT_MOMENTUM_SCHEDULE, OPT_MOMENTUM_MAX,
  /* the remedies: --activation (a list: one per hidden layer), --output,
   * --sigma-w, --sigma-b, --momentum, --nesterov */
  OPT_ACTIVATIONS, OPT_OUTPUT, OPT_SIGMA_W, OPT_SIGMA_B, OPT_MOMENTUM,
  OPT_NESTEROV,
  /* the studies */
  OPT_DEPTHS, OPT_WIDTH, OPT_SEEDS, OPT_EXAMPLES, OPT_TRAIN,
  /* files and output */
  OPT_LOAD, OPT_SAVE, OPT_CHECKPOINT, OPT_RESUME, OPT_DATA, OPT_PLOT,
  OPT_OUT, OPT_FORMAT, OPT_QUIET, OPT_HELP,
  /* toy chains and the chapter's problems (strings in text[]: MPFR reads
   * the numbers as typed once --prec is known) */
  OPT_WEIGHTS, OPT_WEIGHT, OPT_BIASES, OPT_RANDOM,
  OPT_INPUT, OPT_TARGET, OPT_PREC, OPT_DOUBLE_INPUTS, OPT_CHECK_FD,
  OPT_SUMMARY, OPT_W, OPT_B, OPT_NO_POLISH, OPT_W1, OPT_POINTS, OPT_CHAINS,
  OPT_WSCALE,
  /* mean field */
  OPT_CRITICAL, OPT_PHASE, OPT_GRID_SIZE,
  OPT_W2_RANGE, OPT_B2_RANGE,
  /* sweeps */
  OPT_GRID, OPT_GRID_FILE, OPT_EXTEND, OPT_STATUS, OPT_JOBS, OPT_TIMEOUT,
  OPT_SHARD, OPT_ENGINE, OPT_REDO_DAMAGED, OPT_HIDDEN, OPT_PLOT_KEY,
  /* reproduce, fetch-mnist */
  OPT_QUICK, OPT_FORCE, OPT_STAGES, OPT_DIR, OPT_TARBALL,
  /* the theory: Jacobian products (and --depth of the chains, --activation
   * and --sigma-w2, --sigma-b2 of the mean field) */
  OPT_DEPTH, OPT_ACTIVATION, OPT_SIGMA_W2, OPT_SIGMA_B2, OPT_SPECTRA,
  OPT_LYAPUNOV, OPT_BLOCKS, OPT_BACKWARD,
  OPT_COUNT
} cli_opt;

#define CLI_MAX_SPECTRA 64

/* Positional arguments a subcommand may take (sweep-report DIR). */
#define CLI_MAX_POS 4

typedef struct cli_args {
  gc_run_config run;          /* --sizes ... --stats-every, --set */
  size_t depths[GC_DEPTH_MAX], ndepths; /* --depths (1,2,3,4) */
  size_t width;               /* --width (30) */
  size_t seeds;               /* --seeds (1) */
  size_t examples;            /* --examples (1000) */
  int train;                  /* --train */
  const char *load, *save, *checkpoint, *resume, *data, *plot, *out;
  cli_format format;          /* --format (text) */
  int quiet, help;
  size_t depth;               /* --depth (10) */
  gc_activation act;          /* --activation (sigmoid) */
  double sigma_w2, sigma_b2;  /* --sigma-w2, --sigma-b2 (1, 0) */
  size_t spectra[CLI_MAX_SPECTRA], nspectra; /* --spectra (none) */
  int lyapunov;               /* --lyapunov */
  int backward;               /* --backward */
  size_t blocks;              /* --blocks (10) */
  /* chains and problems; the numbers of --weights ... --b are in text[] */
  size_t random;              /* --random (a chain's length) */
  size_t prec;                /* --prec (0: double only) */
  double w1, wscale;          /* --w1 (0.1), --wscale (1) */
  size_t points, chains;      /* --grid of identity (10000), --chains (10001) */
  /* mean field */
  size_t grid_size;           /* (100) */
  double w2_range[2], b2_range[2]; /* (0.05,4), (0,0.5) */
  /* sweeps */
  size_t jobs, timeout, hidden; /* (0: the CPUs, 0: none, 1) */
  size_t shard_k, shard_n;    /* --shard k/K (n = 0: all) */
  int mpi;                    /* --engine mpi */
  /* the typed value of each option given (flags: "") */
  const char *text[OPT_COUNT];
  unsigned char given[OPT_COUNT]; /* the option was given */
  /* positional arguments, up to maxpos (set before parsing; 0: none) */
  const char *pos[CLI_MAX_POS];
  size_t npos, maxpos;
} cli_args;

#define CLI_GIVEN(a, o) ((a)->given[(o)] != 0)

/* The defaults: gc_run_config_init's run, and the above. */
void cli_args_init(cli_args *a);

/* Parse argv[1..] with the options `allowed` (n of them); csv: whether
 * --format takes csv.  Arguments that are not options go to pos[] (at
 * most maxpos of them).  0, or the exit status after a one-line message;
 * --help (or -h) sets help and stops. */
int cli_args_parse(cli_args *a, const cli_opt *allowed, size_t n, int csv,
                   int argc, char **argv);

/* Sutskever's schedule needs a cap (--momentum-max > 0). */
int cli_check_momentum(const cli_args *a);

/* The remedies' options together: a list of activations as long as the
 * hidden layers (hidden: their number; 0: any net takes it, as depth's
 * depths are checked by the caller), the output and the cost a pair the
 * library accepts, --sigma-w/--sigma-b only for the initialisers that
 * take them, --momentum and --momentum-max not both, --nesterov only with
 * momentum. */
int cli_check_remedies(const cli_args *a, size_t hidden);

/* --stats-sample and --stats-every only with --monitor activations, the
 * sample no larger than the evaluation set (of n images). */
int cli_check_stats(const cli_args *a, size_t n);

/* Apply option NAME (no dashes) with value ARG as the command line would
 * (for a sweep's grid values).  0, or the exit status after a message. */
int cli_option_apply(cli_args *a, const char *name, const char *arg);

/* The first and last of --sizes against the data's inputs and classes. */
int cli_check_sizes(const gc_run_config *c, const gc_dataset *d);

#endif
