/* check_mnist_real.c -- a smoke check on the real MNIST files, when they
 * are present (GRADCHAIN_DATA, else the default cache directory; CI puts
 * them there with `gradchain fetch-mnist`).  Without them the check is
 * skipped (exit status 77, automake's SKIP) with a note.
 *
 * The expected values are published facts about MNIST, not outputs of
 * this code: the first training label is 5 and the first test label 7,
 * images are 28 x 28, and the per-digit counts of the training and test
 * labels are those of LeCun et al.'s files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static gc_mnist *m;

START_TEST(test_split_and_labels)
{
  ck_assert_uint_eq(m->rows, 28);
  ck_assert_uint_eq(m->cols, 28);
  ck_assert_uint_eq(m->training.n, 50000);
  ck_assert_uint_eq(m->validation.n, 10000);
  ck_assert_uint_eq(m->test.n, 10000);
  ck_assert_uint_eq(m->training.dim, 784);
  ck_assert_uint_eq(m->validation.dim, 784);
  ck_assert_uint_eq(m->test.dim, 784);
  ck_assert_uint_eq(m->training.labels[0], 5);
  ck_assert_uint_eq(m->test.labels[0], 7);
  /* validation = the last 10,000 images of the training file */
  ck_assert_ptr_eq(m->validation.images,
                   m->train_images->data + (size_t)50000 * 784);
  ck_assert_ptr_eq(m->validation.labels, m->train_labels->data + 50000);
}
END_TEST

START_TEST(test_label_counts)
{
  const size_t train[10] = {5923, 6742, 5958, 6131, 5842,
                            5421, 5918, 6265, 5851, 5949};
  const size_t test[10] = {980, 1135, 1032, 1010, 982,
                           892, 958, 1028, 974, 1009};
  size_t c[10] = {0}, t[10] = {0};
  for (size_t i = 0; i < m->training.n; i++) c[m->training.labels[i]]++;
  for (size_t i = 0; i < m->validation.n; i++) c[m->validation.labels[i]]++;
  for (size_t i = 0; i < m->test.n; i++) t[m->test.labels[i]]++;
  for (int k = 0; k < 10; k++) {
    ck_assert_uint_eq(c[k], train[k]);
    ck_assert_uint_eq(t[k], test[k]);
  }
}
END_TEST

START_TEST(test_batch_of_first_image)
{
  /* the first image: pixels in [0,1], a blank top row (MNIST digits are
   * centred in a 20 x 20 box inside the 28 x 28 frame) and some ink */
  double x[784];
  double y[10];
  gc_dataset_batch(x, y, &m->training, NULL, 0, 1);
  double ink = 0;
  for (int k = 0; k < 784; k++) {
    ck_assert(x[k] >= 0 && x[k] <= 1);
    ink += x[k];
  }
  for (int k = 0; k < 28; k++) ck_assert(x[k] == 0);
  ck_assert(ink > 10);
  for (int k = 0; k < 10; k++) ck_assert(y[k] == (k == 5));
}
END_TEST

int main(void)
{
  int st = gc_mnist_load(&m, NULL);
  if (st == GC_ENODATA) {
    printf("SKIP: real MNIST not present (%s)\n", gc_strerror_last());
    return 77;
  }
  if (st) {
    printf("FAIL: loading MNIST: %s\n", gc_strerror_last());
    return EXIT_FAILURE;
  }
  printf("# MNIST from %s\n", m->dir);
  Suite *s = suite_create("mnist_real");
  TCase *tc = test_case(s, "real");
  tcase_add_test(tc, test_split_and_labels);
  tcase_add_test(tc, test_label_counts);
  tcase_add_test(tc, test_batch_of_first_image);
  int rc = test_run(s);
  gc_mnist_free(m);
  return rc;
}
