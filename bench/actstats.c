/* bench/actstats.c -- what the activation monitor (GC_MONITOR_ACTIVATIONS)
 * costs an epoch: the same run with and without it on MNIST, best of
 * `reps` alternated runs, and the monitor's own time inside the monitored
 * run (gc_run_result.stats_seconds).  Not a test; prints, never fails the
 * build.
 *
 *   bench/actstats [REPS]     (MNIST from $GRADCHAIN_DATA or the cache)
 */
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"

typedef struct bcase {
  const char *name;
  size_t nlayers;
  size_t sizes[8];
  size_t every;
} bcase;

/* One epoch of the case; *stats the monitor's seconds (0 if off) over
 * *nrec records (the initial one included). */
static int one(double *secs, double *stats, size_t *nrec, const bcase *b,
               int monitor, const gc_mnist *m)
{
  gc_run_config c;
  gc_run_config_init(&c);
  gc_run_config_set_sizes(&c, b->nlayers, b->sizes);
  c.epochs = 1;
  if (monitor) {
    c.monitor |= GC_MONITOR_ACTIVATIONS;
    c.stats_every = b->every;
  }
  gc_run_result res;
  int st = gc_run_perform(&res, &c, m, NULL, NULL);
  if (st) return st;
  *secs = res.seconds;
  *stats = res.stats_seconds;
  *nrec = res.nrecords;
  gc_run_result_free(&res);
  return 0;
}

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 3;
  if (reps < 1) reps = 1;
  gc_mnist *m;
  if (gc_mnist_load(&m, NULL)) {
    printf("bench/actstats: no MNIST (%s)\n", gc_strerror_last());
    return 0;
  }
  static const bcase cases[] = {
    {"[784,30,10], default monitor (300 images, epoch ends)", 3,
     {784, 30, 10}, 0},
    {"[784,100,100,100,100,10], default monitor", 6,
     {784, 100, 100, 100, 100, 10}, 0},
    {"[784,100,100,100,100,10], --stats-every 100", 6,
     {784, 100, 100, 100, 100, 10}, 100},
    {"[784,100,100,100,100,10], --stats-every 1000", 6,
     {784, 100, 100, 100, 100, 10}, 1000},
  };
  printf("activation monitor: one epoch (50,000 images + evaluation), best "
         "of %d, alternated\n", reps);
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    double off = 1e300, on = 1e300, per = 1e300;
    size_t nrec = 0;
    for (int r = 0; r < reps; r++) {
      double s, st;
      if (one(&s, &st, &nrec, &cases[k], 0, m)) goto fail;
      if (s < off) off = s;
      if (one(&s, &st, &nrec, &cases[k], 1, m)) goto fail;
      if (s < on) on = s;
      if (st / (double)nrec < per) per = st / (double)nrec;
    }
    /* the records inside the epoch: all but the initial one */
    printf("%s\n  epoch without %.3f s, with %.3f s (%+.1f%%); %zu records "
           "in the epoch, %.2f ms each: %.2f%% of the epoch\n",
           cases[k].name, off, on, 100 * (on / off - 1), nrec - 1,
           1e3 * per, 100 * per * (double)(nrec - 1) / off);
  }
  gc_mnist_free(m);
  return 0;
fail:
  printf("bench/actstats: %s\n", gc_strerror_last());
  gc_mnist_free(m);
  return 0;
}
