/* mnist_stub.c -- TEMPORARY stand-in for the data helper's IDX reader, on
 * the trainer branch only: reads the four uncompressed IDX files from DIR
 * (or $GRADCHAIN_DATA).  To be dropped at merge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "gradchain/mnist.h"

static unsigned char *slurp(const char *dir, const char *name, size_t skip,
                            size_t want)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  unsigned char *b = malloc(want);
  if (b && (fseek(f, (long)skip, SEEK_SET) || fread(b, 1, want, f) != want)) {
    free(b);
    b = NULL;
  }
  fclose(f);
  return b;
}

int gc_mnist_load(gc_mnist **out, const char *dir)
{
  *out = NULL;
  if (!dir) dir = getenv("GRADCHAIN_DATA");
  if (!dir)
    return gc_error(GC_ENODATA, "MNIST not found: run `gradchain fetch-mnist` "
                    "or set GRADCHAIN_DATA");
  gc_mnist *m = calloc(1, sizeof *m);
  if (!m) return gc_error(GC_ENOMEM, "out of memory");
  m->train_images = slurp(dir, "train-images-idx3-ubyte", 16, 60000 * 784);
  m->train_labels = slurp(dir, "train-labels-idx1-ubyte", 8, 60000);
  m->test_images = slurp(dir, "t10k-images-idx3-ubyte", 16, 10000 * 784);
  m->test_labels = slurp(dir, "t10k-labels-idx1-ubyte", 8, 10000);
  if (!m->train_images || !m->train_labels || !m->test_images ||
      !m->test_labels) {
    gc_mnist_free(m);
    return gc_error(GC_ENODATA, "MNIST not found in %s: run `gradchain "
                    "fetch-mnist`", dir);
  }
  gc_dataset t = {50000, 784, 10, m->train_images, m->train_labels};
  m->training = t;
  gc_dataset v = {10000, 784, 10, m->train_images + 50000 * 784,
                  m->train_labels + 50000};
  m->validation = v;
  gc_dataset s = {10000, 784, 10, m->test_images, m->test_labels};
  m->test = s;
  *out = m;
  return GC_OK;
}

void gc_mnist_free(gc_mnist *m)
{
  if (!m) return;
  free(m->train_images);
  free(m->train_labels);
  free(m->test_images);
  free(m->test_labels);
  free(m);
}
