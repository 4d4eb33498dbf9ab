/* sweep.c -- grids of run configurations: parsing, jobs, names, and the
 * grouping of results (see gradchain/sweep.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "gradchain/error.h"
#include "gradchain/sweep.h"

struct gc_grid {
  const gc_sweep_key *keys;
  size_t nkeys;
  char ***vals;   /* vals[k]: nv[k] canonical values, or NULL if unset */
  size_t *nv;
  size_t *stride; /* job index divisor of key k */
  size_t njobs;
};

static void free_values(char **v, size_t n)
{
  if (!v) return;
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

int gc_grid_alloc(gc_grid **out, const gc_sweep_key *keys, size_t nkeys)
{
  *out = NULL;
  gc_grid *g = calloc(1, sizeof *g);
  if (!g) return gc_error(GC_ENOMEM, "out of memory");
  g->keys = keys;
  g->nkeys = nkeys;
  g->vals = calloc(nkeys ? nkeys : 1, sizeof *g->vals);
  g->nv = calloc(nkeys ? nkeys : 1, sizeof *g->nv);
  g->stride = calloc(nkeys ? nkeys : 1, sizeof *g->stride);
  if (!g->vals || !g->nv || !g->stride) {
    gc_grid_free(g);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  for (size_t k = 0; k < nkeys; k++) g->stride[k] = 1;
  g->njobs = 1;
  *out = g;
  return GC_OK;
}

void gc_grid_free(gc_grid *g)
{
  if (!g) return;
  for (size_t k = 0; k < g->nkeys && g->vals; k++)
    free_values(g->vals[k], g->nv[k]);
  free(g->vals);
  free(g->nv);
  free(g->stride);
  free(g);
}

/* Recompute the strides and the job count; GC_ERANGE past the limit. */
static int layout(gc_grid *g, const char *what)
{
  size_t n = 1;
  for (size_t k = g->nkeys; k-- > 0;) {
    g->stride[k] = n;
    if (g->vals[k]) {
      if (n > GC_GRID_MAX_JOBS / g->nv[k])
        return gc_error(GC_ERANGE, "%s: more than %u jobs", what,
                        GC_GRID_MAX_JOBS);
      n *= g->nv[k];
    }
  }
  g->njobs = n;
  return GC_OK;
}

static int find_key(const gc_grid *g, const char *name, size_t len)
{
  for (size_t k = 0; k < g->nkeys; k++)
    if (strlen(g->keys[k].name) == len && !memcmp(g->keys[k].name, name, len))
      return (int)k;
  return -1;
}

/* The whole string a whole number? */
static int parse_int(const char *s, long long *out)
{
  if (!*s || isspace((unsigned char)*s)) return -1;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (*end || errno) return -1;
  *out = v;
  return 0;
}

/* Shortest %g spelling that reads back as x; whole numbers below 1e15
 * without an exponent. */
static void real_text(char *buf, size_t cap, double x)
{
  if (x == floor(x) && fabs(x) < 1e15) {
    snprintf(buf, cap, "%.0f", x);
    return;
  }
  for (int p = 1; p <= 17; p++) {
    snprintf(buf, cap, "%.*g", p, x);
    if (strtod(buf, NULL) == x) return;
  }
}

/* Canonical spelling of one value of key kd into *out (malloc'ed). */
static int canon_value(char **out, const gc_sweep_key *kd, const char *v,
                       const char *item, const char *what)
{
  char buf[64];
  *out = NULL;
  if (!*v) return gc_error(GC_EINVAL, "%s: %s: empty value", what, item);
  if (kd->kind == GC_SWEEP_INTEGER) {
    long long x;
    if (parse_int(v, &x))
      return gc_error(GC_EINVAL, "%s: %s: '%s' is not a whole number", what,
                      item, v);
    if ((double)x < kd->min || (double)x > kd->max)
      return gc_error(GC_ERANGE, "%s: %s: %s is outside [%.15g, %.15g]", what,
                      item, v, kd->min, kd->max);
    snprintf(buf, sizeof buf, "%lld", x);
  } else if (kd->kind == GC_SWEEP_REAL) {
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (*end || end == v || isspace((unsigned char)*v) || !isfinite(x))
      return gc_error(GC_EINVAL, "%s: %s: '%s' is not a finite number", what,
                      item, v);
    if (x < kd->min || x > kd->max)
      return gc_error(GC_ERANGE, "%s: %s: %s is outside [%.15g, %.15g]", what,
                      item, v, kd->min, kd->max);
    real_text(buf, sizeof buf, x == 0 ? 0.0 : x); /* -0 is 0 */
  } else {
    for (const char *p = v; *p; p++)
      if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
        return gc_error(GC_EINVAL, "%s: %s: '%s' is not a name (letters, "
                        "digits, '-', '_', '.')", what, item, v);
    if (strlen(v) >= sizeof buf)
      return gc_error(GC_EINVAL, "%s: %s: name too long", what, item);
    snprintf(buf, sizeof buf, "%s", v);
  }
  *out = strdup(buf);
  return *out ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
}

/* Append s to the value list (*v, *n, *cap). */
static int push_value(char ***v, size_t *n, size_t *cap, char *s)
{
  if (*n == *cap) {
    size_t nc = *cap ? 2 * *cap : 8;
    char **nv = realloc(*v, nc * sizeof *nv);
    if (!nv) {
      free(s);
      return gc_error(GC_ENOMEM, "out of memory");
    }
    *v = nv;
    *cap = nc;
  }
  (*v)[(*n)++] = s;
  return GC_OK;
}

static int str_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Refuse a value given twice (sorted copy: ranges of 10^5 values). */
static int no_repeats(char **v, size_t n, const char *item, const char *what)
{
  char **s = malloc((n ? n : 1) * sizeof *s);
  if (!s) return gc_error(GC_ENOMEM, "out of memory");
  memcpy(s, v, n * sizeof *s);
  qsort(s, n, sizeof *s, str_cmp);
  int st = GC_OK;
  for (size_t i = 1; i < n && !st; i++)
    if (!strcmp(s[i - 1], s[i]))
      st = gc_error(GC_EINVAL, "%s: %s: value %s given twice", what, item,
                    s[i]);
  free(s);
  return st;
}

/* Parse the value list of key kd (item = "key=list" for messages). */
static int parse_list(char ***out, size_t *nout, const gc_sweep_key *kd,
                      const char *list, const char *item, const char *what)
{
  char **v = NULL;
  size_t n = 0, cap = 0;
  int st = GC_OK;
  char *copy = strdup(list);
  if (!copy) return gc_error(GC_ENOMEM, "out of memory");
  char *p = copy;
  for (;;) {
    char *comma = strchr(p, ',');
    if (comma) *comma = '\0';
    char *dots = strstr(p, "..");
    if (dots) {
      *dots = '\0';
      const char *b = dots + 2;
      long long lo, hi;
      if (kd->kind != GC_SWEEP_INTEGER) {
        st = gc_error(GC_EINVAL, "%s: %s: a range a..b needs a whole-number "
                      "key", what, item);
        break;
      }
      if (!*p || !*b) {
        st = gc_error(GC_EINVAL, "%s: %s: a range is written a..b", what,
                      item);
        break;
      }
      if (parse_int(p, &lo) || parse_int(b, &hi)) {
        st = gc_error(GC_EINVAL, "%s: %s: '%s..%s' is not a range of whole "
                      "numbers", what, item, p, b);
        break;
      }
      if (lo > hi) {
        st = gc_error(GC_EINVAL, "%s: %s: empty range (%lld > %lld)", what,
                      item, lo, hi);
        break;
      }
      if ((double)lo < kd->min || (double)hi > kd->max) {
        st = gc_error(GC_ERANGE, "%s: %s: %lld..%lld is outside [%.15g, "
                      "%.15g]", what, item, lo, hi, kd->min, kd->max);
        break;
      }
      for (long long x = lo; !st && x <= hi; x++) {
        char buf[32], *s;
        snprintf(buf, sizeof buf, "%lld", x);
        if (n >= GC_GRID_MAX_JOBS) {
          st = gc_error(GC_ERANGE, "%s: more than %u jobs", what,
                        GC_GRID_MAX_JOBS);
          break;
        }
        st = (s = strdup(buf)) ? push_value(&v, &n, &cap, s)
                               : gc_error(GC_ENOMEM, "out of memory");
      }
    } else {
      char *s;
      st = canon_value(&s, kd, p, item, what);
      if (!st) st = push_value(&v, &n, &cap, s);
    }
    if (st || !comma) break;
    p = comma + 1;
  }
  free(copy);
  if (!st) st = no_repeats(v, n, item, what);
  if (st) {
    free_values(v, n);
    return st;
  }
  *out = v;
  *nout = n;
  return GC_OK;
}

/* Set key from "key=list" text of length len (not NUL-terminated). */
static int set_item(gc_grid *g, const char *item, size_t len,
                    const char *what)
{
  char *s = malloc(len + 1);
  if (!s) return gc_error(GC_ENOMEM, "out of memory");
  memcpy(s, item, len);
  s[len] = '\0';
  char *eq = strchr(s, '=');
  int st;
  if (!eq || eq == s) {
    st = gc_error(GC_EINVAL, "%s: '%s' is not KEY=VALUES", what, s);
  } else {
    *eq = '\0';
    st = gc_grid_set(g, s, eq + 1, what);
  }
  free(s);
  return st;
}

int gc_grid_set(gc_grid *g, const char *key, const char *values,
                const char *what)
{
  int k = find_key(g, key, strlen(key));
  char item[160];
  snprintf(item, sizeof item, "%s=%s", key, values);
  if (k < 0) {
    char list[512];
    size_t n = 0;
    list[0] = '\0';
    for (size_t i = 0; i < g->nkeys && n < sizeof list; i++)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
                            g->keys[i].name);
    return gc_error(GC_EINVAL, "%s: unknown key '%s' (keys: %s)", what, key,
                    list);
  }
  if (g->vals[k])
    return gc_error(GC_EINVAL, "%s: key '%s' given twice", what, key);
  char **v = NULL;
  size_t n = 0;
  int st = parse_list(&v, &n, &g->keys[k], values, item, what);
  if (st) return st;
  g->vals[k] = v;
  g->nv[k] = n;
  if ((st = layout(g, what))) {
    free_values(v, n);
    g->vals[k] = NULL;
    g->nv[k] = 0;
    layout(g, what);
  }
  return st;
}

int gc_grid_parse(gc_grid *g, const char *text, const char *what)
{
  gc_grid *t;
  int st = gc_grid_alloc(&t, g->keys, g->nkeys);
  if (st) return st;
  for (const char *p = text; !st && *p;) {
    if (isspace((unsigned char)*p)) {
      p++;
    } else if (*p == '#') {
      while (*p && *p != '\n') p++;
    } else {
      const char *q = p;
      while (*q && !isspace((unsigned char)*q) && *q != '#') q++;
      st = set_item(t, p, (size_t)(q - p), what);
      p = q;
    }
  }
  for (size_t k = 0; !st && k < g->nkeys; k++)
    if (t->vals[k] && g->vals[k])
      st = gc_error(GC_EINVAL, "%s: key '%s' given twice", what,
                    g->keys[k].name);
  if (!st) {
    for (size_t k = 0; k < g->nkeys; k++)
      if (t->vals[k]) {
        g->vals[k] = t->vals[k];
        g->nv[k] = t->nv[k];
        t->vals[k] = NULL;
      }
    if ((st = layout(g, what))) { /* undo: give the keys back to t */
      for (size_t k = 0; k < g->nkeys; k++)
        if (g->vals[k] && !t->vals[k] && t->nv[k]) {
          t->vals[k] = g->vals[k];
          g->vals[k] = NULL;
          g->nv[k] = 0;
        }
      layout(g, what);
    }
  }
  gc_grid_free(t);
  return st;
}

size_t gc_grid_njobs(const gc_grid *g) { return g->njobs; }

const gc_sweep_key *gc_grid_keys(const gc_grid *g, size_t *nkeys)
{
  if (nkeys) *nkeys = g->nkeys;
  return g->keys;
}

int gc_grid_has(const gc_grid *g, size_t k, size_t *nvalues)
{
  if (nvalues) *nvalues = k < g->nkeys && g->vals[k] ? g->nv[k] : 0;
  return k < g->nkeys && g->vals[k] != NULL;
}

const char *gc_grid_key_value(const gc_grid *g, size_t k, size_t i)
{
  if (k >= g->nkeys || !g->vals[k] || i >= g->nv[k]) return NULL;
  return g->vals[k][i];
}

const char *gc_grid_value(const gc_grid *g, size_t job, size_t k)
{
  if (k >= g->nkeys) return NULL;
  if (!g->vals[k]) return g->keys[k].dflt;
  return g->vals[k][(job / g->stride[k]) % g->nv[k]];
}

/* A growing string. */
typedef struct sbuf {
  char *s;
  size_t n, cap;
  int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
  size_t l = strlen(s);
  if (b->oom) return;
  if (b->n + l + 1 > b->cap) {
    size_t nc = b->cap ? b->cap : 256;
    while (nc < b->n + l + 1) nc *= 2;
    char *ns = realloc(b->s, nc);
    if (!ns) {
      b->oom = 1;
      return;
    }
    b->s = ns;
    b->cap = nc;
  }
  memcpy(b->s + b->n, s, l + 1);
  b->n += l;
}

static int sb_done(char **out, sbuf *b)
{
  sb_put(b, "");
  if (b->oom) {
    free(b->s);
    *out = NULL;
    return gc_error(GC_ENOMEM, "out of memory");
  }
  *out = b->s;
  return GC_OK;
}

int gc_grid_text(char **out, const gc_grid *g)
{
  sbuf b = {0};
  for (size_t k = 0; k < g->nkeys; k++) {
    if (!g->vals[k]) continue;
    sb_put(&b, g->keys[k].name);
    sb_put(&b, "=");
    char **v = g->vals[k];
    size_t n = g->nv[k];
    for (size_t i = 0; i < n;) {
      /* a run of consecutive whole numbers of length >= 3 as a..b */
      size_t j = i;
      long long a, x;
      if (g->keys[k].kind == GC_SWEEP_INTEGER && !parse_int(v[i], &a)) {
        while (j + 1 < n && !parse_int(v[j + 1], &x) && x == a + (long long)(j + 1 - i))
          j++;
      }
      if (i) sb_put(&b, ",");
      sb_put(&b, v[i]);
      if (j >= i + 2) {
        sb_put(&b, "..");
        sb_put(&b, v[j]);
        i = j + 1;
      } else {
        i++;
      }
    }
    sb_put(&b, "\n");
  }
  return sb_done(out, &b);
}

static int name_cmp(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int gc_grid_job_text(char **out, const gc_grid *g, size_t job)
{
  *out = NULL;
  if (job >= g->njobs)
    return gc_error(GC_EINVAL, "job %zu of a grid of %zu", job, g->njobs);
  /* pairs (name, value) of the non-default keys, sorted by name */
  const char *(*pv)[2] = malloc((g->nkeys ? g->nkeys : 1) * sizeof *pv);
  if (!pv) return gc_error(GC_ENOMEM, "out of memory");
  size_t n = 0;
  for (size_t k = 0; k < g->nkeys; k++) {
    const char *v = gc_grid_value(g, job, k);
    if (strcmp(v, g->keys[k].dflt)) {
      pv[n][0] = g->keys[k].name;
      pv[n][1] = v;
      n++;
    }
  }
  qsort(pv, n, sizeof *pv, name_cmp);
  sbuf b = {0};
  sb_put(&b, "");
  for (size_t i = 0; i < n; i++) {
    sb_put(&b, pv[i][0]);
    sb_put(&b, "=");
    sb_put(&b, pv[i][1]);
    sb_put(&b, "\n");
  }
  free(pv);
  return sb_done(out, &b);
}

uint64_t gc_sweep_hash(const char *text)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void gc_sweep_hash_hex(char *out, uint64_t h)
{
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}

int gc_grid_job_name(char *out, const gc_grid *g, size_t job)
{
  char *t;
  int st = gc_grid_job_text(&t, g, job);
  if (st) return st;
  gc_sweep_hash_hex(out, gc_sweep_hash(t));
  free(t);
  return GC_OK;
}

/* ----------------------------------------------------------- results */

int gc_sweep_label_cmp(const char *a, const char *b)
{
  while (*a && *b) {
    if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
      while (*a == '0' && isdigit((unsigned char)a[1])) a++;
      while (*b == '0' && isdigit((unsigned char)b[1])) b++;
      size_t la = 0, lb = 0;
      while (isdigit((unsigned char)a[la])) la++;
      while (isdigit((unsigned char)b[lb])) lb++;
      if (la != lb) return la < lb ? -1 : 1;
      int c = memcmp(a, b, la);
      if (c) return c;
      a += la;
      b += lb;
    } else {
      if (*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
      a++;
      b++;
    }
  }
  return (unsigned char)*a - (unsigned char)*b;
}

typedef struct order {
  const gc_sweep_point *p;
  size_t i;
} order;

static int order_cmp(const void *x, const void *y)
{
  const order *a = x, *b = y;
  int c = gc_sweep_label_cmp(a->p->group, b->p->group);
  if (!c) c = strcmp(a->p->group, b->p->group);
  if (c) return c;
  return a->i < b->i ? -1 : a->i > b->i;
}

static int differ(const char *a, const char *b)
{
  if (!a || !b) return a != b;
  return strcmp(a, b) != 0;
}

int gc_sweep_group_points(gc_sweep_group **groups, size_t *ngroups,
                          gc_sweep_point *points, size_t n)
{
  *groups = NULL;
  *ngroups = 0;
  order *o = malloc((n ? n : 1) * sizeof *o);
  gc_sweep_point *sorted = malloc((n ? n : 1) * sizeof *sorted);
  double *fin = malloc((n ? n : 1) * sizeof *fin);
  double *bst = malloc((n ? n : 1) * sizeof *bst);
  gc_sweep_group *gs = calloc(n ? n : 1, sizeof *gs);
  if (!o || !sorted || !fin || !bst || !gs) {
    free(o);
    free(sorted);
    free(fin);
    free(bst);
    free(gs);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    o[i].p = &points[i];
    o[i].i = i;
  }
  qsort(o, n, sizeof *o, order_cmp);
  for (size_t i = 0; i < n; i++) sorted[i] = *o[i].p;
  memcpy(points, sorted, n * sizeof *points);
  size_t ng = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    gc_sweep_group *g = &gs[ng++];
    g->group = points[i].group;
    g->first = i;
    while (j < n && !strcmp(points[j].group, points[i].group)) {
      fin[j - i] = points[j].final_accuracy;
      bst[j - i] = points[j].best_accuracy;
      g->mixed_versions |= differ(points[j].version, points[i].version);
      g->mixed_isas |= differ(points[j].isa, points[i].isa);
      j++;
    }
    g->n = j - i;
    g->final_mean = gsl_stats_mean(fin, 1, g->n);
    g->best_mean = gsl_stats_mean(bst, 1, g->n);
    g->final_sd = g->n > 1 ? gsl_stats_sd(fin, 1, g->n) : 0;
    g->best_sd = g->n > 1 ? gsl_stats_sd(bst, 1, g->n) : 0;
    i = j;
  }
  free(o);
  free(sorted);
  free(fin);
  free(bst);
  *groups = gs;
  *ngroups = ng;
  return GC_OK;
}
