/* json.c -- the cursor JSON reader behind netio.c and checkpoint.c, and
 * the value writers. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/error.h"
#include "io/json.h"

void gc_json_init(gc_json *j, const char *text, size_t len, const char *what)
{
  j->start = j->p = text;
  j->end = text + len;
  j->what = what ? what : "JSON";
}

int gc_json_fail(gc_json *j, const char *fmt, ...)
{
  size_t line = 1, col = 1;
  for (const char *q = j->start; q < j->p && q < j->end; q++) {
    if (*q == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  char msg[384];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return gc_error(GC_EFORMAT, "%s:%zu:%zu: %s", j->what, line, col, msg);
}

static void skip_ws(gc_json *j)
{
  while (j->p < j->end &&
         (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

int gc_json_peek(gc_json *j)
{
  skip_ws(j);
  return j->p < j->end ? (unsigned char)*j->p : 0;
}

static const char *describe(gc_json *j)
{
  static _Thread_local char buf[32];
  if (j->p >= j->end) return "the end of the text (truncated?)";
  unsigned char c = (unsigned char)*j->p;
  if (c >= 0x20 && c < 0x7f) snprintf(buf, sizeof buf, "'%c'", c);
  else snprintf(buf, sizeof buf, "byte 0x%02x", c);
  return buf;
}

int gc_json_expect(gc_json *j, int c, const char *ctx)
{
  if (gc_json_peek(j) != c)
    return gc_json_fail(j, "%s: expected '%c' but found %s", ctx, c,
                        describe(j));
  j->p++;
  return GC_OK;
}

int gc_json_accept(gc_json *j, int c)
{
  if (gc_json_peek(j) != c) return 0;
  j->p++;
  return 1;
}

int gc_json_hexval(int c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* buf may be NULL (skip); non-ASCII \u escapes are stored as '?' */
static int string_in(gc_json *j, char *buf, size_t cap, const char *ctx)
{
  size_t k = 0;
  if (gc_json_peek(j) != '"')
    return gc_json_fail(j, "%s: expected a string but found %s", ctx,
                        describe(j));
  j->p++;
  for (;;) {
    if (j->p >= j->end)
      return gc_json_fail(j, "%s: unterminated string (truncated?)", ctx);
    unsigned char c = (unsigned char)*j->p++;
    if (c == '"') break;
    if (c < 0x20)
      return gc_json_fail(j, "%s: control character in a string", ctx);
    if (c == '\\') {
      if (j->p >= j->end)
        return gc_json_fail(j, "%s: unterminated string (truncated?)", ctx);
      c = (unsigned char)*j->p++;
      switch (c) {
      case '"': case '\\': case '/': break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      case 'u': {
        unsigned v = 0;
        for (int i = 0; i < 4; i++) {
          int h = j->p < j->end ? gc_json_hexval((unsigned char)*j->p) : -1;
          if (h < 0)
            return gc_json_fail(j, "%s: bad \\u escape in a string", ctx);
          v = 16 * v + (unsigned)h;
          j->p++;
        }
        c = v < 0x80 && v > 0 ? (unsigned char)v : '?';
        break;
      }
      default:
        j->p--;
        return gc_json_fail(j, "%s: bad escape '\\%c' in a string", ctx, c);
      }
    }
    if (buf) {
      if (k + 1 >= cap)
        return gc_json_fail(j, "%s: string longer than %zu bytes", ctx,
                            cap - 1);
      buf[k++] = (char)c;
    }
  }
  if (buf) buf[k] = '\0';
  return GC_OK;
}

int gc_json_string(gc_json *j, char *buf, size_t cap, const char *ctx)
{
  return string_in(j, buf, cap, ctx);
}

static int isdig(int c) { return c >= '0' && c <= '9'; }

/* Check a number's JSON syntax at j->p; *end is set past it.  ctx may be
 * NULL. */
static int scan_number(gc_json *j, const char **end, const char *ctx)
{
  const char *q = j->p, *e = j->end;
  const char *pre = ctx ? ctx : "", *sep = ctx ? ": " : "";
  if (q < e && *q == '-') q++;
  if (q >= e || !isdig((unsigned char)*q)) {
    if (q < e && (*q == 'N' || *q == 'I'))
      return gc_json_fail(j, "%s%sNaN and Infinity are not allowed (only "
                          "finite numbers)", pre, sep);
    return gc_json_fail(j, "%s%sexpected a %s but found %s", pre, sep,
                        ctx ? "number" : "value", describe(j));
  }
  if (*q == '0') q++;
  else while (q < e && isdig((unsigned char)*q)) q++;
  if (q < e && *q == '.') {
    q++;
    if (q >= e || !isdig((unsigned char)*q)) {
      j->p = q;
      return gc_json_fail(j, "%s%sa digit must follow the decimal point",
                          pre, sep);
    }
    while (q < e && isdig((unsigned char)*q)) q++;
  }
  if (q < e && (*q == 'e' || *q == 'E')) {
    q++;
    if (q < e && (*q == '+' || *q == '-')) q++;
    if (q >= e || !isdig((unsigned char)*q)) {
      j->p = q;
      return gc_json_fail(j, "%s%sa digit must follow the exponent", pre,
                          sep);
    }
    while (q < e && isdig((unsigned char)*q)) q++;
  }
  *end = q;
  return GC_OK;
}

int gc_json_number(gc_json *j, double *x, const char *ctx)
{
  const char *q;
  skip_ws(j);
  int st = scan_number(j, &q, ctx);
  if (st) return st;
  size_t len = (size_t)(q - j->p);
  char small[64];
  char *buf = len < sizeof small ? small : malloc(len + 1);
  if (!buf) return gc_error(GC_ENOMEM, "out of memory");
  memcpy(buf, j->p, len);
  buf[len] = '\0';
  double v = strtod(buf, NULL);
  if (buf != small) free(buf);
  if (!isfinite(v))
    return gc_json_fail(j, "%s: the number %.*s is too large for a double",
                        ctx, len > 40 ? 40 : (int)len, j->p);
  j->p = q;
  *x = v;
  return GC_OK;
}

/* A number's syntax only (finiteness is checked where it is read); also
 * Python's NaN, Infinity and -Infinity, refused only where read. */
static int skip_number(gc_json *j)
{
  static const char *const words[] = {"NaN", "Infinity", "-Infinity"};
  for (int i = 0; i < 3; i++) {
    size_t n = strlen(words[i]);
    if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, words[i], n)) {
      j->p += n;
      return GC_OK;
    }
  }
  const char *q;
  int st = scan_number(j, &q, NULL);
  if (!st) j->p = q;
  return st;
}

static int skip(gc_json *j, int depth)
{
  int c = gc_json_peek(j);
  if (c == '"') return string_in(j, NULL, 0, "value");
  if (c == '-' || c == 'N' || c == 'I' || isdig(c)) return skip_number(j);
  if (c == '[' || c == '{') {
    if (depth >= GC_JSON_MAX_DEPTH)
      return gc_json_fail(j, "nested deeper than %d levels",
                          GC_JSON_MAX_DEPTH);
    int close = c == '[' ? ']' : '}';
    j->p++;
    if (gc_json_accept(j, close)) return GC_OK;
    for (;;) {
      int st;
      if (close == '}') {
        if ((st = string_in(j, NULL, 0, "object key")) ||
            (st = gc_json_expect(j, ':', "object")))
          return st;
      }
      if ((st = skip(j, depth + 1))) return st;
      if (gc_json_accept(j, close)) return GC_OK;
      if ((st = gc_json_expect(j, ',', close == ']' ? "array" : "object")))
        return st;
    }
  }
  static const char *const words[] = {"true", "false", "null"};
  for (int i = 0; i < 3; i++) {
    size_t n = strlen(words[i]);
    if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, words[i], n)) {
      j->p += n;
      return GC_OK;
    }
  }
  return gc_json_fail(j, "expected a value but found %s", describe(j));
}

int gc_json_skip(gc_json *j) { return skip(j, 0); }

int gc_json_end(gc_json *j)
{
  if (gc_json_peek(j))
    return gc_json_fail(j, "unexpected %s after the end of the value",
                        describe(j));
  return GC_OK;
}

void gc_json_put_double(FILE *f, double x)
{
  if (isfinite(x)) fprintf(f, "%.17g", x);
  else fputs("null", f);
}

void gc_json_put_string(FILE *f, const char *s)
{
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}
