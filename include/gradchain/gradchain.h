/* gradchain/gradchain.h -- everything in libgradchain. */
#ifndef GRADCHAIN_GRADCHAIN_H
#define GRADCHAIN_GRADCHAIN_H

#include "gradchain/error.h"
#include "gradchain/activation.h"
#include "gradchain/cost.h"
#include "gradchain/dataset.h"
#include "gradchain/idx.h"
#include "gradchain/mnist.h"
#include "gradchain/kernels.h"
#include "gradchain/net.h"
#include "gradchain/init.h"
#include "gradchain/chain.h"
#include "gradchain/chain_mpfr.h"
#include "gradchain/mpfr_expneg.h"
#include "gradchain/mpfr_digits.h"
#include "gradchain/speeds.h"
#include "gradchain/evaluate.h"
#include "gradchain/train.h"
#include "gradchain/netio.h"
#include "gradchain/checkpoint.h"
#include "gradchain/run.h"
#include "gradchain/sweep.h"
#include "gradchain/depth.h"
#include "gradchain/speeds_study.h"
#include "gradchain/problem_bound.h"
#include "gradchain/problem_width.h"
#include "gradchain/problem_maxwidth.h"
#include "gradchain/problem_identity.h"
#include "gradchain/problem_activation.h"
#include "gradchain/meanfield.h"

#endif
