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
  /* the studies */
  OPT_DEPTHS, OPT_WIDTH, OPT_SEEDS, OPT_EXAMPLES, OPT_TRAIN,
  /* files and output */
  OPT_LOAD, OPT_SAVE, OPT_CHECKPOINT, OPT_RESUME, OPT_DATA, OPT_PLOT,
  OPT_OUT, OPT_FORMAT, OPT_QUIET, OPT_HELP,
  /* the theory: Jacobian products */
  OPT_DEPTH, OPT_ACTIVATION, OPT_SIGMA_W2, OPT_SIGMA_B2, OPT_SPECTRA,
  OPT_LYAPUNOV, OPT_BLOCKS,
  OPT_COUNT
} cli_opt;

#define CLI_MAX_SPECTRA 64

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
  double sigma_w2, sigma_b2;  /* --sigma-w2, --sigma-b2 (1, 1) */
  size_t spectra[CLI_MAX_SPECTRA], nspectra; /* --spectra (none) */
  int lyapunov;               /* --lyapunov */
  size_t blocks;              /* --blocks (10) */
  unsigned long long given;   /* bit OPT_x: the option was given */
} cli_args;

#define CLI_GIVEN(a, o) (((a)->given >> (o)) & 1ULL)

/* The defaults: gc_run_config_init's run, and the above. */
void cli_args_init(cli_args *a);

/* Parse argv[1..] with the options `allowed` (n of them); csv: whether
 * --format takes csv.  0, or the exit status after a one-line message. */
int cli_args_parse(cli_args *a, const cli_opt *allowed, size_t n, int csv,
                   int argc, char **argv);

/* Sutskever's schedule needs a cap (--momentum-max > 0). */
int cli_check_momentum(const cli_args *a);

/* --stats-sample and --stats-every only with --monitor activations, the
 * sample no larger than the evaluation set (of n images). */
int cli_check_stats(const cli_args *a, size_t n);

/* Apply option NAME (no dashes) with value ARG as the command line would
 * (for a sweep's grid values).  0, or the exit status after a message. */
int cli_option_apply(cli_args *a, const char *name, const char *arg);

/* The first and last of --sizes against the data's inputs and classes. */
int cli_check_sizes(const gc_run_config *c, const gc_dataset *d);

#endif
