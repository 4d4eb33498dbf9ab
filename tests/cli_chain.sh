#!/usr/bin/env bash
# cli_chain.sh -- gradchain chain/explode (and problem width --prec) from
# the command line: values,
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

# --prec certifies the digits of the numbers as typed.  References for the
# chain above, quadratic cost, sigmoid: `bc -l` at scale=170 running
#   define s(z) { return 1/(1+e(-z)); }  a=0.7; y=0.2; p=1
#   for (j=1; j<=4; j++) { z=w[j]*a+b[j]; a=s(z); d=a*(1-a); if (j>1) p=p*w[j]; p=p*d }
#   p*(a-y)
# with w[] and b[] the decimals (and, for the double problem, mpmath at 120
# digits on float(w), float(b) ...), rounded by hand to 38 and 77 digits:
#   decimal -1.66562126168832967227977608357784171162921704475816451328047449802677966999195091...e-3
#   double  -1.66562126168832969657912973377242869790708601778973560395295013680764838848308391...e-3
DEC128='-1\.6656212616883296722797760835778417116e-3'
DEC256='-1\.6656212616883296722797760835778417116292170447581645132804744980267796699920e-3'
DBL128='-1\.6656212616883296965791297337724286979e-3'
DBL256='-1\.6656212616883296965791297337724286979070860177897356039529501368076483884831e-3'
expect_output "decimal problem, 128 bits" "^∂C/∂b1 = $DEC128\$" -- chain $W --prec 128 --summary
expect_output "decimal problem, 256 bits" "^∂C/∂b1 = $DEC256\$" -- chain $W --prec 256 --summary
expect_output "double problem, 128 bits" "^∂C/∂b1 = $DBL128\$" -- chain $W --prec 128 --summary --double-inputs
expect_output "double problem, 256 bits" "^∂C/∂b1 = $DBL256\$" -- chain $W --prec 256 --summary --double-inputs
expect_output "decimal table row 1" "\"dC_db\": $DEC128" -- chain $W --prec 128 --format json
expect_output "header as typed" '^Chain: 4 layers, sigmoid, quadratic cost, a0 = 0\.7, y = 0\.2$' -- chain $W --prec 128 --summary
expect_output "header as the double" 'a0 = 0\.69999999999999996, y = 0\.20000000000000001$' -- chain $W --prec 128 --summary --double-inputs
expect_output "header as the double, no --prec" 'a0 = 0\.69999999999999996, y = 0\.20000000000000001$' -- chain $W
expect_output "inputs line" '^inputs: as typed \(decimal, correctly rounded to 179 bits\)$' -- chain $W --prec 128 --summary
expect_output "inputs line, --double-inputs" '^inputs: the doubles nearest to the typed values \(--double-inputs\)$' -- chain $W --prec 128 --summary --double-inputs
expect_output "inputs line, --random" '^inputs: w_j, b_j the doubles drawn by --random \(exact\); a0, y as typed' -- chain --random 5 --input 0.3 --prec 64 --summary
expect_output "checks say double-rounded" '^backpropagation \(double, on the double-rounded problem\)' -- chain $W --prec 128 --summary
expect_output "fd says double-rounded" '^finite differences \(on the double-rounded problem\)' -- chain $W --prec 128 --summary --check-fd
expect_output "json inputs decimal" '"inputs": "decimal"' -- chain $W --prec 128 --summary --format json
expect_output "json input as typed" '"input": 0\.7, "target": 0\.2,' -- chain $W --prec 128 --summary --format json
expect_output "json inputs double" '"inputs": "double"' -- chain $W --prec 128 --summary --format json --double-inputs
expect_output "json inputs double, no --prec" '"inputs": "double"' -- chain $W --format json
# numbers exact in binary: the same digits either way
B="--weights 0.5,1.5,-2.25 --biases 0.5,-1.5,0.125 --input 0.75 --target 0.25 --prec 128 --summary"
if [[ $("$GRADCHAIN" chain $B | grep '^∂C') == "$("$GRADCHAIN" chain $B --double-inputs | grep '^∂C')" ]] &&
   "$GRADCHAIN" chain $B | grep -q '^∂C/∂b1 = -2\.5'; then
  pass
else
  fail "binary-exact inputs give different digits with --double-inputs"
fi
# explode with W = 100.1, y = 0.3: (1/4)(W/4)^299 (1/2 - y); `bc -l` with
# scale=1200: (100.1/4)^299/4*0.2 = 6.49862928938224735356208646765033560453457...e+416
expect_output "explode decimal W, y" '^∂C/∂b1 = 6\.4986292893822473535620864676503356045e\+416$' -- explode --depth 300 --input 0.3 --weight 100.1 --target 0.3 --prec 128 --summary
expect_output "explode header as typed" 'w_j = 100\.1, b_j = -100\.1·a_\{j-1\}.*a0 = 0\.3, y = 0\.3$' -- explode --depth 300 --input 0.3 --weight 100.1 --target 0.3 --prec 128 --summary
expect_output "explode double problem differs" '^∂C/∂b1 = 6\.49862928938213' -- explode --depth 300 --input 0.3 --weight 100.1 --target 0.3 --prec 128 --summary --double-inputs
expect_status 2 "--double-inputs without --prec" -- chain $W --double-inputs
expect_status 2 "MPFR cannot read" -- chain --weights 1.2x --biases 0 --prec 64
expect_status 2 "beyond MPFR's range" -- chain --weights 1 --biases 1e99999999999999999999 --prec 64

# problem width --prec: w = 6, b = 0.3 as typed.  Reference: mpmath 1.3
# findroot at 60 digits on |w| sigma'(wa+b) = 1 (independent of the closed
# form): a_lo = -0.269492982820802784770841057884661407337830...,
# a_hi = 0.169492982820802784770841057884661407337830...; with b rounded to
# double a_lo = -0.269492982820802782920469350176067173298444...
expect_output "width a_lo, decimal b" '^  a_lo   = -0\.26949298282080278477084105788466140734  \(38 digits\)$' -- problem width --w 6 --b 0.3 --prec 128
expect_output "width a_hi, decimal b" '^  a_hi   = 0\.16949298282080278477084105788466140734  \(38 digits\)$' -- problem width --w 6 --b 0.3 --prec 128
expect_output "width a_lo, double b" '^  a_lo   = -0\.26949298282080278292046935017606717330  \(38 digits\)$' -- problem width --w 6 --b 0.3 --prec 128 --double-inputs
expect_output "width header as typed" '^Problem 2: .*, w = 6, b = 0\.3$' -- problem width --w 6 --b 0.3 --prec 128
expect_output "width header as the double" ', b = 0\.29999999999999999$' -- problem width --w 6 --b 0.3
expect_output "width inputs line" '^inputs: as typed \(decimal, correctly rounded to 160 bits\)$' -- problem width --w 6 --b 0.3 --prec 128
expect_output "width json" '"b": 0\.3, "inputs": "decimal".*"a_lo": "-0\.26949298282080278477084105788466140734", "a_lo_digits": 38' -- problem width --w 6 --b 0.3 --prec 128 --format json
expect_output "width json, double" '"b": 0\.29999999999999999, "inputs": "double"' -- problem width --w 6 --b 0.3 --format json
expect_status 1 "width: |w| within rounding of 4" -- problem width --w 4.0000000000000000000000000000000000000000000000001 --prec 64
expect_output "width: |w| = 4 exactly is a point" 'a single point a = -b/w = -0\.025000' -- problem width --w 4 --b 0.1 --prec 64

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
