/* stages.h -- the parts of `gradchain reproduce`.  Each stage writes its
 * CSV/JSON, gnuplot scripts and PNGs into the output directory and a
 * Markdown fragment for the report. */
#ifndef GRADCHAIN_STAGES_H
#define GRADCHAIN_STAGES_H

#include <stdio.h>

typedef struct stage_ctx {
  const char *dir;      /* output directory */
  int quick;            /* reduced settings */
  int seeds;            /* seeds for the MNIST experiments */
  const char *data;     /* MNIST directory or NULL */
  int quiet;            /* no progress on stderr */
  unsigned long long inputs; /* hash of the program and the data (stamp) */
} stage_ctx;

/* Each returns 0 on success; md receives the report fragment. */
int stage_chains(const stage_ctx *ctx, FILE *md);
int stage_problems(const stage_ctx *ctx, FILE *md);
int stage_speeds(const stage_ctx *ctx, FILE *md);
int stage_depth(const stage_ctx *ctx, FILE *md);
int stage_theory(const stage_ctx *ctx, FILE *md);
int stage_remedies(const stage_ctx *ctx, FILE *md);
int stage_saturation(const stage_ctx *ctx, FILE *md);

/* Write NAME.gp in ctx->dir: a pngcairo header for NAME.png followed by
 * BODY; run gnuplot when it is there.  Appends the image link (or a note
 * saying how to draw it) to md. */
int stage_figure(const stage_ctx *ctx, FILE *md, const char *name,
                 const char *caption, const char *body);
/* The same for a figure drawn from DATA.csv rather than NAME.csv. */
int stage_figure_data(const stage_ctx *ctx, FILE *md, const char *name,
                      const char *data, const char *caption,
                      const char *body);

#endif
