/* check_data.c -- the IDX reader and writer, the MNIST loader and split,
 * and gc_dataset_batch, on small files written here byte by byte. */
#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "gradchain/gradchain.h"
#include "testlib.h"

static char tmpdir[256];

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

static void setup(void)
{
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/gc-check-data-XXXXXX",
           t && *t ? t : "/tmp");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
  nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* tmpdir/name, in a static rotating buffer */
static const char *tpath(const char *name)
{
  static char buf[4][512];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static void write_raw(const char *path, const void *p, size_t n)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  if (n) ck_assert_uint_eq(fwrite(p, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
}

static void write_gz(const char *path, const void *p, size_t n)
{
  gzFile g = gzopen(path, "wb");
  ck_assert_ptr_nonnull(g);
  ck_assert_int_eq(gzwrite(g, p, (unsigned)n), (int)n);
  ck_assert_int_eq(gzclose(g), Z_OK);
}

/* An IDX header by hand: 00 00 type nd, then big-endian dims. */
static size_t header(uint8_t *h, uint8_t type, unsigned nd,
                     const uint32_t *dims)
{
  h[0] = 0;
  h[1] = 0;
  h[2] = type;
  h[3] = (uint8_t)nd;
  for (unsigned i = 0; i < nd; i++) {
    h[4 + 4 * i] = (uint8_t)(dims[i] >> 24);
    h[5 + 4 * i] = (uint8_t)(dims[i] >> 16);
    h[6 + 4 * i] = (uint8_t)(dims[i] >> 8);
    h[7 + 4 * i] = (uint8_t)dims[i];
  }
  return 4 + 4 * (size_t)nd;
}

/* Read path, expect status st, a message naming the file and containing
 * `what`, and no object. */
static void expect_fail(const char *path, int st, const char *what)
{
  gc_idx *x = (gc_idx *)1;
  gc_error_clear();
  ck_assert_int_eq(gc_idx_read(&x, path), st);
  ck_assert_ptr_null(x);
  const char *m = gc_strerror_last();
  ck_assert_msg(strstr(m, path) != NULL, "message '%s' does not name %s", m,
                path);
  ck_assert_msg(strstr(m, what) != NULL, "message '%s' lacks '%s'", m, what);
}

START_TEST(test_hand_built_file)
{
  /* labels: idx1 of 5 bytes, built byte by byte */
  const uint8_t f[] = {0, 0, 8, 1, 0, 0, 0, 5, 7, 0, 9, 255, 1};
  write_raw(tpath("lab"), f, sizeof f);
  gc_idx *x;
  ck_assert_int_eq(gc_idx_read(&x, tpath("lab")), GC_OK);
  ck_assert_uint_eq(x->ndims, 1);
  ck_assert_uint_eq(x->dims[0], 5);
  ck_assert_uint_eq(x->size, 5);
  ck_assert_mem_eq(x->data, f + 8, 5);
  gc_idx_free(x);

  /* images: 2 x 2 x 3, dims > 255 in a byte position tested separately */
  uint8_t g[4 + 12 + 12];
  const uint32_t d[] = {2, 2, 3};
  size_t h = header(g, 8, 3, d);
  ck_assert_uint_eq(h, 16);
  for (int i = 0; i < 12; i++) g[h + i] = (uint8_t)(20 * i + 3);
  write_raw(tpath("img"), g, sizeof g);
  ck_assert_int_eq(gc_idx_read(&x, tpath("img")), GC_OK);
  ck_assert_uint_eq(x->ndims, 3);
  ck_assert_uint_eq(x->dims[0], 2);
  ck_assert_uint_eq(x->dims[1], 2);
  ck_assert_uint_eq(x->dims[2], 3);
  ck_assert_uint_eq(x->size, 12);
  ck_assert_uint_eq(x->data[11], 223);
  gc_idx_free(x);

  /* a dimension with all four bytes in use: 0x00010203 = 66051 labels */
  size_t n = 66051;
  uint8_t *big = calloc(8 + n, 1);
  const uint8_t bh[] = {0, 0, 8, 1, 0x00, 0x01, 0x02, 0x03};
  memcpy(big, bh, 8);
  big[8 + n - 1] = 42;
  write_raw(tpath("big"), big, 8 + n);
  ck_assert_int_eq(gc_idx_read(&x, tpath("big")), GC_OK);
  ck_assert_uint_eq(x->dims[0], n);
  ck_assert_uint_eq(x->data[n - 1], 42);
  gc_idx_free(x);
  free(big);
}
END_TEST

START_TEST(test_write_round_trip)
{
  /* gc_idx_write's bytes are the format's, checked by hand */
  const size_t d[] = {3, 2, 2};
  uint8_t data[12];
  for (int i = 0; i < 12; i++) data[i] = (uint8_t)(255 - 17 * i);
  ck_assert_int_eq(gc_idx_write(tpath("w"), 3, d, data), GC_OK);
  FILE *f = fopen(tpath("w"), "rb");
  ck_assert_ptr_nonnull(f);
  uint8_t buf[64];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  const uint8_t want[] = {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2};
  ck_assert_uint_eq(n, 16 + 12);
  ck_assert_mem_eq(buf, want, 16);
  ck_assert_mem_eq(buf + 16, data, 12);

  gc_idx *x;
  ck_assert_int_eq(gc_idx_read(&x, tpath("w")), GC_OK);
  ck_assert_uint_eq(x->ndims, 3);
  for (int i = 0; i < 3; i++) ck_assert_uint_eq(x->dims[i], d[i]);
  ck_assert_mem_eq(x->data, data, 12);
  gc_idx_free(x);

  /* idx1, and overwriting an existing file */
  const size_t d1[] = {7};
  ck_assert_int_eq(gc_idx_write(tpath("w"), 1, d1, data), GC_OK);
  ck_assert_int_eq(gc_idx_read(&x, tpath("w")), GC_OK);
  ck_assert_uint_eq(x->ndims, 1);
  ck_assert_uint_eq(x->size, 7);
  ck_assert_mem_eq(x->data, data, 7);
  gc_idx_free(x);

  /* no temporary file is left behind */
  DIR *dp = opendir(tmpdir);
  ck_assert_ptr_nonnull(dp);
  for (struct dirent *e; (e = readdir(dp));)
    ck_assert_msg(!strstr(e->d_name, ".tmp."), "left behind: %s", e->d_name);
  closedir(dp);

  /* bad arguments */
  const size_t z[] = {0};
  ck_assert_int_eq(gc_idx_write(tpath("bad"), 1, z, data), GC_EINVAL);
  ck_assert_int_eq(gc_idx_write(tpath("bad"), 0, d, data), GC_EINVAL);
  ck_assert_int_eq(gc_idx_write(tpath("bad"), 5, d, data), GC_EINVAL);
  const size_t huge[] = {(size_t)1 << 31};
  ck_assert_int_eq(gc_idx_write(tpath("bad"), 1, huge, data), GC_EINVAL);
  ck_assert_int_eq(access(tpath("bad"), F_OK), -1);
  ck_assert_int_eq(gc_idx_write(tpath("no/such/dir"), 1, d1, data), GC_EIO);
}
END_TEST

START_TEST(test_gzip_round_trip)
{
  uint8_t f[16 + 24];
  const uint32_t d[] = {2, 3, 4};
  size_t h = header(f, 8, 3, d);
  for (int i = 0; i < 24; i++) f[h + i] = (uint8_t)(i * i);
  write_gz(tpath("img.gz"), f, sizeof f);
  /* it really is compressed: starts with the gzip magic */
  FILE *fp = fopen(tpath("img.gz"), "rb");
  ck_assert_ptr_nonnull(fp);
  ck_assert_int_eq(fgetc(fp), 0x1f);
  ck_assert_int_eq(fgetc(fp), 0x8b);
  fclose(fp);
  gc_idx *x;
  ck_assert_int_eq(gc_idx_read(&x, tpath("img.gz")), GC_OK);
  ck_assert_uint_eq(x->ndims, 3);
  ck_assert_uint_eq(x->dims[0], 2);
  ck_assert_uint_eq(x->dims[1], 3);
  ck_assert_uint_eq(x->dims[2], 4);
  ck_assert_mem_eq(x->data, f + h, 24);
  gc_idx_free(x);

  /* detected by content, not name: a gzip file without .gz */
  write_gz(tpath("plainname"), f, sizeof f);
  ck_assert_int_eq(gc_idx_read(&x, tpath("plainname")), GC_OK);
  ck_assert_mem_eq(x->data, f + h, 24);
  gc_idx_free(x);

  /* larger than the reader's first 1 MiB buffer: the buffer grows */
  size_t n = 3u << 20;
  uint8_t *big = malloc(8 + n);
  const uint32_t dn[] = {(uint32_t)n};
  header(big, 8, 1, dn);
  for (size_t i = 0; i < n; i++) big[8 + i] = (uint8_t)(i % 251);
  write_gz(tpath("big.gz"), big, 8 + n);
  ck_assert_int_eq(gc_idx_read(&x, tpath("big.gz")), GC_OK);
  ck_assert_uint_eq(x->size, n);
  ck_assert_mem_eq(x->data, big + 8, n);
  gc_idx_free(x);
  free(big);
}
END_TEST

START_TEST(test_gzip_malformed)
{
  uint8_t f[8 + 10 + 1];
  const uint32_t d[] = {10};
  size_t h = header(f, 8, 1, d);
  for (int i = 0; i < 11; i++) f[h + i] = (uint8_t)i;
  /* payload one short, one long */
  write_gz(tpath("short.gz"), f, h + 9);
  expect_fail(tpath("short.gz"), GC_EFORMAT, "truncated");
  write_gz(tpath("long.gz"), f, h + 11);
  expect_fail(tpath("long.gz"), GC_EFORMAT, "trailing");
  /* wrong magic inside the gzip stream */
  f[1] = 1;
  write_gz(tpath("magic.gz"), f, h + 10);
  expect_fail(tpath("magic.gz"), GC_EFORMAT, "magic");
  f[1] = 0;
  /* a header claiming 2^31 images */
  const uint32_t d31[] = {0x80000000u, 28, 28};
  uint8_t g[16];
  header(g, 8, 3, d31);
  write_gz(tpath("2e31.gz"), g, 16);
  expect_fail(tpath("2e31.gz"), GC_EFORMAT, "2147483648");
  /* 2^31-1 images of 28 x 28: legal dims, but 1.6 TB: refused before any
   * allocation */
  const uint32_t dmax[] = {0x7fffffffu, 28, 28};
  header(g, 8, 3, dmax);
  write_gz(tpath("huge.gz"), g, 16);
  expect_fail(tpath("huge.gz"), GC_ERANGE, "limit");
  /* a header claiming 1 GiB - 1 that holds only 3 bytes: the buffer does
   * not grow beyond what is there, and the answer is "truncated" */
  const uint32_t dg[] = {(1u << 30) - 1};
  uint8_t k[11] = {0};
  header(k, 8, 1, dg);
  write_gz(tpath("lie.gz"), k, 11);
  expect_fail(tpath("lie.gz"), GC_EFORMAT, "truncated");

  /* a correct gzip file cut short: the stream is corrupt / truncated */
  write_gz(tpath("cut.gz"), f, h + 10);
  struct stat sb;
  ck_assert_int_eq(stat(tpath("cut.gz"), &sb), 0);
  ck_assert_int_eq(truncate(tpath("cut.gz"), sb.st_size - 6), 0);
  expect_fail(tpath("cut.gz"), GC_EFORMAT, "");
  /* a flipped byte in the data: the CRC check catches it */
  write_gz(tpath("crc.gz"), f, h + 10);
  FILE *fp = fopen(tpath("crc.gz"), "r+b");
  ck_assert_ptr_nonnull(fp);
  fseek(fp, -8, SEEK_END); /* the CRC32 of the trailer */
  int c = fgetc(fp);
  fseek(fp, -8, SEEK_END);
  fputc(c ^ 0x55, fp);
  fclose(fp);
  expect_fail(tpath("crc.gz"), GC_EFORMAT, "gzip");
}
END_TEST

/* Regression (found writing doc/bad-input.md): a broken gzip stream's
 * message carried zlib's "<fd:3>" for the descriptor, and a one-dimension
 * header cut short said "1 dimensions". */
START_TEST(test_messages_clean)
{
  const uint8_t junk[] = {0x1f, 0x8b, 0x08, 0x00, 'j', 'u', 'n', 'k'};
  write_raw(tpath("junk.gz"), junk, sizeof junk);
  expect_fail(tpath("junk.gz"), GC_EFORMAT, "gzip");
  const char *m = gc_strerror_last();
  ck_assert_msg(strstr(m, "<fd:") == NULL, "message '%s' names a descriptor",
                m);
  ck_assert_msg(strstr(m, "unexpected end of file") != NULL,
                "message '%s' lacks zlib's reason", m);
  const uint8_t cut[] = {0, 0, 8, 1, 0, 0};
  write_raw(tpath("cut1"), cut, sizeof cut);
  expect_fail(tpath("cut1"), GC_EFORMAT,
              "truncated header: 1 dimension declared but the file ends "
              "after 6 bytes");
}
END_TEST

START_TEST(test_malformed_headers)
{
  uint8_t f[64];
  const uint32_t d[] = {3};
  size_t h = header(f, 8, 1, d);
  f[h] = 1;
  f[h + 1] = 2;
  f[h + 2] = 3;
  f[h + 3] = 99; /* garbage */

  /* wrong magic: the first two bytes must be zero */
  uint8_t m[12];
  memcpy(m, f, 11);
  m[0] = 1;
  write_raw(tpath("magic"), m, 11);
  expect_fail(tpath("magic"), GC_EFORMAT, "magic");
  /* a gzip-looking first byte but not the second */
  m[0] = 0x1f;
  m[1] = 0x00;
  write_raw(tpath("magic2"), m, 11);
  expect_fail(tpath("magic2"), GC_EFORMAT, "magic");

  /* wrong type byte: 0x0D is float */
  memcpy(m, f, 11);
  m[2] = 0x0D;
  write_raw(tpath("type"), m, 11);
  expect_fail(tpath("type"), GC_EFORMAT, "0x0d");

  /* wrong number of dimensions: 0, and more than supported */
  memcpy(m, f, 11);
  m[3] = 0;
  write_raw(tpath("nd0"), m, 11);
  expect_fail(tpath("nd0"), GC_EFORMAT, "dimensions");
  uint8_t m5[64];
  const uint32_t d5[] = {1, 1, 1, 1, 1};
  size_t h5 = header(m5, 8, 5, d5);
  m5[h5] = 7;
  write_raw(tpath("nd5"), m5, h5 + 1);
  expect_fail(tpath("nd5"), GC_EFORMAT, "5 dimensions");

  /* truncated payload; trailing garbage */
  write_raw(tpath("trunc"), f, h + 2);
  expect_fail(tpath("trunc"), GC_EFORMAT, "truncated");
  write_raw(tpath("trail"), f, h + 4);
  expect_fail(tpath("trail"), GC_EFORMAT, "1 byte of trailing");

  /* a truncated header: 3 dims declared, the file ends after 2 */
  const uint32_t d3[] = {1, 2, 3};
  uint8_t t[16];
  header(t, 8, 3, d3);
  write_raw(tpath("thdr"), t, 12);
  expect_fail(tpath("thdr"), GC_EFORMAT, "truncated header");
  /* shorter than the magic number */
  write_raw(tpath("tiny"), t, 3);
  expect_fail(tpath("tiny"), GC_EFORMAT, "too short");

  /* a header claiming 2^31 images (dims are signed 32-bit) */
  const uint32_t d31[] = {0x80000000u, 28, 28};
  uint8_t g[16 + 784];
  header(g, 8, 3, d31);
  memset(g + 16, 0, 784);
  write_raw(tpath("2e31"), g, sizeof g);
  expect_fail(tpath("2e31"), GC_EFORMAT, "2147483648");
  /* 2^31-1 images, legal dims, in a file holding one: truncated, without
   * allocating 1.6 TB */
  const uint32_t dmax[] = {0x7fffffffu, 28, 28};
  header(g, 8, 3, dmax);
  write_raw(tpath("huge"), g, sizeof g);
  expect_fail(tpath("huge"), GC_EFORMAT, "truncated");
  /* all four dims at 2^31-1: the product overflows 64 bits */
  const uint32_t dov[] = {0x7fffffffu, 0x7fffffffu, 0x7fffffffu,
                          0x7fffffffu};
  uint8_t o[20];
  header(o, 8, 4, dov);
  write_raw(tpath("ovf"), o, 20);
  expect_fail(tpath("ovf"), GC_EFORMAT, "truncated");

  /* a zero dimension */
  const uint32_t d0[] = {5, 0, 28};
  header(g, 8, 3, d0);
  write_raw(tpath("zero"), g, 16);
  expect_fail(tpath("zero"), GC_EFORMAT, "is 0");

  /* empty file; missing file; a directory */
  write_raw(tpath("empty"), f, 0);
  expect_fail(tpath("empty"), GC_EFORMAT, "empty");
  expect_fail(tpath("missing"), GC_EIO, "No such file");
  expect_fail(tmpdir, GC_EIO, "not a regular file");
}
END_TEST

/* ---------------------------------------------------------------- MNIST */

/* pixel k of image i of a synthetic set: a value that identifies both */
static uint8_t pix(size_t i, size_t k) { return (uint8_t)((i * 7 + k * 3) % 256); }

/* Write an MNIST-shaped directory: n training images of r x c, nt test
 * images, labels i % 10.  gz selects .gz for the training images. */
static void write_mnist(const char *dir, size_t n, size_t nt, size_t r,
                        size_t c, int gz)
{
  mkdir(dir, 0755);
  char p[600];
  size_t dim = r * c, cnt[2] = {n, nt};
  for (int s = 0; s < 2; s++) {
    uint8_t *img = malloc(cnt[s] * dim), *lab = malloc(cnt[s]);
    for (size_t i = 0; i < cnt[s]; i++) {
      lab[i] = (uint8_t)(i % 10);
      for (size_t k = 0; k < dim; k++) img[i * dim + k] = pix(i + 1000 * s, k);
    }
    const size_t di[] = {cnt[s], r, c}, dl[] = {cnt[s]};
    snprintf(p, sizeof p, "%s/%s", dir, gc_mnist_files[2 * s]);
    if (gz && s == 0) {
      uint8_t *buf = malloc(16 + n * dim);
      const uint32_t d32[] = {(uint32_t)n, (uint32_t)r, (uint32_t)c};
      header(buf, 8, 3, d32);
      memcpy(buf + 16, img, n * dim);
      strcat(p, ".gz");
      write_gz(p, buf, 16 + n * dim);
      free(buf);
    } else {
      ck_assert_int_eq(gc_idx_write(p, 3, di, img), GC_OK);
    }
    snprintf(p, sizeof p, "%s/%s", dir, gc_mnist_files[2 * s + 1]);
    ck_assert_int_eq(gc_idx_write(p, 1, dl, lab), GC_OK);
    free(img);
    free(lab);
  }
}

START_TEST(test_split_rule)
{
  ck_assert_uint_eq(gc_mnist_validation_size(60000), 10000);
  ck_assert_uint_eq(gc_mnist_validation_size(70000), 10000);
  ck_assert_uint_eq(gc_mnist_validation_size(59999), 9999);
  ck_assert_uint_eq(gc_mnist_validation_size(60), 10);
  ck_assert_uint_eq(gc_mnist_validation_size(65), 10);
  ck_assert_uint_eq(gc_mnist_validation_size(6), 1);
  ck_assert_uint_eq(gc_mnist_validation_size(5), 0);
}
END_TEST

START_TEST(test_mnist_small)
{
  const char *dir = tpath("m");
  write_mnist(dir, 60, 7, 2, 3, 0);
  gc_mnist *m;
  ck_assert_int_eq(gc_mnist_load(&m, dir), GC_OK);
  ck_assert_str_eq(m->dir, dir);
  ck_assert_uint_eq(m->rows, 2);
  ck_assert_uint_eq(m->cols, 3);
  ck_assert_uint_eq(m->training.n, 50);
  ck_assert_uint_eq(m->validation.n, 10);
  ck_assert_uint_eq(m->test.n, 7);
  const gc_dataset *ds[] = {&m->training, &m->validation, &m->test};
  const size_t first[] = {0, 50, 1000}; /* index into pix() */
  for (int s = 0; s < 3; s++) {
    ck_assert_uint_eq(ds[s]->dim, 6);
    ck_assert_uint_eq(ds[s]->nclasses, 10);
    for (size_t i = 0; i < ds[s]->n; i++) {
      size_t lab_i = s == 2 ? i : first[s] + i;
      ck_assert_uint_eq(ds[s]->labels[i], lab_i % 10);
      for (size_t k = 0; k < 6; k++)
        ck_assert_uint_eq(ds[s]->images[i * 6 + k], pix(first[s] + i, k));
    }
  }
  gc_mnist_free(m);

  /* the rule at its edges: 6 -> 5 / 1; 70000 -> 60000 / 10000 */
  dir = tpath("m6");
  write_mnist(dir, 6, 1, 1, 1, 0);
  ck_assert_int_eq(gc_mnist_load(&m, dir), GC_OK);
  ck_assert_uint_eq(m->training.n, 5);
  ck_assert_uint_eq(m->validation.n, 1);
  ck_assert_uint_eq(m->validation.labels[0], 5);
  gc_mnist_free(m);
  dir = tpath("m70k");
  write_mnist(dir, 70000, 3, 1, 1, 0);
  ck_assert_int_eq(gc_mnist_load(&m, dir), GC_OK);
  ck_assert_uint_eq(m->training.n, 60000);
  ck_assert_uint_eq(m->validation.n, 10000);
  ck_assert_uint_eq(m->validation.images[0], pix(60000, 0));
  gc_mnist_free(m);
  /* 5 images cannot be split */
  dir = tpath("m5");
  write_mnist(dir, 5, 1, 1, 1, 0);
  gc_mnist *bad = (gc_mnist *)1;
  ck_assert_int_eq(gc_mnist_load(&bad, dir), GC_EFORMAT);
  ck_assert_ptr_null(bad);
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), "at least 6"));
}
END_TEST

START_TEST(test_mnist_gz)
{
  const char *dir = tpath("g");
  write_mnist(dir, 12, 2, 4, 4, 1);
  ck_assert_int_eq(access(tpath("g/train-images-idx3-ubyte.gz"), F_OK), 0);
  ck_assert_int_eq(access(tpath("g/train-images-idx3-ubyte"), F_OK), -1);
  gc_mnist *m;
  ck_assert_int_eq(gc_mnist_load(&m, dir), GC_OK);
  ck_assert_uint_eq(m->training.n, 10);
  ck_assert_uint_eq(m->validation.n, 2);
  ck_assert_uint_eq(m->training.images[17], pix(1, 1));
  gc_mnist_free(m);
}
END_TEST

static void expect_load_fail(const char *dir, int st, const char *what)
{
  gc_mnist *m = (gc_mnist *)1;
  gc_error_clear();
  ck_assert_int_eq(gc_mnist_load(&m, dir), st);
  ck_assert_ptr_null(m);
  ck_assert_msg(strstr(gc_strerror_last(), what) != NULL,
                "message '%s' lacks '%s'", gc_strerror_last(), what);
}

START_TEST(test_mnist_malformed)
{
  char p[600];
  const char *dir = tpath("bad");
  uint8_t lab[61];
  for (int i = 0; i < 61; i++) lab[i] = (uint8_t)(i % 10);

  /* labels / images count mismatch, training and test */
  write_mnist(dir, 60, 7, 2, 2, 0);
  const size_t d59[] = {59};
  snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte", dir);
  ck_assert_int_eq(gc_idx_write(p, 1, d59, lab), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "60 images but");
  expect_load_fail(dir, GC_EFORMAT, "59 labels");
  write_mnist(dir, 60, 7, 2, 2, 0);
  const size_t d8[] = {8};
  snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte", dir);
  ck_assert_int_eq(gc_idx_write(p, 1, d8, lab), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "7 images but");

  /* a label >= 10 */
  write_mnist(dir, 60, 7, 2, 2, 0);
  lab[33] = 10;
  const size_t d60[] = {60};
  snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte", dir);
  ck_assert_int_eq(gc_idx_write(p, 1, d60, lab), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "label 10 at index 33");
  lab[33] = 255;
  ck_assert_int_eq(gc_idx_write(p, 1, d60, lab), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "label 255");
  lab[33] = 3;

  /* test images of another size */
  write_mnist(dir, 60, 7, 2, 2, 0);
  uint8_t img[7 * 6] = {0};
  const size_t d723[] = {7, 2, 3};
  snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte", dir);
  ck_assert_int_eq(gc_idx_write(p, 3, d723, img), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "2 x 3 images");

  /* images as idx2, labels as idx3 */
  write_mnist(dir, 60, 7, 2, 2, 0);
  const size_t d74[] = {7, 4};
  ck_assert_int_eq(gc_idx_write(p, 2, d74, img), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "expected 3");
  write_mnist(dir, 60, 7, 2, 2, 0);
  const size_t d711[] = {7, 1, 1};
  snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte", dir);
  ck_assert_int_eq(gc_idx_write(p, 3, d711, lab), GC_OK);
  expect_load_fail(dir, GC_EFORMAT, "expected 1");

  /* a malformed file inside: the reader's message comes through */
  write_mnist(dir, 60, 7, 2, 2, 0);
  write_raw(p, "\0\0\x08\x01\0\0\0\x07", 8);
  expect_load_fail(dir, GC_EFORMAT, "truncated");

  /* a missing file: GC_ENODATA naming the file and the directory (the
   * command line adds how to fetch them; the library names no command) */
  write_mnist(dir, 60, 7, 2, 2, 0);
  ck_assert_int_eq(unlink(p), 0);
  expect_load_fail(dir, GC_ENODATA, "t10k-labels-idx1-ubyte");
  ck_assert_ptr_nonnull(strstr(gc_strerror_last(), dir));
  ck_assert_ptr_null(strstr(gc_strerror_last(), "gradchain"));
  expect_load_fail(tpath("nowhere"), GC_ENODATA, "MNIST data set not found");
}
END_TEST

START_TEST(test_mnist_dir)
{
  char *d;
  /* explicit beats everything */
  setenv("GRADCHAIN_DATA", "/env/data", 1);
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  setenv("HOME", "/home/u", 1);
  ck_assert_int_eq(gc_mnist_dir(&d, "/explicit"), GC_OK);
  ck_assert_str_eq(d, "/explicit");
  free(d);
  ck_assert_int_eq(gc_mnist_dir(&d, NULL), GC_OK);
  ck_assert_str_eq(d, "/env/data");
  free(d);
  ck_assert_int_eq(gc_mnist_dir(&d, ""), GC_OK);
  ck_assert_str_eq(d, "/env/data");
  free(d);
  setenv("GRADCHAIN_DATA", "", 1);
  ck_assert_int_eq(gc_mnist_dir(&d, NULL), GC_OK);
  ck_assert_str_eq(d, "/xdg/gradchain/mnist");
  free(d);
  unsetenv("GRADCHAIN_DATA");
  setenv("XDG_CACHE_HOME", "/xdg/", 1);
  ck_assert_int_eq(gc_mnist_dir(&d, NULL), GC_OK);
  ck_assert_str_eq(d, "/xdg/gradchain/mnist");
  free(d);
  /* a relative XDG_CACHE_HOME is ignored, as the XDG spec says */
  setenv("XDG_CACHE_HOME", "rel", 1);
  ck_assert_int_eq(gc_mnist_dir(&d, NULL), GC_OK);
  ck_assert_str_eq(d, "/home/u/.cache/gradchain/mnist");
  free(d);
  unsetenv("XDG_CACHE_HOME");
  ck_assert_int_eq(gc_mnist_dir(&d, NULL), GC_OK);
  ck_assert_str_eq(d, "/home/u/.cache/gradchain/mnist");
  free(d);

  /* with no directory given, a missing data set's message names the
   * directory resolved */
  setenv("GRADCHAIN_DATA", tpath("empty-cache"), 1);
  gc_mnist *m = (gc_mnist *)1;
  ck_assert_int_eq(gc_mnist_load(&m, NULL), GC_ENODATA);
  ck_assert_ptr_null(m);
  const char *msg = gc_strerror_last();
  ck_assert_ptr_nonnull(strstr(msg, tpath("empty-cache")));
  ck_assert_ptr_null(strstr(msg, "gradchain"));
  /* and the data found there load */
  write_mnist(tpath("empty-cache"), 12, 1, 1, 2, 0);
  ck_assert_int_eq(gc_mnist_load(&m, NULL), GC_OK);
  ck_assert_uint_eq(m->training.n, 10);
  gc_mnist_free(m);
}
END_TEST

/* ---------------------------------------------------------- the batch */

START_TEST(test_dataset_batch)
{
  const uint8_t img[] = {0, 255, 51, 102, 1, 254, 204, 153, 17};
  const uint8_t lab[] = {3, 0, 1};
  gc_dataset d = {3, 3, 4, img, lab};
  double x[9], y[12];
  /* hand values: 51/255 = 0.2, 102/255 = 0.4, 153/255 = 0.6, 204/255 =
   * 0.8, 17/255 = 1/15 */
  const size_t idx[] = {1, 0, 2};
  gc_dataset_batch(x, y, &d, idx, 0, 3);
  const double wx[] = {0.4, 1.0 / 255, 254.0 / 255, 0, 1, 0.2,
                       0.8, 0.6, 1.0 / 15};
  for (int i = 0; i < 9; i++)
    ck_assert_msg(fabs(x[i] - wx[i]) <= 2e-16, "x[%d] = %.17g, want %.17g", i,
                  x[i], wx[i]);
  const double wy[] = {1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0};
  for (int i = 0; i < 12; i++) ck_assert(y[i] == wy[i]);
  /* idx == NULL: examples first .. first+B-1; y == NULL left alone */
  double x2[6], y2[4] = {-1, -1, -1, -1};
  gc_dataset_batch(x2, NULL, &d, NULL, 1, 2);
  for (int i = 0; i < 6; i++)
    ck_assert(fabs(x2[i] - wx[(i < 3 ? 0 : 6) + i % 3]) <= 2e-16);
  gc_dataset_batch(x2, y2, &d, NULL, 2, 1);
  ck_assert(y2[0] == 0 && y2[1] == 1 && y2[2] == 0 && y2[3] == 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("data");
  TCase *tc = test_case(s, "idx");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_hand_built_file);
  tcase_add_test(tc, test_write_round_trip);
  tcase_add_test(tc, test_gzip_round_trip);
  tcase_add_test(tc, test_gzip_malformed);
  tcase_add_test(tc, test_malformed_headers);
  tcase_add_test(tc, test_messages_clean);
  TCase *tm = test_case(s, "mnist");
  tcase_add_checked_fixture(tm, setup, teardown);
  tcase_add_test(tm, test_split_rule);
  tcase_add_test(tm, test_mnist_small);
  tcase_add_test(tm, test_mnist_gz);
  tcase_add_test(tm, test_mnist_malformed);
  tcase_add_test(tm, test_mnist_dir);
  tcase_add_test(tm, test_dataset_batch);
  tcase_set_timeout(tm, 30);
  return test_run(s);
}
