/* cli.h -- shared helpers of the gradchain command-line program.
 * Unlike the library, the CLI prints; every failure is one line on stderr
 * ("gradchain SUBCOMMAND: what went wrong") and a non-zero exit status. */
#ifndef GRADCHAIN_CLI_H
#define GRADCHAIN_CLI_H

#include <stdio.h>
#include <stddef.h>
#include <mpfr.h>

#include "gradchain/activation.h"
#include "gradchain/mnist.h"

/* exit statuses */
#define CLI_OK 0
#define CLI_FAIL 1   /* bad input, failed computation */
#define CLI_USAGE 2  /* bad command line */
#define CLI_INTERRUPTED 130 /* stopped by SIGINT (128 + 2) */

typedef enum cli_format { CLI_TEXT = 0, CLI_JSON, CLI_CSV } cli_format;

/* The subcommand being run, for messages. */
extern const char *cli_cmd;

/* Print "gradchain CMD: message" on stderr; return status. */
int cli_fail(int status, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
/* Print the library's last error and return CLI_FAIL. */
int cli_fail_lib(void);

/* gc_mnist_load; when the files are missing the message also says which
 * command fetches them. */
int cli_mnist_load(gc_mnist **m, const char *dir);

/* Parsers: the whole string must be a finite number (or a whole number in
 * range); on failure they print a one-line error naming OPT and return
 * non-zero. */
int cli_parse_double(const char *s, const char *opt, double *out);
int cli_parse_size(const char *s, const char *opt, size_t min, size_t max,
                   size_t *out);
int cli_parse_ulong(const char *s, const char *opt, unsigned long *out);
/* A number the user typed.  With mpfr, it must also be one MPFR reads
 * (gc_mpfr_set_str: wholly a finite number within MPFR's exponent range)
 * and the caller keeps the string for MPFR to read at its precision; *out
 * is the nearest double either way. */
int cli_parse_number(const char *s, const char *opt, int mpfr, double *out);
/* Comma-separated lists; *out is malloc'ed, *n its length.  With strs,
 * *strs gets the n pieces as typed (one malloc'ed block: free(*strs)). */
int cli_parse_doubles(const char *s, const char *opt, double **out, size_t *n);
int cli_parse_numbers(const char *s, const char *opt, int mpfr, double **out,
                      char ***strs, size_t *n);
int cli_parse_sizes(const char *s, const char *opt, size_t min, size_t max,
                    size_t **out, size_t *n);
int cli_parse_format(const char *s, int allow_csv, cli_format *out);

/* JSON: a double with 17 significant digits, or null for NaN/inf. */
void cli_json_double(FILE *f, double x);
/* JSON array of n doubles, as cli_json_double writes each: [a, b, c]. */
void cli_json_doubles(FILE *f, const double *x, size_t n);
/* JSON string with escapes. */
void cli_json_string(FILE *f, const char *s);
/* JSON: an MPFR value to `digits` significant digits (null if not a
 * number). */
void cli_json_mpfr(FILE *f, mpfr_srcptr x, size_t digits);
/* JSON: a number the user typed.  typed (the text, when MPFR read it):
 * as typed when JSON's syntax allows, else as MPFR reads it at prec bits,
 * to digits; typed NULL: the double d. */
void cli_json_typed(FILE *f, const char *typed, double d, mpfr_prec_t prec,
                    size_t digits);

/* A phase diagram of gradchain meanfield --grid: n x n points over the
 * sigma_w2 range w2r and sigma_b2 range b2r (rows of chi1 and xi_c at
 * j*n + i, NaN where there is no q*), the critical sigma_w2 of each
 * sigma_b2, the points without q*, the seconds taken.  Computed with the
 * grid's lighter rules; on failure a message is printed and the status
 * returned. */
typedef struct cli_phase {
  size_t n, missing;
  double *sw, *sb, *chi, *xi, *crit;
  double secs;
} cli_phase;
int cli_phase_compute(cli_phase *g, gc_activation act, size_t n,
                      const double w2r[2], const double b2r[2]);
void cli_phase_free(cli_phase *g);
/* Its files DIR/NAME.csv (sigma_w2, sigma_b2, chi1, xi_c; a blank line
 * after each row for pm3d) and DIR/NAME_critical.csv (sigma_b2, critical
 * sigma_w2); empty fields for NaN. */
int cli_phase_csv(const char *dir, const char *name, const cli_phase *g);

/* The machine's physical memory in bytes (8e9 if unknown). */
double cli_machine_bytes(void);

/* Usage text handling: print text to stdout for --help. */
int cli_help(const char *text);

/* The subcommands. */
int cmd_chain(int argc, char **argv);
int cmd_explode(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_depth(int argc, char **argv);
int cmd_speeds(int argc, char **argv);
int cmd_fetch_mnist(int argc, char **argv);
int cmd_problem(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_sweep_report(int argc, char **argv);
int cmd_meanfield(int argc, char **argv);
int cmd_jacobian(int argc, char **argv);

#endif
