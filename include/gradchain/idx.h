/* gradchain/idx.h -- the IDX file format of the MNIST data set.
 *
 * An IDX file is a 4-byte magic number 0x00 0x00 TYPE NDIMS, then NDIMS
 * big-endian 32-bit dimensions, then the product of the dimensions data
 * values, row-major.  Only TYPE 0x08 (unsigned byte) is read: MNIST's
 * labels are idx1 (n) and its images idx3 (n x rows x cols).
 *
 * gc_idx_read() accepts a plain file or a gzip-compressed one (told apart
 * by content, not by name).  It checks the magic number, the number of
 * dimensions, every dimension and the length of the file against each
 * other BEFORE it allocates the data, and names the file in its messages:
 * GC_EIO (cannot open / read), GC_EFORMAT (malformed), GC_ERANGE (larger
 * than GC_IDX_MAX_BYTES), GC_ENOMEM (allocation failed).
 */
#ifndef GRADCHAIN_IDX_H
#define GRADCHAIN_IDX_H

#include "gradchain/export.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Most dimensions accepted (MNIST uses 1 and 3). */
#define GC_IDX_MAX_DIMS 4
/* Largest data block accepted: 1 GiB (MNIST's training images: 47 MB). */
#define GC_IDX_MAX_BYTES ((size_t)1 << 30)
/* Largest single dimension: the format's dimensions are signed 32-bit. */
#define GC_IDX_MAX_DIM ((size_t)0x7fffffff)

typedef struct gc_idx {
  unsigned ndims;                /* 1 .. GC_IDX_MAX_DIMS */
  size_t dims[GC_IDX_MAX_DIMS];  /* dims[0 .. ndims-1], each >= 1 */
  size_t size;                   /* bytes of data: the product of dims */
  uint8_t *data;                 /* size bytes, row-major */
} gc_idx;

/* Read PATH (plain or gzip) into a new gc_idx. */
GC_API int gc_idx_read(gc_idx **out, const char *path);

GC_API void gc_idx_free(gc_idx *idx);

/* Write an uncompressed unsigned-byte IDX file: ndims dimensions dims[],
 * then prod(dims) bytes of data.  Written to a temporary file beside PATH
 * and renamed into place, so PATH is never left half-written. */
GC_API int gc_idx_write(const char *path, unsigned ndims, const size_t *dims,
                        const uint8_t *data);

#ifdef __cplusplus
}
#endif
#endif
