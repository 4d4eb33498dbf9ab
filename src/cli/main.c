/* main.c -- the gradchain command: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cli/cli.h"

struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
};

static const struct command commands[] = {
  /* keep sorted by topic; the list ends with a NULL name */
  {"problem", cmd_problem, "the chapter's problems solved with GSL (and MPFR)"},
  {NULL, NULL, NULL},
};

static void usage(FILE *f)
{
  fprintf(f,
          "Usage: gradchain SUBCOMMAND [OPTIONS]\n"
          "       gradchain SUBCOMMAND --help\n"
          "       gradchain --help | --version\n\n"
          "A numerical laboratory for the vanishing-gradient chapter of\n"
          "Nielsen's 'Neural Networks and Deep Learning'.\n\nSubcommands:\n");
  for (size_t i = 0; commands[i].name; i++)
    fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nSee gradchain(1) and doc/manual.md for details.\n");
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return CLI_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    usage(stdout);
    return CLI_OK;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
    printf("gradchain %s\n", PACKAGE_VERSION);
    return CLI_OK;
  }
  for (size_t i = 0; commands[i].name; i++)
    if (!strcmp(argv[1], commands[i].name)) {
      cli_cmd = commands[i].name;
      return commands[i].run(argc - 1, argv + 1);
    }
  fprintf(stderr, "gradchain: unknown subcommand '%s' (try gradchain --help)\n",
          argv[1]);
  return CLI_USAGE;
}
