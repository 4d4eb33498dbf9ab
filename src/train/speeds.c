/* speeds.c -- learning speeds of the hidden layers (the chapter's ||delta^l||). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/kernels.h"
#include "gradchain/speeds.h"

#define CHUNK 250

int gc_layer_speeds(double *speeds, gc_params *mean_grad, const gc_net *net,
                    const gc_dataset *d, size_t n)
{
  size_t L = net->nlayers;
  if (n == 0 || n > d->n)
    return gc_error(GC_EINVAL, "speeds over %zu examples of a set of %zu", n,
                    d->n);
  if (d->dim != net->sizes[0] || d->nclasses != net->sizes[L - 1])
    return gc_error(GC_EINVAL, "the net's %zu inputs and %zu outputs do not "
                    "match the data's %zu and %zu", net->sizes[0],
                    net->sizes[L - 1], d->dim, d->nclasses);
  size_t chunk = n < CHUNK ? n : CHUNK;
  gc_workspace *ws = NULL;
  gc_params g = {0}, sum = {0};
  double *x = gc_kernel_calloc(chunk * d->dim);
  double *y = malloc(chunk * d->nclasses * sizeof *y);
  int st = x && y ? GC_OK : gc_error(GC_ENOMEM, "out of memory");
  if (!st) st = gc_workspace_alloc(&ws, net, chunk);
  if (!st) st = gc_params_alloc_like(&g, net);
  if (!st) st = gc_params_alloc_like(&sum, net);
  for (size_t first = 0; !st && first < n; first += chunk) {
    size_t B = n - first < chunk ? n - first : chunk;
    gc_dataset_batch(x, y, d, NULL, first, B);
    st = gc_net_forward(net, ws, x, B);
    if (!st) st = gc_net_backward(net, ws, y, &g);
    for (size_t l = 1; !st && l < L; l++)
      for (size_t j = 0; j < net->sizes[l]; j++) sum.b[l][j] += g.b[l][j];
  }
  if (!st) {
    for (size_t l = 1; l < L; l++) {
      double s2 = 0;
      for (size_t j = 0; j < net->sizes[l]; j++) {
        double m = sum.b[l][j] / (double)n;
        sum.b[l][j] = m;
        s2 += m * m;
      }
      if (l + 1 < L && speeds) speeds[l - 1] = sqrt(s2);
      if (mean_grad)
        memcpy(mean_grad->b[l], sum.b[l], net->sizes[l] * sizeof(double));
    }
  }
  gc_params_free(&g);
  gc_params_free(&sum);
  gc_workspace_free(ws);
  free(x);
  free(y);
  return st;
}
