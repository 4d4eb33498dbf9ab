/* gradchain/mnist.h -- the MNIST data set, split as in the book.
 *
 * gc_mnist_load() reads the four standard files from a directory
 *   train-images-idx3-ubyte  train-labels-idx1-ubyte
 *   t10k-images-idx3-ubyte   t10k-labels-idx1-ubyte
 * (each may instead be gzip-compressed and named with ".gz"; the plain
 * name is preferred when both exist) and checks them against each other:
 * images are idx3 and labels idx1, every image file has the same rows x
 * cols, each labels file has as many labels as its images file has
 * images, and every label is a digit 0..9.
 *
 * The split.  With N images in the training file, the last
 *     V = min(10000, floor(N / 6))
 * are the validation set and the first N - V the training set; the test
 * file is the test set.  For MNIST (N = 60,000) that is the book's split:
 * training = first 50,000, validation = last 10,000, test = 10,000.  A
 * small synthetic data set keeps the same 5:1 proportion (N = 60 gives
 * 50 / 10).  N must be at least 6, so that both parts are non-empty.
 *
 * The three gc_dataset views point into the loaded files: nothing is
 * copied, and they live as long as the gc_mnist.
 *
 * Where the data live.  gc_mnist_dir() resolves the directory: the
 * explicit argument if given, else $GRADCHAIN_DATA, else
 * $XDG_CACHE_HOME/gradchain/mnist, else ~/.cache/gradchain/mnist.  A
 * missing data set is GC_ENODATA, with a message naming the command that
 * fetches it (gradchain fetch-mnist).
 */
#ifndef GRADCHAIN_MNIST_H
#define GRADCHAIN_MNIST_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/dataset.h"
#include "gradchain/idx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GC_MNIST_CLASSES 10
#define GC_MNIST_VALIDATION 10000   /* the book's validation set size */

/* The standard file names, in the order train images, train labels,
 * test images, test labels. */
extern GC_API const char *const gc_mnist_files[4];

typedef struct gc_mnist {
  char *dir;               /* the directory the files were read from */
  size_t rows, cols;       /* image size (28 x 28 for MNIST) */
  gc_idx *train_images, *train_labels, *test_images, *test_labels;
  gc_dataset training;     /* first N - V training images */
  gc_dataset validation;   /* last V training images */
  gc_dataset test;         /* all test images */
} gc_mnist;

/* Resolve the data directory (see above) into *out, a malloc'ed string
 * the caller frees.  dir == NULL or "" means "not given". */
GC_API int gc_mnist_dir(char **out, const char *dir);

/* The validation size V for a training file of n images (see above). */
GC_API size_t gc_mnist_validation_size(size_t n);

/* Load the data set from dir (NULL: resolved by gc_mnist_dir). */
GC_API int gc_mnist_load(gc_mnist **out, const char *dir);
GC_API void gc_mnist_free(gc_mnist *m);

#ifdef __cplusplus
}
#endif
#endif
