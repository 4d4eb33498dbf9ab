#!/usr/bin/env bash
# cli_saturation.sh -- `gradchain train --monitor activations`: the JSON
# keys and counts the manual describes, CSV rows per record and layer, the
# text table, the figures of --plot, and a run resumed from its checkpoint
# giving the uninterrupted run's records.
set -u
. "$(dirname "$0")/clilib.sh"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
data=$tmpd/data
mkdir -p "$data"
# 1000 training images (834 + 166 validation): 84 mini-batches an epoch
"$MKSYNTH" "$data" 1000 100 3 >/dev/null || { echo "mksynth failed"; exit 1; }
args=(train --data "$data" --sizes 784,8,6,10 --epochs 3 --quiet
      --monitor eval-accuracy,activations --stats-sample 50 --stats-every 30)

"$GRADCHAIN" "${args[@]}" --format json >"$tmpd/A.json" 2>"$tmpd/err" ||
  { fail "json run: $(cat "$tmpd/err")"; finish; exit 1; }
# records every 30 of 252 updates: 30, 60, ..., 240, none at an epoch's end
# (84, 168, 252)
n=$(grep -o '"batches": [0-9]*' "$tmpd/A.json" | awk '{print $2}' | tr '\n' ' ')
[[ $n == "30 60 90 120 150 180 210 240 " ]] && pass || fail "activation_records at mini-batches '$n'"
[[ $(grep -c '"activations": \[{"layer": 1' "$tmpd/A.json") -eq 11 ]] && pass ||
  fail "not 3 epochs' + 8 records' activations"
for k in initial_activations activation_records '"p2_5"' '"p50"' '"p97_5"' '"saturated"' '"sd"'; do
  grep -q "$k" "$tmpd/A.json" && pass || fail "no $k in the JSON"
done

# CSV: header + (1 initial + 8 every-K + 3 epoch ends) x 2 layers
"$GRADCHAIN" "${args[@]}" --format csv >"$tmpd/A.csv" 2>"$tmpd/err" || fail "csv run: $(cat "$tmpd/err")"
[[ $(head -1 "$tmpd/A.csv") == batches,epoch,layer,mean,sd,p2_5,p50,p97_5,saturated ]] && pass || fail "CSV header"
[[ $(wc -l <"$tmpd/A.csv") -eq $((1 + 12 * 2)) ]] && pass || fail "CSV has $(wc -l <"$tmpd/A.csv") lines, expected 25"

expect_output "text table" '^ +252 +3 +2 ' -- "${args[@]}"

# --plot: the CSV and three figures (PNGs when gnuplot is there)
"$GRADCHAIN" "${args[@]}" --plot "$tmpd/fig" >/dev/null 2>"$tmpd/err" || fail "plot run: $(cat "$tmpd/err")"
for f in activations.csv activations_mean.gp activations_sd.gp activations_saturated.gp; do
  [[ -s $tmpd/fig/$f ]] && pass || fail "--plot wrote no $f"
done
if command -v gnuplot >/dev/null; then
  [[ -s $tmpd/fig/activations_mean.png ]] && pass || fail "--plot drew no activations_mean.png"
fi

# resumed after epoch 1: the same records as the uninterrupted run
"$GRADCHAIN" "${args[@]}" --epochs 1 --checkpoint "$tmpd/ck.json" >/dev/null 2>"$tmpd/err" || fail "first epoch: $(cat "$tmpd/err")"
"$GRADCHAIN" train --data "$data" --resume "$tmpd/ck.json" --epochs 3 --quiet --format json >"$tmpd/B.json" 2>"$tmpd/err" ||
  fail "resume: $(cat "$tmpd/err")"
strip() { sed 's/"seconds": [^}]*//' "$1"; }
if cmp -s <(strip "$tmpd/A.json") <(strip "$tmpd/B.json"); then pass; else fail "the resumed run's JSON differs"; fi
# Sutskever's schedule across a checkpoint: batch 2 is 417 updates an
# epoch, so mu rises from 0.5 inside epoch 1 and goes on rising after the
# resume; the resumed run's net and output are the uninterrupted run's
margs=(train --data "$data" --sizes 784,8,10 --batch 2 --quiet --format json
       --momentum-schedule sutskever --momentum-max 0.95)
"$GRADCHAIN" "${margs[@]}" --epochs 3 --save "$tmpd/m3.json" >"$tmpd/M.json" 2>"$tmpd/err" ||
  fail "momentum run: $(cat "$tmpd/err")"
grep -q '"momentum_schedule": "sutskever"' "$tmpd/M.json" && pass || fail "no momentum_schedule in the JSON"
"$GRADCHAIN" "${margs[@]}" --epochs 1 --checkpoint "$tmpd/mck.json" >/dev/null 2>"$tmpd/err" || fail "momentum epoch 1: $(cat "$tmpd/err")"
grep -q '"updates": 417' "$tmpd/mck.json" && pass || fail "the checkpoint has not 417 updates"
"$GRADCHAIN" train --data "$data" --resume "$tmpd/mck.json" --epochs 3 --save "$tmpd/m3r.json" --quiet --format json \
  >"$tmpd/MR.json" 2>"$tmpd/err" || fail "momentum resume: $(cat "$tmpd/err")"
cmp -s "$tmpd/m3.json" "$tmpd/m3r.json" && pass || fail "the resumed schedule's net differs"
if cmp -s <(strip "$tmpd/M.json") <(strip "$tmpd/MR.json"); then pass; else fail "the resumed schedule's JSON differs"; fi
expect_status 2 "resume with another schedule" -- train --data "$data" --resume "$tmpd/mck.json" --momentum-schedule constant

# speeds --train: one record after each epoch (one step each) beside the
# series, and every 2 steps in activation_records
"$GRADCHAIN" speeds --data "$data" --sizes 784,8,6,10 --examples 100 --train --epochs 4 --quiet \
  --monitor activations --stats-sample 20 --stats-every 2 --format json >"$tmpd/S.json" 2>"$tmpd/err" ||
  fail "speeds --train: $(cat "$tmpd/err")"
[[ $(grep -o '"batches": [0-9]*' "$tmpd/S.json" | awk '{print $2}' | tr '\n' ' ') == "2 4 " ]] && pass ||
  fail "speeds --train activation_records"
[[ $(grep -o '{"layer": 1,' "$tmpd/S.json" | wc -l) -eq $((4 + 1 + 2)) ]] && pass ||
  fail "speeds --train: not 4 epochs' + initial + 2 records' activations"
finish
