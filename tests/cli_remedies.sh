#!/usr/bin/env bash
# cli_remedies.sh -- the remedies' options of train (issue 12): --momentum 0
# is network2's run bit for bit; a tanh/softmax/log-likelihood net saves,
# and evaluate, reading the activation and output from the file, gives
# train's final accuracy; --resume refuses another activation.
set -u
. "$(dirname "$0")/clilib.sh"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
d=$tmpd/data
mkdir -p "$d"; "$MKSYNTH" "$d" 1200 300 7 || { echo "mksynth failed"; exit 1; }
T=(train --data "$d" --sizes 784,8,10 --epochs 2 --quiet)

"$GRADCHAIN" "${T[@]}" --momentum 0 --save "$tmpd/a.json" >/dev/null
"$GRADCHAIN" "${T[@]}" --save "$tmpd/b.json" >/dev/null
if cmp -s "$tmpd/a.json" "$tmpd/b.json"; then pass
else fail "train --momentum 0 saves another net than train without it"; fi
# and momentum does change it (the test above could not fail otherwise)
"$GRADCHAIN" "${T[@]}" --momentum 0.5 --save "$tmpd/c.json" >/dev/null
if cmp -s "$tmpd/a.json" "$tmpd/c.json"; then
  fail "train --momentum 0.5 saves the net of no momentum"
else pass; fi

R=(--sizes 784,8,8,10 --activation tanh,relu --output softmax --cost log-likelihood
   --init glorot --momentum 0.9 --nesterov)
"$GRADCHAIN" train --data "$d" --epochs 2 --quiet "${R[@]}" --save "$tmpd/r.json" \
  >"$tmpd/train.txt" || fail "train ${R[*]} failed"
grep -q '^# activation tanh,relu, output softmax, cost log-likelihood, init glorot, momentum 0.9 (Nesterov)$' \
  "$tmpd/train.txt" && pass || fail "train's text does not name the net: $(head -1 "$tmpd/train.txt")"
got=$(awk '$1 == "2" {print $2}' "$tmpd/train.txt")
"$GRADCHAIN" evaluate --data "$d" --load "$tmpd/r.json" >"$tmpd/eval.txt" \
  || fail "evaluate --load failed"
ev=$(awk '$1 == "accuracy" {print $2}' "$tmpd/eval.txt")
if [[ -n $got && $got == "$ev" ]]; then pass
else fail "evaluate gives accuracy '$ev', train's final was '$got'"; fi
grep -q '(log-likelihood)' "$tmpd/eval.txt" && pass \
  || fail "evaluate does not use the file's cost: $(cat "$tmpd/eval.txt")"

"$GRADCHAIN" train --data "$d" --epochs 1 --quiet --activation tanh \
  --checkpoint "$tmpd/ck" >/dev/null || fail "train --checkpoint failed"
expect_status 2 "--resume with another activation" -- \
  train --data "$d" --epochs 2 --quiet --resume "$tmpd/ck" --activation relu
finish
