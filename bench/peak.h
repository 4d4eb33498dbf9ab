/* peak.h -- the FMA peak probe of bench/bench (see peak.c). */
#ifndef GC_BENCH_PEAK_H
#define GC_BENCH_PEAK_H

typedef struct {
  const char *isa;   /* the vectors the probe used */
  int runs;          /* runs per figure */
  int chains;        /* the chain count that gave the best one-core rate */
  double one;        /* one core, GFLOP/s, best run (thread CPU time) */
  double one_median, one_worst;
  double one_wall;   /* best run by the wall clock */
  int threads;       /* threads of the all-core runs */
  double all;        /* all cores, best of pinned and unpinned */
  double all_pinned, all_unpinned, all_median, all_worst, all_wall;
} peak_result;

/* Measure; with verbose, print the table of chain counts and runs. */
void peak_measure(peak_result *p, int quick, int verbose);

#endif
