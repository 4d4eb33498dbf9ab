/* checkpoint.c -- a training run's whole state as JSON, written atomically,
 * read back with every field checked. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "gradchain/checkpoint.h"
#include "gradchain/error.h"
#include "io/textfile.h"
#include "gradchain/netio.h"
#include "io/json.h"
#include "io/netio_write.h"

#define FORMAT_NAME "gradchain-checkpoint"
#define FORMAT_VERSION 1

/* gsl's mt19937 state (gsl/rng/mt.c); used only to check a loaded state's
 * position before gsl reads the table with it */
#define MT_N 624
typedef struct {
  unsigned long mt[MT_N];
  int mti;
} mt_state;

/* ------------------------------------------------------------ saving */

static const struct {
  const char *name;
  unsigned flag;
} monitors[] = {
  {"eval-accuracy", GC_MONITOR_EVAL_ACCURACY},
  {"eval-cost", GC_MONITOR_EVAL_COST},
  {"train-accuracy", GC_MONITOR_TRAIN_ACCURACY},
  {"train-cost", GC_MONITOR_TRAIN_COST},
  {"activations", GC_MONITOR_ACTIVATIONS},
};
#define NMON (sizeof monitors / sizeof monitors[0])

/* The activation monitor's settings and records, compactly. */
static void write_activations(FILE *f, const gc_checkpoint_run *run)
{
  fprintf(f, " \"activations\": {\"sample\": %zu, \"every\": %zu, "
          "\"hidden\": %zu, \"records\": [", run->stats_sample,
          run->stats_every, run->nhidden);
  for (size_t i = 0; i < run->nrecords; i++) {
    const gc_act_record *r = &run->act_records[i];
    fprintf(f, "%s[%zu, %zu, %u", i ? ",\n  " : "\n  ", r->batches, r->epoch,
            r->kind);
    for (size_t l = 0; l < run->nhidden; l++) {
      const gc_layer_stats *s = &run->act_layers[i * run->nhidden + l];
      const double v[] = {s->mean, s->sd, s->p2_5, s->p50, s->p97_5,
                          s->saturated};
      fprintf(f, ", [%zu", s->layer);
      for (size_t k = 0; k < 6; k++) {
        fputs(", ", f);
        gc_json_put_double(f, v[k]);
      }
      fputc(']', f);
    }
    fputc(']', f);
  }
  fputs("]},\n", f);
}

static int write_checkpoint(FILE *f, const gc_trainer *t,
                            const gc_checkpoint_run *run,
                            const gc_epoch_stats *h)
{
  const gc_train_config *c = &t->cfg;
  fprintf(f, "{\"format\": \"%s\", \"version\": %d,\n \"config\": {"
          "\"batch\": %zu, \"eta\": ", FORMAT_NAME, FORMAT_VERSION, c->batch);
  gc_json_put_double(f, c->eta);
  fputs(", \"lambda\": ", f);
  gc_json_put_double(f, c->lambda);
  fprintf(f, ", \"shuffle_seed\": %lu, \"monitor\": [", c->seed);
  for (size_t i = 0, k = 0; i < NMON; i++)
    if (c->monitor & monitors[i].flag)
      fprintf(f, k++ ? ", \"%s\"" : "\"%s\"", monitors[i].name);
  fprintf(f, "], \"early_stop\": %zu, \"eval_batch\": %zu,\n  \"train_size\": "
          "%zu, \"eval_size\": %zu, \"epochs\": %zu, \"seed\": %lu, "
          "\"init\": ", c->early_stop, c->eval_batch, t->train->n,
          t->eval ? t->eval->n : 0, run->epochs, run->seed);
  gc_json_put_string(f, run->init);
  fputs(", \"eval_set\": ", f);
  gc_json_put_string(f, run->eval_set);
  fputs(", \"sigma_w\": ", f);
  gc_json_put_double(f, run->sigma_w);
  fputs(", \"sigma_b\": ", f);
  gc_json_put_double(f, run->sigma_b);
  fputs(", \"momentum\": ", f);
  gc_json_put_double(f, c->momentum);
  fprintf(f, ", \"nesterov\": %s", c->nesterov ? "true" : "false");
  if (c->schedule != GC_SCHEDULE_CONSTANT)
    fprintf(f, ", \"momentum_schedule\": \"%s\"",
            gc_schedule_name(c->schedule));
  fprintf(f, "},\n \"updates\": %zu, \"epoch\": %zu, \"best_correct\": "
          "%zu, \"since_best\": %zu, \"stopped\": %s,\n \"rng\": {\"type\": \"%s\", \"size\": %zu, "
          "\"state\": \"", t->updates, t->epoch, t->best_correct, t->since_best,
          t->stopped ? "true" : "false", gsl_rng_name(t->rng),
          gsl_rng_size(t->rng));
  const unsigned char *s = gsl_rng_state(t->rng);
  for (size_t i = 0; i < gsl_rng_size(t->rng); i++) fprintf(f, "%02x", s[i]);
  fputs("\"},\n \"order\": [", f);
  for (size_t i = 0; i < t->train->n; i++)
    fprintf(f, i ? (i % 16 ? ", %zu" : ",\n  %zu") : "%zu", t->idx[i]);
  fputs("],\n \"history\": [", f);
  for (size_t i = 0; i < t->epoch; i++) {
    fprintf(f, "%s{\"epoch\": %zu, \"evaluation_correct\": %zu, "
            "\"evaluation_accuracy\": ", i ? ",\n  " : "\n  ", h[i].epoch,
            h[i].evaluation_correct);
    gc_json_put_double(f, h[i].evaluation_accuracy);
    fputs(", \"evaluation_cost\": ", f);
    gc_json_put_double(f, h[i].evaluation_cost);
    fprintf(f, ", \"training_correct\": %zu, \"training_accuracy\": ",
            h[i].training_correct);
    gc_json_put_double(f, h[i].training_accuracy);
    fputs(", \"training_cost\": ", f);
    gc_json_put_double(f, h[i].training_cost);
    fprintf(f, ", \"stop\": %s}", h[i].stop ? "true" : "false");
  }
  if (t->vel.data) {
    fputs("],\n \"velocity\": [", f);
    for (size_t i = 0; i < t->vel.n; i++) {
      if (i) fputs(i % 8 ? ", " : ",\n  ", f);
      gc_json_put_double(f, t->vel.data[i]);
    }
  }
  fputs("],\n", f);
  if (c->monitor & GC_MONITOR_ACTIVATIONS) write_activations(f, run);
  fputs(" \"net\": ", f);
  if (gc_net_write_json(f, t->net)) return -1;
  fputs("}\n", f);
  return ferror(f) ? -1 : 0;
}

/* Write through a temporary file in path's directory: flush, fsync,
 * rename, then fsync the directory so that the rename is durable. */
static int save_atomic(const char *path, const gc_trainer *t,
                       const gc_checkpoint_run *run, const gc_epoch_stats *h)
{
  /* PATH.tmpPID: one writer per process; a stale file of a dead process
   * with the same id is simply overwritten.  open() rather than mkstemp()
   * so that the permissions follow the umask, as for any other output. */
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 32);
  if (!tmp) return gc_error(GC_ENOMEM, "out of memory");
  snprintf(tmp, plen + 32, "%s.tmp%ld", path, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    return gc_error(GC_EIO, "cannot create a temporary file beside %s: %s",
                    path, strerror(e));
  }
  FILE *f = fdopen(fd, "w");
  if (!f) {
    int e = errno;
    close(fd);
    unlink(tmp);
    free(tmp);
    return gc_error(GC_EIO, "cannot write %s: %s", path, strerror(e));
  }
  int bad = write_checkpoint(f, t, run, h);
  int e = bad ? errno : 0;
  if (!bad && fflush(f)) bad = -1, e = errno;
  if (!bad && fsync(fileno(f))) bad = -1, e = errno;
  if (fclose(f) && !bad) bad = -1, e = errno;
  if (!bad && rename(tmp, path)) bad = -1, e = errno;
  if (bad) {
    unlink(tmp);
    free(tmp);
    return gc_error(GC_EIO, "cannot write the checkpoint %s: %s", path,
                    strerror(e ? e : EIO));
  }
  memcpy(tmp, path, plen + 1);
  int dfd = open(dirname(tmp), O_RDONLY);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  free(tmp);
  return GC_OK;
}

int gc_checkpoint_save(const char *path, const gc_trainer *t,
                       const gc_checkpoint_run *run,
                       const gc_epoch_stats *history)
{
  if (t->epoch > run->epochs)
    return gc_error(GC_EINVAL, "checkpoint: %zu epochs done but the run has "
                    "only %zu", t->epoch, run->epochs);
  if (t->epoch && !history)
    return gc_error(GC_EINVAL, "checkpoint: no history of the %zu epochs",
                    t->epoch);
  if (!memchr(run->init, 0, sizeof run->init) ||
      !memchr(run->eval_set, 0, sizeof run->eval_set))
    return gc_error(GC_EINVAL, "checkpoint: init or eval_set not a string");
  for (size_t k = 0; k < t->vel.n; k++)
    if (!isfinite(t->vel.data[k]))
      return gc_error(GC_ENUMERIC, "the momentum's velocity has a NaN or "
                      "infinite value (index %zu); no checkpoint written to "
                      "%s", k, path);
  for (size_t k = 0; k < t->net->p.n; k++)
    if (!isfinite(t->net->p.data[k]))
      return gc_error(GC_ENUMERIC, "the net has a NaN or infinite parameter "
                      "(index %zu); no checkpoint written to %s", k, path);
  return save_atomic(path, t, run, history);
}

/* ------------------------------------------------------------ loading */

/* Record where the values of the known keys of an object start (the
 * cursor is before its '{'); refuse duplicates and missing keys; leave
 * the cursor after the object. */
static int collect_opt(gc_json *j, const char *const *names, int n,
                       int nreq, const char **at, const char *ctx);

static int collect(gc_json *j, const char *const *names, int n,
                   const char **at, const char *ctx)
{
  return collect_opt(j, names, n, n, at, ctx);
}

/* The same with names[nreq..n-1] optional (at[k] NULL when absent). */
static int collect_opt(gc_json *j, const char *const *names, int n,
                       int nreq, const char **at, const char *ctx)
{
  int st;
  for (int k = 0; k < n; k++) at[k] = NULL;
  if ((st = gc_json_expect(j, '{', ctx))) return st;
  if (!gc_json_accept(j, '}'))
    for (;;) {
      gc_json_peek(j);
      const char *k0 = j->p;
      if ((st = gc_json_string(j, NULL, 0, "object key"))) return st;
      size_t klen = (size_t)(j->p - k0) - 2;
      int which = -1;
      for (int k = 0; k < n; k++)
        if (strlen(names[k]) == klen && !memcmp(k0 + 1, names[k], klen))
          which = k;
      if ((st = gc_json_expect(j, ':', ctx))) return st;
      gc_json_peek(j);
      if (which >= 0) {
        if (at[which])
          return gc_json_fail(j, "%s: the key \"%s\" appears twice", ctx,
                              names[which]);
        at[which] = j->p;
      }
      if ((st = gc_json_skip(j))) return st;
      if (gc_json_accept(j, '}')) break;
      if ((st = gc_json_expect(j, ',', ctx))) return st;
    }
  for (int k = 0; k < nreq; k++)
    if (!at[k])
      return gc_json_fail(j, "%s has no \"%s\"", ctx, names[k]);
  return GC_OK;
}

/* a whole number 0 <= x <= max */
static int get_size(gc_json *j, const char *at, const char *ctx, double max,
                    size_t *out)
{
  double x;
  j->p = at;
  int st = gc_json_number(j, &x, ctx);
  if (st) return st;
  if (x != floor(x) || x < 0 || x > max)
    return gc_json_fail(j, "%s = %.17g is not a whole number from 0 to %.0f",
                        ctx, x, max);
  *out = (size_t)x;
  return GC_OK;
}

/* a finite number, or null (NaN: a value not monitored or not finite) */
static int get_double(gc_json *j, const char *at, const char *ctx, int nullok,
                      double *out)
{
  j->p = at;
  if (nullok && j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
    *out = NAN;
    return GC_OK;
  }
  return gc_json_number(j, out, ctx);
}

static int get_bool(gc_json *j, const char *at, const char *ctx, int *out)
{
  j->p = at;
  if (j->end - j->p >= 4 && !memcmp(j->p, "true", 4)) *out = 1;
  else if (j->end - j->p >= 5 && !memcmp(j->p, "false", 5)) *out = 0;
  else return gc_json_fail(j, "%s: expected true or false", ctx);
  return GC_OK;
}

static int get_monitor(gc_json *j, const char *at, unsigned *out)
{
  int st;
  unsigned m = 0;
  j->p = at;
  if ((st = gc_json_expect(j, '[', "\"monitor\""))) return st;
  if (!gc_json_accept(j, ']'))
    for (;;) {
      char name[32];
      if ((st = gc_json_string(j, name, sizeof name, "\"monitor\" entry")))
        return st;
      size_t i;
      for (i = 0; i < NMON; i++)
        if (!strcmp(name, monitors[i].name)) break;
      if (i == NMON)
        return gc_json_fail(j, "\"monitor\": unknown monitor \"%s\"", name);
      m |= monitors[i].flag;
      if (gc_json_accept(j, ']')) break;
      if ((st = gc_json_expect(j, ',', "\"monitor\""))) return st;
    }
  *out = m;
  return GC_OK;
}

enum { C_BATCH, C_ETA, C_LAMBDA, C_SHUFFLE, C_MONITOR, C_EARLY, C_EVALBATCH,
       C_TRAINSIZE, C_EVALSIZE, C_EPOCHS, C_SEED, C_INIT, C_EVALSET,
       C_SIGMAW, C_SIGMAB, C_MOMENTUM, C_NESTEROV, C_SCHEDULE, C_N };
/* the keys from sigma_w on are optional (older checkpoints lack them) */
#define C_REQUIRED C_SIGMAW
static const char *const config_keys[C_N] = {
  "batch", "eta", "lambda", "shuffle_seed", "monitor", "early_stop",
  "eval_batch", "train_size", "eval_size", "epochs", "seed", "init",
  "eval_set", "sigma_w", "sigma_b", "momentum", "nesterov",
  "momentum_schedule"};

static int read_config(gc_json *j, const char *at, gc_checkpoint *ck)
{
  const char *v[C_N];
  double big = 9007199254740992.0; /* 2^53 */
  size_t seed, shuffle;
  int st;
  j->p = at;
  if ((st = collect_opt(j, config_keys, C_N, C_REQUIRED, v, "\"config\"")))
    return st;
  gc_train_config *c = &ck->cfg;
  gc_train_config_default(c);
  ck->run.sigma_w = 1.0;
  ck->run.sigma_b = 0.0;
  if ((v[C_SIGMAW] && (st = get_double(j, v[C_SIGMAW],
                                       "\"config\".\"sigma_w\"", 0,
                                       &ck->run.sigma_w))) ||
      (v[C_SIGMAB] && (st = get_double(j, v[C_SIGMAB],
                                       "\"config\".\"sigma_b\"", 0,
                                       &ck->run.sigma_b))) ||
      (v[C_MOMENTUM] && (st = get_double(j, v[C_MOMENTUM],
                                         "\"config\".\"momentum\"", 0,
                                         &c->momentum))) ||
      (v[C_NESTEROV] && (st = get_bool(j, v[C_NESTEROV],
                                       "\"config\".\"nesterov\"",
                                       &c->nesterov))))
    return st;
  if (!(ck->run.sigma_w >= 0) || !(ck->run.sigma_b >= 0)) {
    j->p = v[ck->run.sigma_w >= 0 ? C_SIGMAB : C_SIGMAW];
    return gc_json_fail(j, "\"config\": sigma_w and sigma_b must be >= 0");
  }
  if (v[C_SCHEDULE]) {
    char name[32];
    j->p = v[C_SCHEDULE];
    if ((st = gc_json_string(j, name, sizeof name,
                             "\"config\".\"momentum_schedule\"")))
      return st;
    if (gc_schedule_from_name(&c->schedule, name))
      return gc_json_fail(j, "\"config\".\"momentum_schedule\": %s",
                          gc_strerror_last());
  }
  if (!(c->momentum >= 0 && c->momentum < 1) ||
      (c->nesterov && c->momentum == 0)) {
    j->p = v[C_MOMENTUM] ? v[C_MOMENTUM] : v[C_NESTEROV];
    return gc_json_fail(j, "\"config\": momentum %g is not in [0, 1) or "
                        "nesterov is set without it", c->momentum);
  }
  if ((st = get_size(j, v[C_BATCH], "\"config\".\"batch\"", 1e9, &c->batch)) ||
      (st = get_double(j, v[C_ETA], "\"config\".\"eta\"", 0, &c->eta)) ||
      (st = get_double(j, v[C_LAMBDA], "\"config\".\"lambda\"", 0,
                       &c->lambda)) ||
      (st = get_size(j, v[C_SHUFFLE], "\"config\".\"shuffle_seed\"",
                     (double)(unsigned long)-1 < big ?
                       (double)(unsigned long)-1 : big, &shuffle)) ||
      (st = get_monitor(j, v[C_MONITOR], &c->monitor)) ||
      (st = get_size(j, v[C_EARLY], "\"config\".\"early_stop\"", 1e9,
                     &c->early_stop)) ||
      (st = get_size(j, v[C_EVALBATCH], "\"config\".\"eval_batch\"", 1e9,
                     &c->eval_batch)) ||
      (st = get_size(j, v[C_TRAINSIZE], "\"config\".\"train_size\"", 1e12,
                     &ck->train_size)) ||
      (st = get_size(j, v[C_EVALSIZE], "\"config\".\"eval_size\"", 1e12,
                     &ck->eval_size)) ||
      (st = get_size(j, v[C_EPOCHS], "\"config\".\"epochs\"", 1e9,
                     &ck->run.epochs)) ||
      (st = get_size(j, v[C_SEED], "\"config\".\"seed\"",
                     (double)(unsigned long)-1 < big ?
                       (double)(unsigned long)-1 : big, &seed)))
    return st;
  c->seed = (unsigned long)shuffle;
  ck->run.seed = (unsigned long)seed;
  j->p = v[C_INIT];
  if ((st = gc_json_string(j, ck->run.init, sizeof ck->run.init,
                           "\"config\".\"init\"")))
    return st;
  j->p = v[C_EVALSET];
  if ((st = gc_json_string(j, ck->run.eval_set, sizeof ck->run.eval_set,
                           "\"config\".\"eval_set\"")))
    return st;
  if (c->batch == 0 || c->batch > ck->train_size) {
    j->p = v[C_BATCH];
    return gc_json_fail(j, "\"config\".\"batch\" = %zu: must be from 1 to "
                        "the train_size %zu", c->batch, ck->train_size);
  }
  if (c->eta < 0 || c->lambda < 0) {
    j->p = v[c->eta < 0 ? C_ETA : C_LAMBDA];
    return gc_json_fail(j, "\"config\": eta and lambda must be >= 0");
  }
  if (ck->run.epochs < 1) {
    j->p = v[C_EPOCHS];
    return gc_json_fail(j, "\"config\".\"epochs\" must be at least 1");
  }
  return GC_OK;
}

static int hexval(int c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum { R_TYPE, R_SIZE, R_STATE, R_N };
static const char *const rng_keys[R_N] = {"type", "size", "state"};

static int read_rng(gc_json *j, const char *at, gc_checkpoint *ck)
{
  const char *v[R_N];
  char type[32];
  int st;
  j->p = at;
  if ((st = collect(j, rng_keys, R_N, v, "\"rng\""))) return st;
  j->p = v[R_TYPE];
  if ((st = gc_json_string(j, type, sizeof type, "\"rng\".\"type\"")))
    return st;
  if (strcmp(type, gsl_rng_mt19937->name))
    return gc_json_fail(j, "\"rng\".\"type\" is \"%s\"; the trainer's "
                        "generator is %s", type, gsl_rng_mt19937->name);
  size_t n;
  if ((st = get_size(j, v[R_SIZE], "\"rng\".\"size\"", 1e6, &n))) return st;
  if (n != gsl_rng_mt19937->size || n != sizeof(mt_state))
    return gc_json_fail(j, "\"rng\".\"size\" = %zu bytes, but an %s state "
                        "has %zu here", n, type, gsl_rng_mt19937->size);
  /* the hex string: exactly 2n digits */
  j->p = v[R_STATE];
  if (gc_json_peek(j) != '"')
    return gc_json_fail(j, "\"rng\".\"state\": expected a string of hex "
                        "digits");
  const char *s = j->p + 1;
  size_t len = 0;
  while (s + len < j->end && s[len] != '"') len++;
  if (s + len >= j->end)
    return gc_json_fail(j, "\"rng\".\"state\": unterminated string");
  if (len != 2 * n)
    return gc_json_fail(j, "\"rng\".\"state\" has %zu hex digits; %zu bytes "
                        "need %zu", len, n, 2 * n);
  ck->rng_state = malloc(n);
  if (!ck->rng_state) return gc_error(GC_ENOMEM, "out of memory");
  ck->rng_size = n;
  for (size_t i = 0; i < n; i++) {
    int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      j->p = s + 2 * i;
      return gc_json_fail(j, "\"rng\".\"state\": not a hex digit");
    }
    ck->rng_state[i] = (unsigned char)(16 * hi + lo);
  }
  mt_state m;
  memcpy(&m, ck->rng_state, sizeof m);
  if (m.mti < 0 || m.mti > MT_N) {
    j->p = v[R_STATE];
    return gc_json_fail(j, "\"rng\".\"state\": position %d outside the %d "
                        "words of the mt19937 state (corrupt)", m.mti, MT_N);
  }
  for (size_t i = 0; i < MT_N; i++)
    if (m.mt[i] > 0xffffffffUL) {
      j->p = v[R_STATE];
      return gc_json_fail(j, "\"rng\".\"state\": word %zu exceeds 32 bits "
                          "(corrupt)", i);
    }
  return GC_OK;
}

enum { H_EPOCH, H_ECORR, H_EACC, H_ECOST, H_TCORR, H_TACC, H_TCOST, H_STOP,
       H_N };
static const char *const hist_keys[H_N] = {
  "epoch", "evaluation_correct", "evaluation_accuracy", "evaluation_cost",
  "training_correct", "training_accuracy", "training_cost", "stop"};

static int read_history(gc_json *j, const char *at, gc_checkpoint *ck)
{
  int st;
  size_t k = 0, n = ck->epoch;
  j->p = at;
  if ((st = gc_json_expect(j, '[', "\"history\""))) return st;
  ck->history = calloc(n ? n : 1, sizeof *ck->history);
  if (!ck->history) return gc_error(GC_ENOMEM, "out of memory");
  if (!gc_json_accept(j, ']'))
    for (;;) {
      char ctx[64];
      const char *v[H_N];
      snprintf(ctx, sizeof ctx, "\"history\"[%zu]", k);
      if (k == n)
        return gc_json_fail(j, "\"history\" has more than the %zu entries "
                            "of the %zu epochs done", n, n);
      if ((st = collect(j, hist_keys, H_N, v, ctx))) return st;
      const char *after = j->p;
      gc_epoch_stats *h = &ck->history[k];
      if ((st = get_size(j, v[H_EPOCH], ctx, 1e9, &h->epoch))) return st;
      if (h->epoch != k + 1)
        return gc_json_fail(j, "%s is epoch %zu, expected %zu", ctx, h->epoch,
                            k + 1);
      if ((st = get_size(j, v[H_ECORR], ctx, (double)ck->eval_size,
                         &h->evaluation_correct)) ||
          (st = get_size(j, v[H_TCORR], ctx, (double)ck->train_size,
                         &h->training_correct)) ||
          (st = get_double(j, v[H_EACC], ctx, 1, &h->evaluation_accuracy)) ||
          (st = get_double(j, v[H_ECOST], ctx, 1, &h->evaluation_cost)) ||
          (st = get_double(j, v[H_TACC], ctx, 1, &h->training_accuracy)) ||
          (st = get_double(j, v[H_TCOST], ctx, 1, &h->training_cost)) ||
          (st = get_bool(j, v[H_STOP], ctx, &h->stop)))
        return st;
      j->p = after;
      k++;
      if (gc_json_accept(j, ']')) break;
      if ((st = gc_json_expect(j, ',', "\"history\""))) return st;
    }
  if (k != n)
    return gc_json_fail(j, "\"history\" has %zu entries but %zu epochs are "
                        "done", k, n);
  return GC_OK;
}

/* a permutation of 0..train_size-1 */
static int read_order(gc_json *j, const char *at, gc_checkpoint *ck)
{
  size_t n = ck->train_size;
  int st;
  j->p = at;
  if ((st = gc_json_expect(j, '[', "\"order\""))) return st;
  /* every entry takes at least two bytes: refuse before allocating */
  if (n > (size_t)(j->end - j->p) / 2 + 1)
    return gc_json_fail(j, "\"order\" cannot hold the %zu examples of "
                        "train_size in the text left", n);
  ck->order = malloc((n ? n : 1) * sizeof *ck->order);
  unsigned char *seen = calloc(n ? n : 1, 1);
  if (!ck->order || !seen) {
    free(seen);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < n; k++) {
    double x;
    if (gc_json_peek(j) == ']') {
      free(seen);
      return gc_json_fail(j, "\"order\" has %zu entries, expected the "
                          "train_size %zu", k, n);
    }
    if (k && (st = gc_json_expect(j, ',', "\"order\""))) break;
    if ((st = gc_json_number(j, &x, "\"order\" entry"))) break;
    if (x != floor(x) || x < 0 || x >= (double)n || seen[(size_t)x]) {
      free(seen);
      return gc_json_fail(j, "\"order\"[%zu] = %.17g: not a permutation of "
                          "the %zu training examples", k, x, n);
    }
    seen[(size_t)x] = 1;
    ck->order[k] = (size_t)x;
  }
  free(seen);
  if (st) return st;
  if (gc_json_peek(j) == ',')
    return gc_json_fail(j, "\"order\" has more than the train_size %zu "
                        "entries", n);
  return gc_json_expect(j, ']', "\"order\"");
}

/* One number of an activation record. */
static int act_number(gc_json *j, double *x, const char *ctx)
{
  int st = gc_json_expect(j, ',', ctx);
  return st ? st : gc_json_number(j, x, ctx);
}

/* [batches, epoch, kind, [layer, 6 statistics] x hidden]: record i */
static int read_act_record(gc_json *j, gc_checkpoint *ck, size_t i)
{
  gc_checkpoint_run *run = &ck->run;
  char ctx[80];
  double x[3];
  int st;
  snprintf(ctx, sizeof ctx, "\"activations\".\"records\"[%zu]", i);
  if ((st = gc_json_expect(j, '[', ctx)) ||
      (st = gc_json_number(j, &x[0], ctx)) ||
      (st = act_number(j, &x[1], ctx)) || (st = act_number(j, &x[2], ctx)))
    return st;
  for (int k = 0; k < 3; k++)
    if (x[k] != floor(x[k]) || x[k] < 0 || x[k] > 1e15)
      return gc_json_fail(j, "%s: batches, epoch and kind must be whole "
                          "numbers", ctx);
  gc_act_record *r = &run->act_records[i];
  r->batches = (size_t)x[0];
  r->epoch = (size_t)x[1];
  r->kind = (unsigned)x[2];
  if (r->epoch > ck->epoch || r->kind < 1 || r->kind > 7)
    return gc_json_fail(j, "%s: epoch %zu or kind %u out of range", ctx,
                        r->epoch, r->kind);
  for (size_t l = 0; l < run->nhidden; l++) {
    gc_layer_stats *s = &run->act_layers[i * run->nhidden + l];
    double layer, *v[] = {&s->mean, &s->sd, &s->p2_5, &s->p50, &s->p97_5,
                          &s->saturated};
    if ((st = gc_json_expect(j, ',', ctx)) ||
        (st = gc_json_expect(j, '[', ctx)) ||
        (st = gc_json_number(j, &layer, ctx)))
      return st;
    if (layer != (double)(l + 1))
      return gc_json_fail(j, "%s: layer %.17g where %zu belongs", ctx, layer,
                          l + 1);
    s->layer = l + 1;
    for (int k = 0; k < 6; k++)
      if ((st = act_number(j, v[k], ctx))) return st;
    if ((st = gc_json_expect(j, ']', ctx))) return st;
  }
  return gc_json_expect(j, ']', ctx);
}

enum { A_SAMPLE, A_EVERY, A_HIDDEN, A_RECORDS, A_N };
static const char *const act_keys[A_N] = {"sample", "every", "hidden",
                                          "records"};

static int read_activations(gc_json *j, const char *at, gc_checkpoint *ck)
{
  gc_checkpoint_run *run = &ck->run;
  const char *v[A_N];
  int st;
  j->p = at;
  if ((st = collect(j, act_keys, A_N, v, "\"activations\"")) ||
      (st = get_size(j, v[A_SAMPLE], "\"activations\".\"sample\"", 1e9,
                     &run->stats_sample)) ||
      (st = get_size(j, v[A_EVERY], "\"activations\".\"every\"", 1e9,
                     &run->stats_every)) ||
      (st = get_size(j, v[A_HIDDEN], "\"activations\".\"hidden\"", 1e6,
                     &run->nhidden)))
    return st;
  /* count the records before allocating: each is an array */
  j->p = v[A_RECORDS];
  if ((st = gc_json_expect(j, '[', "\"activations\".\"records\""))) return st;
  size_t n = 0;
  const char *first = j->p;
  if (!gc_json_accept(j, ']'))
    for (;;) {
      if ((st = gc_json_skip(j))) return st;
      n++;
      if (gc_json_accept(j, ']')) break;
      if ((st = gc_json_expect(j, ',', "\"activations\".\"records\"")))
        return st;
    }
  /* each layer of a record takes more than a byte of the text */
  if (run->nhidden == 0 || n == 0 ||
      run->nhidden > (size_t)(j->end - j->start) / n)
    return gc_json_fail(j, "\"activations\": %zu records of %zu hidden "
                        "layers", n, run->nhidden);
  run->act_records = calloc(n, sizeof *run->act_records);
  run->act_layers = calloc(n * run->nhidden, sizeof *run->act_layers);
  if (!run->act_records || !run->act_layers)
    return gc_error(GC_ENOMEM, "out of memory");
  run->nrecords = n;
  j->p = first;
  for (size_t i = 0; i < n; i++) {
    if (i && (st = gc_json_expect(j, ',', "\"activations\".\"records\"")))
      return st;
    if ((st = read_act_record(j, ck, i))) return st;
  }
  return GC_OK;
}

enum { K_FORMAT, K_VERSION, K_CONFIG, K_EPOCH, K_BEST, K_SINCE, K_STOPPED,
       K_RNG, K_ORDER, K_HISTORY, K_NET, K_UPDATES, K_VELOCITY, K_ACT, K_N };
#define K_REQUIRED K_UPDATES /* updates, velocity, activations: optional */
static const char *const top_keys[K_N] = {
  "format", "version", "config", "epoch", "best_correct", "since_best",
  "stopped", "rng", "order", "history", "net", "updates", "velocity",
  "activations"};

/* "velocity": exactly n finite numbers */
static int read_velocity(gc_json *j, const char *at, size_t n,
                         gc_checkpoint *ck)
{
  int st;
  j->p = at;
  if ((st = gc_json_expect(j, '[', "\"velocity\""))) return st;
  ck->velocity = malloc((n ? n : 1) * sizeof *ck->velocity);
  if (!ck->velocity) return gc_error(GC_ENOMEM, "out of memory");
  for (size_t k = 0; k < n; k++) {
    if (gc_json_peek(j) == ']')
      return gc_json_fail(j, "\"velocity\" has %zu entries, expected the "
                          "net's %zu parameters", k, n);
    if (k && (st = gc_json_expect(j, ',', "\"velocity\""))) return st;
    if ((st = gc_json_number(j, &ck->velocity[k], "\"velocity\" entry")))
      return st;
  }
  if (gc_json_peek(j) == ',')
    return gc_json_fail(j, "\"velocity\" has more than the net's %zu "
                        "parameters", n);
  return gc_json_expect(j, ']', "\"velocity\"");
}

static int parse(gc_checkpoint *ck, const char *text, size_t len,
                 const char *what)
{
  gc_json j;
  const char *v[K_N];
  char fmt[64];
  size_t version;
  int st;
  gc_json_init(&j, text, len, what);
  if (gc_json_peek(&j) == 0)
    return gc_json_fail(&j, "empty: no checkpoint in it");
  if ((st = collect_opt(&j, top_keys, K_N, K_REQUIRED, v, "a checkpoint")))
    return st;
  if ((st = gc_json_end(&j))) return st;
  j.p = v[K_FORMAT];
  if ((st = gc_json_string(&j, fmt, sizeof fmt, "\"format\""))) return st;
  if (strcmp(fmt, FORMAT_NAME))
    return gc_json_fail(&j, "\"format\" is \"%s\", not \"%s\"", fmt,
                        FORMAT_NAME);
  if ((st = get_size(&j, v[K_VERSION], "\"version\"", 1e9, &version)))
    return st;
  if (version != FORMAT_VERSION)
    return gc_json_fail(&j, "checkpoint version %zu; this gradchain reads "
                        "version %d", version, FORMAT_VERSION);
  if ((st = read_config(&j, v[K_CONFIG], ck))) return st;
  if ((st = get_size(&j, v[K_EPOCH], "\"epoch\"", 1e9, &ck->epoch)))
    return st;
  if (ck->epoch > ck->run.epochs)
    return gc_json_fail(&j, "\"epoch\" = %zu is more than the run's %zu "
                        "epochs", ck->epoch, ck->run.epochs);
  if ((st = get_size(&j, v[K_BEST], "\"best_correct\"", (double)ck->eval_size,
                     &ck->best_correct)) ||
      (st = get_size(&j, v[K_SINCE], "\"since_best\"", (double)ck->epoch,
                     &ck->since_best)) ||
      (st = get_bool(&j, v[K_STOPPED], "\"stopped\"", &ck->stopped)))
    return st;
  if (ck->stopped && (!ck->cfg.early_stop ||
                      ck->since_best != ck->cfg.early_stop))
    return gc_json_fail(&j, "\"stopped\" is true but early stopping after "
                        "%zu epochs was not reached (%zu since the best)",
                        ck->cfg.early_stop, ck->since_best);
  if ((st = read_rng(&j, v[K_RNG], ck))) return st;
  if ((st = read_order(&j, v[K_ORDER], ck))) return st;
  if ((st = read_history(&j, v[K_HISTORY], ck))) return st;
  if (!v[K_ACT] != !(ck->cfg.monitor & GC_MONITOR_ACTIVATIONS))
    return gc_json_fail(&j, "the activation monitor %s but \"activations\" "
                        "%s", v[K_ACT] ? "is off" : "is on",
                        v[K_ACT] ? "is there" : "is missing");
  if (v[K_ACT] && (st = read_activations(&j, v[K_ACT], ck))) return st;
  /* the net: its own object, read by netio */
  j.p = v[K_NET];
  if ((st = gc_json_skip(&j))) return st;
  if ((st = gc_net_from_json(&ck->net, v[K_NET], (size_t)(j.p - v[K_NET]))))
    return gc_error(st, "%s: \"net\": %s", what, gc_strerror_last());
  size_t L = ck->net->nlayers;
  if (ck->net->sizes[0] == 0 || ck->net->sizes[L - 1] == 0)
    return gc_error(GC_EFORMAT, "%s: \"net\" has an empty layer", what);
  if (v[K_UPDATES] && (st = get_size(&j, v[K_UPDATES], "\"updates\"", 1e15,
                                     &ck->updates)))
    return st;
  if (ck->cfg.momentum > 0 && !v[K_VELOCITY])
    return gc_error(GC_EFORMAT, "%s: a momentum of %g but no \"velocity\"",
                    what, ck->cfg.momentum);
  if (v[K_VELOCITY] &&
      (st = read_velocity(&j, v[K_VELOCITY], ck->net->p.n, ck)))
    return st;
  if (ck->cfg.batch > ck->train_size)
    return gc_error(GC_EFORMAT, "%s: batch larger than the training set",
                    what);
  return GC_OK;
}

int gc_checkpoint_from_json(gc_checkpoint **out, const char *text, size_t len,
                            const char *what)
{
  *out = NULL;
  gc_checkpoint *ck = calloc(1, sizeof *ck);
  if (!ck) return gc_error(GC_ENOMEM, "out of memory");
  int st = parse(ck, text, len, what ? what : "checkpoint");
  if (st) {
    gc_checkpoint_free(ck);
    return st;
  }
  *out = ck;
  return GC_OK;
}

int gc_checkpoint_load(gc_checkpoint **out, const char *path)
{
  *out = NULL;
  char *buf;
  size_t len;
  int st = gc_read_text_file(&buf, &len, path, GC_CHECKPOINT_MAX_BYTES,
                             "a checkpoint");
  if (st) return st;
  st = gc_checkpoint_from_json(out, buf, len, path);
  free(buf);
  return st;
}

void gc_checkpoint_free(gc_checkpoint *ck)
{
  if (!ck) return;
  gc_net_free(ck->net);
  free(ck->rng_state);
  free(ck->order);
  free(ck->history);
  free(ck->run.act_records);
  free(ck->run.act_layers);
  free(ck->velocity);
  free(ck);
}

/* ------------------------------------------------------------ restoring */

int gc_checkpoint_restore(gc_trainer *t, const gc_checkpoint *ck)
{
  const gc_net *a = t->net, *b = ck->net;
  if (a->nlayers != b->nlayers ||
      memcmp(a->sizes, b->sizes, a->nlayers * sizeof *a->sizes))
    return gc_error(GC_EINVAL, "the checkpoint's net has other layer sizes "
                    "than the trainer's");
  if (a->cost != b->cost)
    return gc_error(GC_EINVAL, "the checkpoint's cost is %s, the trainer's "
                    "%s", gc_cost_name(b->cost), gc_cost_name(a->cost));
  if (a->output != b->output)
    return gc_error(GC_EINVAL, "the checkpoint's output layer is %s, the "
                    "trainer's %s", gc_output_name(b->output),
                    gc_output_name(a->output));
  for (size_t l = 1; l < a->nlayers; l++)
    if (a->act[l] != b->act[l])
      return gc_error(GC_EINVAL, "the checkpoint's layer %zu is %s, the "
                      "trainer's %s", l, gc_activation_name(b->act[l]),
                      gc_activation_name(a->act[l]));
  const gc_train_config *x = &t->cfg, *y = &ck->cfg;
#define SAME(field, f)                                                        \
  if (x->field != y->field)                                                   \
    return gc_error(GC_EINVAL, "the checkpoint's " #field " is " f ", the "   \
                    "trainer's " f, y->field, x->field)
  SAME(batch, "%zu");
  SAME(eta, "%.17g");
  SAME(lambda, "%.17g");
  SAME(seed, "%lu");
  SAME(monitor, "%u");
  SAME(early_stop, "%zu");
  SAME(eval_batch, "%zu");
  SAME(momentum, "%.17g");
  SAME(nesterov, "%d");
  SAME(schedule, "%d");
#undef SAME
  if (t->train->n != ck->train_size)
    return gc_error(GC_EINVAL, "the checkpoint trained on %zu examples, the "
                    "trainer has %zu", ck->train_size, t->train->n);
  size_t en = t->eval ? t->eval->n : 0;
  if (en != ck->eval_size)
    return gc_error(GC_EINVAL, "the checkpoint evaluated on %zu examples, "
                    "the trainer has %zu", ck->eval_size, en);
  if (strcmp(gsl_rng_name(t->rng), gsl_rng_mt19937->name) ||
      gsl_rng_size(t->rng) != ck->rng_size)
    return gc_error(GC_EINVAL, "the trainer's generator is not the "
                    "checkpoint's %s of %zu bytes", gsl_rng_mt19937->name,
                    ck->rng_size);
  memcpy(t->net->p.data, b->p.data, b->p.n * sizeof *b->p.data);
  memcpy(gsl_rng_state(t->rng), ck->rng_state, ck->rng_size);
  memcpy(t->idx, ck->order, ck->train_size * sizeof *t->idx);
  if (t->vel.data)
    memcpy(t->vel.data, ck->velocity, t->vel.n * sizeof *t->vel.data);
  t->updates = ck->updates;
  t->epoch = ck->epoch;
  t->best_correct = ck->best_correct;
  t->since_best = ck->since_best;
  t->stopped = ck->stopped;
  return GC_OK;
}
