/* gradchain/netio.h -- a network saved as JSON in network2's layout:
 *
 *   {"sizes": [784, 30, 10],
 *    "weights": [ per layer l = 1..L-1, sizes[l] rows of sizes[l-1] ],
 *    "biases":  [ per layer, sizes[l] one-element lists [[b1], [b2], ...] ],
 *    "cost": "CrossEntropyCost" | "QuadraticCost" | "LogLikelihoodCost",
 *    "activations": ["tanh", ...],  one per hidden layer  } only when the
 *    "output": "sigmoid" | "softmax",                     } net is not all
 *                                                           sigmoid
 *    "isa": "avx512" | "avx2" | "portable"}   (gc_build_isa(); not read)
 *
 * Doubles are written with 17 significant digits: a round trip is exact.
 * A saved file is written to FILE.tmp, flushed, fsync'ed and renamed, so a
 * crash never leaves half a network under FILE.  Loading checks the sizes
 * before allocating anything and every array's length against them;
 * unknown keys are ignored.  A net of sigmoids (network2's only kind) is
 * written without "activations" and "output", as network2 writes it; a file
 * without them loads as that net.  Other nets keep network2's keys, which
 * network2's load() reads (it ignores the others; a LogLikelihoodCost net
 * it cannot load, having no such class).  Loading checks the output layer
 * and the cost together (gc_output_cost_check).
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
