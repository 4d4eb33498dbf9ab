#!/usr/bin/env bash
# cli_sweep.sh -- gradchain sweep and sweep-report on the synthetic IDX
# set (and on real MNIST with --train-size when it is there): the pool
# against one job at a time, SIGKILL and resume, crashes and timeouts as
# failed records, shards, MPI against the pool (skipped, saying so, only
# when this build or this machine has no MPI), a killed MPI rank, and the
# report on hand-made results with known means and deviations.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/clilib.sh"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
unset GRADCHAIN_SWEEP_FAULT
G=$GRADCHAIN
d=$tmpd
mkdir "$d/data"
"$MKSYNTH" "$d/data" 600 100 5 >/dev/null || { echo "mksynth failed"; exit 1; }

grid='hidden=1,2 width=5,8 seed=1..3'
sweep() { "$G" sweep --data "$d/data" --epochs 3 --quiet "$@"; }

# same_files A B: the same result files, equal apart from seconds and host
same_files() {
  local a=$1 b=$2 what=$3 f bad=0
  if [[ $(cd "$a" && ls ./*.json | sort) != $(cd "$b" && ls ./*.json | sort) ]]; then
    fail "$what: different sets of result files"
    return
  fi
  for f in "$a"/*.json; do
    if ! cmp -s <(grep -v '^"seconds"\|^"host"' "$f") \
                <(grep -v '^"seconds"\|^"host"' "$b/${f##*/}"); then
      fail "$what: ${f##*/} differs"
      bad=1
      break
    fi
  done
  [[ $bad -eq 0 ]] && pass
}
count() { find "$1" -maxdepth 1 -name '*.json' | wc -l; }
no_temps() {
  if [[ -n $(find "$1" -name '*.tmp.*') ]]; then fail "$2: temporary files left: $(ls "$1")"; else pass; fi
}

# --- the pool against one job at a time ---------------------------------
sweep --grid "$grid" --out "$d/one" --jobs 1 >"$d/out1" || fail "pool of 1"
sweep --grid "$grid" --out "$d/two" --jobs 2 >"$d/out2" || fail "pool of 2"
[[ $(count "$d/one") -eq 12 ]] && pass || fail "12 result files expected, got $(count "$d/one")"
same_files "$d/one" "$d/two" "--jobs 1 against --jobs 2"
grep -q '^ran 12 jobs' "$d/out2" && pass || fail "summary: $(cat "$d/out2")"
# every result file holds the keys the issue names
f=$(ls "$d/two"/*.json | head -1)
for k in config epochs final_accuracy best_accuracy best_epoch seconds version isa host; do
  grep -q "^{\?\"$k\": " "$f" && pass || fail "no key $k in ${f##*/}"
done
# a rerun has nothing to do; the grid file is the grid
sweep --grid "$grid" --out "$d/two" >"$d/out" && grep -q '^ran 0 jobs' "$d/out" && pass \
  || fail "rerun of a finished sweep: $(cat "$d/out")"
printf 'hidden=1,2\nwidth=5,8\nepochs=3\nseed=1..3\n' >"$d/want_grid"
cmp -s <(grep -v '^#' "$d/two/grid") "$d/want_grid" && pass || fail "DIR/grid: $(cat "$d/two/grid")"
# the same grid from a file, spelled otherwise, is the same sweep
printf '# the same grid\nseed=1,2,3   # three seeds\nwidth=8,5\nhidden=1..2\n' >"$d/g.txt"
"$G" sweep --grid-file "$d/g.txt" --epochs 3 --data "$d/data" --out "$d/two" --quiet >"$d/out" 2>"$d/err" \
  && pass || fail "grid file: $(cat "$d/err")"

# another grid on the same DIR: refused, then added with --extend
sweep --grid 'hidden=1,3 width=5 seed=1..3' --out "$d/two" >/dev/null 2>"$d/err"
[[ $? -eq 1 ]] && grep -q 'holds another grid' "$d/err" && pass || fail "another grid: $(cat "$d/err")"
sweep --grid 'hidden=1,3 width=5 seed=1..3' --out "$d/two" --extend >"$d/out" \
  && grep -q '^ran 3 jobs' "$d/out" && pass || fail "--extend: $(cat "$d/out")"
"$G" sweep --status "$d/two" | head -1 | grep -q ': 15 jobs: 15 done, 0 pending' && pass \
  || fail "--status after --extend: $("$G" sweep --status "$d/two")"
sweep --grid "$grid" --out "$d/two" >"$d/out" && grep -q '^ran 0 jobs' "$d/out" && pass \
  || fail "the first grid again after --extend: $(cat "$d/out")"
# a damaged result: reported by --status, refused, redone by --redo-damaged
f=$(ls "$d/two"/*.json | head -1)
cp "$f" "$d/good.json"
head -c 100 "$d/good.json" >"$f"
"$G" sweep --status "$d/two" >"$d/out"
name=${f##*/}
grep -q ': 15 jobs: 14 done, 0 pending, 0 failed, 1 damaged$' "$d/out" && grep -q "^damaged ${name%.json} " "$d/out" \
  && pass || fail "--status with a damaged file: $(cat "$d/out")"
sweep --grid "$grid" --out "$d/two" >/dev/null 2>&1 && fail "a damaged file accepted" || pass
sweep --grid "$grid" --out "$d/two" --redo-damaged >"$d/out" && grep -q '^ran 1 jobs' "$d/out" \
  && cmp -s <(grep -v '^"seconds"\|^"host"' "$f") <(grep -v '^"seconds"\|^"host"' "$d/good.json") \
  && pass || fail "--redo-damaged: $(cat "$d/out")"

# depth runs on the same pool: its final accuracies are the sweep's
finals=()
for seed in 1 2 3; do
  f=$(grep -l "\"hidden\": 1, \"width\": 5, .*\"seed\": $seed," "$d/one"/*.json)
  finals+=("$(sed -n 's/^"final_accuracy": \(.*\),$/\1/p' "$f")")
done
want="\"final\": [${finals[0]}, ${finals[1]}, ${finals[2]}]"
"$G" depth --data "$d/data" --depths 1 --width 5 --epochs 3 --seeds 3 --format json --quiet >"$d/out" \
  && grep -qF "$want" "$d/out" && pass || fail "depth against the sweep: want $want in $(cat "$d/out")"

# --- SIGKILL mid-way, then the same command ------------------------------
long() { "$G" sweep --data "$d/data" --epochs 30 --quiet --grid "$grid" "$@"; }
long --out "$d/ref" --jobs 2 >/dev/null || fail "reference run"
"$G" sweep --data "$d/data" --epochs 30 --quiet --grid "$grid" --out "$d/killed" --jobs 2 >/dev/null 2>&1 &
pid=$! # gradchain itself, not a subshell
for _ in $(seq 200); do
  [[ $(count "$d/killed" 2>/dev/null || echo 0) -ge 3 ]] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null
{ wait $pid; } 2>/dev/null # (bash would report the kill on stderr)
sleep 0.3 # the jobs die with the sweep (PR_SET_PDEATHSIG)
n=$(count "$d/killed")
if [[ $n -ge 12 ]]; then
  echo "note: the killed run had finished ($n files); resumption not exercised"
fi
long --out "$d/killed" --jobs 2 >"$d/out" || fail "resumed run: $(cat "$d/out")"
grep -q "^ran $((12 - n)) jobs" "$d/out" && pass || fail "resume ran: $(cat "$d/out"), expected $((12 - n))"
same_files "$d/ref" "$d/killed" "killed and resumed against uninterrupted"
no_temps "$d/killed" "killed and resumed"

# --- SIGINT: stop, exit 130, no failure records; the same command resumes
"$G" sweep --data "$d/data" --epochs 30 --grid "$grid" --out "$d/int" --jobs 2 >/dev/null 2>"$d/err" &
pid=$!
for _ in $(seq 200); do
  [[ $(count "$d/int" 2>/dev/null || echo 0) -ge 2 ]] && break
  sleep 0.05
done
kill -INT $pid
wait $pid
st=$?
[[ $st -eq 130 ]] && grep -q '^gradchain sweep: interrupted after' "$d/err" && pass \
  || fail "SIGINT: exit $st, $(tail -1 "$d/err")"
[[ -z $(find "$d/int" -name '*.failed') ]] && pass || fail "SIGINT left failure records"
long --out "$d/int" --jobs 2 >/dev/null || fail "run after SIGINT"
same_files "$d/ref" "$d/int" "interrupted and resumed against uninterrupted"
no_temps "$d/int" "interrupted and resumed"

# --- a crash and a timeout become failed records -------------------------
GRADCHAIN_SWEEP_FAULT="crash:seed=2 hang:seed=3" sweep --grid 'hidden=1,2 seed=1..3' \
  --out "$d/faults" --timeout 1 >"$d/out" 2>"$d/err"
st=$?
[[ $st -eq 1 ]] && pass || fail "a run with failures exits $st"
grep -q '^gradchain sweep: 4 of 6 jobs failed: .*crashed: signal 11.*timed out after 1 s' "$d/err" \
  && pass || fail "the failures named: $(cat "$d/err")"
"$G" sweep --status "$d/faults" >"$d/out"
head -1 "$d/out" | grep -q ': 6 jobs: 2 done, 0 pending, 4 failed, 0 damaged$' && pass \
  || fail "--status: $(cat "$d/out")"
[[ $(grep -c '^failed .*seed=2  crashed: signal 11' "$d/out") -eq 2 &&
   $(grep -c '^failed .*seed=3  timed out after 1 s' "$d/out") -eq 2 ]] && pass \
  || fail "--status reasons: $(cat "$d/out")"
sweep --grid 'hidden=1,2 seed=1..3' --out "$d/faults" >"$d/out" 2>"$d/err" \
  && grep -q '^ran 4 jobs' "$d/out" && pass || fail "retry: $(cat "$d/out" "$d/err")"
sweep --grid 'hidden=1,2 seed=1..3' --out "$d/nofaults" >/dev/null
same_files "$d/nofaults" "$d/faults" "retried failures"
[[ -z $(find "$d/faults" -name '*.failed') ]] && pass || fail "failure records left after the retry"

# --- shards ---------------------------------------------------------------
for k in 1 2 3; do
  sweep --grid "$grid" --out "$d/shard$k" --shard $k/3 >/dev/null || fail "shard $k/3"
  sweep --grid "$grid" --out "$d/shards" --shard $k/3 >/dev/null || fail "shard $k/3 into one DIR"
done
[[ $(count "$d/shard1") -eq 4 && $(count "$d/shard2") -eq 4 ]] && pass || fail "shards of 4 jobs"
mkdir "$d/merged"
cp "$d"/shard[123]/*.json "$d/merged"/
same_files "$d/one" "$d/merged" "three shards merged"
same_files "$d/one" "$d/shards" "three shards in one DIR"

# --- MPI ------------------------------------------------------------------
# one machine: the isolated launcher needs no ssh (Debian installs openmpi-bin
# without it when recommends are off, and rsh-launching then fails)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_plm=isolated
# under LeakSanitizer (scripts/sanitize-check) Open MPI's own allocations at
# MPI_Finalize are reported as leaks; the pool tests above cover our code
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpi=yes
if ! command -v mpirun >/dev/null; then
  echo "SKIP: MPI tests: no mpirun on this machine (Debian: apt-get install openmpi-bin libopenmpi-dev)"
  mpi=no
elif mpirun -n 2 "$G" sweep --grid hidden=1 --out "$d/probe" --engine mpi --epochs 1 \
     --data "$d/data" --quiet 2>&1 | grep -q 'built without MPI'; then
  echo "SKIP: MPI tests: this gradchain was built without MPI"
  mpi=no
fi
if [[ $mpi == yes ]]; then
  mpirun -n 3 --oversubscribe "$G" sweep --grid "$grid" --out "$d/mpi" --engine mpi \
    --data "$d/data" --epochs 3 --quiet >"$d/out" 2>"$d/err" || fail "mpirun -n 3: $(cat "$d/err")"
  same_files "$d/one" "$d/mpi" "MPI against the pool"
  mpirun -n 1 "$G" sweep --grid "$grid" --out "$d/mpi1" --engine mpi --data "$d/data" \
    >/dev/null 2>"$d/err"
  [[ $? -eq 2 ]] && grep -q '^gradchain sweep: --engine mpi needs at least 2 ranks' "$d/err" \
    && pass || fail "mpirun -n 1: $(cat "$d/err")"
  # a worker rank killed mid-run aborts the job; the same command completes it
  mpirun -n 3 --oversubscribe "$G" sweep --grid "$grid" --out "$d/mpikill" --engine mpi \
    --data "$d/data" --epochs 30 --quiet >/dev/null 2>&1 &
  mpid=$!
  for _ in $(seq 200); do
    [[ $(count "$d/mpikill" 2>/dev/null || echo 0) -ge 2 ]] && break
    sleep 0.05
  done
  victim=""
  for p in $(pgrep -P $mpid); do
    if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1'; then victim=$p; fi
  done
  if [[ -n $victim ]]; then
    kill -9 "$victim"
    wait $mpid
    st=$?
    [[ $st -ne 0 ]] && pass || fail "mpirun exited 0 after a worker rank was killed"
    sleep 0.3
    n=$(count "$d/mpikill")
    mpirun -n 3 --oversubscribe "$G" sweep --grid "$grid" --out "$d/mpikill" --engine mpi \
      --data "$d/data" --epochs 30 --quiet >"$d/out" 2>"$d/err" || fail "MPI rerun: $(cat "$d/err")"
    grep -q "^ran $((12 - n)) jobs" "$d/out" && pass || fail "MPI rerun ran: $(cat "$d/out"), expected $((12 - n))"
    same_files "$d/ref" "$d/mpikill" "MPI killed and rerun against uninterrupted"
    no_temps "$d/mpikill" "MPI killed and rerun"
  else
    wait $mpid
    fail "no worker rank found to kill (the run had ended?)"
  fi
fi

# only the program links MPI, never the library
so="${G%/*}/.libs/libgradchain.so"
if [[ -e $so ]] && command -v ldd >/dev/null; then
  if ldd "$so" | grep -q 'libmpi'; then fail "libgradchain links MPI: $(ldd "$so" | grep mpi)"; else pass; fi
fi

# --- real MNIST, a few images ----------------------------------------------
if "$G" sweep --grid hidden=1 --out "$d/mnist_probe" --epochs 1 --train-size 100 --quiet >/dev/null 2>&1; then
  for j in 1 2; do
    "$G" sweep --grid 'hidden=1,2 seed=1,2' --train-size 1000 --epochs 2 --quiet \
      --out "$d/mnist$j" --jobs $j >/dev/null || fail "MNIST sweep --jobs $j"
  done
  same_files "$d/mnist1" "$d/mnist2" "MNIST: --jobs 1 against --jobs 2"
else
  echo "SKIP: real MNIST sweep: no MNIST here (gradchain fetch-mnist)"
fi

# --- sweep-report on hand-made results ------------------------------------
mkdir "$d/hand"
res() { # res FILE HIDDEN SEED FINAL BEST VERSION
  printf '{"config": {"hidden": %s, "activation": "sigmoid", "seed": %s},\n"final_accuracy": %s, "best_accuracy": %s, "version": "%s", "isa": "avx2"}\n' \
    "$2" "$3" "$4" "$5" "$6" >"$d/hand/$1.json"
}
# hidden=10: final 0.90 0.92 0.94 (mean 0.92, sd 0.02), best 0.95 0.95 0.98
# (mean 0.96, sd sqrt(3e-4) = 0.017321); hidden=2: final 0.5 0.7 (mean
# 0.6, sd sqrt(0.02) = 0.141421), best 0.6 0.8 (0.7, 0.141421)
res a 10 1 0.90 0.95 0.1.0
res b 2 1 0.5 0.6 0.1.0
res c 10 2 0.92 0.95 0.1.0
res d 2 2 0.7 0.8 0.1.0
res e 10 3 0.94 0.98 0.1.0
"$G" sweep-report "$d/hand" --format csv >"$d/out" 2>"$d/err" || fail "sweep-report: $(cat "$d/err")"
printf 'hidden,n,final_mean,final_sd,best_mean,best_sd\n2,2,0.600000,0.141421,0.700000,0.141421\n10,3,0.920000,0.020000,0.960000,0.017321\n' >"$d/want"
cmp -s "$d/out" "$d/want" && pass || fail "sweep-report CSV: $(cat "$d/out")"
[[ ! -s $d/err ]] && pass || fail "unexpected warning: $(cat "$d/err")"
"$G" sweep-report "$d/hand" --format json >"$d/out"
grep -q '^  {"hidden": 2, "n": 2, "final_mean": 0.59999999999999998, "final_sd": 0.141421356237309' "$d/out" \
  && pass || fail "sweep-report JSON: $(cat "$d/out")"
expect_output "sweep-report text" '^10 +3  92\.00 ± 2\.00 +96\.00 ± 1\.73' -- sweep-report "$d/hand"
res f 10 4 0.92 0.96 0.2.0
"$G" sweep-report "$d/hand" >/dev/null 2>"$d/err"
grep -q "^gradchain sweep-report: warning: group 'hidden=10' mixes gradchain versions ('0.1.0', '0.2.0')" "$d/err" \
  && pass || fail "no warning for mixed versions: $(cat "$d/err")"
"$G" sweep-report "$d/one" --plot hidden >/dev/null 2>&1 && [[ -s $d/one/sweep-hidden.csv && -s $d/one/sweep-hidden.gp ]] \
  && pass || fail "--plot hidden"
finish
