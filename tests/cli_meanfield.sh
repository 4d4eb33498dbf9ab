#!/usr/bin/env bash
# cli_meanfield.sh -- gradchain meanfield from the command line: closed-form
# values through the plumbing (ReLU: q* = sigma_b2/(1 - sigma_w2/2), chi1 =
# sigma_w2/2, critical sigma_w2 = 2), the formats, and the phase diagram's
# files (bit for bit the same on one thread and on two).
set -u
. "$(dirname "$0")/clilib.sh"

expect_output "relu q*" '"q_star": 0\.800000000000' -- meanfield --activation relu --sigma-w2 1.5 --sigma-b2 0.2 --format json
expect_output "relu chi1" '"chi1": 0\.7500000000000' -- meanfield --activation relu --sigma-w2 1.5 --sigma-b2 0.2 --format json
expect_output "relu critical" 'sigma_w\^2 = 1\.99999999999999|sigma_w\^2 = 2\.0000000000000' -- meanfield --activation relu --sigma-b2 0 --critical
expect_output "csv header" '^activation,sigma_w2,sigma_b2,q_star,q_star_err,chi1,chi1_err,c_star' -- meanfield --format csv
expect_output "chaotic phase" '"phase": "chaotic"' -- meanfield --activation tanh --sigma-w2 2.5 --sigma-b2 0.05 --format json
expect_output "the chapter's sigmoid" 'learns 4\.88' -- meanfield
expect_output "help" 'Usage: gradchain meanfield' -- meanfield --help
# MPFR: ReLU's q* = 0.2/(1 - 0.75) = 0.8 exactly: the decimals 1.5 and 0.2 as typed
# (with the double nearest 0.2 it would be 0.80000000000000004440892...)
expect_output "mpfr relu" 'q\*      = 0\.80000000000000000000000000000000000000  \(38 digits\)' -- meanfield --activation relu --sigma-w2 1.5 --sigma-b2 0.2 --prec 128
expect_output "mpfr json" '"mpfr": \{"prec": 128, "q_star": "1\.30213403630578632467070513370084512[0-9]*", "q_star_digits": 38, "chi1": "0\.0419597346363679873883286419922273529[0-9]*", "chi1_digits": 3[78]' -- meanfield --prec 128 --format json

for t in 1 2; do
  OMP_NUM_THREADS=$t "$GRADCHAIN" meanfield --activation tanh --grid "$tmpd/g$t" --grid-size 6 >/dev/null 2>"$tmpd/err" || fail "grid on $t threads: $(cat "$tmpd/err")"
done
if cmp -s "$tmpd/g1/phase.csv" "$tmpd/g2/phase.csv" && cmp -s "$tmpd/g1/phase_critical.csv" "$tmpd/g2/phase_critical.csv" &&
   [[ $(grep -c '^[0-9]' "$tmpd/g1/phase.csv") -eq 36 && -s "$tmpd/g1/phase.gp" ]]; then
  pass
else
  fail "grid files differ between thread counts or are incomplete"
fi
# sigma_b2 = 0 row of tanh: critical at sigma_w2 = 1
if grep -q '^0,1$' "$tmpd/g1/phase_critical.csv"; then pass; else fail "tanh critical line at sigma_b2 = 0: $(sed -n 2p "$tmpd/g1/phase_critical.csv")"; fi
finish
