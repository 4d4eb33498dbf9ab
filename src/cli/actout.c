/* actout.c -- the activation monitor's records as JSON, CSV, text and
 * figures. */
#include <stdio.h>
#include <stdlib.h>
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

/* The mean figure: one panel per hidden layer (the bands of several
 * layers overlap into one grey), the mean as a line in its 2.5-97.5
 * percentile band, all against the mini-batches seen. */
static int mean_figure(const stage_ctx *ctx, FILE *md, const char *name,
                       const char *title, const gc_run_result *res)
{
  size_t H = res->nhidden, cols = H > 4 ? 2 : 1, rows = (H + cols - 1) / cols;
  size_t cap = 1024 + 512 * H;
  char fig[256], *body = malloc(cap), caption[512];
  if (!body) return cli_fail(CLI_FAIL, "out of memory");
  snprintf(fig, sizeof fig, "%s_mean", name);
  snprintf(caption, sizeof caption, "Mean activation of each hidden layer "
           "(line) and its 2.5-97.5 percentile band, %s", title);
  size_t n = (size_t)snprintf(body, cap,
      "set terminal pngcairo size %zu,%zu enhanced font 'DejaVu Sans,10'\n"
      "set output '%s.png'\nunset key\n"
      "set style fill transparent solid 0.3 noborder\n"
      "set multiplot layout %zu,%zu title \"%s\" noenhanced\n",
      cols * 900, 90 + 200 * rows, fig, rows, cols, caption);
  for (size_t l = 0; l < H; l++)
    n += (size_t)snprintf(body + n, cap - n,
        "set title 'hidden layer %zu'\nset ylabel 'activation'\n"
        "set xlabel '%s'\n"
        "plot '%s.csv' skip 1 every %zu::%zu using 1:6:8 with filledcurves "
        "lc %zu, '' skip 1 every %zu::%zu using 1:4 with linespoints lc %zu "
        "lw 2 pt 7 ps 0.4\n", l + 1,
        l + cols >= H ? "mini-batches seen" : "", name, H, l, l + 1, H, l,
        l + 1);
  snprintf(body + n, cap - n, "unset multiplot\n");
  int st = stage_figure_data(ctx, md, fig, name, caption, body);
  free(body);
  return st;
}

/* The sd or the saturated fraction of every hidden layer (CSV column col)
 * against the mini-batches seen, one line per layer. */
static int line_figure(const stage_ctx *ctx, FILE *md, const char *name,
                       const char *what, int col, const char *label,
                       const char *yrange,
                       const char *caption, const char *title,
                       const gc_run_result *res)
{
  size_t H = res->nhidden, cap = 1024 + 256 * H;
  char fig[256], *body = malloc(cap), cap2[512];
  if (!body) return cli_fail(CLI_FAIL, "out of memory");
  snprintf(fig, sizeof fig, "%s_%s", name, what);
  snprintf(cap2, sizeof cap2, "%s, %s", caption, title);
  size_t n = (size_t)snprintf(body, cap,
      "set title \"%s\" noenhanced\nset xlabel 'mini-batches seen'\n"
      "set ylabel '%s'\nset yrange %s\nset key outside right top\nplot ",
      cap2, label, yrange);
  for (size_t l = 0; l < H; l++)
    n += (size_t)snprintf(body + n, cap - n,
        "'%s.csv' skip 1 every %zu::%zu using 1:%d with linespoints lc %zu "
        "lw 2 pt 7 ps 0.5 title 'hidden layer %zu'%s", name, H, l, col,
        l + 1, l + 1, l + 1 < H ? ", " : "\n");
  int st = stage_figure_data(ctx, md, fig, name, cap2, body);
  free(body);
  return st;
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
  int st = mean_figure(ctx, md, name, title, res);
  if (!st)
    st = line_figure(ctx, md, name, "sd", 5, "standard deviation", "[0:*]",
                     "Standard deviation of the activations of each hidden "
                     "layer", title, res);
  if (!st)
    st = line_figure(ctx, md, name, "saturated", 9, "fraction saturated", "[0:1]",
                     "Fraction of saturated activations in each hidden layer",
                     title, res);
  return st;
}
