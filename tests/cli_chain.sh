#!/usr/bin/env bash
# cli_chain.sh -- gradchain chain/explode from the command line: values,
# output formats, and every bad input answered by one line and an exit code.
set -u
. "$(dirname "$0")/clilib.sh"

W="--weights 0.5,-1.2,0.8,1.5 --biases 0.1,-0.3,0.2,0.05 --input 0.7 --target 0.2"

# values: dC/db1 of the issue's example, by hand in python-free shell math
# is not practical; the library tests check values -- here the plumbing.
expect_output "text table" '^ +4 ' -- chain $W
expect_output "json keys" '"dC_db1": -0\.001665621' -- chain $W --format json
expect_output "csv header" '^j,z,a,sigma_prime,factor,dC_db,dC_dw$' -- chain $W --format csv
expect_output "finite differences" '4 of 4 layers within' -- chain $W --check-fd
expect_output "explode closed form" 'the same, digit for digit' -- explode --depth 300 --input 0.3 --prec 128 --summary
expect_output "explode e+417" '1\.2049599325514420588703750173562544682e\+417' -- explode --depth 300 --input 0.3 --prec 128 --format json --summary
expect_output "vanishing e-649" 'e-649' -- chain --depth 1000 --weights 1 --biases 0 --input 1 --target 0 --prec 128 --summary
expect_output "random seeded" 'w_j, b_j ~ N\(0,1\)' -- chain --random 30 --seed 7
expect_output "help" 'Usage: gradchain chain' -- chain --help
expect_output "version" '^gradchain [0-9]' -- --version

# double results out of range: printed, flagged, exit 3
# the per-layer table of a deep MPFR chain is formatted on two threads in
# chunks: the same bytes as on one thread, rows in order
for fmt in csv json text; do
  OMP_NUM_THREADS=2 "$GRADCHAIN" chain --random 5000 --seed 4 --prec 64 --format $fmt >"$tmpd/t2" 2>/dev/null
  OMP_NUM_THREADS=1 "$GRADCHAIN" chain --random 5000 --seed 4 --prec 64 --format $fmt >"$tmpd/t1" 2>/dev/null
  if cmp -s "$tmpd/t1" "$tmpd/t2" && [[ $(grep -c . "$tmpd/t1") -ge 5000 ]]; then
    pass
  else
    fail "$fmt table of 5000 MPFR layers differs between 1 and 2 threads"
  fi
done
if awk -F, 'NR > 1 && $1 != NR - 1 { bad = 1 } END { exit bad }' <(OMP_NUM_THREADS=2 "$GRADCHAIN" chain --random 5000 --seed 4 --prec 64 --format csv 2>/dev/null); then
  pass
else
  fail "csv rows of 5000 MPFR layers out of order"
fi

expect_status 3 "double overflow flagged" -- explode --depth 300 --summary
expect_status 3 "double underflow flagged" -- chain --depth 1000 --weights 1 --biases 0 --summary
expect_output "double overflow flag in json" '"double_overflow": true' -- explode --depth 300 --prec 64 --summary --format json
expect_status 3 "overflow flag without --prec" -- explode --depth 300 --summary --format json

# bad input
expect_status 2 "malformed number" -- chain --weights 0.5,abc --biases 0,0
expect_status 2 "NaN weight" -- chain --weights nan --biases 0
expect_status 2 "inf input" -- chain --weights 1 --biases 0 --input inf
expect_status 2 "lengths differ" -- chain --weights 1,2,3 --biases 0,0
expect_status 2 "depth 0" -- chain --depth 0 --weights 1 --biases 0
expect_status 2 "negative depth" -- chain --depth -5 --weights 1 --biases 0
expect_status 2 "sign behind a tab" -- chain --depth "$(printf '\t-5')" --weights 1 --biases 0
expect_status 2 "seed with a sign behind a tab" -- chain --random 3 --seed "$(printf '\t-1')"
expect_status 2 "depth too large" -- chain --depth 999999999999 --weights 1 --biases 0
expect_status 1 "depth above memory" -- chain --depth 100000000 --weights 1 --biases 0 --prec 1000000
expect_status 2 "prec too small" -- chain --weights 1 --biases 0 --prec 3
expect_status 2 "prec too large" -- chain --weights 1 --biases 0 --prec 99999999
expect_status 2 "unknown activation" -- chain --weights 1 --biases 0 --activation swish
expect_status 2 "unknown cost" -- chain --weights 1 --biases 0 --cost hinge
expect_status 2 "unknown format" -- chain --weights 1 --biases 0 --format xml
expect_status 2 "unknown option" -- chain --frobnicate
expect_status 2 "missing value" -- chain --weights
expect_status 2 "no chain given" -- chain
expect_status 2 "explode without depth" -- explode
expect_status 1 "explode weight 0" -- explode --depth 3 --weight 0
expect_status 2 "unknown subcommand" -- frobnicate
expect_status 2 "empty list item" -- chain --weights 1,,2 --biases 0,0,0
finish
