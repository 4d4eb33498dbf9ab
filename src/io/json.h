/* json.h -- a small JSON reader for libgradchain (internal), and the two
 * writers of values everything that prints JSON shares.
 *
 * Not a tree: a cursor over the text.  The caller reads the values it
 * wants in place and skips the others (skipping still checks the syntax),
 * so nothing is allocated for a value before the caller has checked that
 * it wants it.  Errors go through gc_error() as GC_EFORMAT with the line
 * and column of the problem.
 */
#ifndef GRADCHAIN_JSON_H
#define GRADCHAIN_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "gradchain/export.h"

typedef struct gc_json {
  const char *start, *p, *end;
  const char *what;      /* a name for messages, e.g. the file name */
} gc_json;

/* Deepest nesting gc_json_skip accepts. */
#define GC_JSON_MAX_DEPTH 64

void gc_json_init(gc_json *j, const char *text, size_t len, const char *what);

/* Skip white space; return the next character, or 0 at the end. */
int gc_json_peek(gc_json *j);

/* Consume the character c (after white space), or fail naming `ctx`. */
int gc_json_expect(gc_json *j, int c, const char *ctx);

/* If the next character is c, consume it and return 1; else 0. */
int gc_json_accept(gc_json *j, int c);

/* A string into buf (at most cap-1 bytes; longer strings are an error). */
int gc_json_string(gc_json *j, char *buf, size_t cap, const char *ctx);

/* A number in JSON syntax, finite as a double.  NaN, Infinity and
 * anything else are refused with a message naming ctx. */
int gc_json_number(gc_json *j, double *x, const char *ctx);

/* Skip any one value, checking its syntax. */
int gc_json_skip(gc_json *j);

/* Fail unless only white space is left. */
int gc_json_end(gc_json *j);

/* Raise GC_EFORMAT at the current position: "WHAT:LINE:COL: message". */
int gc_json_fail(gc_json *j, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* The value of a hexadecimal digit, -1 for any other character. */
int gc_json_hexval(int c);

/* Writing: a double with 17 significant digits (exact on reading back),
 * or null for NaN and infinities; a string with its quotes escaped.
 * Exported (GC_API): the command line prints its JSON with them. */
GC_API void gc_json_put_double(FILE *f, double x);
GC_API void gc_json_put_string(FILE *f, const char *s);

#endif
