/* net.c -- the layered network: allocation, initialisation, forward and
 * backward passes over a mini-batch. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "gradchain/error.h"
#include "gradchain/kernels.h"
#include "gradchain/net.h"
#include "core/names.h"

/* sizes must describe a net we can hold; n params counted without overflow */
static int count_params(size_t nlayers, const size_t *sizes, size_t *n)
{
  if (nlayers < 2)
    return gc_error(GC_EINVAL, "a net needs at least two layers (got %zu)",
                    nlayers);
  if (nlayers > GC_NET_MAX_LAYERS)
    return gc_error(GC_ERANGE, "%zu layers is more than the %zu allowed",
                    nlayers, GC_NET_MAX_LAYERS);
  size_t total = 0;
  for (size_t l = 0; l < nlayers; l++) {
    if (sizes[l] == 0)
      return gc_error(GC_EINVAL, "layer %zu has size 0", l);
    if (sizes[l] > GC_NET_MAX_WIDTH)
      return gc_error(GC_ERANGE, "layer %zu has %zu neurons, more than the "
                      "%zu allowed", l, sizes[l], GC_NET_MAX_WIDTH);
    if (l > 0) {
      size_t per = sizes[l] * (sizes[l - 1] + 1); /* each < 1e8: no overflow */
      if (per > GC_NET_MAX_PARAMS || total > GC_NET_MAX_PARAMS - per)
        return gc_error(GC_ERANGE, "the net would have more than %zu "
                        "parameters", GC_NET_MAX_PARAMS);
      total += per;
    }
  }
  *n = total;
  return GC_OK;
}

static int params_alloc(gc_params *p, size_t nlayers, const size_t *sizes)
{
  size_t n = 0;
  int st = count_params(nlayers, sizes, &n);
  if (st) return st;
  /* each layer's weights start on a 64-byte line (gc_kernel_pad) */
  n = 0;
  for (size_t l = 1; l < nlayers; l++)
    n = gc_kernel_pad(n + sizes[l] * sizes[l - 1] + sizes[l]);
  p->n = n;
  p->data = gc_kernel_calloc(n);
  p->w = calloc(nlayers, sizeof *p->w);
  p->b = calloc(nlayers, sizeof *p->b);
  if (!p->data || !p->w || !p->b) {
    gc_params_free(p);
    return gc_error(GC_ENOMEM, "out of memory for %zu parameters", n);
  }
  double *q = p->data;
  for (size_t l = 1; l < nlayers; l++) {
    p->w[l] = q;
    p->b[l] = q + sizes[l] * sizes[l - 1];
    q += gc_kernel_pad(sizes[l] * sizes[l - 1] + sizes[l]);
  }
  return GC_OK;
}

void gc_params_free(gc_params *p)
{
  if (!p) return;
  free(p->data);
  free(p->w);
  free(p->b);
  memset(p, 0, sizeof *p);
}

int gc_params_alloc_like(gc_params *g, const gc_net *net)
{
  return params_alloc(g, net->nlayers, net->sizes);
}

int gc_net_alloc(gc_net **out, size_t nlayers, const size_t *sizes,
                 gc_activation act, gc_cost cost)
{
  *out = NULL;
  if (!sizes) return gc_error(GC_EINVAL, "no layer sizes given");
  gc_net *net = calloc(1, sizeof *net);
  if (!net) return gc_error(GC_ENOMEM, "out of memory");
  int st = params_alloc(&net->p, nlayers, sizes);
  if (st) {
    free(net);
    return st;
  }
  net->sizes = malloc(nlayers * sizeof *net->sizes);
  if (!net->sizes) {
    gc_net_free(net);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  memcpy(net->sizes, sizes, nlayers * sizeof *sizes);
  net->nlayers = nlayers;
  net->act = act;
  net->cost = cost;
  *out = net;
  return GC_OK;
}

void gc_net_free(gc_net *net)
{
  if (!net) return;
  gc_params_free(&net->p);
  free(net->sizes);
  free(net);
}

int gc_net_copy(gc_net **dst, const gc_net *src)
{
  int st = gc_net_alloc(dst, src->nlayers, src->sizes, src->act, src->cost);
  if (st) return st;
  memcpy((*dst)->p.data, src->p.data, src->p.n * sizeof *src->p.data);
  return GC_OK;
}

static const char *const init_names[] = {"default", "large"};

int gc_init_from_name(gc_init *kind, const char *name)
{
  int k = gc_name_index(init_names, GC_NAMES_COUNT(init_names), name);
  if (k >= 0) {
    *kind = (gc_init)k;
    return GC_OK;
  }
  return gc_error(GC_EINVAL, "unknown initialiser '%s' (expected default "
                  "or large)", name);
}

const char *gc_init_name(gc_init kind)
{
  return gc_name_of(init_names, GC_NAMES_COUNT(init_names), (unsigned)kind);
}

void gc_net_init(gc_net *net, gc_init kind, gsl_rng *rng)
{
  for (size_t l = 1; l < net->nlayers; l++)
    for (size_t j = 0; j < net->sizes[l]; j++)
      net->p.b[l][j] = gsl_ran_gaussian_ziggurat(rng, 1.0);
  for (size_t l = 1; l < net->nlayers; l++) {
    double scale =
        kind == GC_INIT_DEFAULT ? 1.0 / sqrt((double)net->sizes[l - 1]) : 1.0;
    size_t n = net->sizes[l] * net->sizes[l - 1];
    for (size_t k = 0; k < n; k++)
      net->p.w[l][k] = gsl_ran_gaussian_ziggurat(rng, 1.0) * scale;
  }
}

int gc_workspace_alloc(gc_workspace **out, const gc_net *net, size_t cap)
{
  *out = NULL;
  if (cap == 0) return gc_error(GC_EINVAL, "a batch holds at least one example");
  size_t L = net->nlayers, per = 0;
  for (size_t l = 1; l < L; l++) {
    if (net->sizes[l] > SIZE_MAX / 4 / cap || per > SIZE_MAX / 8 - 4 * cap * net->sizes[l])
      return gc_error(GC_ERANGE, "workspace too large");
    per += 4 * gc_kernel_pad(cap * net->sizes[l]);
  }
  gc_workspace *ws = calloc(1, sizeof *ws);
  if (!ws) return gc_error(GC_ENOMEM, "out of memory");
  ws->nlayers = L;
  ws->cap = cap;
  ws->sizes = malloc(L * sizeof *ws->sizes);
  ws->z = calloc(L, sizeof *ws->z);
  ws->a = calloc(L, sizeof *ws->a);
  ws->fp = calloc(L, sizeof *ws->fp);
  ws->delta = calloc(L, sizeof *ws->delta);
  ws->block = gc_kernel_calloc(per);
  if (!ws->sizes || !ws->z || !ws->a || !ws->fp || !ws->delta || !ws->block) {
    gc_workspace_free(ws);
    return gc_error(GC_ENOMEM, "out of memory for a batch of %zu", cap);
  }
  memcpy(ws->sizes, net->sizes, L * sizeof *ws->sizes);
  double *q = ws->block;
  for (size_t l = 1; l < L; l++) {
    size_t n = gc_kernel_pad(cap * net->sizes[l]);
    ws->z[l] = q; q += n;
    ws->a[l] = q; q += n;
    ws->fp[l] = q; q += n;
    ws->delta[l] = q; q += n;
  }
  *out = ws;
  return GC_OK;
}

void gc_workspace_free(gc_workspace *ws)
{
  if (!ws) return;
  free(ws->sizes);
  free(ws->z);
  free(ws->a);
  free(ws->fp);
  free(ws->delta);
  free(ws->block);
  free(ws);
}

static int check_shape(const gc_net *net, const gc_workspace *ws)
{
  if (ws->nlayers != net->nlayers)
    return gc_error(GC_EINVAL, "workspace made for another net");
  for (size_t l = 0; l < net->nlayers; l++)
    if (ws->sizes[l] != net->sizes[l])
      return gc_error(GC_EINVAL, "workspace made for another net");
  return GC_OK;
}

int gc_net_forward(const gc_net *net, gc_workspace *ws, const double *x,
                   size_t batch)
{
  int st = check_shape(net, ws);
  if (st) return st;
  if (batch == 0 || batch > ws->cap)
    return gc_error(GC_EINVAL, "batch of %zu examples (workspace holds %zu)",
                    batch, ws->cap);
  ws->batch = batch;
  ws->in = x;
  ws->a[0] = (double *)x; /* read only */
  for (size_t l = 1; l < net->nlayers; l++) {
    size_t n = net->sizes[l], m = net->sizes[l - 1];
    gc_kernel_affine(ws->z[l], batch, n, m, ws->a[l - 1], net->p.w[l],
                     net->p.b[l]);
    gc_activation_forward(ws->a[l], ws->fp[l], net->act, batch * n, ws->z[l]);
  }
  return GC_OK;
}

int gc_net_backward(const gc_net *net, gc_workspace *ws, const double *y,
                    gc_params *grad)
{
  int st = check_shape(net, ws);
  if (st) return st;
  if (ws->batch == 0)
    return gc_error(GC_EINVAL, "backward pass without a forward pass");
  size_t L = net->nlayers - 1, B = ws->batch, nL = net->sizes[L];
  const double *a = ws->a[L], *fp = ws->fp[L];
  double *d = ws->delta[L];
  if (net->cost == GC_COST_CROSS_ENTROPY && net->act == GC_ACT_SIGMOID) {
    /* sigma'(z) cancels against dC/da: network2's delta = a - y */
    for (size_t i = 0; i < B * nL; i++) d[i] = a[i] - y[i];
  } else {
    for (size_t i = 0; i < B * nL; i++)
      d[i] = gc_cost_dC_da(net->cost, a[i], y[i]) * fp[i];
  }
  for (size_t l = L; l >= 1; l--) {
    size_t n = net->sizes[l], m = net->sizes[l - 1];
    if (grad)
      gc_kernel_grad(grad->w[l], grad->b[l], B, n, m, ws->delta[l],
                     ws->a[l - 1]);
    if (l > 1)
      gc_kernel_backprop(ws->delta[l - 1], B, n, m, ws->delta[l], net->p.w[l],
                         ws->fp[l - 1]);
  }
  return GC_OK;
}
