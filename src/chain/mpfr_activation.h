/* mpfr_activation.h -- internal: an activation and its slope in MPFR,
 * shared by the MPFR chain and the MPFR mean-field point.  Not installed. */
#ifndef GRADCHAIN_MPFR_ACTIVATION_H
#define GRADCHAIN_MPFR_ACTIVATION_H

#include <stdio.h>
#include <mpfr.h>

#include "gradchain/activation.h"
#include "gradchain/mpfr_expneg.h"

/* a = f(z), fp = f'(z), rounded to nearest at their precisions; t and d
 * are scratch, ex a table of ex's precision (gc_mpfr_exp_table_alloc). */
void gc_mpfr_activation(gc_activation act, mpfr_ptr a, mpfr_ptr fp,
                        mpfr_srcptr z, mpfr_ptr t, mpfr_ptr d,
                        gc_mpfr_exp_table *ex);

#endif
