/* machine.h -- internal: the machine's physical memory, for refusing a
 * size before allocating it (malloc may promise more than there is).
 * Not installed. */
#ifndef GRADCHAIN_MACHINE_H
#define GRADCHAIN_MACHINE_H

#include <unistd.h>

/* Bytes of physical memory (8e9 if the system does not say). */
static inline double gc_machine_bytes(void)
{
  long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
  return pages > 0 && psize > 0 ? (double)pages * (double)psize : 8e9;
}

#endif
