/* outfile.c -- atomic output files and gnuplot. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/outfile.h"
#include "gradchain/error.h"

static char *join(const char *dir, const char *name)
{
  size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
  char *p = malloc(n);
  if (!p) return NULL;
  if (dir) snprintf(p, n, "%s/%s", dir, name);
  else snprintf(p, n, "%s", name);
  return p;
}

int outfile_open(outfile *o, const char *dir, const char *name)
{
  memset(o, 0, sizeof *o);
  char *path = join(dir, name);
  if (!path) return cli_fail(CLI_FAIL, "out of memory");
  int st = gc_atomic_open(&o->a, path);
  free(path);
  if (st) return cli_fail_lib();
  o->f = o->a.f;
  return 0;
}

void outfile_abort(outfile *o)
{
  gc_atomic_abort(&o->a);
  o->f = NULL;
}

int outfile_commit(outfile *o)
{
  o->f = NULL;
  return gc_atomic_commit(&o->a) ? cli_fail_lib() : 0;
}

int make_dirs(const char *path)
{
  return gc_make_dirs(path) ? cli_fail_lib() : 0;
}

static int run_quiet(const char *dir, char *const argv[])
{
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (dir && chdir(dir) != 0) _exit(127);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int plot_available(void)
{
  static int cached = -1;
  if (cached < 0) {
    char *argv[] = {"gnuplot", "-e", "set terminal pngcairo", NULL};
    cached = run_quiet(NULL, argv) == 0;
  }
  return cached;
}

int plot_run(const char *dir, const char *script)
{
  char *argv[] = {"gnuplot", (char *)script, NULL};
  return run_quiet(dir, argv) == 0 ? 0 : -1;
}
