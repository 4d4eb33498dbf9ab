/* sweep_mpi.c -- `gradchain sweep --engine mpi`: rank 0 hands out job
 * indices one at a time as workers ask, so long and short jobs balance;
 * each worker runs its job in a forked child (as the pool does) and sends
 * back a small record.  The only file compiled with MPI's flags, linked
 * only into the gradchain program. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "cli/cli.h"
#include "cli/sweep.h"

const int sweep_have_mpi = 1;

enum { TAG_REQUEST = 1, TAG_JOB = 2 };

/* Rank 0: answer requests until every worker has been told to stop.
 * MPI_Iprobe and a short sleep, not a blocking probe that spins a core. */
static int dispatch(sweep *s, int nworkers)
{
  size_t next = 0, np = sweep_pending(s);
  const struct timespec nap = {0, 2000000}; /* 2 ms */
  while (nworkers > 0) {
    int flag = 0;
    MPI_Status at;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_REQUEST, MPI_COMM_WORLD, &flag, &at);
    if (!flag) {
      nanosleep(&nap, NULL);
      continue;
    }
    sweep_record rec;
    MPI_Recv(&rec, (int)sizeof rec, MPI_BYTE, at.MPI_SOURCE, TAG_REQUEST,
             MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (rec.job >= 0) sweep_account(s, &rec);
    long job = next < np ? (long)sweep_pending_job(s, next++) : -1;
    MPI_Send(&job, 1, MPI_LONG, at.MPI_SOURCE, TAG_JOB, MPI_COMM_WORLD);
    if (job < 0) nworkers--;
  }
  return sweep_finish(s, 0);
}

/* A worker: ask, run, report, until told to stop. */
static int work(sweep *s)
{
  if (sweep_load_data(s)) MPI_Abort(MPI_COMM_WORLD, CLI_FAIL);
  sweep_record rec;
  memset(&rec, 0, sizeof rec);
  rec.job = -1;
  for (;;) {
    MPI_Send(&rec, (int)sizeof rec, MPI_BYTE, 0, TAG_REQUEST, MPI_COMM_WORLD);
    long job;
    MPI_Recv(&job, 1, MPI_LONG, 0, TAG_JOB, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (job < 0) return CLI_OK;
    sweep_run_forked(s, (size_t)job, &rec);
  }
}

int sweep_mpi_main(sweep *s)
{
  /* the workers fork their jobs; the children never call MPI */
  setenv("OMPI_MCA_mpi_warn_on_fork", "0", 0);
  int rank, size, st = 0;
  MPI_Init(NULL, NULL);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size < 2) {
    st = cli_fail(CLI_USAGE, "--engine mpi needs at least 2 ranks (rank 0 "
                  "hands out the jobs): mpirun -n K with K >= 2");
    MPI_Finalize();
    return st;
  }
  if (rank == 0) st = sweep_prepare(s);
  MPI_Bcast(&st, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!st) st = rank == 0 ? dispatch(s, size - 1) : work(s);
  MPI_Finalize();
  return st;
}
