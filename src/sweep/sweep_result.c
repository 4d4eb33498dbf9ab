/* sweep_result.c -- read a sweep's result file back: the configuration's
 * keys and values, the final and best accuracy, version and isa. */
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/sweep.h"
#include "io/json.h"
#include "io/textfile.h"

void gc_sweep_result_free(gc_sweep_result *r)
{
  for (size_t i = 0; i < r->n; i++) {
    free(r->key[i]);
    free(r->val[i]);
  }
  free(r->key);
  free(r->val);
  memset(r, 0, sizeof *r);
}

static int add_pair(gc_sweep_result *r, const char *k, const char *v, size_t vl)
{
  char **nk = realloc(r->key, (r->n + 1) * sizeof *nk);
  if (nk) r->key = nk;
  char **nv = realloc(r->val, (r->n + 1) * sizeof *nv);
  if (nv) r->val = nv;
  if (!nk || !nv) return gc_error(GC_ENOMEM, "out of memory");
  r->key[r->n] = strdup(k);
  r->val[r->n] = strndup(v, vl);
  if (!r->key[r->n] || !r->val[r->n]) {
    free(r->key[r->n]);
    free(r->val[r->n]);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  r->n++;
  return GC_OK;
}

int gc_sweep_result_read(gc_sweep_result *r, const char *path)
{
  memset(r, 0, sizeof *r);
  char *text;
  size_t len;
  int st = gc_read_text_file(&text, &len, path, (size_t)1 << 26, "a result file");
  if (st) return st;
  gc_json j;
  gc_json_init(&j, text, len, path);
  st = gc_json_expect(&j, '{', "a result");
  int have_final = 0, have_best = 0, have_config = 0;
  char key[64];
  while (!st && !gc_json_accept(&j, '}')) {
    st = gc_json_string(&j, key, sizeof key, "a key");
    if (!st) st = gc_json_expect(&j, ':', key);
    if (st) break;
    if (!strcmp(key, "config")) {
      have_config = 1;
      st = gc_json_expect(&j, '{', "config");
      while (!st && !gc_json_accept(&j, '}')) {
        char ck[64];
        st = gc_json_string(&j, ck, sizeof ck, "a key of config");
        if (!st) st = gc_json_expect(&j, ':', ck);
        if (st) break;
        gc_json_peek(&j);
        const char *v0 = j.p;
        if (!(st = gc_json_skip(&j))) {
          const char *v = v0;
          size_t vl = (size_t)(j.p - v0);
          if (vl >= 2 && *v == '"') { /* names without their quotes */
            v++;
            vl -= 2;
          }
          st = add_pair(r, ck, v, vl);
        }
        if (!st && !gc_json_accept(&j, ',') && gc_json_peek(&j) != '}')
          st = gc_json_expect(&j, '}', "config");
      }
    } else if (!strcmp(key, "final_accuracy")) {
      have_final = 1;
      st = gc_json_number(&j, &r->final_accuracy, key);
    } else if (!strcmp(key, "best_accuracy")) {
      have_best = 1;
      st = gc_json_number(&j, &r->best_accuracy, key);
    } else if (!strcmp(key, "version")) {
      st = gc_json_string(&j, r->version, sizeof r->version, key);
    } else if (!strcmp(key, "isa")) {
      st = gc_json_string(&j, r->isa, sizeof r->isa, key);
    } else {
      st = gc_json_skip(&j);
    }
    if (!st && !gc_json_accept(&j, ',') && gc_json_peek(&j) != '}')
      st = gc_json_expect(&j, '}', "a result");
  }
  if (!st) st = gc_json_end(&j);
  if (!st && (!have_config || !have_final || !have_best))
    st = gc_error(GC_EFORMAT, "%s: no %s", path,
                  !have_config ? "config" : !have_final ? "final_accuracy"
                                                        : "best_accuracy");
  free(text);
  if (st) gc_sweep_result_free(r);
  return st;
}
