#!/usr/bin/env bash
# cli_experiments.sh -- small versions of the chapter's experiments on a
# synthetic data set written here: the tables, CSV and JSON hold the values
# that independent paths through the core give.
set -u
. "$(dirname "$0")/clilib.sh"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
data=$tmpd/data
mkdir -p "$data"
"$MKSYNTH" "$data" 1200 300 7 || { echo "mksynth failed"; exit 1; }

# close: |a - b| <= tol * max(|a|, |b|, tiny)
close() {
  awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d;
    m = (a < 0 ? -a : a); n = (b < 0 ? -b : b); if (n > m) m = n; if (m < 1e-300) m = 1e-300;
    exit !(d <= t * m) }'
}

# depth: the final accuracy of 1 hidden layer equals `gradchain train`'s
"$GRADCHAIN" depth --data "$data" --depths 1,2 --width 8 --epochs 2 --format csv --quiet >"$tmpd/depth.csv" 2>"$tmpd/err"
d1=$(awk -F, '$1 == 1 { print $2 }' "$tmpd/depth.csv")
"$GRADCHAIN" train --data "$data" --sizes 784,8,10 --epochs 2 --seed 1 --format json --quiet >"$tmpd/train.json" 2>>"$tmpd/err"
t1=$(grep -o '"evaluation_accuracy": [0-9.e+-]*' "$tmpd/train.json" | tail -1 | awk '{ print $2 }')
if [[ -n $d1 && -n $t1 ]] && close "$d1" "$t1" 1e-6; then pass; else fail "depth final accuracy $d1 != train's $t1 ($(cat "$tmpd/err"))"; fi
# the CSV has one row per depth, the JSON the same numbers
rows=$(awk -F, 'NR > 1' "$tmpd/depth.csv" | wc -l)
[[ $rows -eq 2 ]] && pass || fail "depth.csv has $rows rows, expected 2"
"$GRADCHAIN" depth --data "$data" --depths 1,2 --width 8 --epochs 2 --format json --quiet >"$tmpd/depth.json"
j1=$(grep -o '"hidden": 1, "final_mean": [0-9.e+-]*' "$tmpd/depth.json" | awk '{ print $4 }')
if [[ -n $j1 ]] && close "$j1" "$d1" 1e-6; then pass; else fail "depth json $j1 vs csv $d1"; fi
# the book's accuracy stands beside the book's net only: width 30, one hidden
# layer of sigmoids has it; the same net with tanh has none
expect_output "depth book for the sigmoid net" '"hidden": 1,.*"book": 0\.9647999' -- depth --data "$data" --depths 1 --epochs 1 --format json --quiet
expect_output "no book beside tanh" '"hidden": 1,.*"book": null' -- depth --data "$data" --depths 1 --epochs 1 --activation tanh --format json --quiet
# learnable data: one hidden layer does far better than chance
awk -v a="$d1" 'BEGIN { exit !(a > 0.5) }' && pass || fail "accuracy $d1 not above chance"

# speeds at initialisation (gc_layer_speeds) equal the speeds that the
# trainer's first batch-gradient step sees (another path through the core)
"$GRADCHAIN" speeds --data "$data" --sizes 784,6,5,10 --examples 1000 --format csv >"$tmpd/s0.csv"
"$GRADCHAIN" speeds --data "$data" --sizes 784,6,5,10 --examples 1000 --train --epochs 3 --format csv --quiet >"$tmpd/s1.csv"
for l in 1 2; do
  a=$(awk -F, -v l=$l '$1 == l { print $2 }' "$tmpd/s0.csv")
  b=$(awk -F, -v c=$((l + 1)) '$1 == "0" { print $c }' "$tmpd/s1.csv")
  if [[ -n $a && -n $b ]] && close "$a" "$b" 1e-12; then pass; else fail "layer $l speed $a vs training's first $b"; fi
done
rows=$(awk 'NR > 1' "$tmpd/s1.csv" | wc -l)
[[ $rows -eq 3 ]] && pass || fail "speeds --train csv has $rows epochs, expected 3"
expect_output "speeds json keys" '"layers": \[\{"layer": 1, "mean"' -- speeds --data "$data" --sizes 784,6,5,10 --format json
expect_output "speeds --train json" '"final_ratio"' -- speeds --data "$data" --sizes 784,6,5,10 --train --epochs 2 --format json --quiet

# bad input
expect_status 2 "speeds without hidden layer" -- speeds --data "$data" --sizes 784,10
expect_status 2 "speeds wrong input size" -- speeds --data "$data" --sizes 100,5,10
expect_status 2 "depth negative eta" -- depth --data "$data" --eta -1
expect_status 2 "depth zero depth" -- depth --data "$data" --depths 0
expect_status 1 "depth missing data" -- depth --data "$tmpd/nowhere"

# reproduce on the synthetic set: report, data and resumption
out=$tmpd/res
if "$GRADCHAIN" reproduce --quick --seeds 2 --out "$out" --data "$data" --quiet >/dev/null 2>"$tmpd/err"; then
  pass
  for f in report.md chain_gradients.csv width.csv speeds_init.json depth.csv depth.json speeds_train_4hidden.csv \
           remedies_depth.csv remedies_speeds.csv \
           saturation_sigmoid_default.csv saturation_tanh_glorot.csv saturation_momentum.csv; do
    [[ -s $out/$f ]] && pass || fail "reproduce did not write $f"
  done
  grep -q '| 1 | \[784,30,10\] |' "$out/report.md" && pass || fail "report lacks the depth table"
  grep -q '^## What helps' "$out/report.md" && grep -q 'quick run: 1 to 8 hidden layers' "$out/report.md" \
    && pass || fail "report lacks the remedies stage or its quick-run note"
  grep -q 'Quick run' "$out/report.md" && pass || fail "quick report does not say so"
  # the report's table shows the depth.csv numbers
  f1=$(awk -F, '$1 == 1 { printf "%.2f", 100 * $2 }' "$out/depth.csv")
  grep -q "| 1 | \[784,30,10\] | $f1 ± " "$out/report.md" && pass || fail "report's accuracy is not depth.csv's $f1"
  "$GRADCHAIN" reproduce --quick --seeds 2 --out "$out" --data "$data" 2>"$tmpd/err2" >/dev/null
  grep -q 'already done' "$tmpd/err2" && pass || fail "a second run did not reuse finished stages"
  # other data (a copy whose files are newer): every stage is redone
  cp -r "$data" "$tmpd/data2"
  touch -d '+1 minute' "$tmpd/data2"/*
  "$GRADCHAIN" reproduce --quick --seeds 2 --out "$out" --data "$tmpd/data2" 2>"$tmpd/err3" >/dev/null
  ! grep -q 'already done' "$tmpd/err3" && grep -q 'wrote .*report.md' "$tmpd/err3" && pass ||
    fail "a run on other data reused stages: $(head -c 300 "$tmpd/err3")"
  # and back: the stamp names the data, so the first data's stages are redone
  "$GRADCHAIN" reproduce --quick --seeds 2 --out "$out" --data "$data" 2>"$tmpd/err4" >/dev/null
  ! grep -q 'already done' "$tmpd/err4" && pass || fail "the first data's stages were not redone"
else
  fail "reproduce --quick: $(cat "$tmpd/err")"
fi

# --stages: only the stages named, the report says which
sel=$tmpd/sel
if "$GRADCHAIN" reproduce --quick --seeds 1 --stages problems,chains --out "$sel" --data "$data" --quiet >/dev/null 2>"$tmpd/err"; then
  grep -q '^## Chains' "$sel/report.md" && grep -q "^## The chapter's problems" "$sel/report.md" &&
    ! grep -q '^## What helps' "$sel/report.md" && [[ ! -e $sel/depth.csv && ! -e $sel/parts/speeds.md ]] &&
    grep -q -- '--stages problems,chains' "$sel/report.md" && pass ||
    fail "reproduce --stages problems,chains: wrong report or files"
else
  fail "reproduce --stages: $(cat "$tmpd/err")"
fi

# SIGINT during the third stage: it is finished (or dropped if a child
# died with it), the run stops with 130 and says how to continue; the
# same command then completes, reusing the finished stages
sig=$tmpd/sig
"$GRADCHAIN" reproduce --quick --seeds 2 --out "$sig" --data "$data" 2>"$tmpd/serr" >/dev/null &
pid=$!
for _ in $(seq 1 3000); do
  grep -q '\[3/[0-9]*\].*\.\.\.$' "$tmpd/serr" 2>/dev/null && break
  sleep 0.02
done
kill -INT "$pid" 2>/dev/null
st=0
wait "$pid" || st=$?
if [[ $st -eq 130 ]] && grep -q 'rerun the same command to continue' "$tmpd/serr" &&
   [[ ! -e $sig/parts/depth.md && ! -e $sig/report.md ]]; then
  pass
else
  fail "reproduce on SIGINT: status $st, expected 130 before the last stage: $(tail -c 300 "$tmpd/serr")"
fi
if "$GRADCHAIN" reproduce --quick --seeds 2 --out "$sig" --data "$data" 2>"$tmpd/serr2" >/dev/null &&
   [[ $(grep -c 'already done' "$tmpd/serr2") -ge 2 && -s $sig/report.md ]]; then
  pass
else
  fail "reproduce did not continue after SIGINT: $(tail -c 300 "$tmpd/serr2")"
fi
finish
