/* chain_study.c -- |dC/db_j| along random and exploding chains
 * (chain_study.h). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "gradchain/chain.h"
#include "gradchain/chain_study.h"
#include "gradchain/error.h"

void gc_chain_study_config_init(gc_chain_study_config *c)
{
  c->depth = 30;
  c->seeds = 5;
  c->a0 = 1.0;
  c->y = 0.0;
  c->W = 100.0;
  c->explode_a0 = 0.5;
}

/* |dC/db_j| of the chain as set, into out[0..depth-1] */
static int profile(double *out, gc_chain *c)
{
  gc_chain_result *r = NULL;
  int st = gc_chain_eval(&r, c);
  for (size_t j = 0; !st && j < c->depth; j++) out[j] = fabs(r->dC_db[j]);
  gc_chain_result_free(r);
  return st;
}

int gc_chain_study(gc_chain_study_result *res, const gc_chain_study_config *c)
{
  res->config = *c;
  res->random = res->exploding = NULL;
  if (!c->depth || c->depth > GC_CHAIN_MAX_DEPTH || !c->seeds ||
      c->seeds > GC_CHAIN_MAX_DEPTH / c->depth)
    return gc_error(GC_EINVAL, "a chain study needs 1 to %zu layers and at "
                    "least one seed (got %zu layers, %zu seeds)",
                    (size_t)GC_CHAIN_MAX_DEPTH, c->depth, c->seeds);
  res->random = malloc(c->seeds * c->depth * sizeof *res->random);
  res->exploding = malloc(c->depth * sizeof *res->exploding);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gc_chain *ch = NULL;
  int st = res->random && res->exploding && rng
               ? gc_chain_alloc(&ch, c->depth)
               : gc_error(GC_ENOMEM, "out of memory");
  /* the chain's own defaults: sigmoid, quadratic cost */
  for (size_t s = 0; !st && s < c->seeds; s++) {
    gsl_rng_set(rng, (unsigned long)s + 1);
    st = gc_chain_set_random(ch, rng, c->a0, c->y);
    if (!st) st = profile(res->random + s * c->depth, ch);
  }
  if (!st) st = gc_chain_set_exploding(ch, c->W, c->explode_a0, c->y);
  if (!st) st = profile(res->exploding, ch);
  gc_chain_free(ch);
  gsl_rng_free(rng);
  if (st) gc_chain_study_result_free(res);
  return st;
}

void gc_chain_study_result_free(gc_chain_study_result *res)
{
  free(res->random);
  free(res->exploding);
  res->random = res->exploding = NULL;
}
