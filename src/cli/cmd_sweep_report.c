/* cmd_sweep_report.c -- `gradchain sweep-report DIR`: the result files of
 * a sweep grouped by every configuration key except the seed, with the
 * mean and sd of the final and the best accuracy. */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/reproduce/stages.h"
#include "cli/sweep.h"

static const char usage[] =
  "Usage: gradchain sweep-report DIR [OPTIONS]\n\n"
  "Groups the result files of a sweep (DIR/*.json) by every configuration\n"
  "key except seed and prints, per group, the keys that vary in DIR, the\n"
  "number of runs n and the mean and standard deviation of the final and\n"
  "of the best validation accuracy.  Warns when a group mixes gradchain\n"
  "versions or instruction sets (their last digits may differ).\n\n"
  "  --format F    text | csv | json (text)\n"
  "  --plot KEY    also write DIR/sweep-KEY.csv, .gp and .png: final\n"
  "                accuracy against KEY, one line per group of the others\n";

typedef struct report {
  gc_sweep_result *r;
  size_t n;
  const char **keys;    /* the keys that vary (seed excepted), in order */
  size_t nkeys;
  char **labels;
  gc_sweep_point *pts;
  gc_sweep_group *groups;
  size_t ngroups;
} report;

static const char *value_of(const gc_sweep_result *r, const char *key)
{
  for (size_t i = 0; i < r->n; i++)
    if (!strcmp(r->key[i], key)) return r->val[i];
  return "-";
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every DIR/NAME.json, in name order. */
static int read_results(report *rp, const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) return cli_fail(CLI_FAIL, "cannot read directory %s", dir);
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  int st = 0;
  while (!st && (e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json"))
      continue;
    char **nn = realloc(names, (n + 1) * sizeof *nn);
    if (!nn || !(nn[n] = malloc(strlen(dir) + l + 2))) {
      if (nn) names = nn;
      st = cli_fail(CLI_FAIL, "out of memory");
      break;
    }
    names = nn;
    sprintf(names[n++], "%s/%s", dir, e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, name_cmp);
  if (!st && !n) st = cli_fail(CLI_FAIL, "%s holds no result files", dir);
  if (!st && !(rp->r = calloc(n, sizeof *rp->r)))
    st = cli_fail(CLI_FAIL, "out of memory");
  for (size_t i = 0; !st && i < n; i++) {
    if (gc_sweep_result_read(&rp->r[i], names[i]))
      st = cli_fail(CLI_FAIL, "damaged result: %s", gc_strerror_last());
    else
      rp->n++;
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return st;
}

/* The keys whose values differ between results, seed excepted. */
static int varying_keys(report *rp)
{
  for (size_t i = 0; i < rp->n; i++)
    for (size_t k = 0; k < rp->r[i].n; k++) {
      const char *key = rp->r[i].key[k];
      int have = !strcmp(key, "seed");
      for (size_t j = 0; j < rp->nkeys && !have; j++)
        have = !strcmp(rp->keys[j], key);
      if (have) continue;
      int varies = 0;
      const char *v0 = value_of(&rp->r[0], key);
      for (size_t j = 1; j < rp->n && !varies; j++)
        varies = strcmp(v0, value_of(&rp->r[j], key)) != 0;
      if (!varies) continue;
      const char **nk = realloc(rp->keys, (rp->nkeys + 1) * sizeof *nk);
      if (!nk) return cli_fail(CLI_FAIL, "out of memory");
      rp->keys = nk;
      rp->keys[rp->nkeys++] = key;
    }
  return 0;
}

/* "k=v k=v" over the varying keys, leaving out `skip` (may be NULL). */
static char *label_of(const report *rp, const gc_sweep_result *r, const char *skip)
{
  size_t cap = 1;
  for (size_t k = 0; k < rp->nkeys; k++)
    cap += strlen(rp->keys[k]) + strlen(value_of(r, rp->keys[k])) + 2;
  char *s = malloc(cap);
  if (!s) return NULL;
  s[0] = '\0';
  for (size_t k = 0; k < rp->nkeys; k++) {
    if (skip && !strcmp(skip, rp->keys[k])) continue;
    if (*s) strcat(s, " ");
    strcat(s, rp->keys[k]);
    strcat(s, "=");
    strcat(s, value_of(r, rp->keys[k]));
  }
  return s;
}

/* Warn about a group holding several versions or instruction sets. */
static void warn_mixed(const report *rp, const gc_sweep_group *g)
{
  for (int which = 0; which < 2; which++) {
    if (!(which ? g->mixed_isas : g->mixed_versions)) continue;
    char list[256] = "";
    for (size_t i = g->first; i < g->first + g->n; i++) {
      const gc_sweep_result *r = &rp->r[rp->pts[i].id];
      const char *v = which ? r->isa : r->version;
      char item[80];
      snprintf(item, sizeof item, "'%s'", v);
      if (!strstr(list, item) && strlen(list) + strlen(item) + 3 < sizeof list)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                 *list ? ", " : "", item);
    }
    fprintf(stderr, "gradchain sweep-report: warning: group '%s' mixes %s "
            "(%s): its runs may differ in the last digits\n",
            *g->group ? g->group : "all", which ? "instruction sets"
                                                : "gradchain versions", list);
  }
}

static int is_number(const char *v)
{
  char *end;
  if (!*v) return 0;
  strtod(v, &end);
  return *end == '\0';
}

static void print_report(const report *rp, cli_format fmt)
{
  if (fmt == CLI_JSON) fputs("[", stdout);
  else if (fmt == CLI_CSV) {
    for (size_t k = 0; k < rp->nkeys; k++) printf("%s,", rp->keys[k]);
    puts("n,final_mean,final_sd,best_mean,best_sd");
  } else {
    for (size_t k = 0; k < rp->nkeys; k++) printf("%-12s ", rp->keys[k]);
    printf("%5s  %-17s  %s\n", "n", "final (%)", "best (%)");
  }
  for (size_t gi = 0; gi < rp->ngroups; gi++) {
    const gc_sweep_group *g = &rp->groups[gi];
    const gc_sweep_result *r = &rp->r[rp->pts[g->first].id];
    if (fmt == CLI_JSON) {
      printf("%s\n  {", gi ? "," : "");
      for (size_t k = 0; k < rp->nkeys; k++) {
        const char *v = value_of(r, rp->keys[k]);
        cli_json_string(stdout, rp->keys[k]);
        fputs(": ", stdout);
        if (is_number(v)) fputs(v, stdout);
        else cli_json_string(stdout, v);
        fputs(", ", stdout);
      }
      printf("\"n\": %zu, \"final_mean\": ", g->n);
      cli_json_double(stdout, g->final_mean);
      fputs(", \"final_sd\": ", stdout);
      cli_json_double(stdout, g->final_sd);
      fputs(", \"best_mean\": ", stdout);
      cli_json_double(stdout, g->best_mean);
      fputs(", \"best_sd\": ", stdout);
      cli_json_double(stdout, g->best_sd);
      fputs("}", stdout);
    } else if (fmt == CLI_CSV) {
      for (size_t k = 0; k < rp->nkeys; k++)
        printf("%s,", value_of(r, rp->keys[k]));
      printf("%zu,%.6f,%.6f,%.6f,%.6f\n", g->n, g->final_mean, g->final_sd,
             g->best_mean, g->best_sd);
    } else {
      for (size_t k = 0; k < rp->nkeys; k++)
        printf("%-12s ", value_of(r, rp->keys[k]));
      char fin[48], bst[48];
      snprintf(fin, sizeof fin, "%.2f ± %.2f", 100 * g->final_mean, 100 * g->final_sd);
      snprintf(bst, sizeof bst, "%.2f ± %.2f", 100 * g->best_mean, 100 * g->best_sd);
      printf("%5zu  %-18s  %s\n", g->n, fin, bst);
    }
  }
  if (fmt == CLI_JSON) fputs("\n]\n", stdout);
}

/* DIR/sweep-KEY.csv (x, final mean, sd, line), .gp, .png. */
static int write_plot(const report *rp, const char *dir, const char *key)
{
  int found = 0;
  for (size_t k = 0; k < rp->nkeys; k++) found |= !strcmp(rp->keys[k], key);
  if (!found)
    return cli_fail(CLI_USAGE, "--plot %s: not a key that varies in %s", key, dir);
  for (size_t i = 0; i < rp->n; i++)
    if (!is_number(value_of(&rp->r[i], key)))
      return cli_fail(CLI_USAGE, "--plot %s: its values are not numbers", key);
  char name[128], csv[160];
  snprintf(name, sizeof name, "sweep-%s", key);
  snprintf(csv, sizeof csv, "%s.csv", name);
  /* the lines: one per label of the other keys, in group order */
  char **lines = calloc(rp->ngroups, sizeof *lines);
  size_t nl = 0;
  if (!lines) return cli_fail(CLI_FAIL, "out of memory");
  int st = 0;
  for (size_t gi = 0; gi < rp->ngroups && !st; gi++) {
    char *l = label_of(rp, &rp->r[rp->pts[rp->groups[gi].first].id], key);
    if (!l) {
      st = cli_fail(CLI_FAIL, "out of memory");
      break;
    }
    size_t i = 0;
    while (i < nl && strcmp(lines[i], l)) i++;
    if (i < nl) free(l);
    else lines[nl++] = l;
  }
  outfile o;
  if (!st && outfile_open(&o, dir, csv)) st = CLI_FAIL;
  if (!st) {
    fprintf(o.f, "%s,final_mean,final_sd,best_mean,best_sd,line\n", key);
    for (size_t li = 0; li < nl; li++)
      for (size_t gi = 0; gi < rp->ngroups; gi++) {
        const gc_sweep_group *g = &rp->groups[gi];
        const gc_sweep_result *r = &rp->r[rp->pts[g->first].id];
        char *l = label_of(rp, r, key);
        if (l && !strcmp(l, lines[li]))
          fprintf(o.f, "%s,%.6f,%.6f,%.6f,%.6f,%zu\n", value_of(r, key),
                  g->final_mean, g->final_sd, g->best_mean, g->best_sd, li);
        free(l);
      }
    st = outfile_commit(&o);
  }
  size_t cap = 512 + nl * 200;
  char *body = st ? NULL : malloc(cap);
  if (!st && !body) st = cli_fail(CLI_FAIL, "out of memory");
  if (!st) {
    int n = snprintf(body, cap,
                     "set title 'Final validation accuracy against %s (mean ± sd over seeds)'\n"
                     "set xlabel '%s'\nset ylabel 'validation accuracy (%%)'\n"
                     "set key outside right top\nset offsets graph 0.05, graph 0.05, 0, 0\nplot ", key, key);
    for (size_t li = 0; li < nl && n > 0 && (size_t)n < cap; li++)
      n += snprintf(body + n, cap - (size_t)n,
                    "%s'%s' using 1:($6==%zu?$2*100:1/0):($3*100) skip 1 "
                    "with yerrorlines lw 2 title '%s'", li ? ", \\\n     " : "",
                    csv, li, *lines[li] ? lines[li] : "all");
    if (n > 0 && (size_t)n < cap) snprintf(body + n, cap - (size_t)n, "\n");
    stage_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.dir = dir;
    FILE *devnull = fopen("/dev/null", "w");
    st = devnull ? stage_figure(&ctx, devnull, name, name, body)
                 : cli_fail(CLI_FAIL, "cannot open /dev/null");
    if (devnull) fclose(devnull);
  }
  free(body);
  for (size_t i = 0; i < nl; i++) free(lines[i]);
  free(lines);
  return st;
}

int cmd_sweep_report(int argc, char **argv)
{
  static const struct option lo[] = {
    {"format", required_argument, 0, 'f'}, {"plot", required_argument, 0, 'p'},
    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  cli_format fmt = CLI_TEXT;
  const char *plot = NULL;
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    switch (ch) {
    case 'f':
      if (cli_parse_format(optarg, 1, &fmt)) return CLI_USAGE;
      break;
    case 'p': plot = optarg; break;
    case 'h': return cli_help(usage);
    case ':': return cli_fail(CLI_USAGE, "%s needs a value", argv[optind - 1]);
    default:
      return cli_fail(CLI_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
    }
  }
  if (optind != argc - 1)
    return cli_fail(CLI_USAGE, optind < argc ? "unexpected argument '%s'"
                    : "which sweep directory?%s", optind < argc ? argv[optind + 1] : "");
  const char *dir = argv[optind];
  report rp;
  memset(&rp, 0, sizeof rp);
  int st = read_results(&rp, dir);
  if (!st) st = varying_keys(&rp);
  if (!st) {
    rp.labels = calloc(rp.n, sizeof *rp.labels);
    rp.pts = calloc(rp.n, sizeof *rp.pts);
    if (!rp.labels || !rp.pts) st = cli_fail(CLI_FAIL, "out of memory");
  }
  for (size_t i = 0; !st && i < rp.n; i++) {
    if (!(rp.labels[i] = label_of(&rp, &rp.r[i], NULL))) {
      st = cli_fail(CLI_FAIL, "out of memory");
      break;
    }
    rp.pts[i] = (gc_sweep_point){rp.labels[i], rp.r[i].final_accuracy,
                                 rp.r[i].best_accuracy, rp.r[i].version,
                                 rp.r[i].isa, i};
  }
  if (!st && gc_sweep_group_points(&rp.groups, &rp.ngroups, rp.pts, rp.n))
    st = cli_fail_lib();
  if (!st) {
    for (size_t g = 0; g < rp.ngroups; g++) warn_mixed(&rp, &rp.groups[g]);
    print_report(&rp, fmt);
    if (plot) st = write_plot(&rp, dir, plot);
  }
  for (size_t i = 0; i < rp.n; i++) {
    gc_sweep_result_free(&rp.r[i]);
    if (rp.labels) free(rp.labels[i]);
  }
  free(rp.r);
  free(rp.keys);
  free(rp.labels);
  free(rp.pts);
  free(rp.groups);
  return st;
}
