/* exp_problems.c -- the chapter's problems in the report, with the width
 * of the interval against |w| as a figure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gradchain/gradchain.h"
#include "gradchain/problem_activation.h"
#include "gradchain/problem_bound.h"
#include "gradchain/problem_identity.h"
#include "gradchain/problem_maxwidth.h"
#include "gradchain/problem_width.h"
#include "cli/cli.h"
#include "cli/outfile.h"
#include "cli/reproduce/stages.h"

int stage_problems(const stage_ctx *ctx, FILE *md)
{
  gc_bound_params bp;
  gc_bound_result b;
  gc_bound_params_default(&bp);
  if (gc_problem_bound(&b, &bp)) return cli_fail_lib();
  gc_maxwidth_params mp;
  gc_maxwidth_result mw;
  gc_maxwidth_params_default(&mp);
  if (gc_problem_maxwidth(&mw, &mp)) return cli_fail_lib();
  mpfr_t ws, wm;
  mpfr_inits2(128, ws, wm, (mpfr_ptr)0);
  size_t it;
  char sws[80] = "", swm[80] = "";
  if (gc_maxwidth_mpfr(ws, wm, 128, MPFR_RNDN, mw.w_star, 100, &it) == 0) {
    gc_mpfr_snprint(sws, sizeof sws, ws, 30);
    gc_mpfr_snprint(swm, sizeof swm, wm, 30);
  }
  mpfr_clears(ws, wm, (mpfr_ptr)0);

  fprintf(md, "## The chapter's problems\n\n"
          "Solved with GSL (one-dimensional minimisers and root solvers, "
          "Nelder-Mead), compared with the closed forms; `gradchain problem "
          "NAME` and problems/ give the details.\n\n"
          "| problem | gradchain | closed form / book |\n|---|---|---|\n");
  fprintf(md, "| max σ'(z), at z* | %.17g at z* = %.3g | 1/4 at z = 0 |\n",
          b.sigma_prime_max, b.z_star);
  fprintf(md, "| smallest \\|w\\| with \\|w σ'(wa+b)\\| ≥ 1 | %.17g | 4 |\n", b.w_min);
  double wv[] = {5.0, 6.0, 10.0, 100.0};
  for (int i = 0; i < 4; i++) {
    gc_width_params wp;
    gc_width_result wr;
    gc_width_params_default(&wp);
    if (gc_problem_width(&wr, wv[i], 0.0, &wp)) return cli_fail_lib();
    fprintf(md, "| width of the interval of a, \\|w\\| = %g | %.15g | %.15g |\n",
            wv[i], wr.width, wr.width_closed_form);
  }
  fprintf(md, "| widest interval: \\|w\\|* | %.15g ± %.1g | ≈ 6.9 |\n",
          mw.w_star, mw.w_err);
  fprintf(md, "| widest interval: width | %.15g ± %.1g | ≈ 0.45 |\n",
          mw.width_max, mw.width_err);
  if (*sws)
    fprintf(md, "| the same in MPFR, 128 bits (30 digits shown) | %s, %s | |\n",
            sws, swm);
  gc_identity_neuron tn, on;
  gc_identity_info info;
  gc_identity_params ip;
  gc_identity_params_default(&ip);
  if (gc_identity_taylor(&tn, 0.1, ip.grid) ||
      gc_identity_optimise(&on, &info, &tn, &ip))
    return cli_fail_lib();
  fprintf(md, "| identity neuron w₂σ(w₁x+b) ≈ x on [0,1], w₁ = 0.1: Taylor "
          "max error | %.6g | w₁²/96 = %.6g |\n", tn.max_error,
          gc_identity_leading_error(0.1));
  fprintf(md, "| … optimised by Nelder-Mead (minimax) | %.6g (%.2f× better) | "
          "w₁²/384 (Chebyshev) = %.6g |\n", on.max_error,
          tn.max_error / on.max_error, 0.01 / 384);
  fprintf(md, "\nAnother activation (problem 5): median log10 of |∏ w_j f'(z_j)| "
          "over random N(0,1) chains:\n\n| activation | sup \\|f'\\| | "
          "\\|w\\| bound | depth 10 | depth 30 | depth 100 |\n|---|---|---|---|---|---|\n");
  gc_activation acts[] = {GC_ACT_SIGMOID, GC_ACT_TANH, GC_ACT_RELU, GC_ACT_SOFTPLUS};
  for (int i = 0; i < 4; i++) {
    gc_act_chain_params ap;
    gc_act_result ar;
    gc_act_chain_params_default(&ap);
    if (ctx->quick) ap.nchains = 1001;
    if (gc_problem_activation(&ar, acts[i], &ap)) return cli_fail_lib();
    fprintf(md, "| %s | %g | %g |", gc_activation_name(acts[i]), ar.deriv_max,
            ar.w_bound);
    for (size_t k = 0; k < ar.ndepths && k < 3; k++) {
      if (isinf(ar.median[k]))
        fprintf(md, " −∞ (%.1f%% exactly 0) |", 100 * ar.zero_fraction[k]);
      else
        fprintf(md, " %.1f |", ar.median[k]);
    }
    fputc('\n', md);
  }
  fprintf(md, "\nA larger derivative does not cure the unstable gradient: the "
          "products still vanish, just a little more slowly.\n");

  /* the width against |w|, with its maximum marked */
  outfile o;
  if (outfile_open(&o, ctx->dir, "width.csv")) return CLI_FAIL;
  fprintf(o.f, "w,width,width_closed_form\n");
  for (int i = 0; i <= 960; i++) {
    double w = 4.0 + i / 40.0;
    gc_width_params wp;
    gc_width_result wr;
    gc_width_params_default(&wp);
    if (gc_problem_width(&wr, w, 0.0, &wp)) {
      outfile_abort(&o);
      return cli_fail_lib();
    }
    fprintf(o.f, "%.17g,%.17g,%.17g\n", w, wr.width, wr.width_closed_form);
  }
  if (outfile_commit(&o)) return CLI_FAIL;
  char body[1024];
  snprintf(body, sizeof body,
           "set title \"Width of the interval of a where |w σ'(wa+b)| ≥ 1\"\n"
           "set xlabel '|w|'\nset ylabel 'width of the interval of a'\n"
           "set key top right\nset yrange [0:0.5]\n"
           "set label 1 sprintf('max %%.4f at |w| = %%.4f', %.17g, %.17g) at %g,%g\n"
           "plot 'width.csv' using 1:2 skip 1 with lines lw 2 title 'root-found (GSL Brent)', "
           "'width.csv' using 1:3 skip 1 every 20 with points pt 6 title 'closed form', "
           "'+' using (%.17g):(%.17g) every ::0::0 with points pt 7 ps 2 title 'maximum'\n",
           mw.width_max, mw.w_star, mw.w_star + 0.5, mw.width_max + 0.02,
           mw.w_star, mw.width_max);
  return stage_figure(ctx, md, "width", "The width of the interval against "
                      "|w|, its maximum marked", body);
}
