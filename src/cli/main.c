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
  {"chain", cmd_chain, "a toy chain: dC/db_1 term by term, in double or MPFR"},
  {"explode", cmd_explode, "the exploding construction w_j = W, b_j = -W a_{j-1}"},
  {"train", cmd_train, "train an MNIST network by network2's SGD"},
  {"evaluate", cmd_evaluate, "accuracy and cost of a saved network"},
  {"depth", cmd_depth, "validation accuracy against the number of hidden layers"},
  {"speeds", cmd_speeds, "learning speed of each hidden layer, at start and in training"},
  {"sweep", cmd_sweep, "a grid of training runs on a process pool or MPI"},
  {"sweep-report", cmd_sweep_report, "a sweep's results grouped: mean and sd over seeds"},
  {"reproduce", cmd_reproduce, "the chapter's numbers and figures, with a report"},
  {"fetch-mnist", cmd_fetch_mnist, "fetch MNIST into the data directory"},
  {"problem", cmd_problem, "the chapter's problems solved with GSL (and MPFR)"},
  {"meanfield", cmd_meanfield, "mean-field theory: q*, chi1, c*, depth scales, phase diagram"},
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
