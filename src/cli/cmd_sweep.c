/* cmd_sweep.c -- `gradchain sweep`: a grid of training runs, one result
 * file per job in a directory, run by a pool of forked workers (or by MPI
 * ranks, sweep_mpi.c), resumable, with failures recorded. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif


#include "config.h"
#include "gradchain/gradchain.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/outfile.h"
#include "cli/runout.h"
#include "cli/sweep.h"

static const char usage[] =
  "Usage: gradchain sweep --grid 'KEY=VALUES ...' --out DIR [OPTIONS]\n"
  "       gradchain sweep --grid-file FILE --out DIR [OPTIONS]\n"
  "       gradchain sweep --status DIR\n\n"
  "Trains one network for every combination of the grid's values and writes\n"
  "each run's result to DIR/NAME.json, NAME being a hash of the run's\n"
  "configuration.  VALUES is a list (30,100) or, for a whole-number key, a\n"
  "range (1..8).  A grid file holds the same items, one per line, with #\n"
  "comments.  Keys (default):\n"
  "  hidden (1), width (30): the net is [784, width x hidden, 10]\n"
  "  activation (sigmoid), cost (cross-entropy), init (default),\n"
  "  eta (0.1), lambda (5), batch (10), epochs (30),\n"
  "  train-size (0: all 50000), seed (1: initialisation; shuffling seed+1)\n"
  "Every key is also an option (--epochs 5) that applies to every job.\n\n"
  "  --out DIR         the sweep's directory (made if missing)\n"
  "  --extend          add the grid's jobs to a DIR that holds another grid\n"
  "  --jobs N          worker processes (the CPUs this process may use)\n"
  "  --timeout S       a job running longer than S seconds fails\n"
  "  --shard k/K       run only the k-th of K slices of the jobs\n"
  "  --engine E        pool (default) | mpi (under mpirun or srun)\n"
  "  --redo-damaged    redo jobs whose result file is damaged\n"
  "  --data DIR        MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --status DIR      print done, pending and failed jobs, and why\n"
  "  --quiet           no progress on stderr\n\n"
  "A rerun does only the jobs without a result file (failed ones again).\n";

/* ------------------------------------------------------------------ keys */

/* The run options a grid may vary: the option table's (options.c), whose
 * parsers check every value, plus hidden (the net is [784, width x
 * hidden, 10]) and activation.  The defaults are gc_run_config_init's.
 * seed last, so that the seeds of one configuration run one after
 * another.  The bounds here only shape ranges; the option table has the
 * last word. */
enum { K_HIDDEN, K_WIDTH, K_ACT, K_COST, K_INIT, K_ETA, K_LAMBDA, K_BATCH,
       K_EPOCHS, K_TRAIN_SIZE, K_SEED, NKEYS };
static const gc_sweep_key keys[NKEYS] = {
  {"hidden", GC_SWEEP_INTEGER, "1", 0, GC_RUN_MAX_LAYERS - 2},
  {"width", GC_SWEEP_INTEGER, "30", 1, 1e9},
  {"activation", GC_SWEEP_NAME, "sigmoid", 0, 0},
  {"cost", GC_SWEEP_NAME, "cross-entropy", 0, 0},
  {"init", GC_SWEEP_NAME, "default", 0, 0},
  {"eta", GC_SWEEP_REAL, "0.1", 0, 1e300},
  {"lambda", GC_SWEEP_REAL, "5", 0, 1e300},
  {"batch", GC_SWEEP_INTEGER, "10", 1, 1e12},
  {"epochs", GC_SWEEP_INTEGER, "30", 1, 1e12},
  {"train-size", GC_SWEEP_INTEGER, "0", 0, 1e12},
  {"seed", GC_SWEEP_INTEGER, "1", 0, 18446744073709551615.0},
};

/* Each key is the option of the same name in the table. */
static const cli_opt key_opt[NKEYS] = {
  OPT_HIDDEN, OPT_WIDTH, OPT_ACTIVATION, OPT_COST, OPT_INIT, OPT_ETA,
  OPT_LAMBDA, OPT_BATCH, OPT_EPOCHS, OPT_TRAIN_SIZE, OPT_SEED};

/* Apply key k's value v to a (a default value: nothing to do).  0, or the
 * exit status after a message. */
static int apply_key(cli_args *a, size_t k, const char *v)
{
  if (!strcmp(v, keys[k].dflt)) return CLI_OK;
  return cli_option_apply(a, keys[k].name, v);
}

/* The run description of job `job` (its values were checked). */
static int job_config(gc_run_config *c, const gc_grid *g, size_t job)
{
  cli_args a;
  cli_args_init(&a);
  for (size_t k = 0; k < NKEYS; k++)
    if (apply_key(&a, k, gc_grid_value(g, job, k))) return GC_EINVAL;
  size_t L = a.hidden + 2;
  size_t sizes[GC_RUN_MAX_LAYERS];
  sizes[0] = a.run.sizes[0];
  for (size_t l = 1; l + 1 < L; l++) sizes[l] = a.width;
  sizes[L - 1] = a.run.sizes[a.run.nlayers - 1];
  a.run.act = a.act;
  *c = a.run;
  return gc_run_config_set_sizes(c, L, sizes);
}

/* ----------------------------------------------------------- the sweep */

struct sweep {
  const char *dir, *data, *fault;
  gc_grid *grid;
  size_t *pending, npending;     /* grid job indices to run */
  size_t workers;
  unsigned timeout;              /* seconds; 0: none */
  size_t shard_k, shard_n;       /* 1-based slice k of n; n = 0: all */
  int extend, redo_damaged, quiet, tty;
  gc_mnist *m;
  /* progress */
  double t0, last_print;
  size_t done, failed;
  char failures[600];            /* the first failed jobs, for the summary */
};

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *path_of(const char *dir, const char *name, const char *ext)
{
  size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s%s", dir, name, ext);
  return p;
}

/* A whole file as a string (NULL with errno on failure). */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n = getdelim(&buf, &cap, '\0', f);
  int e = errno;
  fclose(f);
  if (n < 0 && buf) buf[0] = '\0'; /* an empty file */
  if (!buf) errno = e;
  return buf;
}

/* ------------------------------------------------------- result files */

/* The configuration of a result file: the grid's keys as typed, the run
 * options a grid does not vary as the run had them, and the job's name. */
struct result_head {
  const sweep *s;
  size_t job;
  const char *name;
};

static void result_head(FILE *f, const gc_run_result *res, const void *arg)
{
  const struct result_head *h = arg;
  fputs("\"config\": {", f);
  for (size_t k = 0; k < NKEYS; k++) {
    const char *v = gc_grid_value(h->s->grid, h->job, k);
    fprintf(f, "%s\"%s\": ", k ? ", " : "", keys[k].name);
    if (keys[k].kind == GC_SWEEP_NAME) cli_json_string(f, v);
    else fputs(v, f);
  }
  fputs(", \"eval\": ", f);
  cli_json_string(f, gc_eval_set_name(res->config.eval_set));
  fprintf(f, ", \"early-stop\": %zu},\n\"name\": \"%s\"",
          res->config.early_stop, h->name);
}

/* The result file of one run: the one record writer (runout.h), one key
 * per line, so that runs can be compared apart from seconds and host. */
static int write_result(const sweep *s, size_t job, const char *name,
                        const gc_run_result *res)
{
  char file[32];
  snprintf(file, sizeof file, "%s.json", name);
  outfile o;
  if (outfile_open(&o, s->dir, file)) return CLI_FAIL;
  struct result_head h = {s, job, name};
  runout_style style = {"{\n", ",\n", "\n}\n", result_head, &h,
                        RUNOUT_ACCURACY | RUNOUT_BUILD};
  runout_json(o.f, res, &style);
  return outfile_commit(&o);
}

/* ------------------------------------------------------------- a job */

/* The test-only fault switch: GRADCHAIN_SWEEP_FAULT="crash:KEY=V hang:KEY=V"
 * makes every job whose configuration has KEY=V (a line of its canonical
 * text) crash with SIGSEGV or hang until --timeout. */
static void fault(const sweep *s, const char *text)
{
  if (!s->fault) return;
  char *copy = strdup(s->fault), *save = NULL;
  for (char *tok = copy ? strtok_r(copy, " ", &save) : NULL; tok;
       tok = strtok_r(NULL, " ", &save)) {
    char *colon = strchr(tok, ':');
    if (!colon) continue;
    *colon = '\0';
    char line[128];
    snprintf(line, sizeof line, "%s\n", colon + 1);
    const char *p = strstr(text, line);
    if (!p || (p != text && p[-1] != '\n')) continue;
    if (!strcmp(tok, "crash")) {
      signal(SIGSEGV, SIG_DFL); /* a sanitizer's handler would exit instead */
      raise(SIGSEGV);
    }
    if (!strcmp(tok, "hang"))
      for (;;) pause();
  }
  free(copy);
}

/* In the child: run the job, write its result file; the exit status. */
static int child_main(sweep *s, size_t job)
{
  char name[17], *text = NULL;
  if (gc_grid_job_text(&text, s->grid, job)) return cli_fail_lib();
  gc_sweep_hash_hex(name, gc_sweep_hash(text));
  fault(s, text);
  free(text);
  gc_run_config c;
  gc_run_result res;
  if (job_config(&c, s->grid, job) || gc_run_perform(&res, &c, s->m, NULL, NULL))
    return cli_fail_lib();
  int st = write_result(s, job, name, &res);
  gc_run_result_free(&res);
  if (!st) { /* an old failure record is out of date now */
    char *fp = path_of(s->dir, name, ".failed");
    if (fp) unlink(fp);
    free(fp);
  }
  return st;
}

typedef struct child {
  pid_t pid;
  int fd;        /* the child's stderr */
  size_t job;
  double t0;
} child;

/* Fork a child that runs body(ctx, i) with OpenMP at one thread and
 * exits with its status; its stderr is the pipe c->fd. */
typedef int (*child_body)(void *ctx, size_t i);

static int child_start(child *c, size_t i, unsigned timeout, child_body body,
                       void *ctx)
{
  int p[2];
  if (pipe(p) != 0) return -1;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(p[0]);
    close(p[1]);
    return -1;
  }
  if (pid == 0) {
    close(p[0]);
    fcntl(p[1], F_SETFL, O_NONBLOCK); /* never block on a full pipe */
    dup2(p[1], 2);
    close(p[1]);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* a killed parent stops its jobs */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    if (timeout) alarm(timeout);
    int st = body(ctx, i);
    fflush(NULL);
    _exit(st);
  }
  close(p[1]);
  c->pid = pid;
  c->fd = p[0];
  c->job = i;
  c->t0 = now();
  return 0;
}

static int sweep_body(void *ctx, size_t job) { return child_main(ctx, job); }

/* Collect a finished child into rec. */
static void child_end(const sweep *s, child *c, int status, sweep_record *rec)
{
  char buf[4096];
  size_t n = 0;
  ssize_t r;
  while (n + 1 < sizeof buf && (r = read(c->fd, buf + n, sizeof buf - 1 - n)) > 0)
    n += (size_t)r;
  close(c->fd);
  buf[n] = '\0';
  while (n && buf[n - 1] == '\n') buf[--n] = '\0';
  char *last = strrchr(buf, '\n');
  last = last ? last + 1 : buf;
  const char *pre = "gradchain sweep: ";
  if (!strncmp(last, pre, strlen(pre))) last += strlen(pre);
  memset(rec, 0, sizeof *rec);
  rec->job = (long)c->job;
  rec->seconds = now() - c->t0;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    rec->ok = 1;
  } else if (WIFEXITED(status)) {
    const char *why = *last ? last : "exited with a failure status";
    size_t l = strlen(why);
    if (l >= sizeof rec->reason) l = sizeof rec->reason - 1;
    memcpy(rec->reason, why, l);
    rec->reason[l] = '\0';
  } else if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    if (sig == SIGALRM)
      snprintf(rec->reason, sizeof rec->reason,
               "timed out after %u s (--timeout)", s->timeout);
    else if (sig == SIGKILL)
      snprintf(rec->reason, sizeof rec->reason,
               "killed by SIGKILL (out of memory?)");
    else if (sig == SIGINT || sig == SIGTERM)
      rec->interrupted = 1;
    else
      snprintf(rec->reason, sizeof rec->reason, "crashed: signal %d (%s)",
               sig, strsignal(sig));
  }
}

void sweep_run_forked(sweep *s, size_t job, sweep_record *rec)
{
  child c;
  int status;
  if (child_start(&c, job, s->timeout, sweep_body, s)) {
    memset(rec, 0, sizeof *rec);
    rec->job = (long)job;
    snprintf(rec->reason, sizeof rec->reason, "cannot fork: %s",
             strerror(errno));
    return;
  }
  while (waitpid(c.pid, &status, 0) < 0)
    if (errno != EINTR) break;
  child_end(s, &c, status, rec);
}

size_t sweep_pending(const sweep *s) { return s->npending; }
size_t sweep_pending_job(const sweep *s, size_t i) { return s->pending[i]; }

/* ------------------------------------------------------ progress, end */

static void clock_text(char *buf, size_t cap, double sec)
{
  if (!isfinite(sec) || sec < 0) snprintf(buf, cap, "?");
  else if (sec < 120) snprintf(buf, cap, "%.0fs", sec);
  else if (sec < 7200) snprintf(buf, cap, "%.0fm%02.0fs", floor(sec / 60), fmod(sec, 60));
  else snprintf(buf, cap, "%.0fh%02.0fm", floor(sec / 3600), fmod(sec / 60, 60));
}

void sweep_account(sweep *s, const sweep_record *rec)
{
  char name[17] = "?";
  if (rec->interrupted) return;
  gc_grid_job_name(name, s->grid, (size_t)rec->job);
  if (rec->ok) {
    s->done++;
  } else {
    s->failed++;
    char *fp = path_of(s->dir, name, ".failed");
    FILE *f = fp ? fopen(fp, "w") : NULL;
    if (f) {
      fprintf(f, "%s\n", rec->reason);
      fclose(f);
    }
    free(fp);
    size_t l = strlen(s->failures);
    if (l + 60 < sizeof s->failures)
      snprintf(s->failures + l, sizeof s->failures - l, "%s%s (%s)",
               l ? ", " : "", name, rec->reason);
    else if (!strstr(s->failures, ", ..."))
      snprintf(s->failures + l, sizeof s->failures - l, ", ...");
    if (!s->quiet) {
      char *t = NULL;
      gc_grid_job_text(&t, s->grid, (size_t)rec->job);
      for (char *p = t; p && *p; p++)
        if (*p == '\n') *p = p[1] ? ' ' : '\0';
      fprintf(stderr, "%ssweep: job %s (%s) failed: %s\n", s->tty ? "\r\033[K" : "",
              name, t && *t ? t : "defaults", rec->reason);
      free(t);
    }
  }
  if (s->quiet) return;
  size_t fin = s->done + s->failed;
  double el = now() - s->t0;
  if (!s->tty && fin < s->npending && el - s->last_print < 1.0) return;
  s->last_print = el;
  double rate = fin / (el > 0 ? el : 1e-9);
  char eta[32];
  clock_text(eta, sizeof eta, (double)(s->npending - fin) / rate);
  fprintf(stderr, "%ssweep: %zu/%zu jobs, %.2f/s, about %s left, %zu failed%s",
          s->tty ? "\r\033[K" : "", fin, s->npending, rate, eta, s->failed,
          s->tty ? "" : "\n");
}

int sweep_finish(sweep *s, int stopped)
{
  if (!s->quiet && s->tty && s->done + s->failed) fputs("\n", stderr);
  if (stopped)
    return cli_fail(CLI_INTERRUPTED, "interrupted after %zu of %zu jobs; the "
                    "same command does the rest", s->done + s->failed,
                    s->npending);
  printf("ran %zu jobs in %.1f s: %zu done, %zu failed\n", s->done + s->failed,
         now() - s->t0, s->done, s->failed);
  if (s->failed)
    return cli_fail(CLI_FAIL, "%zu of %zu jobs failed: %s; a rerun retries "
                    "them", s->failed, s->npending, s->failures);
  return CLI_OK;
}

/* ------------------------------------------------------------ the pool */

static volatile sig_atomic_t stop_signal;
static void on_stop(int sig) { stop_signal = sig; }

static size_t cpu_count(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return (size_t)CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (size_t)n : 1;
}

/* A pool of W children running jobs[0..n-1] (jobs NULL: 0..n-1). */
typedef struct pool {
  child *kids;
  size_t W, running, next, n;
  const size_t *jobs;
  unsigned timeout;
  child_body body;
  void *ctx;
} pool;

enum { POOL_EMPTY = -1, POOL_NOFORK = -2, POOL_AGAIN = -3 };

/* Fill the free slots (unless stop), then wait for a child to end: its
 * slot (the caller clears kids[slot].pid), with *status; POOL_EMPTY when
 * nothing runs any more, POOL_NOFORK when fork failed, POOL_AGAIN when a
 * signal interrupted the wait. */
static long pool_next(pool *p, int stop, int *status)
{
  while (!stop && p->running < p->W && p->next < p->n) {
    size_t slot = 0;
    while (p->kids[slot].pid) slot++;
    size_t job = p->jobs ? p->jobs[p->next] : p->next;
    if (child_start(&p->kids[slot], job, p->timeout, p->body, p->ctx))
      return POOL_NOFORK;
    p->next++;
    p->running++;
  }
  if (!p->running) return POOL_EMPTY;
  pid_t pid = waitpid(-1, status, 0);
  if (pid < 0) return errno == EINTR ? POOL_AGAIN : POOL_EMPTY;
  for (size_t i = 0; i < p->W; i++)
    if (p->kids[i].pid == pid) {
      p->running--;
      return (long)i;
    }
  return POOL_AGAIN;
}

static int pool_init(pool *p, size_t n, const size_t *jobs, unsigned timeout,
                     child_body body, void *ctx, size_t workers)
{
  memset(p, 0, sizeof *p);
  p->W = workers ? workers : cpu_count();
  if (p->W > n) p->W = n;
  p->n = n;
  p->jobs = jobs;
  p->timeout = timeout;
  p->body = body;
  p->ctx = ctx;
  p->kids = calloc(p->W ? p->W : 1, sizeof *p->kids);
  return p->kids ? 0 : -1;
}

static int run_pool(sweep *s)
{
  pool p;
  if (pool_init(&p, s->npending, s->pending, s->timeout, sweep_body, s,
                s->workers))
    return cli_fail(CLI_FAIL, "out of memory");
  struct sigaction sa = {0}, old_int, old_term;
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  int st = CLI_OK, status;
  long i;
  while ((i = pool_next(&p, stop_signal != 0, &status)) != POOL_EMPTY) {
    if (i == POOL_NOFORK) {
      st = cli_fail(CLI_FAIL, "cannot fork: %s", strerror(errno));
      stop_signal = SIGTERM;
    } else if (i == POOL_AGAIN) {
      if (stop_signal)
        for (size_t k = 0; k < p.W; k++)
          if (p.kids[k].pid) kill(p.kids[k].pid, SIGKILL);
    } else {
      sweep_record rec;
      child_end(s, &p.kids[i], status, &rec);
      if (stop_signal) rec.interrupted = !rec.ok;
      sweep_account(s, &rec);
      p.kids[i].pid = 0;
    }
  }
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
  free(p.kids);
  if (st) return st;
  return sweep_finish(s, stop_signal != 0);
}

/* ---------------------------------------------- runs of other commands */

/* What a child of cli_pool_batch sends back: one write, under PIPE_BUF. */
typedef struct batch_msg {
  int st;
  size_t best_epoch;
  double final_accuracy, best_accuracy, seconds;
  char msg[400];
} batch_msg;

typedef struct batch_ctx {
  const gc_run_config *cfg;
  const gc_mnist *data;
} batch_ctx;

static int batch_body(void *ctx, size_t k)
{
  const batch_ctx *b = ctx;
  gc_run_result r;
  batch_msg m;
  memset(&m, 0, sizeof m);
  m.st = gc_run_perform(&r, &b->cfg[k], b->data, NULL, NULL);
  if (m.st) {
    snprintf(m.msg, sizeof m.msg, "%s", gc_strerror_last());
  } else {
    m.final_accuracy = r.final_accuracy;
    m.best_accuracy = r.best_accuracy;
    m.best_epoch = r.best_epoch;
    m.seconds = r.seconds;
    gc_run_result_free(&r);
  }
  return write(2, &m, sizeof m) == (ssize_t)sizeof m && !m.st ? 0 : 1;
}

int cli_pool_batch(gc_run_result *res, const gc_run_config *cfg, size_t n,
                   const gc_mnist *data, gc_depth_progress progress,
                   void *progress_arg, void *arg)
{
  (void)arg;
  batch_ctx b = {cfg, data};
  pool p;
  if (pool_init(&p, n, NULL, 0, batch_body, &b, 0))
    return gc_error(GC_ENOMEM, "out of memory");
  int st = GC_OK, status;
  size_t done = 0;
  long i;
  while ((i = pool_next(&p, st != GC_OK, &status)) != POOL_EMPTY) {
    if (i == POOL_NOFORK) {
      st = gc_error(GC_ENOMEM, "cannot fork: %s", strerror(errno));
      continue;
    }
    if (i == POOL_AGAIN) continue;
    size_t k = p.kids[i].job;
    batch_msg m;
    ssize_t got = read(p.kids[i].fd, &m, sizeof m);
    close(p.kids[i].fd);
    p.kids[i].pid = 0;
    if (got == (ssize_t)sizeof m && !m.st && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0) {
      memset(&res[k], 0, sizeof res[k]);
      res[k].config = cfg[k];
      res[k].final_accuracy = m.final_accuracy;
      res[k].best_accuracy = m.best_accuracy;
      res[k].best_epoch = m.best_epoch;
      res[k].seconds = m.seconds;
      done++;
      if (progress && !st) progress(&res[k], done, n, progress_arg);
    } else if (!st) {
      if (got == (ssize_t)sizeof m && m.st)
        st = gc_error(m.st, "%s", m.msg);
      else if (WIFSIGNALED(status))
        st = gc_error(GC_ENUMERIC, "run %zu of %zu (seed %lu) crashed: "
                      "signal %d (%s)", k + 1, n, cfg[k].seed,
                      WTERMSIG(status), strsignal(WTERMSIG(status)));
      else
        st = gc_error(GC_EIO, "run %zu of %zu (seed %lu) failed without "
                      "a reason", k + 1, n, cfg[k].seed);
    }
  }
  free(p.kids);
  return st;
}

/* ------------------------------------------------------- the directory */

/* The grids DIR/grid holds (blocks separated by a line "---"); *n of
 * them.  No file: *n = 0. */
static int read_grids(const sweep *s, gc_grid ***grids, size_t *n)
{
  *grids = NULL;
  *n = 0;
  char *gp = path_of(s->dir, "grid", "");
  if (!gp) return cli_fail(CLI_FAIL, "out of memory");
  char *text = slurp(gp);
  if (!text) {
    int e = errno;
    free(gp);
    if (e == ENOENT) return 0;
    return cli_fail(CLI_FAIL, "cannot read %s/grid: %s", s->dir, strerror(e));
  }
  int st = 0;
  for (char *block = text; block && !st;) {
    char *sep = strstr(block, "\n---\n");
    if (sep) sep[1] = '\0';
    gc_grid *g = NULL, **ng;
    if (gc_grid_alloc(&g, keys, NKEYS) || gc_grid_parse(g, block, gp)) {
      st = cli_fail_lib();
      gc_grid_free(g);
    } else if (!(ng = realloc(*grids, (*n + 1) * sizeof *ng))) {
      st = cli_fail(CLI_FAIL, "out of memory");
      gc_grid_free(g);
    } else {
      *grids = ng;
      (*grids)[(*n)++] = g;
    }
    block = sep ? sep + 5 : NULL;
  }
  free(text);
  free(gp);
  return st;
}

static void free_grids(gc_grid **g, size_t n)
{
  for (size_t i = 0; i < n; i++) gc_grid_free(g[i]);
  free(g);
}

static int name_cmp(const void *a, const void *b) { return strcmp(a, b); }

/* The sorted names of a grid's jobs (malloc'ed, njobs of them). */
static char (*job_names(const gc_grid *g))[17]
{
  size_t nj = gc_grid_njobs(g);
  char (*names)[17] = malloc(nj * sizeof *names);
  for (size_t j = 0; names && j < nj; j++)
    if (gc_grid_job_name(names[j], g, j)) {
      free(names);
      return NULL;
    }
  if (names) qsort(names, nj, sizeof *names, name_cmp);
  return names;
}

/* Do two grids describe the same jobs (whatever the order or spelling)? */
static int same_jobs(const gc_grid *a, const gc_grid *b)
{
  if (gc_grid_njobs(a) != gc_grid_njobs(b)) return 0;
  char (*na)[17] = job_names(a), (*nb)[17] = job_names(b);
  int same = na && nb && !memcmp(na, nb, gc_grid_njobs(a) * sizeof *na);
  free(na);
  free(nb);
  return same;
}

/* DIR/grid: write it, or check that it holds this grid (--extend: add). */
static int check_dir_grid(sweep *s)
{
  struct stat sb;
  if (stat(s->dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
    return cli_fail(CLI_FAIL, "%s is not a directory", s->dir);
  if (make_dirs(s->dir)) return CLI_FAIL;
  gc_grid **grids;
  size_t n;
  int st = read_grids(s, &grids, &n), found = 0;
  for (size_t i = 0; !st && i < n && !found; i++)
    found = same_jobs(grids[i], s->grid);
  if (!st && !found && n && !s->extend)
    st = cli_fail(CLI_FAIL, "%s holds another grid (%s/grid); --extend adds "
                  "these jobs to it", s->dir, s->dir);
  if (!st && !found) {
    outfile o;
    char *text = NULL;
    if (outfile_open(&o, s->dir, "grid")) {
      st = CLI_FAIL;
    } else {
      fputs("# gradchain sweep: the grid of this directory (--grid-file "
            "syntax); --extend adds a block after a line ---\n", o.f);
      for (size_t i = 0; i <= n && !st; i++) {
        if (gc_grid_text(&text, i < n ? grids[i] : s->grid)) st = cli_fail_lib();
        else fprintf(o.f, "%s%s", text, i < n ? "---\n" : "");
        free(text);
      }
      if (st) outfile_abort(&o);
      else st = outfile_commit(&o);
    }
  }
  free_grids(grids, n);
  return st;
}

typedef enum { J_PENDING, J_DONE, J_FAILED, J_DAMAGED } job_state;

/* The state of job `name` in DIR; *why: the failure or damage (malloc'ed). */
static job_state job_state_of(const sweep *s, const char *name, char **why)
{
  *why = NULL;
  char *rp = path_of(s->dir, name, ".json");
  struct stat sb;
  job_state js = J_PENDING;
  if (rp && stat(rp, &sb) == 0) {
    gc_sweep_result r;
    if (gc_sweep_result_read(&r, rp)) {
      *why = strdup(gc_strerror_last());
      js = J_DAMAGED;
    } else {
      gc_sweep_result_free(&r);
      js = J_DONE;
    }
  } else if (rp) {
    char *fp = path_of(s->dir, name, ".failed");
    char *text = fp ? slurp(fp) : NULL;
    if (text) {
      text[strcspn(text, "\n")] = '\0';
      *why = text;
      js = J_FAILED;
    }
    free(fp);
  }
  free(rp);
  return js;
}

/* Remove the temporary files a killed run of these jobs left behind
 * (NAME.json.tmp.PID); other shards' files are left alone. */
static void remove_stale_temps(const sweep *s, char (*names)[17], size_t n)
{
  DIR *d = opendir(s->dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *t = strstr(e->d_name, ".json.tmp.");
    if (!t || t - e->d_name != 16) continue;
    for (size_t i = 0; i < n; i++)
      if (!strncmp(e->d_name, names[i], 16)) {
        char *p = path_of(s->dir, e->d_name, "");
        if (p) unlink(p);
        free(p);
        break;
      }
  }
  closedir(d);
}

int sweep_prepare(sweep *s)
{
  int st = check_dir_grid(s);
  if (st) return st;
  size_t nj = gc_grid_njobs(s->grid), ndamaged = 0;
  s->pending = malloc((nj ? nj : 1) * sizeof *s->pending);
  char (*names)[17] = malloc((nj ? nj : 1) * sizeof *names);
  char first_damage[400] = "";
  if (!s->pending || !names) {
    free(names);
    return cli_fail(CLI_FAIL, "out of memory");
  }
  for (size_t j = 0; j < nj; j++) {
    if (s->shard_n && j % s->shard_n != s->shard_k - 1) continue;
    char name[17], *why;
    if (gc_grid_job_name(name, s->grid, j)) {
      free(names);
      return cli_fail_lib();
    }
    job_state js = job_state_of(s, name, &why);
    if (js == J_DAMAGED && !s->redo_damaged && !ndamaged++)
      snprintf(first_damage, sizeof first_damage, "%s", why ? why : name);
    free(why);
    if (js == J_DONE || (js == J_DAMAGED && !s->redo_damaged)) continue;
    memcpy(names[s->npending], name, 17);
    s->pending[s->npending++] = j;
  }
  if (ndamaged) {
    free(names);
    if (ndamaged == 1)
      return cli_fail(CLI_FAIL, "a damaged result file: %s; "
                      "--redo-damaged redoes its job", first_damage);
    return cli_fail(CLI_FAIL, "%zu damaged result files, the first: %s; "
                    "--redo-damaged redoes their jobs", ndamaged, first_damage);
  }
  remove_stale_temps(s, names, s->npending);
  free(names);
  s->tty = isatty(2);
  s->t0 = now();
  return 0;
}

int sweep_load_data(sweep *s)
{
  if (gc_mnist_load(&s->m, s->data)) return cli_fail_lib();
  return 0;
}

#ifndef HAVE_MPI
const int sweep_have_mpi = 0;
int sweep_mpi_main(sweep *s)
{
  (void)s;
  return CLI_USAGE;
}
#endif

/* ------------------------------------------------------------ --status */

static int print_status(sweep *s)
{
  struct stat sb;
  if (stat(s->dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return cli_fail(CLI_FAIL, "%s is not a sweep directory", s->dir);
  gc_grid **grids;
  size_t n, total = 0, count[4] = {0};
  int st = read_grids(s, &grids, &n);
  if (st) return st;
  if (!n) return cli_fail(CLI_FAIL, "%s holds no sweep (no %s/grid)", s->dir, s->dir);
  /* the jobs of every block, each once (in order, then sorted to look up) */
  char (*seen)[17] = NULL;
  size_t nseen = 0;
  FILE *lines = tmpfile();
  if (!lines) st = cli_fail(CLI_FAIL, "cannot make a temporary file");
  for (size_t b = 0; !st && b < n; b++) {
    gc_grid *g = grids[b];
    size_t nj = gc_grid_njobs(g);
    char (*ns)[17] = realloc(seen, (nseen + nj) * sizeof *seen);
    if (!ns) {
      st = cli_fail(CLI_FAIL, "out of memory");
      break;
    }
    seen = ns;
    size_t nsorted = nseen;
    for (size_t j = 0; j < nj; j++) {
      char name[17], *why, *t = NULL;
      gc_grid_job_name(name, g, j);
      if (bsearch(name, seen, nsorted, sizeof *seen, name_cmp)) continue;
      memcpy(seen[nseen++], name, 17);
      total++;
      job_state js = job_state_of(s, name, &why);
      count[js]++;
      if (js == J_FAILED || js == J_DAMAGED) {
        gc_grid_job_text(&t, g, j);
        for (char *p = t; p && *p; p++)
          if (*p == '\n') *p = p[1] ? ' ' : '\0';
        fprintf(lines, "%s %s  %s  %s\n", js == J_FAILED ? "failed " : "damaged",
                name, t && *t ? t : "defaults", why ? why : "");
      }
      free(t);
      free(why);
    }
    if (nseen) qsort(seen, nseen, sizeof *seen, name_cmp);
  }
  if (!st) {
    printf("%s: %zu jobs: %zu done, %zu pending, %zu failed, %zu damaged\n",
           s->dir, total, count[J_DONE], count[J_PENDING], count[J_FAILED],
           count[J_DAMAGED]);
    rewind(lines);
    int c;
    while ((c = getc(lines)) != EOF) putchar(c);
  }
  if (lines) fclose(lines);
  free(seen);
  free_grids(grids, n);
  return st;
}

/* -------------------------------------------------------------- options */

int sweep_under_launcher(void)
{
  static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                               "PMI_RANK", NULL};
  for (size_t i = 0; vars[i]; i++)
    if (getenv(vars[i])) return 1;
  return 0;
}

int cmd_sweep(int argc, char **argv)
{
  static const cli_opt opts[] = {
    OPT_GRID, OPT_GRID_FILE, OPT_OUT, OPT_EXTEND, OPT_STATUS, OPT_JOBS,
    OPT_TIMEOUT, OPT_SHARD, OPT_ENGINE, OPT_REDO_DAMAGED, OPT_DATA, OPT_QUIET,
    OPT_HELP,
    /* the keys, for every job */
    OPT_HIDDEN, OPT_WIDTH, OPT_ACTIVATION, OPT_COST, OPT_INIT, OPT_ETA,
    OPT_LAMBDA, OPT_BATCH, OPT_EPOCHS, OPT_TRAIN_SIZE, OPT_SEED};
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, opts, sizeof opts / sizeof *opts, 0, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  sweep s;
  memset(&s, 0, sizeof s);
  const char *grid_text = a.text[OPT_GRID], *grid_file = a.text[OPT_GRID_FILE];
  const char *status_dir = a.text[OPT_STATUS];
  int mpi = a.mpi;
  s.dir = a.out;
  s.extend = CLI_GIVEN(&a, OPT_EXTEND);
  s.workers = a.jobs;
  s.shard_k = a.shard_k;
  s.shard_n = a.shard_n;
  s.redo_damaged = CLI_GIVEN(&a, OPT_REDO_DAMAGED);
  s.data = a.data;
  s.quiet = a.quiet;
  s.timeout = (unsigned)a.timeout;
  s.fault = getenv("GRADCHAIN_SWEEP_FAULT");
  if (status_dir) {
    s.dir = status_dir;
    return print_status(&s);
  }
  if (!s.dir) return cli_fail(CLI_USAGE, "--out DIR is required");
  if (!grid_text && !grid_file)
    return cli_fail(CLI_USAGE, "--grid or --grid-file is required");
  if (grid_text && grid_file)
    return cli_fail(CLI_USAGE, "--grid and --grid-file exclude each other");
  if (mpi && s.shard_n)
    return cli_fail(CLI_USAGE, "--shard is for runs without MPI");
  if (mpi && !sweep_under_launcher())
    return cli_fail(CLI_USAGE, "--engine mpi must be started by mpirun or "
                    "srun (mpirun -n K gradchain sweep ...)");
  if (mpi && !sweep_have_mpi)
    return cli_fail(CLI_USAGE, "this gradchain was built without MPI: install "
                    "Open MPI (Debian: apt-get install libopenmpi-dev "
                    "openmpi-bin) and configure again");

  char *file_text = NULL;
  if (grid_file && !(file_text = slurp(grid_file)))
    return cli_fail(CLI_FAIL, "cannot read %s: %s", grid_file, strerror(errno));
  if (gc_grid_alloc(&s.grid, keys, NKEYS) ||
      gc_grid_parse(s.grid, grid_file ? file_text : grid_text,
                    grid_file ? grid_file : "the grid"))
    st = grid_file ? CLI_FAIL : CLI_USAGE;
  free(file_text);
  for (size_t k = 0; !st && k < NKEYS; k++) {
    char what[40];
    snprintf(what, sizeof what, "--%s", keys[k].name);
    const char *v = a.text[key_opt[k]];
    if (v && gc_grid_set(s.grid, keys[k].name, v, what))
      st = CLI_USAGE;
  }
  if (st) cli_fail_lib();
  /* every value checked by the option table before anything runs */
  for (size_t k = 0; !st && k < NKEYS; k++) {
    const char *v;
    for (size_t i = 0; !st && (v = gc_grid_key_value(s.grid, k, i)); i++) {
      cli_args one;
      cli_args_init(&one);
      st = apply_key(&one, k, v);
    }
  }
  if (st) {
    gc_grid_free(s.grid);
    return st;
  }
  if (mpi) {
    st = sweep_mpi_main(&s);
  } else if (!(st = sweep_prepare(&s)) && !(st = sweep_load_data(&s))) {
    st = run_pool(&s);
  }
  gc_mnist_free(s.m);
  gc_grid_free(s.grid);
  free(s.pending);
  return st;
}
