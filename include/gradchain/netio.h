/* gradchain/netio.h -- a network saved as JSON in network2's layout:
 *
 *   {"sizes": [784, 30, 10],
 *    "weights": [ per layer l = 1..L-1, sizes[l] rows of sizes[l-1] ],
 *    "biases":  [ per layer, sizes[l] one-element lists [[b1], [b2], ...] ],
 *    "cost": "CrossEntropyCost" | "QuadraticCost"}
 *
 * Doubles are written with 17 significant digits: a round trip is exact.
 * A saved file is written to FILE.tmp, flushed, fsync'ed and renamed, so a
 * crash never leaves half a network under FILE.  Loading checks the sizes
 * before allocating anything and every array's length against them;
 * unknown keys are ignored.  The activation is not stored (network2 has
 * only the sigmoid): a loaded net is a sigmoid net.
 */
#ifndef GRADCHAIN_NETIO_H
#define GRADCHAIN_NETIO_H

#include "gradchain/export.h"

#include <stddef.h>

#include "gradchain/net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest file gc_net_load() reads (bytes). */
#define GC_NETIO_MAX_BYTES ((size_t)1 << 30)

GC_API int gc_net_save(const char *path, const gc_net *net);
GC_API int gc_net_load(gc_net **net, const char *path);

/* Parse a network from len bytes of JSON text (need not be 0-terminated). */
GC_API int gc_net_from_json(gc_net **net, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
