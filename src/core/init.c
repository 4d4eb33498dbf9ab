/* init.c -- the initialisers: network2's two, Glorot's, He's, orthogonal,
 * the mean-field Gaussian and Glorot-Bengio's uniform. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "gradchain/error.h"
#include "gradchain/init.h"
#include "core/gsl_handler.h"
#include "core/names.h"

static const char *const names[GC_INIT_COUNT] = {
    "default", "large", "glorot", "he", "orthogonal", "gaussian", "uniform"};

int gc_init_from_name(gc_init *kind, const char *name)
{
  int k = gc_name_index(names, GC_INIT_COUNT, name);
  if (k >= 0) {
    *kind = (gc_init)k;
    return GC_OK;
  }
  return gc_error(GC_EINVAL, "unknown initialiser '%s' (expected default, "
                  "large, glorot, he, orthogonal, gaussian or uniform)", name);
}

const char *gc_init_name(gc_init kind)
{
  return gc_name_of(names, GC_INIT_COUNT, (unsigned)kind);
}

/* b = sigma_b g for every layer's biases (g itself for sigma_b = 1, as
 * network2; else + 0.0 turns the -0 of sigma_b = 0 into 0) */
static void gaussian_biases(gc_net *net, double sigma_b, gsl_rng *rng)
{
  for (size_t l = 1; l < net->nlayers; l++)
    for (size_t j = 0; j < net->sizes[l]; j++) {
      double g = gsl_ran_gaussian_ziggurat(rng, 1.0);
      net->p.b[l][j] = sigma_b == 1.0 ? g : sigma_b * g + 0.0;
    }
}

static void zero_biases(gc_net *net)
{
  for (size_t l = 1; l < net->nlayers; l++)
    memset(net->p.b[l], 0, net->sizes[l] * sizeof *net->p.b[l]);
}

/* w = g * scale(l) with scale from the fan-in, or sigma_w/sqrt(n_in) */
static void gaussian_weights(gc_net *net, gc_init kind, double sigma_w,
                             gsl_rng *rng)
{
  for (size_t l = 1; l < net->nlayers; l++) {
    double m = (double)net->sizes[l - 1];
    double scale = kind == GC_INIT_LARGE ? 1.0
                   : kind == GC_INIT_HE  ? sqrt(2.0 / m)
                                         : sigma_w / sqrt(m);
    size_t n = net->sizes[l] * net->sizes[l - 1];
    for (size_t k = 0; k < n; k++)
      net->p.w[l][k] = gsl_ran_gaussian_ziggurat(rng, 1.0) * scale;
  }
}

/* w ~ U(-r, r): r (2u - 1), u in [0, 1) */
static void uniform_weights(gc_net *net, gc_init kind, gsl_rng *rng)
{
  for (size_t l = 1; l < net->nlayers; l++) {
    double m = (double)net->sizes[l - 1], n = (double)net->sizes[l];
    double r = kind == GC_INIT_GLOROT ? sqrt(6.0 / (m + n)) : 1.0 / sqrt(m);
    size_t cnt = net->sizes[l] * net->sizes[l - 1];
    for (size_t k = 0; k < cnt; k++)
      net->p.w[l][k] = r * (2.0 * gsl_rng_uniform(rng) - 1.0);
  }
}

/* Layer l's weights: gain times the first q = min(n,m) columns of Q, for
 * A = QR a p x q Gaussian matrix (p = max(n,m)), column j times the sign of
 * R_jj (Mezzadri's correction, which makes Q Haar distributed).  Tall
 * layers take them as columns, wide ones as rows. */
static int orthogonal_layer(gc_net *net, size_t l, double gain, gsl_rng *rng)
{
  size_t n = net->sizes[l], m = net->sizes[l - 1];
  size_t p = n >= m ? n : m, q = n >= m ? m : n;
  gsl_matrix *A = gsl_matrix_alloc(p, q);
  gsl_vector *tau = gsl_vector_alloc(q);
  gsl_vector *v = gsl_vector_alloc(p);
  if (!A || !tau || !v) {
    gsl_matrix_free(A);
    gsl_vector_free(tau);
    gsl_vector_free(v);
    return gc_error(GC_ENOMEM, "out of memory for an orthogonal %zu x %zu "
                    "layer", n, m);
  }
  for (size_t i = 0; i < p; i++)
    for (size_t j = 0; j < q; j++)
      gsl_matrix_set(A, i, j, gsl_ran_gaussian_ziggurat(rng, 1.0));
  int st = gsl_linalg_QR_decomp(A, tau);
  for (size_t j = 0; !st && j < q; j++) {
    gsl_vector_set_basis(v, j);
    st = gsl_linalg_QR_Qvec(A, tau, v); /* column j of Q */
    double s = gsl_matrix_get(A, j, j) < 0 ? -gain : gain;
    for (size_t i = 0; i < p; i++) {
      double x = s * gsl_vector_get(v, i);
      if (n >= m) net->p.w[l][i * m + j] = x; /* W[i][j], columns */
      else net->p.w[l][j * m + i] = x;        /* W[j][i], rows */
    }
  }
  gsl_matrix_free(A);
  gsl_vector_free(tau);
  gsl_vector_free(v);
  if (st)
    return gc_error(GC_ENUMERIC, "orthogonal initialiser: QR of layer %zu "
                    "failed (%s)", l, gsl_strerror(st));
  return GC_OK;
}

int gc_net_init_sigma(gc_net *net, gc_init kind, double sigma_w,
                      double sigma_b, gsl_rng *rng)
{
  if (!(sigma_w >= 0) || !isfinite(sigma_w) || !(sigma_b >= 0) ||
      !isfinite(sigma_b))
    return gc_error(GC_EINVAL, "initialiser: sigma_w = %g and sigma_b = %g "
                    "must be finite and >= 0", sigma_w, sigma_b);
  switch (kind) {
  case GC_INIT_DEFAULT:
  case GC_INIT_LARGE:
    gaussian_biases(net, 1.0, rng);
    gaussian_weights(net, kind, 1.0, rng);
    return GC_OK;
  case GC_INIT_GAUSSIAN:
    gaussian_biases(net, sigma_b, rng);
    gaussian_weights(net, kind, sigma_w, rng);
    return GC_OK;
  case GC_INIT_HE:
    gaussian_weights(net, kind, 1.0, rng);
    zero_biases(net);
    return GC_OK;
  case GC_INIT_GLOROT:
  case GC_INIT_UNIFORM:
    uniform_weights(net, kind, rng);
    zero_biases(net);
    return GC_OK;
  case GC_INIT_ORTHOGONAL: {
    gsl_error_handler_t *old = gc_gsl_handler_off();
    int st = GC_OK;
    for (size_t l = 1; !st && l < net->nlayers; l++)
      st = orthogonal_layer(net, l, sigma_w, rng);
    gc_gsl_handler_restore(old, 0);
    if (!st) gaussian_biases(net, sigma_b, rng);
    return st;
  }
  default:
    return gc_error(GC_EINVAL, "unknown initialiser %d", (int)kind);
  }
}

int gc_net_init(gc_net *net, gc_init kind, gsl_rng *rng)
{
  return gc_net_init_sigma(net, kind, 1.0, 0.0, rng);
}
