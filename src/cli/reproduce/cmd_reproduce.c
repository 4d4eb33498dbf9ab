/* cmd_reproduce.c -- `gradchain reproduce`: every number and figure of the
 * chapter, side by side with the book's, in one directory. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "gradchain/gradchain.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "cli/outfile.h"
#include "cli/reproduce/stages.h"

static const char usage[] =
  "Usage: gradchain reproduce [--out DIR] [--quick] [--seeds N] [--data DIR]\n"
  "                           [--stages LIST] [--force] [--quiet]\n\n"
  "Runs the chapter's experiments and problems and writes DIR (default\n"
  "results/): report.md with every table beside the book's numbers and every\n"
  "figure, the CSV/JSON behind each, gnuplot scripts and PNG figures.\n\n"
  "  --out DIR    output directory (default results)\n"
  "  --quick      reduced epochs and sizes: about a minute; the report says so\n"
  "  --seeds N    seeds for the MNIST experiments (default 3)\n"
  "  --data DIR   the MNIST files (default: $GRADCHAIN_DATA or the cache)\n"
  "  --stages L   only the stages listed (commas) of: chains, problems,\n"
  "               speeds, depth (the chapter's), theory, remedies,\n"
  "               saturation; the report keeps this order (default: all)\n"
  "  --force      redo every stage (by default finished stages are kept, so\n"
  "               an interrupted run continues where it stopped; a stage\n"
  "               is redone when the settings, the program or its library,\n"
  "               or the MNIST files have changed since)\n"
  "  --quiet      no progress on stderr\n\n"
  "On SIGINT (Ctrl-C) the running stage is finished, the run stops before\n"
  "the next one with status 130, and rerunning the same command continues;\n"
  "a second SIGINT ends it at once (finished stages are kept).\n";

/* set by SIGINT, checked between stages */
static volatile sig_atomic_t interrupted = 0;

static void on_sigint(int sig)
{
  (void)sig;
  interrupted = 1;
}

struct stage {
  const char *name;
  const char *title;
  int (*run)(const stage_ctx *, FILE *);
};

static const struct stage stages[] = {
  {"chains", "chain figures", stage_chains},
  {"problems", "the chapter's problems", stage_problems},
  {"speeds", "learning speeds at initialisation and during training", stage_speeds},
  {"depth", "accuracy against depth", stage_depth},
  {"theory", "mean-field theory beside the chapter's nets", stage_theory},
  {"remedies", "what helps: activations, initialisers, softmax, momentum",
   stage_remedies},
  {"saturation", "activation saturation and the momentum schedule", stage_saturation},
  {NULL, NULL, NULL},
};

/* FNV-1a, 64 bits */
static unsigned long long fnv(unsigned long long h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

static unsigned long long hash_file(unsigned long long h, const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return fnv(h, "missing", 7);
  unsigned char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) h = fnv(h, buf, n);
  fclose(f);
  return h;
}

/* What a stage's results depend on besides the settings: this program and
 * its library (a rebuilt binary keeps the version number) and the MNIST
 * files (another --data, or files replaced): a hash of the two programs'
 * bytes and of the data directory's path and its train-* and t10k-* files'
 * names, sizes and modification times. */
static unsigned long long inputs_id(const stage_ctx *c)
{
  unsigned long long h = 0xcbf29ce484222325ULL;
  h = hash_file(h, "/proc/self/exe");
  Dl_info info;
  if (dladdr((void *)gc_net_alloc, &info) && info.dli_fname)
    h = hash_file(h, info.dli_fname);
  char *dir = NULL, real[PATH_MAX];
  if (gc_mnist_dir(&dir, c->data) != GC_OK) return h;
  const char *d = realpath(dir, real) ? real : dir;
  h = fnv(h, d, strlen(d));
  DIR *dp = opendir(d);
  if (dp) {
    unsigned long long files = 0; /* a sum: the listing's order is free */
    struct dirent *e;
    while ((e = readdir(dp))) {
      if (strncmp(e->d_name, "train-", 6) && strncmp(e->d_name, "t10k-", 5))
        continue;
      char path[PATH_MAX + 256];
      struct stat sb;
      snprintf(path, sizeof path, "%s/%s", d, e->d_name);
      if (stat(path, &sb)) continue;
      unsigned long long g = fnv(0xcbf29ce484222325ULL, e->d_name,
                                 strlen(e->d_name));
      long long v[3] = {(long long)sb.st_size, (long long)sb.st_mtim.tv_sec,
                        (long long)sb.st_mtim.tv_nsec};
      files += fnv(g, v, sizeof v);
    }
    closedir(dp);
    h = fnv(h, &files, sizeof files);
  }
  free(dir);
  return h;
}

/* the settings a finished stage was made with, as its first line */
static void stamp(char *buf, size_t n, const stage_ctx *c, const char *name)
{
  snprintf(buf, n, "<!-- gradchain %s stage %s quick=%d seeds=%d "
           "inputs=%016llx -->\n", PACKAGE_VERSION, name, c->quick, c->seeds,
           c->inputs);
}

static int stage_done(const stage_ctx *c, const char *name)
{
  char path[4096], want[256], got[256];
  snprintf(path, sizeof path, "%s/parts/%s.md", c->dir, name);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  stamp(want, sizeof want, c, name);
  int ok = fgets(got, sizeof got, f) && !strcmp(got, want);
  fclose(f);
  return ok;
}

static int append_file(FILE *out, const char *path, int skip_first_line)
{
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char buf[8192];
  size_t n;
  if (skip_first_line) {
    int ch;
    while ((ch = fgetc(f)) != EOF && ch != '\n') {
    }
  }
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, out);
  fclose(f);
  return 0;
}

static int run_stages(const stage_ctx *c, int force, unsigned want,
                      const char *list);

/* --stages: a comma-separated list of stage names, each once; the bits of
 * the stages it names.  0 after a one-line message. */
static unsigned parse_stages(const char *list)
{
  unsigned want = 0;
  const char *p = list;
  for (;;) {
    size_t n = strcspn(p, ",");
    size_t i = 0;
    while (stages[i].name &&
           (strlen(stages[i].name) != n || strncmp(stages[i].name, p, n)))
      i++;
    if (!n || !stages[i].name) {
      cli_fail(CLI_USAGE, "--stages: %s '%.*s' (the stages: chains, "
               "problems, speeds, depth, theory, remedies, saturation)",
               n ? "unknown stage" : "empty name in", n ? (int)n : (int)strlen(list),
               n ? p : list);
      return 0;
    }
    if (want & (1u << i)) {
      cli_fail(CLI_USAGE, "--stages: '%s' is named twice", stages[i].name);
      return 0;
    }
    want |= 1u << i;
    if (!p[n]) return want;
    p += n + 1;
  }
}

int cmd_reproduce(int argc, char **argv)
{
  static const cli_opt opts[] = {OPT_OUT, OPT_QUICK, OPT_SEEDS, OPT_DATA,
                                  OPT_STAGES, OPT_FORCE, OPT_QUIET, OPT_HELP};
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, opts, sizeof opts / sizeof *opts, 0, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  stage_ctx c = {a.out ? a.out : "results", CLI_GIVEN(&a, OPT_QUICK),
                 CLI_GIVEN(&a, OPT_SEEDS) ? (int)a.seeds : 3, a.data, a.quiet,
                 0};
  int force = CLI_GIVEN(&a, OPT_FORCE);
  const char *list = CLI_GIVEN(&a, OPT_STAGES) ? a.text[OPT_STAGES] : NULL;
  unsigned want = list ? parse_stages(list) : ~0u;
  if (!want) return CLI_USAGE;
  char parts[4096];
  snprintf(parts, sizeof parts, "%s/parts", c.dir);
  if (make_dirs(parts)) return CLI_FAIL;

  struct sigaction sa, old_sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  interrupted = 0;
  int handler = !sigaction(SIGINT, &sa, &old_sa);
  int rc = run_stages(&c, force, want, list);
  if (handler) sigaction(SIGINT, &old_sa, NULL);
  return rc;
}

/* CPU time of this process and its finished children (the pool's runs):
 * on a loaded machine the honest measure beside the wall clock */
static double cpu_seconds(void)
{
  struct rusage s, c;
  getrusage(RUSAGE_SELF, &s);
  getrusage(RUSAGE_CHILDREN, &c);
  return (double)(s.ru_utime.tv_sec + s.ru_stime.tv_sec + c.ru_utime.tv_sec +
                  c.ru_stime.tv_sec) +
         1e-6 * (double)(s.ru_utime.tv_usec + s.ru_stime.tv_usec +
                         c.ru_utime.tv_usec + c.ru_stime.tv_usec);
}

static int run_stages(const stage_ctx *cp, int force, unsigned want,
                      const char *list)
{
  stage_ctx c = *cp;
  c.inputs = inputs_id(&c);
  time_t t0 = time(NULL);
  size_t nst = 0;
  size_t nwant = 0, k = 0; /* k: the selected stages so far */
  while (stages[nst].name) nwant += (want >> nst++) & 1;
  for (size_t i = 0; i < nst; i++) {
    const struct stage *s = &stages[i];
    if (!(want & (1u << i))) continue;
    k++;
    if (interrupted)
      return cli_fail(CLI_INTERRUPTED, "interrupted; rerun the same command "
                      "to continue (the %zu finished stage%s kept in "
                      "%s/parts)", k - 1, k == 2 ? " is" : "s are", c.dir);
    if (!force && stage_done(&c, s->name)) {
      if (!c.quiet)
        fprintf(stderr, "reproduce: [%zu/%zu] %s: already done (--force to "
                "redo)\n", k, nwant, s->title);
      continue;
    }
    if (!c.quiet)
      fprintf(stderr, "reproduce: [%zu/%zu] %s ...\n", k, nwant, s->title);
    char name[256], st[256];
    snprintf(name, sizeof name, "parts/%s.md", s->name);
    outfile o;
    if (outfile_open(&o, c.dir, name)) return CLI_FAIL;
    stamp(st, sizeof st, &c, s->name);
    fputs(st, o.f);
    time_t ts = time(NULL);
    double cpu0 = cpu_seconds();
    if (s->run(&c, o.f)) {
      outfile_abort(&o);
      if (interrupted) /* e.g. a child (gnuplot) got the SIGINT too */
        return cli_fail(CLI_INTERRUPTED, "interrupted during stage '%s'; "
                        "rerun the same command to continue (finished "
                        "stages are kept in %s/parts)", s->name, c.dir);
      return cli_fail(CLI_FAIL, "stage '%s' failed; finished stages are kept "
                      "in %s: rerun to continue", s->name, c.dir);
    }
    if (outfile_commit(&o)) return CLI_FAIL;
    if (!c.quiet)
      fprintf(stderr, "reproduce: [%zu/%zu] %s done in %lds (%.0f s of CPU)"
              "\n", k, nwant, s->title, (long)(time(NULL) - ts),
              cpu_seconds() - cpu0);
  }

  outfile rep;
  if (outfile_open(&rep, c.dir, "report.md")) return CLI_FAIL;
  fprintf(rep.f,
          "# Why are deep neural networks hard to train? — reproduced\n\n"
          "Made by gradchain %s (`gradchain reproduce%s --seeds %d%s%s`).  "
          "Every table stands beside the book's numbers; every figure has its "
          "CSV and gnuplot script in this directory.\n\n",
          PACKAGE_VERSION, c.quick ? " --quick" : "", c.seeds,
          list ? " --stages " : "", list ? list : "");
  if (c.quick)
    fprintf(rep.f, "> **Quick run**: epochs and data were reduced to finish "
            "in about a minute, so the MNIST numbers are *not* the chapter's; "
            "run `gradchain reproduce` without `--quick` for those.\n\n");
  for (size_t i = 0; i < nst; i++) {
    if (!(want & (1u << i))) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/parts/%s.md", c.dir, stages[i].name);
    if (append_file(rep.f, path, 1)) {
      outfile_abort(&rep);
      return cli_fail(CLI_FAIL, "cannot read %s", path);
    }
    fputc('\n', rep.f);
  }
  if (outfile_commit(&rep)) return CLI_FAIL;
  if (!c.quiet)
    fprintf(stderr, "reproduce: wrote %s/report.md in %lds\n", c.dir,
            (long)(time(NULL) - t0));
  printf("%s/report.md\n", c.dir);
  return CLI_OK;
}
