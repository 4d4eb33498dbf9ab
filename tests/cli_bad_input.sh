#!/usr/bin/env bash
# cli_bad_input.sh -- every bad input we know of (files, arguments,
# environment): each must give exactly one line on stderr, starting
# "gradchain", and the documented exit status; never a crash, a silent 0 or
# inf, or a half-written file.  doc/bad-input.md is this list:
# `tests/cli_bad_input.sh --markdown` prints it, and the test fails when a
# case is missing from the document.
set -u
: "${GRADCHAIN:?GRADCHAIN must name the gradchain binary}"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
G=$GRADCHAIN
here=$(cd "$(dirname "$0")" && pwd)
doc=$here/../doc/bad-input.md
markdown=0
[[ ${1:-} == --markdown ]] && markdown=1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# a good synthetic data set, and broken copies of it
D=$T/good
mkdir -p "$D"
"$MKSYNTH" "$D" 120 24 5 || exit 1
bad() { # bad NAME: a copy of the good set to break
  rm -rf "${T:?}/$1"
  cp -r "$D" "$T/$1"
  echo "$T/$1"
}
IMG=train-images-idx3-ubyte
LAB=train-labels-idx1-ubyte
B_MAGIC=$(bad magic); printf '\x01\x02\x08\x03' | dd of="$B_MAGIC/$IMG" bs=1 count=4 conv=notrunc 2>/dev/null
B_TYPE=$(bad type); printf '\x0d' | dd of="$B_TYPE/$IMG" bs=1 seek=2 count=1 conv=notrunc 2>/dev/null
B_TRUNC=$(bad trunc); truncate -s 5000 "$B_TRUNC/$IMG"
B_TRAIL=$(bad trail); printf 'garbage' >>"$B_TRAIL/$IMG"
B_HUGE=$(bad huge); printf '\x80\x00\x00\x00' | dd of="$B_HUGE/$IMG" bs=1 seek=4 count=4 conv=notrunc 2>/dev/null
B_COUNT=$(bad count); printf '\x00\x00\x00\x77' | dd of="$B_COUNT/$LAB" bs=1 seek=4 count=4 conv=notrunc 2>/dev/null
truncate -s $((8 + 0x77)) "$B_COUNT/$LAB"
B_LABEL=$(bad label); printf '\x0c' | dd of="$B_LABEL/$LAB" bs=1 seek=8 count=1 conv=notrunc 2>/dev/null
B_EMPTY=$(bad empty); : >"$B_EMPTY/$IMG"
mkdir -p "$T/none"
NET=$T/net.json
"$G" train --data "$D" --sizes 784,4,10 --epochs 1 --quiet --save "$NET" >/dev/null 2>&1 || exit 1
head -c 300 "$NET" >"$T/net_trunc.json"
sed 's/"sizes": *\[784, *4, *10\]/"sizes": [784, 5, 10]/' "$NET" >"$T/net_sizes.json"
printf '{"sizes": [784, 1000000000, 10], "weights": [], "biases": [], "cost": "CrossEntropyCost"}' >"$T/net_huge.json"
sed 's/CrossEntropyCost/HingeCost/' "$NET" >"$T/net_cost.json"
printf '{"sizes": [2, 1], "weights": [[[NaN, 1]]], "biases": [[[0]]], "cost": "QuadraticCost"}' >"$T/net_nan.json"
echo "not a checkpoint" >"$T/ck_bad.json"
touch "$T/afile"

passed=0 failed=0
rows=()
# one STATUS "what is wrong" command...   (the command is eval'ed)
one() {
  local want=$1 what=$2 cmd=$3 got=0
  eval "$cmd" >"$T/out" 2>"$T/err" </dev/null || got=$?
  local n msg
  n=$(wc -l <"$T/err")
  msg=$(head -1 "$T/err" | sed "s|$T|TMP|g; s|$GRADCHAIN|gradchain|g")
  local shown=${cmd//\$G/gradchain}
  shown=${shown//\"/}
  rows+=("| $what | \`${shown//|/\\|}\` | ${msg//|/\\|} | $got |")
  if [[ $got -ne $want ]]; then
    echo "FAIL: $what: exit $got, expected $want: $msg"
    failed=$((failed + 1))
  elif [[ $n -ne 1 ]] || ! head -1 "$T/err" | grep -q '^gradchain'; then
    echo "FAIL: $what: stderr is not one 'gradchain ...' line: $(head -c 300 "$T/err")"
    failed=$((failed + 1))
  elif [[ $markdown -eq 0 && -f $doc ]] && ! grep -qF "| $what |" "$doc"; then
    echo "FAIL: $what: not listed in doc/bad-input.md (regenerate it with --markdown)"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
  fi
}

# files
one 1 "IDX file with a wrong magic number" '$G train --data "$B_MAGIC" --epochs 1'
one 1 "IDX file with a wrong type byte" '$G train --data "$B_TYPE" --epochs 1'
one 1 "truncated IDX file" '$G train --data "$B_TRUNC" --epochs 1'
one 1 "IDX file with trailing garbage" '$G train --data "$B_TRAIL" --epochs 1'
one 1 "IDX header claiming 2^31 images" '$G train --data "$B_HUGE" --epochs 1'
one 1 "empty IDX file" '$G train --data "$B_EMPTY" --epochs 1'
one 1 "labels and images of different counts" '$G train --data "$B_COUNT" --epochs 1'
one 1 "a label that is not a digit" '$G train --data "$B_LABEL" --epochs 1'
one 1 "data directory without MNIST (names the fetch command)" '$G train --data "$T/none" --epochs 1'
one 1 "truncated saved network" '$G evaluate --data "$D" --load "$T/net_trunc.json"'
one 1 "saved network whose arrays do not match its sizes" '$G evaluate --data "$D" --load "$T/net_sizes.json"'
one 1 "saved network claiming 10^9 neurons" '$G evaluate --data "$D" --load "$T/net_huge.json"'
one 1 "saved network with an unknown cost" '$G evaluate --data "$D" --load "$T/net_cost.json"'
one 1 "saved network holding NaN" '$G evaluate --data "$D" --load "$T/net_nan.json"'
one 1 "missing saved network" '$G evaluate --data "$D" --load "$T/nothing.json"'
one 1 "malformed checkpoint" '$G train --data "$D" --resume "$T/ck_bad.json"'
one 1 "--save into a directory that does not exist" '$G train --data "$D" --sizes 784,4,10 --epochs 1 --quiet --save "$T/no/such/dir/net.json"'
one 1 "fetch-mnist into a path under a file" '$G fetch-mnist --dir "$T/afile/sub"'
# arguments
one 2 "negative size" '$G train --data "$D" --batch -5'
one 2 "mini-batch of 0" '$G train --data "$D" --batch 0'
one 2 "mini-batch above the training set" '$G train --data "$D" --batch 100000 --epochs 1'
one 2 "NaN learning rate" '$G train --data "$D" --eta nan'
one 2 "negative learning rate" '$G train --data "$D" --eta -0.1'
one 2 "infinite L2 parameter" '$G train --data "$D" --lambda inf'
one 2 "sizes with one layer" '$G train --data "$D" --sizes 784'
one 2 "a layer of size 0" '$G train --data "$D" --sizes 784,0,10'
one 2 "first size not the image size" '$G train --data "$D" --sizes 100,30,10 --epochs 1'
one 2 "0 epochs" '$G train --data "$D" --epochs 0'
one 2 "unknown cost" '$G train --data "$D" --cost hinge'
one 2 "unknown monitor" '$G train --data "$D" --monitor everything'
one 1 "learning rate so large that training diverges (names epoch and layer)" '$G train --data "$D" --sizes 784,4,10 --epochs 2 --eta 1e300 --quiet'
one 2 "chain: malformed number" '$G chain --weights 0.5,abc --biases 0,0'
one 2 "chain: lists of different lengths" '$G chain --weights 1,2,3 --biases 0,0'
one 2 "chain: depth 0" '$G chain --depth 0 --weights 1 --biases 0'
one 1 "chain: depth above what memory allows" '$G chain --depth 100000000 --weights 1 --biases 0 --prec 1000000'
one 2 "chain: precision outside MPFR's range here" '$G chain --weights 1 --biases 0 --prec 3'
one 2 "chain: unknown activation" '$G chain --weights 1 --biases 0 --activation swish'
one 3 "chain whose double result overflows (flagged, exit 3)" '$G explode --depth 300 --summary'
one 3 "chain whose double result underflows (flagged, exit 3)" '$G chain --depth 1000 --weights 1 --biases 0 --summary'
one 2 "problem width: NaN w" '$G problem width --w nan'
one 2 "problem width: w = 0" '$G problem width --w 0'
one 2 "speeds: a net without hidden layer" '$G speeds --data "$D" --sizes 784,10'
one 2 "depth: --depths 0" '$G depth --data "$D" --depths 0'
one 2 "unknown subcommand" '$G frobnicate'
one 2 "unknown option" '$G chain --frobnicate'
one 2 "option without its value" '$G train --eta'
# environment
one 1 "GRADCHAIN_DATA naming an empty directory" 'GRADCHAIN_DATA="$T/none" $G train --epochs 1'
one 1 "GRADCHAIN_DATA naming a corrupt data set" 'GRADCHAIN_DATA="$B_TRUNC" $G depth --depths 1 --epochs 1'

if [[ $markdown -eq 1 ]]; then
  cat <<'HEAD'
# Bad input, catalogued

Every bad input we have tried, what gradchain says and its exit status
(0 success, 1 bad file or failed computation, 2 bad command line, 3 a
double-precision chain result out of range, printed and flagged).  Each row
is a test: `tests/cli_bad_input.sh` runs them all and checks the status and
that stderr is exactly one line; `tests/cli_bad_input.sh --markdown`
regenerates this page (TMP is a temporary directory of the test).

| bad input | command | what gradchain says | exit |
|---|---|---|---|
HEAD
  printf '%s\n' "${rows[@]}"
  exit 0
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
