/* cmd_evaluate.c -- gradchain evaluate: accuracy and cost of a saved net. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gradchain/gradchain.h"
#include "gradchain/mnist.h"
#include "cli/cli.h"
#include "cli/options.h"

static const char usage[] =
  "Usage: gradchain evaluate --load FILE [OPTIONS]\n"
  "Accuracy and cost of a saved network (network2 JSON) on an MNIST set.\n\n"
  "  --load FILE      the saved network (required)\n"
  "  --set SET        validation | test (validation)\n"
  "  --lambda L       L2 term of the cost, 0.5 (L/n) sum ||w||^2 (0)\n"
  "  --data DIR       MNIST directory ($GRADCHAIN_DATA or the cache)\n"
  "  --format F       text | json (text)\n"
  "  --help           this text\n";

static const cli_opt evaluate_opts[] = {OPT_LOAD, OPT_SET, OPT_LAMBDA,
                                        OPT_DATA, OPT_FORMAT, OPT_HELP};

int cmd_evaluate(int argc, char **argv)
{
  cli_args a;
  cli_args_init(&a);
  a.run.lambda = 0.0; /* the cost without its L2 term unless asked */
  int st = cli_args_parse(&a, evaluate_opts, sizeof evaluate_opts /
                          sizeof *evaluate_opts, 0, argc, argv);
  if (st || a.help) return st ? st : cli_help(usage);
  const char *load = a.load, *data = a.data;
  const char *set = gc_eval_set_name(a.run.eval_set);
  double lambda = a.run.lambda;
  cli_format format = a.format;
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
