/* mnist.c -- loading the four MNIST files and the book's split. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gradchain/error.h"
#include "gradchain/mnist.h"

const char *const gc_mnist_files[4] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

static char *join(const char *a, const char *b)
{
  char *s;
  if (asprintf(&s, "%s%s%s", a, (*a && a[strlen(a) - 1] == '/') ? "" : "/",
               b) < 0)
    return NULL;
  return s;
}

int gc_mnist_dir(char **out, const char *dir)
{
  *out = NULL;
  const char *env = getenv("GRADCHAIN_DATA");
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  char *s = NULL;
  if (dir && *dir) {
    s = strdup(dir);
  } else if (env && *env) {
    s = strdup(env);
  } else if (xdg && xdg[0] == '/') { /* the XDG spec ignores relative paths */
    s = join(xdg, "gradchain/mnist");
  } else {
    if (!home || !*home) {
      struct passwd *pw = getpwuid(getuid());
      home = pw ? pw->pw_dir : NULL;
    }
    if (!home || !*home)
      return gc_error(GC_ENODATA, "no home directory to hold the MNIST cache; "
                      "set GRADCHAIN_DATA to a directory");
    s = join(home, ".cache/gradchain/mnist");
  }
  if (!s) return gc_error(GC_ENOMEM, "out of memory");
  *out = s;
  return GC_OK;
}

size_t gc_mnist_validation_size(size_t n)
{
  size_t v = n / 6;
  return v < GC_MNIST_VALIDATION ? v : GC_MNIST_VALIDATION;
}

void gc_mnist_free(gc_mnist *m)
{
  if (!m) return;
  gc_idx_free(m->train_images);
  gc_idx_free(m->train_labels);
  gc_idx_free(m->test_images);
  gc_idx_free(m->test_labels);
  free(m->dir);
  free(m);
}

/* Find name or name.gz in dir: *path is malloc'ed.  GC_ENODATA (without
 * a message) when neither exists. */
static int find_file(char **path, const char *dir, const char *name)
{
  *path = NULL;
  char *p = join(dir, name), *gz = NULL;
  if (!p) return gc_error(GC_ENOMEM, "out of memory");
  struct stat sb;
  if (stat(p, &sb) == 0) {
    *path = p;
    return GC_OK;
  }
  int e = errno;
  if (e == ENOENT || e == ENOTDIR) {
    if (asprintf(&gz, "%s.gz", p) < 0) {
      free(p);
      return gc_error(GC_ENOMEM, "out of memory");
    }
    if (stat(gz, &sb) == 0) {
      free(p);
      *path = gz;
      return GC_OK;
    }
    e = errno;
    free(gz);
    if (e == ENOENT || e == ENOTDIR) {
      free(p);
      return GC_ENODATA;
    }
  }
  int st = gc_error(GC_EIO, "cannot access %s: %s", p, strerror(e));
  free(p);
  return st;
}

static int check_labels(const gc_idx *lab, const char *path)
{
  for (size_t i = 0; i < lab->size; i++)
    if (lab->data[i] >= GC_MNIST_CLASSES)
      return gc_error(GC_EFORMAT, "%s: label %u at index %zu is not a digit "
                      "0-9", path, lab->data[i], i);
  return GC_OK;
}

static int check_pair(const gc_idx *img, const char *ipath, const gc_idx *lab,
                      const char *lpath)
{
  if (img->ndims != 3)
    return gc_error(GC_EFORMAT, "%s: %u dimensions, expected 3 (images x rows "
                    "x cols)", ipath, img->ndims);
  if (lab->ndims != 1)
    return gc_error(GC_EFORMAT, "%s: %u dimensions, expected 1 (labels)",
                    lpath, lab->ndims);
  if (img->dims[0] != lab->dims[0])
    return gc_error(GC_EFORMAT, "%s holds %zu images but %s holds %zu labels",
                    ipath, img->dims[0], lpath, lab->dims[0]);
  return check_labels(lab, lpath);
}

static gc_dataset view(const gc_idx *img, const gc_idx *lab, size_t first,
                       size_t n)
{
  size_t dim = img->dims[1] * img->dims[2];
  gc_dataset d = {n, dim, GC_MNIST_CLASSES, img->data + first * dim,
                  lab->data + first};
  return d;
}

int gc_mnist_load(gc_mnist **out, const char *dir)
{
  *out = NULL;
  gc_mnist *m = calloc(1, sizeof *m);
  if (!m) return gc_error(GC_ENOMEM, "out of memory");
  char *path[4] = {NULL, NULL, NULL, NULL};
  gc_idx **idx[4] = {&m->train_images, &m->train_labels, &m->test_images,
                     &m->test_labels};
  int st = gc_mnist_dir(&m->dir, dir);
  for (int i = 0; i < 4 && !st; i++) {
    st = find_file(&path[i], m->dir, gc_mnist_files[i]);
    if (st == GC_ENODATA)
      gc_error(GC_ENODATA, "MNIST data set not found in %s (no %s)", m->dir,
               gc_mnist_files[i]);
  }
  for (int i = 0; i < 4 && !st; i++) st = gc_idx_read(idx[i], path[i]);
  if (!st) st = check_pair(m->train_images, path[0], m->train_labels, path[1]);
  if (!st) st = check_pair(m->test_images, path[2], m->test_labels, path[3]);
  if (!st && (m->test_images->dims[1] != m->train_images->dims[1] ||
              m->test_images->dims[2] != m->train_images->dims[2]))
    st = gc_error(GC_EFORMAT, "%s holds %zu x %zu images but %s holds %zu x "
                  "%zu images", path[0], m->train_images->dims[1],
                  m->train_images->dims[2], path[2],
                  m->test_images->dims[1], m->test_images->dims[2]);
  if (!st && m->train_images->dims[0] < 6)
    st = gc_error(GC_EFORMAT, "%s holds %zu images; at least 6 are needed to "
                  "split off a validation set", path[0],
                  m->train_images->dims[0]);
  for (int i = 0; i < 4; i++) free(path[i]);
  if (st) {
    gc_mnist_free(m);
    return st;
  }
  size_t n = m->train_images->dims[0], v = gc_mnist_validation_size(n);
  m->rows = m->train_images->dims[1];
  m->cols = m->train_images->dims[2];
  m->training = view(m->train_images, m->train_labels, 0, n - v);
  m->validation = view(m->train_images, m->train_labels, n - v, v);
  m->test = view(m->test_images, m->test_labels, 0,
                 m->test_images->dims[0]);
  *out = m;
  return GC_OK;
}
