/* names.h -- internal: an enum's names, a table indexed by its values
 * (0, 1, ...), read both ways.  Not installed. */
#ifndef GRADCHAIN_NAMES_H
#define GRADCHAIN_NAMES_H

#include <stddef.h>
#include <string.h>

#define GC_NAMES_COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* names[k], "?" when k is not a value of the enum. */
static inline const char *gc_name_of(const char *const *names, size_t n,
                                     unsigned k)
{
  return k < n ? names[k] : "?";
}

/* The value whose name is `name`, -1 if none. */
static inline int gc_name_index(const char *const *names, size_t n,
                                const char *name)
{
  for (size_t k = 0; k < n; k++)
    if (!strcmp(name, names[k])) return (int)k;
  return -1;
}

#endif
