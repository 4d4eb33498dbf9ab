/* netio_write.h -- writing a net's JSON into an open stream (internal:
 * gc_net_save and the checkpoints share it). */
#ifndef GRADCHAIN_NETIO_WRITE_H
#define GRADCHAIN_NETIO_WRITE_H

#include <stdio.h>

#include "gradchain/net.h"

/* network2's layout, one object and a newline; -1 on a stream error. */
int gc_net_write_json(FILE *f, const gc_net *net);

#endif
