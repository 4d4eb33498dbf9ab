/* testlib.h -- what the Check suites share: the runner their main()s end
 * with, and small synthetic data sets that own their bytes. */
#ifndef GRADCHAIN_TESTLIB_H
#define GRADCHAIN_TESTLIB_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "gradchain/dataset.h"
#include "gradchain/mnist.h"

/* A test case NAME, added to suite S. */
static inline TCase *test_case(Suite *s, const char *name)
{
  TCase *tc = tcase_create(name);
  suite_add_tcase(s, tc);
  return tc;
}

/* Run every test of S and free it; the exit status for make check. */
static inline int test_run(Suite *s)
{
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The kinds of synthetic data:
 *   TEST_NOISE      every pixel uniform in 0..255, labels uniform;
 *   TEST_LEARNABLE  per example a uniform label, then pixels in 128..255
 *                   where k % ncl is the label and 0..127 elsewhere, so
 *                   training learns something. */
typedef enum { TEST_NOISE, TEST_LEARNABLE } test_synth_kind;

/* n examples of dim pixels and ncl classes, drawn from an mt19937 seeded
 * with seed; d is all of them, m (after test_synth_split) the MNIST
 * split's three views. */
typedef struct test_synth {
  gc_dataset d;
  gc_mnist m;
  uint8_t *img, *lab;
} test_synth;

static inline test_synth test_synth_make(test_synth_kind kind, size_t n,
                                         size_t dim, size_t ncl,
                                         unsigned long seed)
{
  test_synth s;
  memset(&s, 0, sizeof s);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  s.img = malloc(n * dim);
  s.lab = malloc(n);
  ck_assert(r && s.img && s.lab);
  gsl_rng_set(r, seed);
  if (kind == TEST_NOISE) {
    for (size_t i = 0; i < n * dim; i++)
      s.img[i] = (uint8_t)gsl_rng_uniform_int(r, 256);
    for (size_t i = 0; i < n; i++)
      s.lab[i] = (uint8_t)gsl_rng_uniform_int(r, ncl);
  } else {
    for (size_t i = 0; i < n; i++) {
      s.lab[i] = (uint8_t)gsl_rng_uniform_int(r, ncl);
      for (size_t k = 0; k < dim; k++)
        s.img[i * dim + k] = (uint8_t)(k % ncl == s.lab[i]
                                           ? 128 + gsl_rng_uniform_int(r, 128)
                                           : gsl_rng_uniform_int(r, 128));
    }
  }
  gsl_rng_free(r);
  gc_dataset d = {n, dim, ncl, s.img, s.lab};
  s.d = d;
  return s;
}

/* Examples 0..n-1 the training set, the next v the validation set, the
 * rest the test set (s->m). */
static inline void test_synth_split(test_synth *s, size_t n, size_t v)
{
  ck_assert(n + v <= s->d.n);
  size_t dim = s->d.dim;
  gc_dataset part = s->d;
  part.n = n;
  s->m.training = part;
  part.n = v;
  part.images = s->img + n * dim;
  part.labels = s->lab + n;
  s->m.validation = part;
  part.n = s->d.n - n - v;
  part.images = s->img + (n + v) * dim;
  part.labels = s->lab + n + v;
  s->m.test = part;
}

static inline void test_synth_free(test_synth *s)
{
  free(s->img);
  free(s->lab);
}

#endif
