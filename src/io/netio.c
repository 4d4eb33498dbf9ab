/* netio.c -- saving and loading a net as JSON in network2's layout. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gradchain/error.h"
#include "gradchain/kernels.h"
#include "io/textfile.h"
#include "gradchain/netio.h"
#include "io/atomic.h"
#include "io/json.h"
#include "io/netio_write.h"

/* ------------------------------------------------------------ saving */

static void write_doubles(FILE *f, size_t n, const double *x, int column)
{
  for (size_t i = 0; i < n; i++) {
    if (i) fputs(", ", f);
    fprintf(f, column ? "[%.17g]" : "%.17g", x[i]);
  }
}

int gc_net_write_json(FILE *f, const gc_net *net)
{
  size_t L = net->nlayers;
  fputs("{\"sizes\": [", f);
  for (size_t l = 0; l < L; l++) fprintf(f, l ? ", %zu" : "%zu", net->sizes[l]);
  fputs("], \"weights\": [", f);
  for (size_t l = 1; l < L; l++) {
    fputs(l > 1 ? ", [" : "[", f);
    size_t n = net->sizes[l], m = net->sizes[l - 1];
    for (size_t i = 0; i < n; i++) {
      fputs(i ? ", [" : "[", f);
      write_doubles(f, m, net->p.w[l] + i * m, 0);
      fputc(']', f);
    }
    fputc(']', f);
  }
  fputs("], \"biases\": [", f);
  for (size_t l = 1; l < L; l++) {
    fputs(l > 1 ? ", [" : "[", f);
    write_doubles(f, net->sizes[l], net->p.b[l], 1);
    fputc(']', f);
  }
  fprintf(f, "], \"cost\": \"%s\"", gc_cost_network2_name(net->cost));
  if (!gc_net_is_sigmoid(net)) {
    /* network2's load() ignores these keys; plain sigmoid nets omit them */
    fputs(", \"activations\": [", f);
    for (size_t l = 1; l + 1 < L; l++)
      fprintf(f, l > 1 ? ", \"%s\"" : "\"%s\"", gc_activation_name(net->act[l]));
    fprintf(f, "], \"output\": \"%s\"",
            net->output == GC_OUTPUT_SOFTMAX
                ? "softmax" : gc_activation_name(net->act[L - 1]));
  }
  /* "isa": the instruction set of the kernels that wrote it (network2
   * ignores the key; so does gc_net_load): results are bit-identical only
   * on the same one */
  fprintf(f, ", \"isa\": \"%s\"}\n", gc_build_isa());
  return ferror(f) ? -1 : 0;
}

int gc_net_save(const char *path, const gc_net *net)
{
  for (size_t k = 0; k < net->p.n; k++)
    if (!isfinite(net->p.data[k]))
      return gc_error(GC_ENUMERIC, "the net has a NaN or infinite parameter "
                      "(index %zu); not saved to %s", k, path);
  gc_atomic_file out;
  int st = gc_atomic_open(&out, path);
  if (st) return st;
  gc_net_write_json(out.f, net); /* a failed write shows in ferror */
  return gc_atomic_commit(&out);
}

/* ------------------------------------------------------------ loading */

enum { K_SIZES, K_WEIGHTS, K_BIASES, K_COST, K_ACTS, K_OUTPUT, K_N };
#define K_REQUIRED K_ACTS /* activations and output are optional */
static const char *const key_names[K_N] = {"sizes", "weights", "biases",
                                           "cost", "activations", "output"};

/* Before entry k of a list that must have n entries. */
static int entry(gc_json *j, size_t k, size_t n, const char *name)
{
  if (gc_json_peek(j) == ']')
    return gc_json_fail(j, "%s has %zu entries, expected %zu", name, k, n);
  if (k > 0) return gc_json_expect(j, ',', name);
  return GC_OK;
}

static int close_list(gc_json *j, size_t n, const char *name)
{
  if (gc_json_peek(j) == ',')
    return gc_json_fail(j, "%s has more than the %zu entries expected", name,
                        n);
  return gc_json_expect(j, ']', name);
}

/* "sizes": count, then check and read */
static int read_sizes(gc_json *j, size_t len, size_t **sizes, size_t *L)
{
  const char *start;
  size_t n = 0;
  int st;
  *sizes = NULL;
  if ((st = gc_json_expect(j, '[', "\"sizes\""))) return st;
  start = j->p;
  for (int pass = 0; pass < 2; pass++) {
    j->p = start;
    size_t k = 0;
    if (gc_json_peek(j) != ']')
      for (;;) {
        double x;
        char ctx[64];
        snprintf(ctx, sizeof ctx, "\"sizes\"[%zu]", k);
        if ((st = gc_json_number(j, &x, ctx))) return st;
        if (x != floor(x) || x < 1)
          return gc_json_fail(j, "%s = %.17g is not a whole number >= 1",
                              ctx, x);
        if (x > (double)GC_NET_MAX_WIDTH)
          return gc_json_fail(j, "%s = %.17g neurons is more than the %zu "
                              "allowed", ctx, x, GC_NET_MAX_WIDTH);
        if (pass) (*sizes)[k] = (size_t)x;
        k++;
        if (!gc_json_accept(j, ',')) break;
      }
    if ((st = gc_json_expect(j, ']', "\"sizes\""))) return st;
    if (!pass) {
      if (k < 2)
        return gc_json_fail(j, "\"sizes\" lists %zu layer%s; a net needs at "
                            "least two", k, k == 1 ? "" : "s");
      n = k;
      *sizes = malloc(n * sizeof **sizes); /* n <= len/2: bounded by file */
      if (!*sizes) return gc_error(GC_ENOMEM, "out of memory");
    }
  }
  /* every parameter takes at least two bytes ("0,"): refuse before
   * allocating a net that the text cannot possibly fill */
  double need = 0;
  for (size_t l = 1; l < n; l++)
    need += (double)(*sizes)[l] * (double)((*sizes)[l - 1] + 1);
  if (need > (double)GC_NET_MAX_PARAMS || 2 * need > (double)len + 1) {
    free(*sizes);
    *sizes = NULL;
    return gc_json_fail(j, "\"sizes\" describe a net of %.0f parameters, "
                        "which the %zu bytes of text cannot hold%s",
                        need, len,
                        need > (double)GC_NET_MAX_PARAMS
                            ? " (and more than the library allows)" : "");
  }
  *L = n;
  return GC_OK;
}

static int read_weights(gc_json *j, gc_net *net)
{
  size_t L = net->nlayers;
  char name[96];
  int st;
  if ((st = gc_json_expect(j, '[', "\"weights\""))) return st;
  for (size_t l = 1; l < L; l++) {
    size_t n = net->sizes[l], m = net->sizes[l - 1];
    if ((st = entry(j, l - 1, L - 1, "\"weights\""))) return st;
    snprintf(name, sizeof name, "\"weights\"[%zu]", l - 1);
    if ((st = gc_json_expect(j, '[', name))) return st;
    for (size_t i = 0; i < n; i++) {
      snprintf(name, sizeof name, "\"weights\"[%zu]", l - 1);
      if ((st = entry(j, i, n, name))) return st;
      snprintf(name, sizeof name, "\"weights\"[%zu][%zu]", l - 1, i);
      if ((st = gc_json_expect(j, '[', name))) return st;
      double *row = net->p.w[l] + i * m;
      for (size_t k = 0; k < m; k++) {
        if ((st = entry(j, k, m, name))) return st;
        char ctx[160];
        snprintf(ctx, sizeof ctx, "%s[%zu]", name, k);
        if ((st = gc_json_number(j, &row[k], ctx))) return st;
      }
      if ((st = close_list(j, m, name))) return st;
    }
    snprintf(name, sizeof name, "\"weights\"[%zu]", l - 1);
    if ((st = close_list(j, n, name))) return st;
  }
  return close_list(j, L - 1, "\"weights\"");
}

static int read_biases(gc_json *j, gc_net *net)
{
  size_t L = net->nlayers;
  char name[96], ctx[160];
  int st;
  if ((st = gc_json_expect(j, '[', "\"biases\""))) return st;
  for (size_t l = 1; l < L; l++) {
    size_t n = net->sizes[l];
    if ((st = entry(j, l - 1, L - 1, "\"biases\""))) return st;
    snprintf(name, sizeof name, "\"biases\"[%zu]", l - 1);
    if ((st = gc_json_expect(j, '[', name))) return st;
    for (size_t i = 0; i < n; i++) {
      if ((st = entry(j, i, n, name))) return st;
      snprintf(ctx, sizeof ctx, "%s[%zu]", name, i);
      /* network2 writes a column vector: [[b1], [b2], ...]; a bare
       * number is accepted too */
      int col = gc_json_accept(j, '[');
      if (col && gc_json_peek(j) == ']')
        return gc_json_fail(j, "%s is empty, expected one number", ctx);
      if ((st = gc_json_number(j, &net->p.b[l][i], ctx))) return st;
      if (col && (st = close_list(j, 1, ctx))) return st;
    }
    if ((st = close_list(j, n, name))) return st;
  }
  return close_list(j, L - 1, "\"biases\"");
}

/* "activations" (one name per hidden layer) and "output" (an activation
 * or "softmax"), both optional: without them every layer is a sigmoid;
 * then the output and the cost checked together */
static int read_layers(gc_json *j, gc_net *net, const char *acts,
                       const char *output, gc_cost cost)
{
  size_t L = net->nlayers;
  char name[32], ctx[64];
  int st;
  if (acts) {
    j->p = acts;
    if ((st = gc_json_expect(j, '[', "\"activations\""))) return st;
    for (size_t l = 1; l + 1 < L; l++) {
      if ((st = entry(j, l - 1, L - 2, "\"activations\""))) return st;
      snprintf(ctx, sizeof ctx, "\"activations\"[%zu]", l - 1);
      if ((st = gc_json_string(j, name, sizeof name, ctx))) return st;
      if (gc_activation_from_name(&net->act[l], name))
        return gc_json_fail(j, "%s: unknown activation \"%s\"", ctx, name);
    }
    if ((st = close_list(j, L - 2, "\"activations\""))) return st;
  }
  gc_output out = GC_OUTPUT_SIGMOID;
  gc_activation last = GC_ACT_SIGMOID;
  if (output) {
    j->p = output;
    if ((st = gc_json_string(j, name, sizeof name, "\"output\""))) return st;
    if (!strcmp(name, "softmax")) out = GC_OUTPUT_SOFTMAX;
    else if (gc_activation_from_name(&last, name))
      return gc_json_fail(j, "\"output\": unknown output layer \"%s\"",
                          name);
  }
  if ((st = gc_output_cost_check(out, cost))) {
    char why[512]; /* the message, before gc_json_fail overwrites it */
    snprintf(why, sizeof why, "%s", gc_strerror_last());
    return gc_json_fail(j, "%s", why);
  }
  net->output = out;
  net->cost = cost;
  net->act[L - 1] = last;
  return GC_OK;
}

static int parse(gc_net **out, const char *text, size_t len, const char *what)
{
  gc_json j;
  const char *at[K_N] = {NULL, NULL, NULL, NULL, NULL, NULL};
  int st;
  *out = NULL;
  gc_json_init(&j, text, len, what);
  if (gc_json_peek(&j) == 0)
    return gc_json_fail(&j, "empty: no network in it");
  if ((st = gc_json_expect(&j, '{', "a saved network"))) return st;
  if (!gc_json_accept(&j, '}'))
    for (;;) {
      gc_json_peek(&j);
      const char *k0 = j.p;
      if ((st = gc_json_string(&j, NULL, 0, "object key"))) return st;
      size_t klen = (size_t)(j.p - k0) - 2;
      int which = -1;
      for (int k = 0; k < K_N; k++)
        if (strlen(key_names[k]) == klen && !memcmp(k0 + 1, key_names[k], klen))
          which = k;
      if ((st = gc_json_expect(&j, ':', "object"))) return st;
      gc_json_peek(&j);
      if (which >= 0) {
        if (at[which])
          return gc_json_fail(&j, "the key \"%s\" appears twice",
                              key_names[which]);
        at[which] = j.p;
      }
      if ((st = gc_json_skip(&j))) return st;
      if (gc_json_accept(&j, '}')) break;
      if ((st = gc_json_expect(&j, ',', "object"))) return st;
    }
  if ((st = gc_json_end(&j))) return st;
  for (int k = 0; k < K_REQUIRED; k++)
    if (!at[k])
      return gc_error(GC_EFORMAT, "%s: no \"%s\" key: not a saved network",
                      what, key_names[k]);

  gc_cost cost;
  char cname[64];
  j.p = at[K_COST];
  if ((st = gc_json_string(&j, cname, sizeof cname, "\"cost\""))) return st;
  if (gc_cost_from_name(&cost, cname))
    return gc_json_fail(&j, "\"cost\": unknown cost \"%s\" (expected "
                        "CrossEntropyCost, QuadraticCost or "
                        "LogLikelihoodCost)", cname);

  size_t *sizes = NULL, L = 0;
  j.p = at[K_SIZES];
  if ((st = read_sizes(&j, len, &sizes, &L))) return st;
  gc_net *net;
  st = gc_net_alloc(&net, L, sizes, GC_ACT_SIGMOID, GC_COST_QUADRATIC);
  free(sizes);
  if (st) return st;
  st = read_layers(&j, net, at[K_ACTS], at[K_OUTPUT], cost);
  j.p = at[K_WEIGHTS];
  if (!st && !(st = read_weights(&j, net))) {
    j.p = at[K_BIASES];
    st = read_biases(&j, net);
  }
  if (st) {
    gc_net_free(net);
    return st;
  }
  *out = net;
  return GC_OK;
}

int gc_net_from_json(gc_net **out, const char *text, size_t len)
{
  return parse(out, text, len, "JSON");
}

int gc_net_load(gc_net **out, const char *path)
{
  *out = NULL;
  char *buf;
  size_t len;
  int st = gc_read_text_file(&buf, &len, path, GC_NETIO_MAX_BYTES,
                             "a saved network");
  if (st) return st;
  st = parse(out, buf, len, path);
  free(buf);
  return st;
}
