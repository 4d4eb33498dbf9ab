/* actout.c -- the activation monitor's records as JSON, CSV, text and
 * figures. */
#include <stdio.h>
#include <string.h>

#include "cli/actout.h"
#include "cli/cli.h"
#include "cli/outfile.h"

void act_json_layers(FILE *f, const gc_layer_stats *ls, size_t nhidden)
{
  fputc('[', f);
  for (size_t l = 0; l < nhidden; l++) {
    const gc_layer_stats *s = &ls[l];
    fprintf(f, "%s{\"layer\": %zu, \"mean\": ", l ? ", " : "", s->layer);
    cli_json_double(f, s->mean);
    fputs(", \"sd\": ", f);
    cli_json_double(f, s->sd);
    fputs(", \"p2_5\": ", f);
    cli_json_double(f, s->p2_5);
    fputs(", \"p50\": ", f);
    cli_json_double(f, s->p50);
    fputs(", \"p97_5\": ", f);
    cli_json_double(f, s->p97_5);
    fputs(", \"saturated\": ", f);
    cli_json_double(f, s->saturated);
    fputc('}', f);
  }
  fputc(']', f);
}

const gc_layer_stats *act_epoch_layers(const gc_run_result *res, size_t k)
{
  for (size_t i = 0; i < res->nrecords; i++)
    if ((res->act_records[i].kind & GC_ACTREC_EPOCH) &&
        res->act_records[i].epoch == k)
      return gc_run_result_layers(res, i);
  return NULL;
}

void act_json_records(FILE *f, const gc_run_result *res)
{
  if (!res->nrecords) return;
  fputs(",\n \"initial_activations\": ", f);
  act_json_layers(f, gc_run_result_layers(res, 0), res->nhidden);
  fputs(",\n \"activation_records\": [", f);
  for (size_t i = 0, k = 0; i < res->nrecords; i++) {
    const gc_act_record *r = &res->act_records[i];
    if (!(r->kind & GC_ACTREC_EVERY)) continue;
    fprintf(f, "%s{\"batches\": %zu, \"epoch\": %zu, \"activations\": ",
            k++ ? ",\n  " : "\n  ", r->batches, r->epoch);
    act_json_layers(f, gc_run_result_layers(res, i), res->nhidden);
    fputc('}', f);
  }
  fputc(']', f);
}

void act_csv(FILE *f, const gc_run_result *res)
{
  fputs("batches,epoch,layer,mean,sd,p2_5,p50,p97_5,saturated\n", f);
  for (size_t i = 0; i < res->nrecords; i++) {
    const gc_layer_stats *ls = gc_run_result_layers(res, i);
    for (size_t l = 0; l < res->nhidden; l++)
      fprintf(f, "%zu,%zu,%zu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
              res->act_records[i].batches, res->act_records[i].epoch,
              ls[l].layer, ls[l].mean, ls[l].sd, ls[l].p2_5, ls[l].p50,
              ls[l].p97_5, ls[l].saturated);
  }
}

void act_text(FILE *f, const gc_run_result *res)
{
  if (!res->nrecords) return;
  fprintf(f, "activations of the hidden layers over the first %zu %s "
          "images\n%8s %6s %6s %9s %9s %9s %9s %9s %10s\n",
          res->config.stats_sample, gc_eval_set_name(res->config.eval_set),
          "batches", "epoch", "layer", "mean", "sd", "p2.5", "p50", "p97.5",
          "saturated");
  for (size_t i = 0; i < res->nrecords; i++) {
    const gc_layer_stats *ls = gc_run_result_layers(res, i);
    for (size_t l = 0; l < res->nhidden; l++)
      fprintf(f, "%8zu %6zu %6zu %9.4f %9.4f %9.4f %9.4f %9.4f %10.4f\n",
              res->act_records[i].batches, res->act_records[i].epoch,
              ls[l].layer, ls[l].mean, ls[l].sd, ls[l].p2_5, ls[l].p50,
              ls[l].p97_5, ls[l].saturated);
  }
}

/* One figure: what (a CSV column, or the band under the mean) of every
 * hidden layer against the mini-batches seen. */
static int figure(const stage_ctx *ctx, FILE *md, const char *name,
                  const char *what, const char *title,
                  const gc_run_result *res)
{
  static const struct {
    const char *what, *label, *caption;
    int col;
  } kinds[] = {
    {"mean", "mean activation (band: 2.5th to 97.5th percentile)",
     "Mean activation of each hidden layer, its 2.5-97.5 percentile band "
     "shaded", 4},
    {"sd", "standard deviation of the activations",
     "Standard deviation of the activations of each hidden layer", 5},
    {"saturated", "fraction of activations saturated",
     "Fraction of saturated units (over sample and units) in each hidden "
     "layer", 9}};
  size_t k = 0;
  while (k < 2 && strcmp(kinds[k].what, what)) k++;
  char fig[256], body[4096], cap[512];
  snprintf(fig, sizeof fig, "%s_%s", name, what);
  size_t H = res->nhidden;
  int n = snprintf(body, sizeof body,
                   "set title \"%s, %s\" noenhanced\n"
                   "set xlabel 'mini-batches seen'\nset ylabel '%s'\n"
                   "set style fill transparent solid 0.15 noborder\n"
                   "set key outside right top\nplot ",
                   kinds[k].caption, title, kinds[k].label);
  for (size_t l = 0; l < H && n < (int)sizeof body; l++) {
    if (kinds[k].col == 4)
      n += snprintf(body + n, sizeof body - (size_t)n,
                    "'%s.csv' skip 1 every %zu::%zu using 1:6:8 with "
                    "filledcurves lc %zu notitle, ", name, H, l, l + 1);
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "'%s.csv' skip 1 every %zu::%zu using 1:%d with linespoints "
                  "lc %zu lw 2 pt 7 ps 0.5 title 'hidden layer %zu'%s", name,
                  H, l, kinds[k].col, l + 1, l + 1, l + 1 < H ? ", " : "\n");
  }
  if (n >= (int)sizeof body)
    return cli_fail(CLI_FAIL, "too many hidden layers to plot (%zu)", H);
  snprintf(cap, sizeof cap, "%s, %s", kinds[k].caption, title);
  return stage_figure(ctx, md, fig, cap, body);
}

int act_plot(const stage_ctx *ctx, FILE *md, const char *name,
             const char *title, const gc_run_result *res)
{
  char file[256];
  snprintf(file, sizeof file, "%s.csv", name);
  outfile o;
  if (outfile_open(&o, ctx->dir, file)) return CLI_FAIL;
  act_csv(o.f, res);
  if (outfile_commit(&o)) return CLI_FAIL;
  int st = figure(ctx, md, name, "mean", title, res);
  if (!st) st = figure(ctx, md, name, "sd", title, res);
  if (!st) st = figure(ctx, md, name, "saturated", title, res);
  return st;
}
