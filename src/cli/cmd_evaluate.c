/* cmd_evaluate.c -- gradchain evaluate: accuracy and cost of a saved net. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "cli/cli.h"

static const char usage[] =
  "Usage: gradchain evaluate --load FILE [OPTIONS]\n"
  "Accuracy and cost of a saved network (network2 JSON) on an MNIST set.\n\n"
  "  --load FILE      the saved network (required)\n"
  "  --set SET        validation | test (validation)\n"
  "  --lambda L       L2 term of the cost, 0.5 (L/n) sum ||w||^2 (0)\n"
  "  --data DIR       MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --format F       text | json (text)\n"
  "  --help           this text\n";

int cmd_evaluate(int argc, char **argv)
{
  enum { O_LOAD = 256, O_SET, O_LAMBDA, O_DATA, O_FORMAT, O_HELP };
  static const struct option opts[] = {
    {"load", required_argument, NULL, O_LOAD},
    {"set", required_argument, NULL, O_SET},
    {"lambda", required_argument, NULL, O_LAMBDA},
    {"data", required_argument, NULL, O_DATA},
    {"format", required_argument, NULL, O_FORMAT},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0}};
  const char *load = NULL, *data = NULL, *set = "validation";
  double lambda = 0.0;
  cli_format format = CLI_TEXT;
  int c;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case O_LOAD: load = optarg; break;
    case O_SET:
      if (strcmp(optarg, "validation") && strcmp(optarg, "test"))
        return cli_fail(CLI_USAGE, "--set: '%s' is not validation or test",
                        optarg);
      set = optarg;
      break;
    case O_LAMBDA:
      if (cli_parse_double(optarg, "--lambda", &lambda)) return CLI_USAGE;
      if (lambda < 0)
        return cli_fail(CLI_USAGE, "--lambda: %s is negative", optarg);
      break;
    case O_DATA: data = optarg; break;
    case O_FORMAT:
      if (cli_parse_format(optarg, 0, &format)) return CLI_USAGE;
      break;
    case O_HELP: return cli_help(usage);
    default:
      return cli_fail(CLI_USAGE, "unknown or incomplete option '%s' (try "
                      "--help)", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_fail(CLI_USAGE, "unexpected argument '%s'", argv[optind]);
  if (!load) return cli_fail(CLI_USAGE, "--load FILE is required");

  gc_net *net = NULL;
  gc_mnist *m = NULL;
  int rc = CLI_OK;
  if (gc_net_load(&net, load)) return cli_fail_lib();
  if (cli_mnist_load(&m, data)) {
    rc = cli_fail_lib();
    goto done;
  }
  const gc_dataset *d = strcmp(set, "test") ? &m->validation : &m->test;
  if (net->sizes[0] != d->dim || net->sizes[net->nlayers - 1] != d->nclasses) {
    rc = cli_fail(CLI_FAIL, "%s: the net has %zu inputs and %zu outputs; "
                  "MNIST needs %zu and %zu", load, net->sizes[0],
                  net->sizes[net->nlayers - 1], d->dim, d->nclasses);
    goto done;
  }
  double cost;
  size_t ok;
  if (gc_net_evaluate(&cost, &ok, net, d, lambda)) {
    rc = cli_fail_lib();
    goto done;
  }
  double acc = (double)ok / (double)d->n;
  if (format == CLI_JSON) {
    printf("{\"set\": ");
    cli_json_string(stdout, set);
    printf(", \"n\": %zu, \"correct\": %zu, \"accuracy\": ", d->n, ok);
    cli_json_double(stdout, acc);
    printf(", \"cost\": ");
    cli_json_double(stdout, cost);
    printf(", \"lambda\": ");
    cli_json_double(stdout, lambda);
    printf("}\n");
  } else {
    printf("set       %s (%zu images)\n", set, d->n);
    printf("accuracy  %.4f (%zu / %zu)\n", acc, ok, d->n);
    printf("cost      %.10g (%s%s)\n", cost, gc_cost_name(net->cost),
           lambda > 0 ? ", with the L2 term" : "");
  }
done:
  gc_mnist_free(m);
  gc_net_free(net);
  return rc;
}
