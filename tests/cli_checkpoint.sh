#!/usr/bin/env bash
# cli_checkpoint.sh -- `gradchain train --checkpoint/--resume`: a run killed
# with SIGKILL mid-run and resumed, and a run stopped by SIGINT and resumed
# with the command it prints, end with exactly the uninterrupted run's saved
# network (cmp) and per-epoch monitor values.
set -u
. "$(dirname "$0")/clilib.sh"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
data=$tmpd/data
mkdir -p "$data"
# 12000 images: 10000 to train on, about 0.4 s an epoch
"$MKSYNTH" "$data" 12000 300 7 || { echo "mksynth failed"; exit 1; }
args=(train --data "$data" --sizes 784,20,10 --epochs 6 --quiet
      --monitor eval-accuracy,eval-cost,train-accuracy,train-cost)

# the epochs of a JSON output: everything but the timing
epochs_of() { sed 's/"seconds": [^}]*//' "$1"; }
# the epoch a checkpoint holds (empty if none yet)
ck_epoch() { grep -o '"epoch": [0-9]*' "$1" 2>/dev/null | head -1 | awk '{ print $2 }'; }
# wait until the checkpoint $1 holds epoch >= $2 or process $3 ends
wait_epoch() {
  local i e
  for ((i = 0; i < 600; i++)); do
    e=$(ck_epoch "$1")
    [[ -n $e && $e -ge $2 ]] && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.02
  done
  return 1
}

# the uninterrupted run
"$GRADCHAIN" "${args[@]}" --save "$tmpd/A.json" --format json >"$tmpd/A.out" 2>"$tmpd/err" ||
  { fail "uninterrupted run: $(cat "$tmpd/err")"; finish; exit 1; }
[[ $(grep -c '"epoch": ' "$tmpd/A.out") -eq 6 ]] && pass || fail "uninterrupted run has not 6 epochs"

# SIGKILL after epoch 2 or 3, then --resume (retry if the kill came late)
killed=
for try in 1 2 3; do
  rm -f "$tmpd/ck.json"
  "$GRADCHAIN" "${args[@]}" --checkpoint "$tmpd/ck.json" --save "$tmpd/K.json" \
    --format json >/dev/null 2>"$tmpd/err" &
  pid=$!
  wait_epoch "$tmpd/ck.json" 2 "$pid"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  e=$(ck_epoch "$tmpd/ck.json")
  if [[ -n $e && $e -ge 1 && $e -lt 6 ]]; then killed=$e; break; fi
done
if [[ -n $killed ]]; then
  pass
  [[ ! -e $tmpd/K.json ]] && pass || fail "a killed run saved its network"
  # no temporary files left beside a finished write, unless the kill hit one
  "$GRADCHAIN" train --resume "$tmpd/ck.json" --data "$data" --save "$tmpd/B.json" \
    --format json >"$tmpd/B.out" 2>"$tmpd/err"
  rc=$?
  [[ $rc -eq 0 ]] && pass || fail "resume after SIGKILL at epoch $killed: exit $rc: $(cat "$tmpd/err")"
  cmp -s "$tmpd/A.json" "$tmpd/B.json" && pass || fail "resumed (killed at epoch $killed) network differs from the uninterrupted one"
  if diff <(epochs_of "$tmpd/A.out") <(epochs_of "$tmpd/B.out") >"$tmpd/diff"; then pass
  else fail "resumed monitor values differ: $(head -c 600 "$tmpd/diff")"; fi
  [[ $(ck_epoch "$tmpd/ck.json") -eq 6 ]] && pass || fail "the resumed run did not keep checkpointing"
else
  fail "could not kill the run before its end (checkpoint epoch '$e')"
fi

# SIGINT: the epoch is finished and checkpointed, status 130, and the
# printed command resumes to the uninterrupted result
rm -f "$tmpd/int.json"
"$GRADCHAIN" "${args[@]}" --checkpoint "$tmpd/int.json" --save "$tmpd/C.json" \
  --format json >"$tmpd/C0.out" 2>"$tmpd/err" &
pid=$!
wait_epoch "$tmpd/int.json" 1 "$pid"
kill -INT "$pid"
wait "$pid"
rc=$?
e=$(ck_epoch "$tmpd/int.json")
[[ $rc -eq 130 ]] && pass || fail "SIGINT: exit $rc, expected 130: $(cat "$tmpd/err")"
[[ -n $e && $e -ge 1 && $e -lt 6 ]] && pass || fail "SIGINT: checkpoint epoch '$e'"
[[ ! -s $tmpd/C0.out && ! -e $tmpd/C.json ]] && pass || fail "SIGINT: an interrupted run printed results or saved its network"
grep -q "interrupted after epoch $e of 6" "$tmpd/err" && pass || fail "SIGINT message: $(cat "$tmpd/err")"
cmd=$(sed -n 's/.*continue with: gradchain //p' "$tmpd/err")
if [[ $cmd == *"--resume $tmpd/int.json"* ]]; then
  pass
  eval "\"\$GRADCHAIN\" $cmd" >"$tmpd/C.out" 2>"$tmpd/err2"
  rc=$?
  [[ $rc -eq 0 ]] && pass || fail "the printed command failed ($rc): $cmd: $(cat "$tmpd/err2")"
  cmp -s "$tmpd/A.json" "$tmpd/C.json" && pass || fail "network resumed after SIGINT differs"
  if diff <(epochs_of "$tmpd/A.out") <(epochs_of "$tmpd/C.out") >"$tmpd/diff"; then pass
  else fail "monitor values resumed after SIGINT differ: $(head -c 600 "$tmpd/diff")"; fi
else
  fail "SIGINT message gives no --resume command: $(cat "$tmpd/err")"
fi
# SIGINT without --checkpoint says so
# (not --quiet: its first progress line shows the handler is in place; a
# background job of a script starts with SIGINT ignored until then)
loud=()
for a in "${args[@]}"; do [[ $a == --quiet ]] || loud+=("$a"); done
"$GRADCHAIN" "${loud[@]}" >/dev/null 2>"$tmpd/err" &
pid=$!
for _ in $(seq 1 200); do
  grep -q 'epoch 1/' "$tmpd/err" 2>/dev/null && break
  sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?
[[ $rc -eq 130 ]] && pass || fail "SIGINT without checkpoint: exit $rc"
grep -q 'no checkpoint was requested' "$tmpd/err" && pass || fail "SIGINT without checkpoint: $(cat "$tmpd/err")"

# the checkpoint's configuration wins; disagreeing options are refused
expect_status 2 "resume with another eta" -- train --resume "$tmpd/ck.json" --data "$data" --eta 0.5
grep -q 'eta' "$tmpd/err" && pass || fail "eta refusal does not name eta: $(cat "$tmpd/err")"
expect_status 2 "resume with other sizes" -- train --resume "$tmpd/ck.json" --data "$data" --sizes 784,30,10
expect_status 2 "resume with another seed" -- train --resume "$tmpd/ck.json" --data "$data" --seed 2
expect_status 2 "resume with fewer epochs than done" -- train --resume "$tmpd/ck.json" --data "$data" --epochs 2
# options that agree are accepted; --epochs may extend a finished run
expect_output "resume with agreeing options" '"epoch": 7' -- train --resume "$tmpd/ck.json" --data "$data" --eta 0.1 --seed 1 --epochs 7 --checkpoint "$tmpd/ck7.json" --format json --quiet
# damaged or foreign checkpoints
expect_status 1 "resume from a missing file" -- train --resume "$tmpd/none.json" --data "$data"
head -c 3000 "$tmpd/ck.json" >"$tmpd/cut.json"
expect_status 1 "resume from a truncated checkpoint" -- train --resume "$tmpd/cut.json" --data "$data"
expect_status 1 "resume from a saved network" -- train --resume "$tmpd/A.json" --data "$data"
sed 's/"epoch": 6,/"epoch": 9,/' "$tmpd/ck.json" >"$tmpd/e9.json"
expect_status 1 "resume from a checkpoint past its epochs" -- train --resume "$tmpd/e9.json" --data "$data"
grep -q 'more than the run' "$tmpd/err" && pass || fail "epoch > epochs message: $(cat "$tmpd/err")"
# other data: the sizes differ
small=$tmpd/small
mkdir -p "$small"
"$MKSYNTH" "$small" 600 100 7
expect_status 1 "resume on other data" -- train --resume "$tmpd/ck.json" --data "$small"
finish
