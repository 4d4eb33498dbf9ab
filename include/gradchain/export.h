/* gradchain/export.h -- GC_API marks what libgradchain exports.
 *
 * The library is compiled with -fvisibility=hidden, so only declarations
 * marked GC_API are visible outside it (see tests/exports.sh). */
#ifndef GRADCHAIN_EXPORT_H
#define GRADCHAIN_EXPORT_H

#if defined(__GNUC__) && __GNUC__ >= 4
#define GC_API __attribute__((visibility("default")))
#else
#define GC_API
#endif

#endif
