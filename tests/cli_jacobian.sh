#!/usr/bin/env bash
# cli_jacobian.sh -- gradchain jacobian from the command line: orthogonal-
# like products through the plumbing (identity activation: the mean squared
# singular value of a linear Gaussian product stays near 1), a singular
# product's Lyapunov exponents printed as -inf (never NaN), the JSON keys,
# the spectrum files, and the same bytes on one thread and two.
set -u
. "$(dirname "$0")/clilib.sh"

expect_output "help" 'Usage: gradchain jacobian' -- jacobian --help
expect_output "json keys" '^\{"width": 40, "input_width": 40, "depth": 3, .*"layers": \[\{"depth": 1, "mean_sq_singular": .*"chi1_pow": .*"max_singular": .*"min_singular": ' -- jacobian --width 40 --depth 3 --activation tanh --format json
expect_output "lyapunov keys" '"lyapunov": \{"blocks": 2, "exponents": \[.*\], "standard_errors": \[' -- jacobian --width 10 --depth 20 --lyapunov --blocks 2 --format json
# identity: chi1 = sigma_w2 = 1 exactly
expect_output "identity chi1" 'chi1 = 1 ' -- jacobian --width 30 --depth 2 --activation identity
# width 1, ReLU: some layer's pre-activation is negative, the product is 0
expect_output "singular product: -inf, not NaN" '"exponents": \["-inf"\], "standard_errors": \[' -- jacobian --width 1 --depth 40 --activation relu --sigma-b2 1 --lyapunov --blocks 2 --format json
if "$GRADCHAIN" jacobian --width 1 --depth 40 --activation relu --lyapunov --blocks 2 2>&1 | grep -qi nan; then
  fail "a singular product printed NaN"
else
  pass
fi

for t in 1 2; do
  OMP_NUM_THREADS=$t "$GRADCHAIN" jacobian --width 60 --depth 8 --activation tanh --spectra 1,8 --backward --out "$tmpd/s$t" --format json >"$tmpd/j$t" 2>"$tmpd/err" || fail "spectra on $t threads: $(cat "$tmpd/err")"
  sed -i 's/"seconds": .*//' "$tmpd/j$t"
done
if cmp -s "$tmpd/s1/spectra.csv" "$tmpd/s2/spectra.csv" && cmp -s "$tmpd/j1" "$tmpd/j2" &&
   [[ $(grep -c '^jacobian,8,' "$tmpd/s1/spectra.csv") -eq 60 && $(grep -c '^backward,1,' "$tmpd/s1/spectra.csv") -eq 60 && -s "$tmpd/s1/spectra.gp" && -s "$tmpd/s1/layers.csv" ]]; then
  pass
else
  fail "spectra differ between thread counts or are incomplete"
fi
finish
