/* gradchain/sweep.h -- a grid of run configurations, its jobs, their
 * stable names, and the grouping of their results.
 *
 * A grid sets keys to lists of values:
 *
 *   hidden=1..8 width=30,100 activation=sigmoid,relu seed=1..10
 *
 * Items are separated by white space or new lines; `#` starts a comment
 * that runs to the end of the line.  A value list is comma-separated; an
 * integer key also takes a range a..b (a <= b, both ends included).  Every
 * key must be one of the table the grid was allocated with, and may be set
 * once.  Values are checked against the key's kind and bounds and stored
 * in a canonical spelling: integers in decimal, reals in the shortest
 * %g form that reads back to the same double ("0.10" -> "0.1"), names as
 * written (letters, digits, '-', '_', '.').
 *
 * The jobs are the Cartesian product of the value lists.  Job i takes its
 * values in mixed radix over the keys in table order, the last table key
 * varying fastest (so a table that ends with "seed" runs a configuration's
 * seeds one after another).  A key the grid does not set takes the table's
 * default.
 *
 * A job's canonical text is "key=value\n" for every key whose value
 * differs from the table default, keys in byte order of their names.  Its
 * hash is the 64-bit FNV-1a of that text (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3), written as 16 lower-case hex
 * digits.  Leaving defaults out keeps the names of existing jobs when a key
 * with a backward-compatible default is added to the table; the order of
 * the table, of the grid text and of a value list does not change a name.
 */
#ifndef GRADCHAIN_SWEEP_H
#define GRADCHAIN_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "gradchain/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gc_sweep_kind {
  GC_SWEEP_INTEGER = 0, /* a whole number in [min, max]; ranges allowed */
  GC_SWEEP_REAL,        /* a finite number in [min, max] */
  GC_SWEEP_NAME         /* a word; its meaning is checked by the caller */
} gc_sweep_kind;

typedef struct gc_sweep_key {
  const char *name;     /* "hidden" */
  gc_sweep_kind kind;
  const char *dflt;     /* canonical spelling of the default value */
  double min, max;      /* bounds of a number */
} gc_sweep_key;

/* Most jobs one grid may describe. */
#define GC_GRID_MAX_JOBS 100000000u

typedef struct gc_grid gc_grid;

/* An empty grid over the keys (the table must outlive the grid). */
GC_API int gc_grid_alloc(gc_grid **g, const gc_sweep_key *keys, size_t nkeys);
GC_API void gc_grid_free(gc_grid *g);

/* Parse grid text (see above) into g.  `what` names the text in messages
 * ("the grid", a file name).  On failure g is unchanged. */
GC_API int gc_grid_parse(gc_grid *g, const char *text, const char *what);

/* Set one key to a value list ("30,100", "1..8"); as one grid item. */
GC_API int gc_grid_set(gc_grid *g, const char *key, const char *values,
                const char *what);

/* The number of jobs (1 for an empty grid: every key at its default). */
GC_API size_t gc_grid_njobs(const gc_grid *g);

/* The keys the grid was allocated with. */
GC_API const gc_sweep_key *gc_grid_keys(const gc_grid *g, size_t *nkeys);

/* 1 if the grid sets key k (table index), with how many values. */
GC_API int gc_grid_has(const gc_grid *g, size_t k, size_t *nvalues);

/* Value i (0 <= i < nvalues) of key k, canonical spelling; NULL if the
 * grid does not set k or i is out of range. */
GC_API const char *gc_grid_key_value(const gc_grid *g, size_t k, size_t i);

/* Canonical text of the grid: "key=v1,v2,...\n" for each key it sets, in
 * table order (ranges written out as a..b when the values are one).
 * Parsing it gives the same grid.  Malloc'ed. */
GC_API int gc_grid_text(char **text, const gc_grid *g);

/* The value of key k (table index) in job i: canonical spelling, owned by
 * the grid. */
GC_API const char *gc_grid_value(const gc_grid *g, size_t job, size_t k);

/* The canonical text of job i (see above).  Malloc'ed. */
GC_API int gc_grid_job_text(char **text, const gc_grid *g, size_t job);

/* 64-bit FNV-1a of a string, and its 16-digit hex name (out: 17 bytes). */
GC_API uint64_t gc_sweep_hash(const char *text);
GC_API void gc_sweep_hash_hex(char *out, uint64_t h);

/* The hex name of job i. */
GC_API int gc_grid_job_name(char *out, const gc_grid *g, size_t job);

/* ----------------------------------------------------------- results */

/* One finished run, as the report reads it.  `group` is a label made of
 * every configuration value except the one that varies within a group
 * (the seed), e.g. "hidden=2 width=30". */
typedef struct gc_sweep_point {
  const char *group;
  double final_accuracy, best_accuracy;
  const char *version, *isa;   /* may be NULL */
  size_t id;                   /* the caller's; carried along */
} gc_sweep_point;

typedef struct gc_sweep_group {
  const char *group;       /* points[first].group */
  size_t first, n;         /* points[first .. first+n-1] after sorting */
  double final_mean, final_sd, best_mean, best_sd; /* sd: n-1; 0 if n == 1 */
  int mixed_versions, mixed_isas; /* the group holds more than one */
} gc_sweep_group;

/* Sort the points by group (labels compared with digit runs as numbers:
 * "hidden=2" before "hidden=10"; equal labels keep their order) and
 * summarise each group.  *groups is malloc'ed; *ngroups its length. */
GC_API int gc_sweep_group_points(gc_sweep_group **groups, size_t *ngroups,
                          gc_sweep_point *points, size_t n);

/* A result file read back (see `gradchain sweep`): its config object's
 * keys and values (strings without their quotes, numbers as written), the
 * final and best accuracy, version and isa ("" if absent). */
typedef struct gc_sweep_result {
  size_t n;
  char **key, **val;
  double final_accuracy, best_accuracy;
  char version[64], isa[32];
} gc_sweep_result;

/* Read and check a result file: GC_EIO if unreadable, GC_EFORMAT (with
 * the line and column) if it is not JSON or lacks config, final_accuracy
 * or best_accuracy.  Free with gc_sweep_result_free(). */
GC_API int gc_sweep_result_read(gc_sweep_result *r, const char *path);
GC_API void gc_sweep_result_free(gc_sweep_result *r);

/* The comparison used above: < 0, 0, > 0. */
GC_API int gc_sweep_label_cmp(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
