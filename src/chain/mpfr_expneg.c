/* mpfr_expneg.c -- e^{-x} by three lazily filled tables and a short
 * Taylor series summed in fixed point with GMP's mpn layer.
 *
 * x = k 2^-24 + t, 0 <= t < 2^-24, e^{-x} = T1[k1] T2[k2] T3[k3] e^{-t}.
 * The series e^{-t} = sum (-t)^j / j!, j < N, is summed by Horner's rule
 * s_j = 1/j! - t s_{j+1} on fixed-point fractions of n limbs (value
 * F / 2^(64 n)); step j keeps only the top n_j limbs, enough for
 * 2^-(q + 8 - 24 j), since its error is scaled by t^j < 2^-24j.  All s_j
 * are positive and below 1 (1/1! is taken as 1 - 2^-64n); s_0 = 1 - t s_1
 * is the two's complement of t s_1.  Through MPFR's custom interface the fixed-point
 * result is an mpfr_t without a copy.
 *
 * Error budget (relative, q = P + 12 working bits):
 *   table entries, correctly rounded at q bits   3 x 2^-q
 *   two products of table entries at q bits      2 x 2^-q
 *   series: truncation at t^N/N!                 2^-(q+4)
 *           1/j! and each product truncated to n_j limbs, scaled by
 *           t^j: at most 2 x 2^-(q+8) each       N x 2^-(q+7)
 * which is below 6 x 2^-q (N <= 45 at P <= 1024), i.e. 2^-(P+9), or
 * 1/16 ulp before the final rounding: the result is within 0.5 + 1/16
 * ulp.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "gradchain/error.h"
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
#define LB GMP_NUMB_BITS    /* bits per limb */
_Static_assert(GMP_NAIL_BITS == 0, "limbs without nails");

typedef struct table {
  unsigned size, shift;     /* entry i is e^{-i 2^-shift} */
  mpfr_t *v;
  unsigned char *have;
} table;

struct gc_mpfr_exp_table {
  mpfr_prec_t prec, q;      /* result and working precision */
  int fast;                 /* tables and series in use */
  table t1, t2, t3;
  int nterms;               /* series terms N */
  mp_size_t n;              /* limbs of the fixed-point fractions */
  mp_size_t nj[NMAX];       /* limbs kept at Horner step j */
  mp_limb_t *c;             /* 1/j! truncated to n limbs, j = 1..N-1 */
  mp_limb_t *tf, *s, *s2, *prod; /* t, two Horner sums, a product */
  mp_limb_t *tlimbs;        /* t's significand (MPFR custom interface) */
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

/* limbs of Horner step j: its error is scaled by t^j < 2^-24j */
static mp_size_t step_limbs(mpfr_prec_t q, int j, mp_size_t n)
{
  long bits = (long)q + 8 - (long)SHIFT * j;
  mp_size_t l = bits <= 0 ? 1 : (mp_size_t)((bits + LB - 1) / LB);
  return l > n ? n : l;
}

static int nomem(gc_mpfr_exp_table *e, mpfr_prec_t prec)
{
  gc_mpfr_exp_table_free(e);
  return gc_error(GC_ENOMEM, "out of memory for the exponential's tables at "
                  "%ld bits", (long)prec);
}

int gc_mpfr_exp_table_alloc(gc_mpfr_exp_table **out, mpfr_prec_t prec)
{
  *out = NULL;
  if (prec < MPFR_PREC_MIN || prec > MPFR_PREC_MAX - 64)
    return gc_error(GC_ERANGE, "precision %ld bits is outside %ld..%ld",
                    (long)prec, (long)MPFR_PREC_MIN,
                    (long)(MPFR_PREC_MAX - 64));
  gc_mpfr_exp_table *e = calloc(1, sizeof *e);
  if (!e) return nomem(NULL, prec);
  e->prec = prec;
  e->q = prec + 12;
  e->fast = prec <= GC_MPFR_EXPNEG_PREC_MAX;
  if (!e->fast) {
    *out = e;
    return GC_OK;
  }
  mpfr_prec_t q = e->q;
  if (!table_init(&e->t1, BITS1, SHIFT - BITS2 - BITS3) ||
      !table_init(&e->t2, BITS2, SHIFT - BITS3) ||
      !table_init(&e->t3, BITS3, SHIFT))
    return nomem(e, prec);
  /* terms: the first omitted one, t^N/N! < 2^-(24N + log2 N!), is below
   * 2^-(q+4) */
  double lf = 0;
  int n = 1;
  while (n < NMAX && SHIFT * n + lf < (double)q + 4) {
    lf += log2((double)(n + 1));
    n++;
  }
  if (n < 2) n = 2; /* keeps the series code uniform */
  mp_size_t nl = (mp_size_t)((q + 8 + LB - 1) / LB);
  e->n = nl;
  for (int j = 0; j < n; j++) e->nj[j] = step_limbs(q, j, nl);
  mp_size_t lt = (mp_size_t)((q + LB - 1) / LB);
  e->c = calloc((size_t)(n * nl), sizeof *e->c);
  e->tf = calloc((size_t)nl, sizeof *e->tf);
  e->s = calloc((size_t)nl, sizeof *e->s);
  e->s2 = calloc((size_t)nl, sizeof *e->s2);
  e->prod = calloc((size_t)(2 * nl), sizeof *e->prod);
  e->tlimbs = calloc((size_t)lt, sizeof *e->tlimbs);
  if (!e->c || !e->tf || !e->s || !e->s2 || !e->prod || !e->tlimbs)
    return nomem(e, prec);
  /* c_j = floor(2^(64 n) / j!), and c_1 = 2^(64 n) - 1 */
  mpz_t num, f, c;
  mpz_inits(num, f, c, (mpz_ptr)0);
  mpz_setbit(num, (mp_bitcnt_t)(LB * nl));
  mpz_set_ui(f, 1);
  for (int j = 1; j < n; j++) {
    mpz_mul_ui(f, f, (unsigned long)j);
    mpz_fdiv_q(c, num, f);
    for (mp_size_t i = 0; i < nl; i++)
      e->c[j * nl + i] = j == 1 ? GMP_NUMB_MAX : mpz_getlimbn(c, i);
  }
  mpz_clears(num, f, c, (mpz_ptr)0);
  mpfr_custom_init(e->tlimbs, q);
  mpfr_custom_init_set(e->t, MPFR_ZERO_KIND, 0, q, e->tlimbs);
  mpfr_init2(e->r, q);
  mpfr_init2(e->arg, 64);
  e->nterms = n; /* and now fully made */
  *out = e;
  return GC_OK;
}

void gc_mpfr_exp_table_free(gc_mpfr_exp_table *e)
{
  if (!e) return;
  if (e->fast && e->nterms) mpfr_clears(e->r, e->arg, (mpfr_ptr)0);
  free(e->c);
  free(e->tf);
  free(e->s);
  free(e->s2);
  free(e->prod);
  free(e->tlimbs);
  table_clear(&e->t1);
  table_clear(&e->t2);
  table_clear(&e->t3);
  free(e);
}

/* e->tf = t 2^(64 n), truncated; t = 0.T 2^et with T of lt limbs */
static void to_fixed(gc_mpfr_exp_table *e)
{
  mp_size_t n = e->n, lt = (mp_size_t)((e->q + LB - 1) / LB);
  memset(e->tf, 0, (size_t)n * sizeof *e->tf);
  if (mpfr_zero_p(e->t)) return;
  /* t 2^(64 n) = T 2^sh: limb i of T lands at limb i + sh/64 */
  long sh = (long)mpfr_custom_get_exp(e->t) + (long)LB * (long)(n - lt);
  long whole = sh >= 0 ? sh / LB : -((-sh + LB - 1) / LB);
  unsigned b = (unsigned)(sh - whole * LB);
  const mp_limb_t *src = e->tlimbs;
  for (mp_size_t i = 0; i < lt; i++) {
    long d = (long)i + whole;
    if (d >= 0 && d < (long)n) e->tf[d] |= src[i] << b;
    if (b && d + 1 >= 0 && d + 1 < (long)n) e->tf[d + 1] |= src[i] >> (LB - b);
  }
}

/* e^{-t} for 0 < t < 2^-24 (in e->t): the fraction 1 - t s_1 into e->s
 * (n limbs); returns 0 when t s_1 truncates to 0 (the result is 1) */
static int series(gc_mpfr_exp_table *e)
{
  mp_size_t n = e->n;
  int N = e->nterms;
  to_fixed(e);
  /* s = s_{N-1} = c_{N-1}, kept as its top nj limbs */
  mp_size_t ls = e->nj[N - 1];
  mp_limb_t *s = e->s, *s2 = e->s2;
  memcpy(s, e->c + (N - 1) * n + (n - ls), (size_t)ls * sizeof *s);
  for (int j = N - 2; j >= 0; j--) {
    mp_size_t l = e->nj[j];
    /* t s_{j+1}: t's top l limbs times s (ls <= l limbs); the product has
     * l + ls fraction limbs, of which the top l are kept */
    mpn_mul(e->prod, e->tf + (n - l), l, s, ls);
    const mp_limb_t *m = e->prod + ls;
    if (j > 0) {
      mpn_sub_n(s2, e->c + j * n + (n - l), m, l);
    } else {
      if (mpn_zero_p(m, l)) return 0; /* e^{-t} rounds to 1 */
      mpn_neg(s2, m, l);          /* 1 - m */
    }
    mp_limb_t *tmp = s;
    s = s2;
    s2 = tmp;
    ls = l;
  }
  if (s != e->s) memcpy(e->s, s, (size_t)n * sizeof *s);
  return 1;
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
  unsigned k1 = (unsigned)(k >> (BITS2 + BITS3));
  unsigned k2 = (unsigned)(k >> BITS3) & ((1u << BITS2) - 1);
  unsigned k3 = (unsigned)k & ((1u << BITS3) - 1);
  mpfr_srcptr f[4];
  int nf = 0;
  if (k1) f[nf++] = table_get(&e->t1, k1, e);
  if (k2) f[nf++] = table_get(&e->t2, k2, e);
  if (k3) f[nf++] = table_get(&e->t3, k3, e);
  /* e^{-t} = 0.s (n limbs, top bit set: it is above 1 - 2^-23) */
  mpfr_t es;
  if (!mpfr_zero_p(e->t) && series(e)) {
    mpfr_custom_init_set(es, MPFR_REGULAR_KIND, 0, (mpfr_prec_t)(LB * e->n),
                         e->s);
    f[nf++] = es;
  }
  if (nf == 0) {
    mpfr_set_ui(rop, 1, RND);
    return;
  }
  mpfr_srcptr acc = f[0];
  for (int i = 1; i < nf - 1; i++) {
    mpfr_mul(e->r, acc, f[i], RND);
    acc = e->r;
  }
  if (nf == 1) mpfr_set(rop, acc, RND);
  else mpfr_mul(rop, acc, f[nf - 1], RND);
}
