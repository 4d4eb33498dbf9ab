/* net.c -- the layered network: allocation, initialisation, forward and
 * backward passes over a mini-batch. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/kernels.h"
#include "gradchain/net.h"

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

static const char *const output_names[] = {"sigmoid", "softmax"};

int gc_output_from_name(gc_output *out, const char *name)
{
  for (size_t i = 0; i < 2; i++)
    if (!strcmp(name, output_names[i])) {
      *out = (gc_output)i;
      return GC_OK;
    }
  return gc_error(GC_EINVAL, "unknown output layer '%s' (expected sigmoid "
                  "or softmax)", name);
}

const char *gc_output_name(gc_output out)
{
  return (unsigned)out < 2 ? output_names[out] : "?";
}

int gc_output_cost_check(gc_output out, gc_cost cost)
{
  if (out == GC_OUTPUT_SOFTMAX && cost != GC_COST_LOG_LIKELIHOOD)
    return gc_error(GC_EINVAL, "a softmax output layer goes with the "
                    "log-likelihood cost, not the %s: %s", gc_cost_name(cost),
                    cost == GC_COST_QUADRATIC
                        ? "through the softmax the quadratic cost learns "
                          "slowly again"
                        : "cross-entropy scores each output as an independent "
                          "probability, and the softmax's sum to 1");
  if (out != GC_OUTPUT_SOFTMAX && cost == GC_COST_LOG_LIKELIHOOD)
    return gc_error(GC_EINVAL, "the log-likelihood cost needs a softmax "
                    "output layer: with independent outputs, -ln a_y falls "
                    "by raising every output, right or wrong");
  if ((unsigned)out > GC_OUTPUT_SOFTMAX)
    return gc_error(GC_EINVAL, "unknown output layer %d", (int)out);
  return GC_OK;
}

int gc_net_alloc(gc_net **out, size_t nlayers, const size_t *sizes,
                 gc_activation act, gc_cost cost)
{
  *out = NULL;
  if (!sizes) return gc_error(GC_EINVAL, "no layer sizes given");
  if ((unsigned)act >= GC_ACT_COUNT)
    return gc_error(GC_EINVAL, "unknown activation %d", (int)act);
  int st = gc_output_cost_check(GC_OUTPUT_SIGMOID, cost);
  if (st) return st;
  gc_net *net = calloc(1, sizeof *net);
  if (!net) return gc_error(GC_ENOMEM, "out of memory");
  st = params_alloc(&net->p, nlayers, sizes);
  if (st) {
    free(net);
    return st;
  }
  net->sizes = malloc(nlayers * sizeof *net->sizes);
  net->act = malloc(nlayers * sizeof *net->act);
  if (!net->sizes || !net->act) {
    gc_net_free(net);
    return gc_error(GC_ENOMEM, "out of memory");
  }
  memcpy(net->sizes, sizes, nlayers * sizeof *sizes);
  for (size_t l = 0; l < nlayers; l++) net->act[l] = act;
  net->nlayers = nlayers;
  net->output = GC_OUTPUT_SIGMOID;
  net->cost = cost;
  *out = net;
  return GC_OK;
}

void gc_net_free(gc_net *net)
{
  if (!net) return;
  gc_params_free(&net->p);
  free(net->sizes);
  free(net->act);
  free(net);
}

int gc_net_copy(gc_net **dst, const gc_net *src)
{
  /* allocated as a quadratic-cost net, then given src's layers and cost
   * (which src, a valid net, has already had checked) */
  int st = gc_net_alloc(dst, src->nlayers, src->sizes, GC_ACT_SIGMOID,
                        GC_COST_QUADRATIC);
  if (st) return st;
  memcpy((*dst)->act, src->act, src->nlayers * sizeof *src->act);
  (*dst)->output = src->output;
  (*dst)->cost = src->cost;
  memcpy((*dst)->p.data, src->p.data, src->p.n * sizeof *src->p.data);
  return GC_OK;
}

int gc_net_set_activations(gc_net *net, size_t n, const gc_activation *acts)
{
  size_t hidden = net->nlayers - 2;
  if (n != hidden && n != 1)
    return gc_error(GC_EINVAL, "%zu activations for %zu hidden layer%s "
                    "(give one, or one per hidden layer)", n, hidden,
                    hidden == 1 ? "" : "s");
  for (size_t i = 0; i < n; i++)
    if ((unsigned)acts[i] >= GC_ACT_COUNT)
      return gc_error(GC_EINVAL, "unknown activation %d", (int)acts[i]);
  for (size_t l = 1; l <= hidden; l++) net->act[l] = acts[n == 1 ? 0 : l - 1];
  return GC_OK;
}

int gc_net_set_output(gc_net *net, gc_output out, gc_cost cost)
{
  int st = gc_output_cost_check(out, cost);
  if (st) return st;
  net->output = out;
  net->cost = cost;
  if (out == GC_OUTPUT_SIGMOID) net->act[net->nlayers - 1] = GC_ACT_SIGMOID;
  return GC_OK;
}

int gc_net_is_sigmoid(const gc_net *net)
{
  if (net->output != GC_OUTPUT_SIGMOID) return 0;
  for (size_t l = 1; l < net->nlayers; l++)
    if (net->act[l] != GC_ACT_SIGMOID) return 0;
  return 1;
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

/* Row by row a = e^{z - max z} / sum, the sum taken in index order; fp =
 * a (1 - a), the Jacobian's diagonal (the backward pass does not need it:
 * with the log-likelihood the output error is a - y). */
static void softmax(double *a, double *fp, size_t B, size_t n,
                    const double *z)
{
  for (size_t i = 0; i < B; i++) {
    const double *zi = z + i * n;
    double *ai = a + i * n, *fi = fp + i * n;
    double mx = zi[0];
    for (size_t j = 1; j < n; j++) mx = zi[j] > mx ? zi[j] : mx;
    double s = 0.0;
    for (size_t j = 0; j < n; j++) {
      ai[j] = exp(zi[j] - mx);
      s += ai[j];
    }
    for (size_t j = 0; j < n; j++) {
      ai[j] /= s;
      fi[j] = ai[j] * (1.0 - ai[j]);
    }
  }
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
    if (l == net->nlayers - 1 && net->output == GC_OUTPUT_SOFTMAX)
      softmax(ws->a[l], ws->fp[l], batch, n, ws->z[l]);
    else
      gc_activation_forward(ws->a[l], ws->fp[l], net->act[l], batch * n,
                            ws->z[l]);
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
  if (net->output == GC_OUTPUT_SOFTMAX ||
      (net->cost == GC_COST_CROSS_ENTROPY && net->act[L] == GC_ACT_SIGMOID)) {
    /* sigma'(z) cancels against dC/da: network2's delta = a - y; the same
     * for the softmax with the log-likelihood (the only cost it takes) when
     * each target row sums to 1 */
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
