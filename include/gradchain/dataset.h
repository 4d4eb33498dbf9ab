/* gradchain/dataset.h -- labelled image data held as bytes.
 *
 * Images stay as the bytes of the IDX files (n x rows*cols, row-major);
 * the trainer scales a mini-batch to [0,1] doubles (pixel / 255) when it
 * uses it, so the training set is held once, compactly.  The MNIST split
 * (training = first 50,000 training images, validation = the last 10,000,
 * test = the 10,000 test images) is made of views into the loaded files.
 */
#ifndef GRADCHAIN_DATASET_H
#define GRADCHAIN_DATASET_H

#include "gradchain/export.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gc_dataset {
  size_t n;               /* number of examples */
  size_t dim;             /* pixels per example (rows * cols; 784) */
  size_t nclasses;        /* labels are 0 .. nclasses-1 (10) */
  const uint8_t *images;  /* n * dim bytes */
  const uint8_t *labels;  /* n bytes */
} gc_dataset;

/* Scale examples idx[0..B-1] of d into x (B x dim doubles, pixel/255) and,
 * if y != NULL, one-hot targets into y (B x nclasses).  idx == NULL means
 * examples first .. first+B-1. */
GC_API void gc_dataset_batch(double *x, double *y, const gc_dataset *d,
                             const size_t *idx, size_t first, size_t B);

/* Hint that examples idx[0..B-1] of d (their pixels and labels) will be
 * read soon: start loading them into the cache without waiting.  The
 * trainer calls it for the next mini-batch, whose rows are scattered over
 * a training set larger than the caches, while it computes the current
 * one.  Changes no data; a no-op where the compiler has no prefetch. */
GC_API void gc_dataset_prefetch(const gc_dataset *d, const size_t *idx,
                                size_t B);

#ifdef __cplusplus
}
#endif
#endif
