/* runout.h -- the one JSON writer of a run's result record (run.h).
 * `train --format json` prints it on a few lines with the run's
 * configuration first; a sweep's result file is the same record with one
 * key per line, its configuration the grid's keys as typed. */
#ifndef GRADCHAIN_CLI_RUNOUT_H
#define GRADCHAIN_CLI_RUNOUT_H

#include <stdio.h>

#include "gradchain/run.h"

/* what follows "epochs" besides "seconds" */
#define RUNOUT_STOPPED 1u  /* "stopped_early" */
#define RUNOUT_ACCURACY 2u /* "final_accuracy", "best_accuracy", "best_epoch" */
#define RUNOUT_BUILD 4u    /* "version", "isa", "host" */

typedef struct runout_style {
  const char *open, *sep, *close; /* the object's brace, between keys, end */
  /* the keys before "epochs" (the configuration), no separator around */
  void (*head)(FILE *f, const gc_run_result *res, const void *arg);
  const void *arg;
  unsigned fields;                /* RUNOUT_* */
} runout_style;

/* The record as JSON: head, "epochs" (the monitored values of each, and
 * the activation records), the fields asked for and "seconds". */
void runout_json(FILE *f, const gc_run_result *res, const runout_style *s);

/* A head: the run's sizes, cost, batch, eta, lambda, seed (and momentum
 * when there is one), as train prints them. */
void runout_config(FILE *f, const gc_run_result *res, const void *arg);

/* Whether a run has network2's net and update (sigmoid layers, sigmoid
 * output, the default or large initialiser, no momentum): then the
 * outputs keep the form they had before the remedies, keys and lines
 * added only for the others. */
int runout_is_default(const gc_run_config *c);

/* For the others, the keys "activation", "output", "init", "sigma_w",
 * "sigma_b", each after ", " (a JSON object's). */
void runout_remedies_keys(FILE *f, const gc_run_config *c);

/* For the others, a line "# activation ..., output ..., cost ..., init
 * ..., momentum ..." (train's and speeds' text). */
void runout_remedies_text(FILE *f, const gc_run_config *c);

#endif
