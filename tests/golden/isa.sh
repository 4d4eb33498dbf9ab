#!/usr/bin/env bash
# isa.sh -- the instruction set the training goldens were recorded on: the
# widest vector FMA this CPU has (the default build tunes for it).
if grep -qw avx512f /proc/cpuinfo; then echo avx512
elif grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then echo avx2
else echo portable; fi
