/* runout.c -- the one JSON writer of a run's result record (runout.h). */
#include <unistd.h>

#include "config.h"
#include "gradchain/gradchain.h"
#include "cli/actout.h"
#include "cli/cli.h"
#include "cli/runout.h"

static void key_double(FILE *f, const char *sep, const char *key, double v)
{
  fprintf(f, "%s\"%s\": ", sep, key);
  cli_json_double(f, v);
}

/* the hidden layers' activations: "tanh" or "tanh,relu,..." */
static void acts(FILE *f, const gc_run_config *c)
{
  if (!c->nacts) fputs(gc_activation_name(c->act), f);
  for (size_t l = 0; l < c->nacts; l++)
    fprintf(f, "%s%s", l ? "," : "", gc_activation_name(c->acts[l]));
}

int runout_is_default(const gc_run_config *c)
{
  return !c->nacts && c->act == GC_ACT_SIGMOID &&
         c->output == GC_OUTPUT_SIGMOID &&
         (c->init == GC_INIT_DEFAULT || c->init == GC_INIT_LARGE) &&
         c->momentum == 0;
}

void runout_remedies_keys(FILE *f, const gc_run_config *c)
{
  if (runout_is_default(c)) return; /* network2's runs: the keys of before */
  fputs(", \"activation\": \"", f);
  acts(f, c);
  fprintf(f, "\", \"output\": \"%s\", \"init\": \"%s\"",
          gc_output_name(c->output), gc_init_name(c->init));
  key_double(f, ", ", "sigma_w", c->sigma_w);
  key_double(f, ", ", "sigma_b", c->sigma_b);
}

void runout_remedies_text(FILE *f, const gc_run_config *c)
{
  if (runout_is_default(c)) return; /* network2's: the output of before */
  fputs("# activation ", f);
  acts(f, c);
  fprintf(f, ", output %s, cost %s, init %s", gc_output_name(c->output),
          gc_cost_name(c->cost), gc_init_name(c->init));
  if (c->init == GC_INIT_GAUSSIAN || c->init == GC_INIT_ORTHOGONAL)
    fprintf(f, " (sigma_w %g, sigma_b %g)", c->sigma_w, c->sigma_b);
  if (c->momentum > 0)
    fprintf(f, ", momentum %g%s", c->momentum,
            c->nesterov ? " (Nesterov)" : "");
  fputc('\n', f);
}

void runout_config(FILE *f, const gc_run_result *res, const void *arg)
{
  (void)arg;
  const gc_run_config *c = &res->config;
  fputs("\"sizes\": [", f);
  for (size_t l = 0; l < c->nlayers; l++)
    fprintf(f, l ? ", %zu" : "%zu", c->sizes[l]);
  fputs("], \"cost\": ", f);
  cli_json_string(f, gc_cost_name(c->cost));
  fprintf(f, ", \"batch\": %zu", c->batch);
  key_double(f, ", ", "eta", c->eta);
  key_double(f, ", ", "lambda", c->lambda);
  fprintf(f, ", \"seed\": %lu", c->seed);
  runout_remedies_keys(f, c);
  if (c->momentum > 0) {
    key_double(f, ", ", "momentum_max", c->momentum);
    fprintf(f, ", \"momentum_schedule\": \"%s\", \"nesterov\": %s",
            gc_schedule_name(c->schedule), c->nesterov ? "true" : "false");
  }
}

/* each epoch on a line of its own: what the monitors measured */
static void epochs(FILE *f, const gc_run_result *res)
{
  unsigned mon = res->config.monitor;
  for (size_t i = 0; i < res->epochs; i++) {
    const gc_epoch_stats *st = &res->history[i];
    fprintf(f, "%s\n  {\"epoch\": %zu", i ? "," : "", st->epoch);
    if (mon & GC_MONITOR_EVAL_ACCURACY)
      key_double(f, ", ", "evaluation_accuracy", st->evaluation_accuracy);
    if (mon & GC_MONITOR_EVAL_COST)
      key_double(f, ", ", "evaluation_cost", st->evaluation_cost);
    if (mon & GC_MONITOR_TRAIN_ACCURACY)
      key_double(f, ", ", "training_accuracy", st->training_accuracy);
    if (mon & GC_MONITOR_TRAIN_COST)
      key_double(f, ", ", "training_cost", st->training_cost);
    const gc_layer_stats *ls = act_epoch_layers(res, st->epoch);
    if (ls) {
      fputs(",\n   \"activations\": ", f);
      act_json_layers(f, ls, res->nhidden);
    }
    fputc('}', f);
  }
  if (res->epochs) fputc('\n', f);
}

void runout_json(FILE *f, const gc_run_result *res, const runout_style *s)
{
  fputs(s->open, f);
  s->head(f, res, s->arg);
  fprintf(f, "%s\"epochs\": [", s->sep);
  epochs(f, res);
  fputc(']', f);
  act_json_records(f, res);
  if (s->fields & RUNOUT_STOPPED)
    fprintf(f, "%s\"stopped_early\": %s", s->sep,
            res->stopped_early ? "true" : "false");
  if (s->fields & RUNOUT_ACCURACY) {
    key_double(f, s->sep, "final_accuracy", res->final_accuracy);
    key_double(f, s->sep, "best_accuracy", res->best_accuracy);
    fprintf(f, "%s\"best_epoch\": %zu", s->sep, res->best_epoch);
  }
  key_double(f, s->sep, "seconds", res->seconds);
  if (s->fields & RUNOUT_BUILD) {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    fprintf(f, "%s\"version\": \"%s\"%s\"isa\": \"%s\"%s\"host\": ", s->sep,
            PACKAGE_VERSION, s->sep, gc_build_isa(), s->sep);
    cli_json_string(f, host);
  }
  fputs(s->close, f);
}
