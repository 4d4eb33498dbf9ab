/* mpfr_expneg.c -- e^{-x} by three lazily filled tables and a short
 * Taylor series summed at falling precisions.
 *
 * Error budget (relative, Q = P + 12 working bits):
 *   table entries, correctly rounded at Q bits   3 x 2^-Q
 *   two products of table entries at Q bits      2 x 2^-Q
 *   series: truncation at t^N/N!                 2^-(Q+4)
 *           step n rounded at Q - 24n + 4 bits, scaled by t^n < 2^-24n
 *                                                N x 2^-(Q+4)
 *           the double tail (terms n >= nd, 24 nd >= Q - 45)
 *                                                ~ 2^-(Q+4)
 * which is below 8 x 2^-Q (N <= 45 at P <= 1024), i.e. 2^-(P+9), or
 * 1/16 ulp before the final rounding: the result is within 0.5 + 1/16
 * ulp.
 */
#include <math.h>
#include <stdlib.h>

#include "gradchain/mpfr_expneg.h"

#define RND MPFR_RNDN
#define XMAX_LOG2 6         /* fast path for x < 2^6 */
#define BITS1 12            /* k1: x's bits 2^5 .. 2^-6 */
#define BITS2 9             /* k2: 2^-7 .. 2^-15 */
#define BITS3 9             /* k3: 2^-16 .. 2^-24 */
#define SHIFT 24            /* t = x - k 2^-24 */
#define NMAX 64             /* series terms at most */
_Static_assert(XMAX_LOG2 + SHIFT == BITS1 + BITS2 + BITS3,
               "the three tables cover x < 2^XMAX_LOG2");

typedef struct table {
  unsigned size, shift;     /* entry i is e^{-i 2^-shift} */
  mpfr_t *v;
  unsigned char *have;
} table;

struct gc_mpfr_exp_table {
  mpfr_prec_t prec, q;      /* result and working precision */
  int fast;                 /* tables and series in use */
  table t1, t2, t3;
  int nterms, nd;           /* series terms; first term summed in double */
  mpfr_t c[NMAX];           /* 1/n! at p_n bits, n < nd */
  double cd[NMAX];          /* 1/n! in double, n >= nd */
  mpfr_t s[NMAX], m[NMAX];  /* Horner partial sums and products, p_n bits */
  mpfr_t t, r;              /* the remainder, table products */
  mpfr_t arg;               /* table arguments, exact */
};

static int table_init(table *tb, unsigned bits, unsigned shift)
{
  tb->size = 1u << bits;
  tb->shift = shift;
  tb->v = malloc(tb->size * sizeof *tb->v);
  tb->have = calloc(tb->size, 1);
  return tb->v && tb->have;
}

static void table_clear(table *tb)
{
  if (tb->v && tb->have)
    for (unsigned i = 0; i < tb->size; i++)
      if (tb->have[i]) mpfr_clear(tb->v[i]);
  free(tb->v);
  free(tb->have);
}

/* e^{-i 2^-shift}, computed the first time it is asked for */
static mpfr_srcptr table_get(table *tb, unsigned i, gc_mpfr_exp_table *e)
{
  if (!tb->have[i]) {
    mpfr_init2(tb->v[i], e->q);
    mpfr_set_si_2exp(e->arg, -(long)i, -(mpfr_exp_t)tb->shift, RND);
    mpfr_exp(tb->v[i], e->arg, RND);
    tb->have[i] = 1;
  }
  return tb->v[i];
}

/* precision of Horner step n: its error is scaled by t^n < 2^-24n */
static mpfr_prec_t step_prec(mpfr_prec_t q, int n)
{
  mpfr_prec_t p = q + 4 - (mpfr_prec_t)SHIFT * n;
  return p < 53 ? 53 : p;
}

gc_mpfr_exp_table *gc_mpfr_exp_table_alloc(mpfr_prec_t prec)
{
  if (prec < MPFR_PREC_MIN || prec > MPFR_PREC_MAX - 64) return NULL;
  gc_mpfr_exp_table *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->prec = prec;
  e->q = prec + 12;
  e->fast = prec <= GC_MPFR_EXPNEG_PREC_MAX;
  if (!e->fast) return e;
  mpfr_prec_t q = e->q;
  if (!table_init(&e->t1, BITS1, SHIFT - BITS2 - BITS3) ||
      !table_init(&e->t2, BITS2, SHIFT - BITS3) ||
      !table_init(&e->t3, BITS3, SHIFT)) {
    gc_mpfr_exp_table_free(e);
    return NULL;
  }
  /* terms: the first omitted one, t^N/N! < 2^-(24N + log2 N!), is below
   * 2^-(q+4) */
  double lf = 0;
  int n = 1;
  while (n < NMAX && SHIFT * n + lf < (double)q + 4) {
    lf += log2((double)(n + 1));
    n++;
  }
  e->nterms = n;
  /* terms from nd on are summed in double: their sum is scaled by
   * t^nd < 2^-24nd <= 2^-(q-45), so 2^-50 relative suffices */
  int nd = (int)((q - 45 + SHIFT - 1) / SHIFT);
  if (nd < 1) nd = 1;
  e->nd = nd;
  mpfr_t f;
  mpfr_init2(f, 1024); /* n! exactly for n < 64 */
  mpfr_set_ui(f, 1, RND);
  for (int k = 0; k < e->nterms; k++) {
    if (k > 0) mpfr_mul_ui(f, f, (unsigned long)k, RND);
    mpfr_prec_t p = step_prec(q, k);
    mpfr_init2(e->c[k], p);
    mpfr_ui_div(e->c[k], 1, f, RND);
    mpfr_init2(e->s[k], p);
    mpfr_init2(e->m[k], p);
    e->cd[k] = 1.0 / mpfr_get_d(f, RND);
  }
  mpfr_clear(f);
  mpfr_inits2(q, e->t, e->r, (mpfr_ptr)0);
  mpfr_init2(e->arg, 64);
  return e;
}

void gc_mpfr_exp_table_free(gc_mpfr_exp_table *e)
{
  if (!e) return;
  if (e->fast && e->nterms) {
    for (int k = 0; k < e->nterms; k++) {
      mpfr_clear(e->c[k]);
      mpfr_clear(e->s[k]);
      mpfr_clear(e->m[k]);
    }
    mpfr_clears(e->t, e->r, e->arg, (mpfr_ptr)0);
  }
  table_clear(&e->t1);
  table_clear(&e->t2);
  table_clear(&e->t3);
  free(e);
}

/* e^{-t} for 0 <= t < 2^-24 (in e->t), into e->s[0] */
static void series(gc_mpfr_exp_table *e)
{
  int N = e->nterms, nd = e->nd, top;
  if (nd < N) {
    double td = mpfr_get_d(e->t, RND), sd = e->cd[N - 1];
    for (int k = N - 2; k >= nd; k--) sd = e->cd[k] - td * sd;
    mpfr_set_d(e->s[nd], sd, RND); /* exact: p_nd >= 53 */
    top = nd;
  } else {
    mpfr_set(e->s[N - 1], e->c[N - 1], RND);
    top = N - 1;
  }
  for (int k = top - 1; k >= 0; k--) {
    mpfr_mul(e->m[k], e->t, e->s[k + 1], RND);
    mpfr_sub(e->s[k], e->c[k], e->m[k], RND);
  }
}

void gc_mpfr_expneg(mpfr_ptr rop, mpfr_srcptr x, gc_mpfr_exp_table *e)
{
  if (!e->fast || !mpfr_number_p(x) || mpfr_sgn(x) < 0 ||
      mpfr_get_prec(x) > e->q ||
      (!mpfr_zero_p(x) && mpfr_get_exp(x) > XMAX_LOG2)) {
    /* e^{-x} the slow way; -x is exact in x's precision */
    mpfr_t nx;
    mpfr_init2(nx, mpfr_get_prec(x));
    mpfr_neg(nx, x, RND);
    mpfr_exp(rop, nx, RND);
    mpfr_clear(nx);
    return;
  }
  if (mpfr_zero_p(x)) {
    mpfr_set_ui(rop, 1, RND);
    return;
  }
  /* x = k 2^-24 + t exactly.  k comes from x rounded down to a double
   * (x < 64, so that is within 2^-47 of x and k is floor(x 2^24) or one
   * less); x - k 2^-24 keeps only x's bits below 2^-24 (plus, in the
   * second case, one at 2^-24), so it is exact in q bits. */
  double kd = floor(mpfr_get_d(x, MPFR_RNDZ) * 0x1p24);
  mpfr_sub_d(e->t, x, kd * 0x1p-24, RND);
  if (mpfr_cmp_d(e->t, 0x1p-24) >= 0) {
    kd += 1;
    mpfr_sub_d(e->t, e->t, 0x1p-24, RND);
  }
  unsigned long k = (unsigned long)kd;
  series(e);
  unsigned k1 = (unsigned)(k >> (BITS2 + BITS3));
  unsigned k2 = (unsigned)(k >> BITS3) & ((1u << BITS2) - 1);
  unsigned k3 = (unsigned)k & ((1u << BITS3) - 1);
  mpfr_srcptr f[3];
  int nf = 0;
  if (k1) f[nf++] = table_get(&e->t1, k1, e);
  if (k2) f[nf++] = table_get(&e->t2, k2, e);
  if (k3) f[nf++] = table_get(&e->t3, k3, e);
  if (nf == 0) {
    mpfr_set(rop, e->s[0], RND);
    return;
  }
  mpfr_srcptr acc = f[0];
  for (int i = 1; i < nf; i++) {
    mpfr_mul(e->r, acc, f[i], RND);
    acc = e->r;
  }
  mpfr_mul(rop, acc, e->s[0], RND);
}
