/* chain_mpfr.c -- toy chains in MPFR, with a Ziv-style check that every
 * printed digit is correct. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "gradchain/chain_mpfr.h"
#include "chain/mpfr_activation.h"
#include "gradchain/error.h"
#include "gradchain/mpfr_expneg.h"
#include "gradchain/net.h"

#define RND MPFR_RNDN

/* MPFR's exponent range and flags are per-thread process state: the
 * range is widened to the maximum while this file computes (so 1e-650 or
 * 1e+417 are numbers, not 0 or inf) and the flags cleared (to see an
 * underflow of our own), and both are put back before returning, in every
 * thread that changed them. */
typedef struct erange {
  mpfr_exp_t emin, emax;
  mpfr_flags_t flags;
} erange;

static erange erange_widen(void)
{
  erange old = {mpfr_get_emin(), mpfr_get_emax(), mpfr_flags_save()};
  mpfr_set_emin(mpfr_get_emin_min());
  mpfr_set_emax(mpfr_get_emax_max());
  mpfr_clear_flags();
  return old;
}

static void erange_restore(erange old)
{
  mpfr_set_emin(old.emin);
  mpfr_set_emax(old.emax);
  mpfr_flags_restore(old.flags, MPFR_FLAGS_ALL);
#ifdef _OPENMP
  /* MPFR keeps per-thread caches (log 2, ...); an OpenMP worker may exit
   * when a later region asks for fewer threads, and its caches with it */
  if (omp_get_thread_num() != 0) mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
#endif
}

/* x = the string s (already checked) or else the double d, exactly */
static void set_input(mpfr_ptr x, const char *s, double d)
{
  if (s) gc_mpfr_set_str(x, s, RND);
  else mpfr_set_d(x, d, RND);
}

/* the string of layer j's entry in a list of n (1: every layer) */
static const char *nth(const char *const *list, size_t n, size_t j)
{
  if (!list || n == 0) return NULL;
  return list[n == 1 ? 0 : j];
}

/* one evaluation at working precision wp */
typedef struct run {
  mpfr_prec_t wp;
  size_t L;
  int layers;
  mpfr_t *z, *a, *fp, *factor, *dC_db, *dC_dw;
  mpfr_t dC_db1, dC_daL, cost;
  gc_mpfr_exp_table *ex;   /* e^{-x} at wp */
  int underflow;           /* MPFR's underflow flag after evaluate() */
} run;

static void free_arrays(run *r)
{
  mpfr_t **arr[] = {&r->z, &r->a, &r->fp, &r->factor, &r->dC_db, &r->dC_dw};
  for (size_t k = 0; k < 6; k++) {
    if (!*arr[k]) continue;
    for (size_t j = 0; j < r->L; j++) mpfr_clear((*arr[k])[j]);
    free(*arr[k]);
    *arr[k] = NULL;
  }
}

static void run_clear(run *r)
{
  free_arrays(r);
  gc_mpfr_exp_table_free(r->ex);
  r->ex = NULL;
  mpfr_clears(r->dC_db1, r->dC_daL, r->cost, (mpfr_ptr)0);
}

static int run_init(run *r, size_t L, mpfr_prec_t wp, int layers)
{
  memset(r, 0, sizeof *r);
  r->L = L;
  r->wp = wp;
  r->layers = layers;
  mpfr_inits2(wp, r->dC_db1, r->dC_daL, r->cost, (mpfr_ptr)0);
  int st = gc_mpfr_exp_table_alloc(&r->ex, wp);
  if (st) {
    mpfr_clears(r->dC_db1, r->dC_daL, r->cost, (mpfr_ptr)0);
    return st;
  }
  if (!layers) return GC_OK;
  mpfr_t **arr[] = {&r->z, &r->a, &r->fp, &r->factor, &r->dC_db, &r->dC_dw};
  for (size_t k = 0; k < 6; k++) {
    *arr[k] = malloc(L * sizeof(mpfr_t));
    if (!*arr[k]) {
      /* arrays allocated before this one are fully initialised */
      for (size_t q = 0; q < k; q++) {
        for (size_t j = 0; j < L; j++) mpfr_clear((*arr[q])[j]);
        free(*arr[q]);
        *arr[q] = NULL;
      }
      mpfr_clears(r->dC_db1, r->dC_daL, r->cost, (mpfr_ptr)0);
      gc_mpfr_exp_table_free(r->ex);
      r->ex = NULL;
      return gc_error(GC_ENOMEM, "out of memory for %zu layers at %ld bits",
                      L, (long)wp);
    }
    for (size_t j = 0; j < L; j++) mpfr_init2((*arr[k])[j], wp);
  }
  return GC_OK;
}

void gc_mpfr_activation(gc_activation act, mpfr_ptr a, mpfr_ptr fp,
                        mpfr_srcptr z, mpfr_ptr t, mpfr_ptr d,
                        gc_mpfr_exp_table *ex)
{
  switch (act) {
  case GC_ACT_SIGMOID:
  case GC_ACT_SOFTPLUS:
    mpfr_abs(d, z, RND);
    gc_mpfr_expneg(t, d, ex);     /* t = e^{-|z|} */
    mpfr_add_ui(d, t, 1, RND);
    mpfr_ui_div(d, 1, d, RND);    /* d = 1/(1+t) */
    if (act == GC_ACT_SIGMOID) {
      mpfr_mul(fp, t, d, RND);    /* sigma(-|z|) */
      if (mpfr_sgn(z) >= 0) mpfr_set(a, d, RND);
      else mpfr_set(a, fp, RND);
      mpfr_mul(fp, fp, d, RND);   /* t d^2 */
    } else {
      if (mpfr_sgn(z) >= 0) mpfr_set(fp, d, RND);
      else mpfr_mul(fp, t, d, RND);
      mpfr_log1p(t, t, RND);
      if (mpfr_sgn(z) > 0) mpfr_add(a, z, t, RND);
      else mpfr_set(a, t, RND);
    }
    break;
  case GC_ACT_TANH:
    mpfr_tanh(a, z, RND);
    mpfr_abs(d, z, RND);
    mpfr_mul_2ui(d, d, 1, RND);
    gc_mpfr_expneg(t, d, ex);     /* t = e^{-2|z|} */
    mpfr_add_ui(d, t, 1, RND);
    mpfr_sqr(d, d, RND);
    mpfr_mul_ui(fp, t, 4, RND);
    mpfr_div(fp, fp, d, RND);     /* 4t/(1+t)^2 */
    break;
  case GC_ACT_RELU:
    if (mpfr_sgn(z) > 0) {
      mpfr_set(a, z, RND);
      mpfr_set_ui(fp, 1, RND);
    } else {
      mpfr_set_ui(a, 0, RND);
      mpfr_set_ui(fp, 0, RND);
    }
    break;
  case GC_ACT_LEAKY_RELU:
    if (mpfr_sgn(z) > 0) {
      mpfr_set(a, z, RND);
      mpfr_set_ui(fp, 1, RND);
    } else {
      mpfr_set_d(fp, GC_LEAKY_RELU_SLOPE, RND); /* the double's value */
      mpfr_mul(a, z, fp, RND);
    }
    break;
  case GC_ACT_ERF:
    mpfr_const_pi(t, RND);
    mpfr_sqrt(t, t, RND);
    mpfr_div_2ui(t, t, 1, RND);   /* sqrt(pi)/2 */
    mpfr_mul(d, t, z, RND);       /* u */
    mpfr_erf(a, d, RND);
    mpfr_sqr(d, d, RND);
    gc_mpfr_expneg(fp, d, ex);    /* e^{-u^2} */
    break;
  case GC_ACT_HARD_TANH:
    if (mpfr_cmp_si(z, 1) > 0 || mpfr_cmp_si(z, -1) < 0) {
      mpfr_set_si(a, mpfr_sgn(z) > 0 ? 1 : -1, RND);
      mpfr_set_ui(fp, 0, RND);
    } else {
      mpfr_set(a, z, RND);
      mpfr_set_ui(fp, mpfr_cmp_si(z, 1) < 0 && mpfr_cmp_si(z, -1) > 0, RND);
    }
    break;
  case GC_ACT_IDENTITY:
  default:
    mpfr_set(a, z, RND);
    mpfr_set_ui(fp, 1, RND);
    break;
  }
}

/* cost, dC/da and the tail f'(z_L) dC/da_L from a_L, for target y */
static void output_terms(run *r, const gc_chain *c, mpfr_srcptr aL,
                         mpfr_srcptr fpL, mpfr_srcptr y, mpfr_ptr tail,
                         mpfr_ptr t, mpfr_ptr d)
{
  mpfr_sub(t, aL, y, RND); /* a - y */
  if (c->cost == GC_COST_QUADRATIC) {
    mpfr_sqr(r->cost, t, RND);
    mpfr_div_2ui(r->cost, r->cost, 1, RND);
    mpfr_set(r->dC_daL, t, RND);
  } else {
    /* C = -y ln a - (1-y) ln(1-a) */
    mpfr_ui_sub(d, 1, aL, RND);   /* 1 - a */
    mpfr_mul(r->dC_daL, aL, d, RND);
    mpfr_div(r->dC_daL, t, r->dC_daL, RND);
    mpfr_log(d, d, RND);
    mpfr_log(r->cost, aL, RND);
    mpfr_mul(r->cost, r->cost, y, RND);
    mpfr_fms(r->cost, d, y, r->cost, RND); /* y ln(1-a) - y ln a */
    mpfr_sub(r->cost, r->cost, d, RND);    /* -(1-y) ln(1-a) - y ln a */
  }
  if (c->cost == GC_COST_CROSS_ENTROPY && c->act == GC_ACT_SIGMOID)
    mpfr_set(tail, t, RND);       /* f'(z_L) dC/da_L = a_L - y exactly */
  else
    mpfr_mul(tail, fpL, r->dC_daL, RND);
}

/* w_j and b_j (j from 0) at wp: from dec's strings where it has them */
static void layer_params(mpfr_ptr w, mpfr_ptr b, const gc_chain *c,
                         const gc_chain_decimal *dec, size_t j)
{
  const char *sw = dec ? nth(dec->w, dec->nw, j) : NULL;
  const char *sb = dec ? nth(dec->b, dec->nb, j) : NULL;
  set_input(w, sw, c->w[j]);
  set_input(b, sb, c->b[j]);
}

static void evaluate(run *r, const gc_chain *c, const gc_chain_decimal *dec,
                     gc_mpfr_exp_table *ex)
{
  mpfr_prec_t wp = r->wp;
  size_t L = r->L;
  mpfr_t a, z, fp, w, b, t, d, P, tail, y;
  mpfr_inits2(wp, a, z, fp, w, b, t, d, P, tail, y, (mpfr_ptr)0);
  mpfr_set_ui(P, 1, RND);
  set_input(a, dec ? dec->a0 : NULL, c->a0);
  set_input(y, dec ? dec->y : NULL, c->y);
  /* every layer alike (the exploding W, or one typed w and b): read once */
  int same_w = c->exploding || (dec && dec->nw == 1);
  int same_b = dec && dec->nb == 1;
  if (c->exploding) set_input(w, dec ? dec->explode_w : NULL, c->explode_w);
  else if (same_w || same_b) layer_params(w, b, c, dec, 0);
  for (size_t j = 0; j < L; j++) {
    if (c->exploding) {
      mpfr_mul(t, w, a, RND);
      mpfr_neg(b, t, RND);         /* b_j = -W a_{j-1} */
      mpfr_add(z, t, b, RND);      /* = 0 exactly */
    } else {
      if (!same_w) set_input(w, dec ? nth(dec->w, dec->nw, j) : NULL,
                             c->w[j]);
      if (!same_b) set_input(b, dec ? nth(dec->b, dec->nb, j) : NULL,
                             c->b[j]);
      mpfr_mul(z, w, a, RND);
      mpfr_add(z, z, b, RND);
    }
    if (r->layers) {
      mpfr_set(r->z[j], z, RND);
      /* dC/dw_j = dC/db_j a_{j-1}: keep a_{j-1} there for now */
      mpfr_set(r->dC_dw[j], a, RND);
    }
    gc_mpfr_activation(c->act, a, fp, z, t, d, ex);
    /* left to right: P = f'(z_1) w_2 f'(z_2) ... w_{L-1} f'(z_{L-1}) w_L;
     * the tail f'(z_L) dC/da_L comes last */
    if (j > 0) mpfr_mul(P, P, w, RND);
    if (j + 1 < L) {
      if (j == 0) mpfr_set(P, fp, RND);
      else mpfr_mul(P, P, fp, RND);
    }
    if (r->layers) {
      mpfr_set(r->a[j], a, RND);
      mpfr_set(r->fp[j], fp, RND);
      mpfr_mul(r->factor[j], w, fp, RND);
    }
  }
  /* a is a_L, fp is f'(z_L), w is w_L */
  output_terms(r, c, a, fp, y, tail, t, d);
  /* dC/db_1 = f'(z_1) w_2 f'(z_2) ... w_L f'(z_L) dC/da_L */
  if (L == 1) mpfr_set(r->dC_db1, tail, RND);
  else mpfr_mul(r->dC_db1, P, tail, RND);
  if (r->layers) {
    /* from the right: S_L = dC/da_L; dC/db_j = f'(z_j) S_j;
     * S_{j-1} = w_j f'(z_j) S_j */
    mpfr_t S;
    mpfr_init2(S, wp);
    for (size_t j = L; j >= 1; j--) {
      if (j == L) {
        mpfr_set(r->dC_db[j - 1], tail, RND);
        mpfr_mul(S, w, tail, RND);
      } else {
        mpfr_mul(r->dC_db[j - 1], r->fp[j - 1], S, RND);
        mpfr_mul(S, r->factor[j - 1], S, RND);
      }
      mpfr_mul(r->dC_dw[j - 1], r->dC_db[j - 1], r->dC_dw[j - 1], RND);
    }
    mpfr_clear(S);
    mpfr_set(r->dC_db1, r->dC_db[0], RND);
  }
  mpfr_clears(a, z, fp, w, b, t, d, P, tail, y, (mpfr_ptr)0);
}

/* do x and y print the same to n digits?  The slow way: both printed */
static int same_printed(mpfr_srcptr x, mpfr_srcptr y, size_t n)
{
  size_t size = n + 64;
  char *b1 = malloc(size), *b2 = malloc(size);
  int ok = -1;
  if (b1 && b2) {
    gc_mpfr_snprint(b1, size, x, n);
    gc_mpfr_snprint(b2, size, y, n);
    ok = strcmp(b1, b2) == 0;
  }
  free(b1);
  free(b2);
  return ok;
}

/* The same answer, mostly from one decimal conversion.  y is printed to
 * n + 3 digits, S, in units u of its last digit: |y - S| <= u/2.  The
 * n-digit rounding boundaries are the numbers whose n+3 digits end in 500.
 * If S's last three digits are 002..498 or 502..998, y is at least 1.5 u
 * from every boundary (and from the powers of ten), so an x within u of y
 * prints as y does.  u >= |y| 10^-(n+3) since |y| < 10^e, so
 * |x - y| < |y| 10^-(n+3) (c, rounded down) suffices.  Otherwise, both
 * are printed. */
static int same_digits(mpfr_srcptr x, mpfr_srcptr y, size_t n,
                       mpfr_srcptr c)
{
  if (!mpfr_regular_p(x) || !mpfr_regular_p(y) ||
      mpfr_sgn(x) != mpfr_sgn(y))
    return same_printed(x, y, n);
  mpfr_exp_t e;
  char local[512];
  char *str = mpfr_get_str(n + 5 <= sizeof local ? local : NULL, &e, 10,
                           n + 3, y, RND);
  if (!str) return -1;
  size_t len = strlen(str);
  int last = len >= 3 ? atoi(str + len - 3) : -1;
  if (str != local) mpfr_free_str(str);
  if ((last >= 2 && last <= 498) || (last >= 502 && last <= 998)) {
    MPFR_DECL_INIT(d, 64);
    MPFR_DECL_INIT(t, 64);
    if (mpfr_cmp(x, y) >= 0) mpfr_sub(d, x, y, MPFR_RNDU);
    else mpfr_sub(d, y, x, MPFR_RNDU);
    mpfr_abs(t, y, MPFR_RNDD);
    mpfr_mul(t, t, c, MPFR_RNDD);
    if (mpfr_less_p(d, t)) return 1;
  }
  return same_printed(x, y, n);
}

/* 10^-(n+3) rounded down, for same_digits */
static void digits_tolerance(mpfr_ptr c, size_t n)
{
  mpfr_ui_pow_ui(c, 10, (unsigned long)n + 3, MPFR_RNDU);
  mpfr_ui_div(c, 1, c, MPFR_RNDD);
}

int gc_mpfr_same_digits(mpfr_srcptr x, mpfr_srcptr y, size_t digits)
{
  if (digits < 1) digits = 1;
  mpfr_t c;
  mpfr_init2(c, 64);
  digits_tolerance(c, digits);
  int ok = same_digits(x, y, digits, c);
  mpfr_clear(c);
  return ok;
}

/* every reported value of r1 and r2 the same to n digits?  1 yes, 0 no,
 * -1 out of memory.  The layers are shared out between OpenMP's threads
 * (the answer does not depend on how). */
static int runs_agree(const run *r1, const run *r2, size_t n)
{
  mpfr_t c;
  mpfr_init2(c, 64);
  digits_tolerance(c, n);
  int ok = 1;
  mpfr_srcptr s1[] = {r1->dC_db1, r1->dC_daL, r1->cost};
  mpfr_srcptr s2[] = {r2->dC_db1, r2->dC_daL, r2->cost};
  for (int k = 0; ok == 1 && k < 3; k++) ok = same_digits(s1[k], s2[k], n, c);
  if (ok != 1 || !r1->layers) {
    mpfr_clear(c);
    return ok;
  }
  int agree = 1;
  long L = (long)r1->L;
#pragma omp parallel if (L >= 4096)
  {
    erange old = erange_widen();
#pragma omp for schedule(static)
    for (long j = 0; j < L; j++) {
      int now;
#pragma omp atomic read
      now = agree;
      if (now != 1) continue;
      mpfr_t *a1[] = {r1->z, r1->a, r1->fp, r1->factor, r1->dC_db, r1->dC_dw};
      mpfr_t *a2[] = {r2->z, r2->a, r2->fp, r2->factor, r2->dC_db, r2->dC_dw};
      int res = 1;
      for (int k = 0; res == 1 && k < 6; k++)
        res = same_digits(a1[k][j], a2[k][j], n, c);
      if (res != 1) {
        /* out of memory wins over a disagreement */
#pragma omp critical
        if (agree != -1) agree = res;
      }
    }
    erange_restore(old);
  }
  mpfr_clear(c);
  return agree;
}

void gc_chain_mpfr_result_free(gc_chain_mpfr_result *r)
{
  if (!r) return;
  run tmp = {0};
  tmp.L = r->depth;
  tmp.z = r->z; tmp.a = r->a; tmp.fp = r->fp;
  tmp.factor = r->factor; tmp.dC_db = r->dC_db; tmp.dC_dw = r->dC_dw;
  free_arrays(&tmp);
  mpfr_clears(r->dC_db1, r->dC_daL, r->cost, (mpfr_ptr)0);
  free(r);
}

/* Is every string of dec one gc_mpfr_set_str reads, and every count 0,
 * 1 or the depth?  The message names the number. */
static int check_decimal(const gc_chain_decimal *dec, size_t L,
                         mpfr_prec_t prec)
{
  struct { const char *const *s; size_t n; const char *name; } list[] = {
    {dec->w, dec->nw, "w"}, {dec->b, dec->nb, "b"}};
  mpfr_t x;
  mpfr_init2(x, prec);
  int st = GC_OK;
  for (int k = 0; !st && k < 2; k++) {
    size_t n = list[k].s ? list[k].n : 0;
    if (n > 1 && n != L) {
      st = gc_error(GC_EINVAL, "%zu decimal values of %s for a chain of "
                    "depth %zu (need 1 or %zu)", n, list[k].name, L, L);
      break;
    }
    for (size_t j = 0; !st && j < n; j++)
      if (list[k].s[j] && (st = gc_mpfr_set_str(x, list[k].s[j], RND)))
        gc_error(st, "%s_%zu: %s", list[k].name, n == 1 ? (size_t)1 : j + 1,
                 gc_strerror_last());
  }
  const char *one[] = {dec->a0, dec->y, dec->explode_w};
  const char *names[] = {"a_0", "y", "W"};
  for (int k = 0; !st && k < 3; k++)
    if (one[k] && (st = gc_mpfr_set_str(x, one[k], RND)))
      gc_error(st, "%s: %s", names[k], gc_strerror_last());
  mpfr_clear(x);
  return st;
}

static int chain_mpfr_eval(gc_chain_mpfr_result **out, const gc_chain *c,
                           const gc_chain_decimal *dec, mpfr_prec_t prec,
                           int layers)
{
  int cst = gc_output_cost_check(GC_OUTPUT_SIGMOID, c->cost);
  if (cst) return cst; /* one output neuron: no log-likelihood */
  size_t L = c->depth, n = gc_mpfr_digits(prec);
  /* guard bits: the rounding errors of ~10 L operations, plus margin */
  mpfr_prec_t g = 16;
  for (size_t k = L; k; k >>= 1) g++;
  int tries = 0;
  for (int attempt = 0; attempt < 6; attempt++, g *= 2) {
    run r1, r2;
    int st = run_init(&r1, L, prec + g, layers);
    if (st) return st;
    st = run_init(&r2, L, prec + g + 32, layers);
    if (st) {
      run_clear(&r1);
      return st;
    }
    /* the two evaluations are independent: one per thread when there are
     * two or more */
#pragma omp parallel sections
    {
#pragma omp section
      {
        erange old = erange_widen();
        evaluate(&r1, c, dec, r1.ex);
        r1.underflow = mpfr_underflow_p();
        erange_restore(old);
      }
#pragma omp section
      {
        erange old = erange_widen();
        evaluate(&r2, c, dec, r2.ex);
        r2.underflow = mpfr_underflow_p();
        erange_restore(old);
      }
    }
    tries += 2;
    if ((r1.underflow || r2.underflow) && mpfr_zero_p(r2.dC_db1)) {
      /* e.g. sigma'(1e308) = e^-1e308: 0 here would be a silent 0 */
      run_clear(&r1);
      run_clear(&r2);
      return gc_error(GC_ERANGE, "the product underflows even MPFR's "
                      "exponent range (below 2^%ld): dC/db1 is not 0 but "
                      "cannot be represented", (long)mpfr_get_emin_min());
    }
    int ok = runs_agree(&r1, &r2, n);
    run_clear(&r1);
    if (ok < 0) {
      run_clear(&r2);
      return gc_error(GC_ENOMEM, "out of memory");
    }
    if (ok) {
      gc_chain_mpfr_result *res = calloc(1, sizeof *res);
      if (!res) {
        run_clear(&r2);
        return gc_error(GC_ENOMEM, "out of memory");
      }
      res->prec = prec;
      res->working = r2.wp;
      res->digits = n;
      res->depth = L;
      res->layers = layers;
      res->z = r2.z; res->a = r2.a; res->fp = r2.fp;
      res->factor = r2.factor; res->dC_db = r2.dC_db; res->dC_dw = r2.dC_dw;
      /* move the scalars */
      mpfr_init2(res->dC_db1, r2.wp);
      mpfr_init2(res->dC_daL, r2.wp);
      mpfr_init2(res->cost, r2.wp);
      mpfr_swap(res->dC_db1, r2.dC_db1);
      mpfr_swap(res->dC_daL, r2.dC_daL);
      mpfr_swap(res->cost, r2.cost);
      mpfr_clears(r2.dC_db1, r2.dC_daL, r2.cost, (mpfr_ptr)0);
      gc_mpfr_exp_table_free(r2.ex);
      res->tries = tries;
      *out = res;
      return GC_OK;
    }
    run_clear(&r2);
  }
  return gc_error(GC_ENOCONV, "could not certify %zu digits at %ld bits: the "
                  "chain is too ill-conditioned for this precision", n,
                  (long)prec);
}

int gc_chain_mpfr_eval(gc_chain_mpfr_result **out, const gc_chain *c,
                       mpfr_prec_t prec, int layers)
{
  return gc_chain_mpfr_eval_decimal(out, c, NULL, prec, layers);
}

int gc_chain_mpfr_eval_decimal(gc_chain_mpfr_result **out, const gc_chain *c,
                               const gc_chain_decimal *dec, mpfr_prec_t prec,
                               int layers)
{
  *out = NULL;
  if (prec < GC_MPFR_PREC_MIN || prec > GC_MPFR_PREC_MAX)
    return gc_error(GC_ERANGE, "precision %ld bits is outside %d..%d",
                    (long)prec, GC_MPFR_PREC_MIN, GC_MPFR_PREC_MAX);
  erange old = erange_widen();
  int st = dec ? check_decimal(dec, c->depth, prec) : GC_OK;
  if (!st) st = chain_mpfr_eval(out, c, dec, prec, layers);
  erange_restore(old);
  return st;
}
