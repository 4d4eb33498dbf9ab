/* gradchain/mnist.h -- TEMPORARY placeholder written on the trainer branch
 * so that the train/evaluate subcommands compile; the data helper's
 * version (same API) replaces it. */
#ifndef GRADCHAIN_MNIST_H
#define GRADCHAIN_MNIST_H

#include "gradchain/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_mnist {
  gc_dataset training, validation, test;
  unsigned char *train_images, *train_labels, *test_images, *test_labels;
} gc_mnist;

/* dir NULL: $GRADCHAIN_DATA.  GC_ENODATA if the files are absent. */
#define GC_MNIST_CLASSES 10
int gc_mnist_load(gc_mnist **out, const char *dir);
void gc_mnist_free(gc_mnist *m);

#ifdef __cplusplus
}
#endif
#endif
