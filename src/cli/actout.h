/* actout.h -- the activation monitor's records (run.h) as JSON, CSV, a
 * text table and gnuplot figures in the style of Glorot and Bengio's
 * Figure 2. */
#ifndef GRADCHAIN_CLI_ACTOUT_H
#define GRADCHAIN_CLI_ACTOUT_H

#include <stdio.h>

#include "gradchain/run.h"
#include "cli/reproduce/stages.h"

/* [{"layer": 1, "mean": ..., "sd": ..., "p2_5": ..., "p50": ...,
 *   "p97_5": ..., "saturated": ...}, ...] */
void act_json_layers(FILE *f, const gc_layer_stats *ls, size_t nhidden);

/* The record taken at the end of epoch k (1, 2, ...), or NULL. */
const gc_layer_stats *act_epoch_layers(const gc_run_result *res, size_t k);

/* ", \"initial_activations\": [...], \"activation_records\": [{"batches":
 * b, "epoch": e, "activations": [...]}, ...]" (the records every K
 * mini-batches), to go inside the run's JSON object. */
void act_json_records(FILE *f, const gc_run_result *res);

/* batches,epoch,layer,mean,sd,p2_5,p50,p97_5,saturated: one row per record
 * and hidden layer. */
void act_csv(FILE *f, const gc_run_result *res);

/* The same as a compact table, with a heading naming the sample. */
void act_text(FILE *f, const gc_run_result *res);

/* NAME.csv and three figures in ctx->dir: NAME_mean (the mean of each
 * hidden layer against the mini-batches seen, its 2.5-97.5 percentile
 * band shaded), NAME_sd and NAME_saturated; what of `title` follows the
 * figures' titles.  Links go to md. */
int act_plot(const stage_ctx *ctx, FILE *md, const char *name,
             const char *title, const gc_run_result *res);

#endif
