/* sweep.h -- internal: what `gradchain sweep`'s engines share.
 *
 * cmd_sweep.c owns the sweep (options, the directory, the jobs, running
 * one job in a forked child); the engines decide which job runs where:
 * the process pool (cmd_sweep.c) and MPI (sweep_mpi.c, the only file
 * compiled with MPI's flags; libgradchain never sees MPI).
 */
#ifndef GRADCHAIN_CLI_SWEEP_H
#define GRADCHAIN_CLI_SWEEP_H

#include <stddef.h>

#include "gradchain/depth.h"

typedef struct sweep sweep;

/* What became of one job: sent from an MPI worker to rank 0, so flat. */
typedef struct sweep_record {
  long job;          /* the job's index in the grid; -1: none */
  int ok;            /* the result file is written */
  int interrupted;   /* stopped by SIGINT/SIGTERM: neither done nor failed */
  double seconds;
  char reason[240];  /* why it failed, one line */
} sweep_record;

/* The number of jobs to run, and the grid index of the i-th. */
size_t sweep_pending(const sweep *s);
size_t sweep_pending_job(const sweep *s, size_t i);

/* Run the grid's job j in a forked child and wait for it. */
void sweep_run_forked(sweep *s, size_t j, sweep_record *rec);

/* Account for a finished job: failure record, progress line. */
void sweep_account(sweep *s, const sweep_record *rec);

/* The final line and exit status after all jobs (stopped: interrupted). */
int sweep_finish(sweep *s, int stopped);

/* Load the data set (the workers' side of the MPI engine; the pool loads
 * it in the parent before forking).  Prints the error; 0 on success. */
int sweep_load_data(sweep *s);

/* Set up the sweep (directory, grid file, pending list, clock); on rank 0
 * only under MPI.  Prints errors; 0 on success, else the exit status. */
int sweep_prepare(sweep *s);

/* The process pool for the runs of a study (gc_run_batch; depth's runs,
 * reproduce's depth stage): one forked worker per usable CPU, each run
 * with OpenMP at one thread; the same bits as in one process. */
int cli_pool_batch(gc_run_result *res, const gc_run_config *cfg, size_t n,
                   const gc_mnist *data, gc_depth_progress progress,
                   void *progress_arg, void *arg);

/* The MPI engine: 1 when this gradchain was built with MPI. */
extern const int sweep_have_mpi;
/* Run the sweep under MPI (after the checks that it was started by
 * mpirun/srun); returns the exit status. */
int sweep_mpi_main(sweep *s);

/* 1 if this process was started by mpirun, srun or another PMI launcher. */
int sweep_under_launcher(void);

#endif
