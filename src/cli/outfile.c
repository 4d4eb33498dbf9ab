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
  o->path = join(dir, name);
  if (!o->path) return cli_fail(CLI_FAIL, "out of memory");
  size_t n = strlen(o->path) + 32;
  o->tmp = malloc(n);
  if (!o->tmp) {
    free(o->path);
    return cli_fail(CLI_FAIL, "out of memory");
  }
  snprintf(o->tmp, n, "%s.tmp.%ld", o->path, (long)getpid());
  o->f = fopen(o->tmp, "w");
  if (!o->f) {
    int e = errno;
    free(o->tmp);
    char *p = o->path;
    o->path = o->tmp = NULL;
    int st = cli_fail(CLI_FAIL, "cannot write %s: %s", p, strerror(e));
    free(p);
    return st;
  }
  return 0;
}

void outfile_abort(outfile *o)
{
  if (o->f) fclose(o->f);
  if (o->tmp) unlink(o->tmp);
  free(o->tmp);
  free(o->path);
  memset(o, 0, sizeof *o);
}

int outfile_commit(outfile *o)
{
  int ok = fflush(o->f) == 0 && !ferror(o->f) && fsync(fileno(o->f)) == 0;
  int e = errno;
  ok = (fclose(o->f) == 0) && ok;
  o->f = NULL;
  if (ok && rename(o->tmp, o->path) != 0) {
    ok = 0;
    e = errno;
  }
  if (!ok) {
    int st = cli_fail(CLI_FAIL, "cannot write %s: %s", o->path, strerror(e));
    outfile_abort(o);
    return st;
  }
  free(o->tmp);
  free(o->path);
  memset(o, 0, sizeof *o);
  return 0;
}

int make_dirs(const char *path)
{
  char *p = strdup(path);
  if (!p) return cli_fail(CLI_FAIL, "out of memory");
  for (char *s = p + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        int st = cli_fail(CLI_FAIL, "cannot create directory %s: %s", p,
                          strerror(errno));
        free(p);
        return st;
      }
      *s = c;
      if (!c) break;
    }
  }
  free(p);
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode))
    return cli_fail(CLI_FAIL, "%s is not a directory", path);
  return 0;
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
