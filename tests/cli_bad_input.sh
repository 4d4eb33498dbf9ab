#!/usr/bin/env bash
# cli_bad_input.sh -- "Bad input, catalogued": every bad file, argument and
# environment tried against gradchain, with the exact one-line message it
# must print on stderr and its exit status.  The same list is the table of
# doc/bad-input.md:
#
#   tests/cli_bad_input.sh --markdown      print the table (no gradchain run)
#
# and a normal run checks that doc/bad-input.md holds exactly that table, so
# the document and the tests cannot drift apart.  Files are made in a
# temporary directory that is the working directory, so the messages name
# short relative paths and are the same on every machine.
set -u
mode=test
if [[ ${1:-} == --markdown ]]; then
  mode=markdown
  GRADCHAIN=${GRADCHAIN:-true}
fi
here=$(cd "$(dirname "$0")" && pwd)
. "$here/clilib.sh"
unset GRADCHAIN_DATA XDG_CACHE_HOME
export LC_ALL=C

# bad N KIND INPUT STATUS MESSAGE -- [VAR=VALUE...] ARGS...
# Row N of the catalogue: run `gradchain ARGS` (with the environment
# assignments), expect exit STATUS and stderr exactly "MESSAGE".
rows=()
bad() {
  local n=$1 kind=$2 input=$3 want=$4 msg=$5
  shift 6
  local envs=() args=()
  while [[ $# -gt 0 && $1 =~ ^[A-Z_]+= ]]; do envs+=("$1"); shift; done
  args=("$@")
  local cmd="${envs[*]:+${envs[*]} }gradchain" a
  for a in "${args[@]}"; do
    if [[ $a =~ ^[][A-Za-z0-9_.,/=:+^-]+$ ]]; then cmd+=" $a"; else cmd+=" $(printf '%q' "$a")"; fi
  done
  local row="| $n | $kind | $input | \`$cmd\` | \`${msg//|/\\|}\` | $want |"
  rows+=("$row")
  [[ $mode == markdown ]] && return
  local got=0
  env "${envs[@]}" "$GRADCHAIN" "${args[@]}" >"$tmpd/out" 2>"$tmpd/err" </dev/null || got=$?
  local err
  err=$(cat "$tmpd/err")
  if [[ $got -ne $want ]]; then
    fail "#$n $input: exit $got, expected $want ($(head -c 300 "$tmpd/err"))"
  elif [[ $err != "$msg" || $(wc -l <"$tmpd/err") -ne 1 ]]; then
    fail "#$n $input: stderr
  got:      $err
  expected: $msg"
  else
    pass
  fi
}

L=train-labels-idx1-ubyte
I=train-images-idx3-ubyte
T=t10k-images-idx3-ubyte
if [[ $mode == test ]]; then
  : "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
  # absolute paths: the cases run in $tmpd
  [[ $GRADCHAIN == */* && $GRADCHAIN != /* ]] && GRADCHAIN=$PWD/$GRADCHAIN
  [[ $MKSYNTH == */* && $MKSYNTH != /* ]] && MKSYNTH=$PWD/$MKSYNTH
  cd "$tmpd" || exit 1
  mkdir data
  "$MKSYNTH" data 60 12 5 >/dev/null || { echo "mksynth failed"; exit 1; }
  # sweeps: a file where a directory should be, a directory holding
  # another grid, and one whose only result file is cut short
  echo not a directory >afile
  mkdir othergrid && echo hidden=1 >othergrid/grid
  printf 'hidden=1\nwidth=\n' >bad.grid
  "$GRADCHAIN" sweep --grid epochs=1 --data data --out damaged --quiet >/dev/null 2>&1
  for f in damaged/*.json; do head -c 40 "$f" >"$f.cut" && mv "$f.cut" "$f"; done
  mkdir noresults
  # copy of the good data set with one file replaced by stdin
  variant() { # DIR FILE
    mkdir -p "$1" && cp data/* "$1"/ && cat >"$1/$2"
  }
  idx_hdr() { # TYPE NDIMS DIM... -> the header bytes (as printf escapes)
    local s
    s=$(printf '\\x00\\x00\\x%02x\\x%02x' "$1" "$2")
    shift 2
    for d in "$@"; do
      s+=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((d >> 24 & 255)) \
        $((d >> 16 & 255)) $((d >> 8 & 255)) $((d & 255)))
    done
    printf '%s' "$s"
  }
  { printf '\x08\x03'; tail -c +3 data/$L; } | variant magic $L
  head -c -5 data/$L | variant truncated $L
  { cat data/$L; printf 'junk'; } | variant trailing $L
  head -c 6 data/$L | variant cuthdr $L
  { printf "$(idx_hdr 13 1 60)"; head -c 240 /dev/zero; } | variant float $L
  { printf "$(idx_hdr 8 3 2147483648 28 28)"; head -c 784 /dev/zero; } | variant e31 $I
  { printf "$(idx_hdr 8 3 2147483647 28 28)"; head -c 784 /dev/zero; } | variant huge $I
  { printf "$(idx_hdr 8 3 60 0 28)"; } | variant zerodim $I
  { printf "$(idx_hdr 8 1 59)"; tail -c 59 data/$L; } | variant count $L
  { printf "$(idx_hdr 8 1 60)"; head -c 59 /dev/zero; printf '\x0a'; } | variant label10 $L
  { printf "$(idx_hdr 8 2 60 784)"; tail -c +17 data/$I; } | variant flat $I
  { printf "$(idx_hdr 8 3 12 28 27)"; head -c $((12 * 28 * 27)) /dev/zero; } | variant shape $T
  { printf "$(idx_hdr 8 3 5 28 28)"; head -c $((5 * 784)) /dev/zero; } | variant few $I
  { printf "$(idx_hdr 8 1 5)"; head -c 5 /dev/zero; } >few/$L
  variant empty $L </dev/null
  variant gz $L.gz </dev/null && rm gz/$L && printf '\x1f\x8b\x08\x00garbage' >gz/$L.gz
  { gzip -c data/$L | head -c 40; } | variant gzcut $L.gz && rm gzcut/$L

  # nets in network2's JSON layout, all weights and biases 0:
  # mknet "DECLARED SIZES" "SHAPE OF THE ARRAYS" [COST]
  mknet() {
    awk -v decl="$1" -v shape="$2" -v cost="${3:-CrossEntropyCost}" 'BEGIN {
      nd = split(decl, d, " "); ns = split(shape, s, " ")
      printf "{\"sizes\": ["
      for (i = 1; i <= nd; i++) printf "%s%s", (i > 1 ? ", " : ""), d[i]
      printf "], \"weights\": ["
      for (l = 2; l <= ns; l++) {
        printf "%s[", (l > 2 ? ", " : "")
        for (r = 1; r <= s[l]; r++) {
          printf "%s[", (r > 1 ? ", " : "")
          for (c = 1; c <= s[l - 1]; c++) printf "%s0", (c > 1 ? ", " : "")
          printf "]"
        }
        printf "]"
      }
      printf "], \"biases\": ["
      for (l = 2; l <= ns; l++) {
        printf "%s[", (l > 2 ? ", " : "")
        for (r = 1; r <= s[l]; r++) printf "%s[0]", (r > 1 ? ", " : "")
        printf "]"
      }
      printf "], \"cost\": \"%s\"}\n", cost
    }'
  }
  mknet "784 2 10" "784 2 10" >net.json
  head -c 100 net.json >cut.json
  sed 's/\[0, 0/[NaN, 0/' net.json >nan.json
  sed 's/\[\[0\], \[0\]\]/[[0], [1e999]]/' net.json >inf.json
  mknet "784 2 10" "784 2 9" >short.json
  mknet "784 2 10 10" "784 2 10" >layers.json
  mknet "784 2 10" "784 3 10" >long.json
  mknet "784 1000000000 10" "784 2 10" >huge.json
  mknet "784 40000 10" "784 2 10" >cannot.json
  mknet "784" "784" >one.json
  mknet "784 2 10" "784 2 10" HingeCost >hinge.json
  sed 's/, "cost": "CrossEntropyCost"//' net.json >nocost.json
  sed 's/{"sizes": \[784, 2, 10\]/{"sizes": [784, 2, 10], "sizes": [1, 1]/' net.json >twice.json
  sed 's/\[\[0\], \[0\]\]/[[0], []]/' net.json >emptybias.json
  { printf '{"x": '; printf '[%.0s' $(seq 70); printf ']%.0s' $(seq 70); printf '}\n'; } >deep.json
  mknet "100 2 10" "100 2 10" >in100.json
  : >empty.json
  printf '{"sizes": [784, 2, 10]} trailing\n' >after.json
  mkdir dir.json
  echo "not a checkpoint" >notack.json
  : >afile
fi

B="evaluate --load net.json --data"
# --- files: the MNIST data (IDX) --------------------------------------
bad 1 file "wrong IDX magic (first bytes 08 03)" 1 "gradchain evaluate: magic/train-labels-idx1-ubyte: bad magic number 0x08030801 (an IDX file starts with two zero bytes)" -- $B magic
bad 2 file "truncated IDX data (5 bytes short)" 1 "gradchain evaluate: truncated/train-labels-idx1-ubyte: truncated: the header declares 60 bytes of data but the file holds 55" -- $B truncated
bad 3 file "trailing garbage after the IDX data" 1 "gradchain evaluate: trailing/train-labels-idx1-ubyte: 4 bytes of trailing data after the 60 bytes the header declares" -- $B trailing
bad 4 file "IDX header cut inside the dimensions" 1 "gradchain evaluate: cuthdr/train-labels-idx1-ubyte: truncated header: 1 dimension declared but the file ends after 6 bytes" -- $B cuthdr
bad 5 file "IDX of floats (type 0x0d)" 1 "gradchain evaluate: float/train-labels-idx1-ubyte: data type 0x0d is not supported (only unsigned byte, 0x08)" -- $B float
bad 6 file "IDX header claiming 2^31 images" 1 "gradchain evaluate: e31/train-images-idx3-ubyte: dimension 1 is 2147483648, more than 2^31-1 (corrupt header)" -- $B e31
bad 7 file "IDX header claiming 2^31-1 images of 28x28 (1.6 TB), file of one" 1 "gradchain evaluate: huge/train-images-idx3-ubyte: truncated: the header declares 2147483647 x 28 x 28 = 1683627179248 bytes of data but the file holds 784" -- $B huge
bad 8 file "IDX dimension 0" 1 "gradchain evaluate: zerodim/train-images-idx3-ubyte: dimension 2 of 3 is 0 (no data)" -- $B zerodim
bad 9 file "empty IDX file" 1 "gradchain evaluate: empty/train-labels-idx1-ubyte is empty (an IDX file has at least a 4-byte header)" -- $B empty
bad 10 file "59 labels for 60 images" 1 "gradchain evaluate: count/train-images-idx3-ubyte holds 60 images but count/train-labels-idx1-ubyte holds 59 labels" -- $B count
bad 11 file "a label 10" 1 "gradchain evaluate: label10/train-labels-idx1-ubyte: label 10 at index 59 is not a digit 0-9" -- $B label10
bad 12 file "images as a 2-D IDX (60 x 784)" 1 "gradchain evaluate: flat/train-images-idx3-ubyte: 2 dimensions, expected 3 (images x rows x cols)" -- $B flat
bad 13 file "test images 28 x 27" 1 "gradchain evaluate: shape/train-images-idx3-ubyte holds 28 x 28 images but shape/t10k-images-idx3-ubyte holds 28 x 27 images" -- $B shape
bad 14 file "5 training images (fewer than 6)" 1 "gradchain evaluate: few/train-images-idx3-ubyte holds 5 images; at least 6 are needed to split off a validation set" -- $B few
bad 15 file "gzip file of garbage (.gz)" 1 "gradchain evaluate: gz/train-labels-idx1-ubyte.gz: truncated gzip stream (unexpected end of file)" -- $B gz
bad 16 file "gzip stream cut short" 1 "gradchain evaluate: gzcut/train-labels-idx1-ubyte.gz: truncated gzip stream (unexpected end of file)" -- $B gzcut
bad 17 file "data directory missing" 1 "gradchain evaluate: MNIST data set not found in nowhere (no train-images-idx3-ubyte); fetch it with: gradchain fetch-mnist --dir nowhere" -- $B nowhere
# --- files: saved networks (JSON) -------------------------------------
E="--data data"
bad 20 file "saved network cut after 100 bytes" 1 "gradchain evaluate: cut.json:1:101: expected a value but found the end of the text (truncated?)" -- evaluate --load cut.json $E
bad 21 file "NaN weight in a saved network" 1 "gradchain evaluate: nan.json:1:39: \"weights\"[0][0][0]: NaN and Infinity are not allowed (only finite numbers)" -- evaluate --load nan.json $E
bad 22 file "bias 1e999 (overflows a double)" 1 "gradchain evaluate: inf.json:1:4848: \"biases\"[0][1]: the number 1e999 is too large for a double" -- evaluate --load inf.json $E
bad 23 file "sizes [784,2,10], 9 output biases and weight rows" 1 "gradchain evaluate: short.json:1:4818: \"weights\"[1] has 9 entries, expected 10" -- evaluate --load short.json $E
bad 24 file "sizes list 4 layers, arrays 3" 1 "gradchain evaluate: layers.json:1:4831: \"weights\" has 2 entries, expected 3" -- evaluate --load layers.json $E
bad 25 file "sizes [784,2,10], a weight row too many" 1 "gradchain evaluate: long.json:1:4744: \"weights\"[0] has more than the 2 entries expected" -- evaluate --load long.json $E
bad 26 file "a net of 10^9 neurons" 1 "gradchain evaluate: huge.json:1:27: \"sizes\"[1] = 1000000000 neurons is more than the 100000000 allowed" -- evaluate --load huge.json $E
bad 27 file "sizes [784,40000,10] in a 10 kB file" 1 "gradchain evaluate: cannot.json:1:27: \"sizes\" describe a net of 31800010 parameters, which the 4937 bytes of text cannot hold" -- evaluate --load cannot.json $E
bad 28 file "sizes with one layer" 1 "gradchain evaluate: one.json:1:16: \"sizes\" lists 1 layer; a net needs at least two" -- evaluate --load one.json $E
bad 29 file "unknown cost" 1 "gradchain evaluate: hinge.json:1:4925: \"cost\": unknown cost \"HingeCost\" (expected CrossEntropyCost, QuadraticCost or LogLikelihoodCost)" -- evaluate --load hinge.json $E
bad 30 file "no cost key" 1 "gradchain evaluate: nocost.json: no \"cost\" key: not a saved network" -- evaluate --load nocost.json $E
bad 31 file "the sizes key twice" 1 "gradchain evaluate: twice.json:1:34: the key \"sizes\" appears twice" -- evaluate --load twice.json $E
bad 32 file "an empty bias [ ]" 1 "gradchain evaluate: emptybias.json:1:4848: \"biases\"[0][1] is empty, expected one number" -- evaluate --load emptybias.json $E
bad 33 file "arrays nested 70 deep" 1 "gradchain evaluate: deep.json:1:71: nested deeper than 64 levels" -- evaluate --load deep.json $E
bad 34 file "empty file" 1 "gradchain evaluate: empty.json:1:1: empty: no network in it" -- evaluate --load empty.json $E
bad 35 file "text after the object" 1 "gradchain evaluate: after.json:1:25: unexpected 't' after the end of the value" -- evaluate --load after.json $E
bad 36 file "a directory" 1 "gradchain evaluate: cannot read dir.json: Is a directory" -- evaluate --load dir.json $E
bad 37 file "missing file" 1 "gradchain evaluate: cannot open missing.json: No such file or directory" -- evaluate --load missing.json $E
bad 38 file "valid net with 100 inputs on MNIST" 1 "gradchain evaluate: in100.json: the net has 100 inputs and 10 outputs; MNIST needs 784 and 10" -- evaluate --load in100.json $E
# --- arguments ---------------------------------------------------------
bad 40 argument "unknown subcommand" 2 "gradchain: unknown subcommand 'frobnicate' (try gradchain --help)" -- frobnicate
bad 41 argument "unknown option" 2 "gradchain depth: unknown option '--frobnicate' (try --help)" -- depth --frobnicate
bad 42 argument "option without its value" 2 "gradchain depth: --eta needs a value" -- depth --eta
bad 43 argument "stray argument" 2 "gradchain evaluate: unexpected argument 'extra'" -- evaluate --load net.json extra
bad 44 argument "negative size" 2 "gradchain depth: --width: '-5' is not a whole number from 1 to 100000000" -- depth --width -5
bad 45 argument "negative count" 2 "gradchain speeds: --examples: '-1' is not a whole number from 1 to 1000000000" -- speeds --examples -1
bad 46 argument "NaN learning rate" 2 "gradchain depth: --eta: 'nan' is not a finite double" -- depth --eta nan
bad 47 argument "infinite L2 parameter" 2 "gradchain evaluate: --lambda: 'inf' is not a finite double" -- evaluate --load net.json --lambda inf
bad 48 argument "learning rate 1e999" 2 "gradchain depth: --eta: '1e999' is not a finite double" -- depth --eta 1e999
bad 49 argument "negative learning rate" 2 "gradchain depth: --eta: '-0.5' is negative" -- depth --eta -0.5 $E
bad 50 argument "junk after a number" 2 "gradchain depth: --eta: '0.1x' is not a number" -- depth --eta 0.1x
bad 51 argument "batch 0" 2 "gradchain depth: --batch: '0' is not a whole number from 1 to 1000000000" -- depth --batch 0
bad 52 argument "batch above the limit" 2 "gradchain depth: --batch: '99999999999999999999' is not a whole number from 1 to 1000000000" -- depth --batch 99999999999999999999
bad 53 argument "--sizes with one layer" 2 "gradchain speeds: --sizes: a net needs at least two layers (input and output)" -- speeds --sizes 784
bad 54 argument "--sizes without a hidden layer" 2 "gradchain speeds: --sizes: the speeds need at least one hidden layer" -- speeds --sizes 784,10
bad 55 argument "--sizes with an empty item" 2 "gradchain speeds: --sizes: '' is not a whole number from 1 to 100000000" -- speeds --sizes 784,,10
bad 56 argument "--depths 0" 2 "gradchain depth: --depths: '0' is not a whole number from 1 to 1000000" -- depth --depths 0
bad 57 argument "unknown output format" 2 "gradchain depth: --format: 'xml' is not one of text, json, csv" -- depth --format xml
bad 58 argument "unknown evaluation set" 2 "gradchain evaluate: --set: 'train' is not validation or test" -- evaluate --load net.json --set train
bad 59 argument "evaluate without --load" 2 "gradchain evaluate: --load FILE is required" -- evaluate
bad 60 argument "NaN weight in a chain" 2 "gradchain chain: --weights: 'nan' is not a finite double" -- chain --weights nan --biases 0
bad 61 argument "weights and biases of different lengths" 2 "gradchain chain: --weights has 2 values but --biases has 1" -- chain --weights 1,2 --biases 0
bad 62 argument "chain whose double result overflows" 3 "gradchain explode: warning: in double precision a product overflows to infinity; the value printed is not the true one: rerun with --prec 128" -- explode --depth 300 --summary
bad 63 argument "chain whose double result underflows" 3 "gradchain chain: warning: in double precision dC/db underflows below 2.2e-308 from layer 526 down; the value printed is not the true one: rerun with --prec 128" -- chain --depth 1000 --weights 1 --biases 0 --summary
bad 140 argument "chain whose sigma' underflows in double (sigma'(1000) = e^-1000)" 3 "gradchain chain: warning: in double precision f'(z2) = f'(1000) underflows below 2.2e-308, and dC/db with it from layer 2 down; the value printed is not the true one: rerun with --prec 128" -- chain --weights 1000,1000 --biases 0,0 --input 1 --target 0
bad 141 argument "chain whose sigma' underflows beyond any precision (sigma'(1e308))" 3 "gradchain chain: warning: in double precision f'(z2) = f'(1e+308) underflows below 2.2e-308, and dC/db with it from layer 2 down; the value printed is not the true one (nor can MPFR's exponent range hold it)" -- chain --weights 1e308,1e308 --biases 0,0 --input 1 --target 0
bad 142 argument "the same in MPFR: below MPFR's exponent range" 1 "gradchain chain: the product underflows even MPFR's exponent range (below 2^-4611686018427387903): dC/db1 is not 0 but cannot be represented" -- chain --weights 1e308,1e308 --biases 0,0 --input 1 --target 0 --prec 128
bad 143 argument "--check-fd deeper than it can afford (4 L^2 layer evaluations)" 2 "gradchain chain: --check-fd: at depth 10001 the finite differences cost 4 L^2 = 4e+08 layer evaluations; at most depth 10000" -- chain --depth 10001 --weights 1 --biases 0 --check-fd
bad 64 argument "unknown problem" 2 "gradchain problem: unknown problem 'frobnicate' (bound, width, maxwidth, identity, activation)" -- problem frobnicate
bad 65 argument "a sign behind a tab (found by fuzzing)" 2 "gradchain chain: --seed: '-1' is not a whole number from 0 to 18446744073709551615" -- chain --random 3 --seed $'\t-1'
bad 66 argument "a sign behind a carriage return in a list" 2 "gradchain speeds: --sizes: '+30' is not a whole number from 1 to 100000000" -- speeds --sizes $'784,\r+30,10'
bad 67 argument "--sizes of 10^16 parameters" 1 "gradchain speeds: the net would have more than 2147483648 parameters" -- speeds $E --sizes 784,100000000,100000000,10 --examples 10
bad 68 argument "100 hidden layers of 100000 neurons" 1 "gradchain depth: the net would have more than 2147483648 parameters" -- depth $E --width 100000 --depths 100 --quiet
bad 69 argument "--depths beyond 100 hidden layers" 2 "gradchain depth: --depths: 101 hidden layers: a depth is 1 to 100" -- depth --depths 1,101
# --- training, checkpoints, chains, problems ------------------------------
bad 80 argument "train: mini-batch above the training set" 2 "gradchain train: --batch: 100000 is more than the 50 training images" -- train $E --batch 100000 --epochs 1
bad 81 argument "train: 0 epochs" 2 "gradchain train: --epochs: '0' is not a whole number from 1 to 1000000" -- train $E --epochs 0
bad 82 argument "train: a layer of size 0" 2 "gradchain train: --sizes: '0' is not a whole number from 1 to 100000000" -- train $E --sizes 784,0,10
bad 83 argument "train: first size not the image size" 2 "gradchain train: --sizes: MNIST needs 784 inputs and 10 outputs (got 100 and 10)" -- train $E --sizes 100,30,10 --epochs 1
bad 84 argument "train: unknown cost" 2 "gradchain train: --cost: unknown cost 'hinge' (expected quadratic, cross-entropy or log-likelihood)" -- train $E --cost hinge
bad 85 argument "train: unknown monitor" 2 "gradchain train: --monitor: unknown monitor 'everything' (expected a list of eval-accuracy, eval-cost, train-accuracy, train-cost, activations, or none)" -- train $E --monitor everything
bad 86 argument "learning rate so large that training diverges (names epoch, mini-batch and layer)" 1 "gradchain train: training diverged: NaN or infinity in the weights of layer 1 (of 2) at epoch 1, mini-batch 2; try a smaller eta (now 1e+300)" -- train $E --sizes 784,4,10 --epochs 2 --eta 1e300 --quiet
bad 87 file "checkpoint that is not one" 1 "gradchain train: notack.json:1:1: a checkpoint: expected '{' but found 'n'" -- train $E --resume notack.json
bad 88 file "--save into a directory that does not exist" 1 "gradchain train: cannot write no/such/net.json: No such file or directory" -- train $E --sizes 784,4,10 --epochs 1 --quiet --save no/such/net.json
bad 89 file "fetch-mnist into a path under a file" 1 "gradchain fetch-mnist: cannot create directory afile/sub: Not a directory" -- fetch-mnist --dir afile/sub
bad 90 argument "chain: malformed number in a list" 2 "gradchain chain: --weights: 'abc' is not a number" -- chain --weights 0.5,abc --biases 0,0
bad 92 argument "chain: precision outside 16..1000000 bits" 2 "gradchain chain: --prec: '3' is not a whole number from 16 to 1000000" -- chain --weights 1 --biases 0 --prec 3
bad 93 argument "chain: unknown activation" 2 "gradchain chain: --activation: unknown activation 'swish' (expected sigmoid, tanh, relu, softplus, identity, leaky-relu, erf or hard-tanh)" -- chain --weights 1 --biases 0 --activation swish
bad 94 argument "problem width: NaN w" 2 "gradchain problem width: --w: 'nan' is not a finite double" -- problem width --w nan
bad 95 argument "problem width: w = 0" 2 "gradchain problem width: --w must not be 0" -- problem width --w 0
bad 96 environment "GRADCHAIN_DATA naming a corrupt data set" 1 "gradchain depth: truncated/train-labels-idx1-ubyte: truncated: the header declares 60 bytes of data but the file holds 55" -- GRADCHAIN_DATA=truncated depth --depths 1 --epochs 1
bad 97 argument "chain --prec: a number MPFR cannot read" 2 "gradchain chain: --weights: '1.2x' is not a number" -- chain --weights 0.5,1.2x --biases 0,0 --prec 128
bad 98 argument "chain --prec: a number beyond MPFR's exponent range" 2 "gradchain chain: --biases: '1e99999999999999999999' is beyond MPFR's exponent range (about 10^-1.4e+18 to 10^1.4e+18)" -- chain --weights 1 --biases 1e99999999999999999999 --prec 128
bad 99 argument "explode --prec: a non-zero input that underflows MPFR's exponent range" 2 "gradchain explode: --input: '1e-99999999999999999999' is beyond MPFR's exponent range (about 10^-1.4e+18 to 10^1.4e+18)" -- explode --depth 3 --input 1e-99999999999999999999 --prec 128
bad 100 argument "chain --prec: a number MPFR reads but double cannot hold (the double checks need it)" 2 "gradchain chain: --input: '1e400' is not a finite double" -- chain --weights 1 --biases 0 --input 1e400 --prec 128
bad 101 argument "--double-inputs without --prec" 2 "gradchain chain: --double-inputs goes with --prec" -- chain --weights 1 --biases 0 --double-inputs
bad 102 argument "problem width --prec: a number MPFR cannot read" 2 "gradchain problem width: --b: '0.3x' is not a number" -- problem width --w 6 --b 0.3x --prec 128
bad 103 argument "problem width --prec: |w| within rounding of 4 (point or interval?)" 1 "gradchain problem width: |w| is 4 to within 96 bits: whether the set is a point or not is not certain (try a higher --prec)" -- problem width --w 4.0000000000000000000000000000000000000000000000001 --prec 64
# --- meanfield ---------------------------------------------------------
bad 130 argument "meanfield: negative sigma_w^2" 2 "gradchain meanfield: --sigma-w2 must be > 0 (got -1)" -- meanfield --sigma-w2 -1
bad 131 argument "meanfield: sigma_w^2 not a number" 2 "gradchain meanfield: --sigma-w2: 'nan' is not a finite double" -- meanfield --sigma-w2 nan
bad 132 argument "meanfield: infinite sigma_b^2" 2 "gradchain meanfield: --sigma-b2: 'inf' is not a finite double" -- meanfield --sigma-b2 inf
bad 133 argument "meanfield: negative sigma_b^2" 2 "gradchain meanfield: --sigma-b2 must be >= 0 (got -0.5)" -- meanfield --sigma-b2 -0.5
bad 134 argument "meanfield: no fixed point q* (ReLU beyond criticality)" 1 "gradchain meanfield: relu with sigma_w^2 = 3, sigma_b^2 = 0.1 has no fixed point q* below 1e+06 (the length map stays above q: sigma_w^2 E[phi^2] grows as fast as q)" -- meanfield --activation relu --sigma-w2 3 --sigma-b2 0.1
bad 135 argument "meanfield --critical: q* is lost before chi1 reaches 1" 1 "gradchain meanfield: no critical sigma_w^2 for softplus with sigma_b^2 = 0.1: chi1 < 1 up to sigma_w^2 = 1, and at 2 the net has no fixed point q* below 1e+06 (the length map stays above q: sigma_w^2 E[phi^2] grows as fast as q)" -- meanfield --activation softplus --sigma-b2 0.1 --critical
bad 136 argument "meanfield --grid: empty range" 2 "gradchain meanfield: --w2-range needs LO,HI with 0 < LO < HI (got '2,1')" -- meanfield --grid out --w2-range 2,1
bad 137 argument "meanfield: --critical with --grid" 2 "gradchain meanfield: --critical and --grid exclude each other" -- meanfield --grid out --critical
bad 160 argument "train: an activation sample of 0 images" 2 "gradchain train: --stats-sample: '0' is not a whole number from 1 to 1000000000" -- train $E --monitor activations --stats-sample 0
bad 161 argument "train: an activation sample larger than the evaluation set" 2 "gradchain train: --stats-sample: 11 is more than the 10 images of the validation set" -- train $E --sizes 784,4,10 --monitor activations --stats-sample 11
bad 162 argument "train: activations every 0 mini-batches" 2 "gradchain train: --stats-every: '0' is not a whole number from 1 to 1000000000" -- train $E --monitor activations --stats-every 0
bad 163 argument "train: --stats-every without the activation monitor" 2 "gradchain train: --stats-every: there is no activation monitor to take it (add --monitor activations)" -- train $E --stats-every 10
bad 164 argument "train: CSV without the activation monitor" 2 "gradchain train: --format csv: train writes CSV only for the activation records (add --monitor activations)" -- train $E --format csv
bad 165 argument "speeds: a monitor other than the activations, or without --train" 2 "gradchain speeds: --monitor: speeds takes only activations, and only with --train" -- speeds $E --monitor activations
bad 166 argument "train: unknown momentum schedule" 2 "gradchain train: --momentum-schedule: unknown momentum schedule 'linear' (expected constant or sutskever)" -- train $E --momentum-schedule linear
bad 167 argument "train: momentum cap of 1" 2 "gradchain train: --momentum-max: '1' is not from 0 up to, not including, 1" -- train $E --momentum-max 1
bad 168 argument "train: negative momentum cap" 2 "gradchain train: --momentum-max: '-0.1' is not from 0 up to, not including, 1" -- train $E --momentum-max -0.1
bad 169 argument "train: Sutskever's schedule without a cap" 2 "gradchain train: --momentum-schedule sutskever: give its cap with --momentum-max MU (0 < MU < 1)" -- train $E --momentum-schedule sutskever
# --- the remedies (issue 12): activations, outputs, costs, initialisers, momentum
bad 200 argument "train: unknown activation" 2 "gradchain train: --activation: unknown activation 'swish' (expected sigmoid, tanh, relu, softplus, identity, leaky-relu, erf or hard-tanh)" -- train $E --activation swish
bad 201 argument "train: unknown initialiser" 2 "gradchain train: --init: unknown initialiser 'xavier' (expected default, large, glorot, he, orthogonal, gaussian or uniform)" -- train $E --init xavier
bad 202 argument "train: a list of activations not one per hidden layer" 2 "gradchain train: --activation: 3 activations for 2 hidden layers (give one, or one per hidden layer)" -- train $E --sizes 784,30,30,10 --activation tanh,relu,relu
bad 203 argument "train: negative sigma_w" 2 "gradchain train: --sigma-w must be >= 0 (got -1)" -- train $E --init gaussian --sigma-w -1
bad 204 argument "train: infinite sigma_b" 2 "gradchain train: --sigma-b: 'inf' is not a finite double" -- train $E --init gaussian --sigma-b inf
bad 205 argument "train: momentum of 1" 2 "gradchain train: --momentum: '1' is not from 0 up to, not including, 1" -- train $E --momentum 1
bad 206 argument "train: momentum not a number" 2 "gradchain train: --momentum: 'nan' is not a finite double" -- train $E --momentum nan
bad 207 argument "train: --nesterov without momentum (refused, not ignored)" 2 "gradchain train: --nesterov: there is no momentum to take Nesterov's form (add --momentum MU, 0 < MU < 1)" -- train $E --nesterov
bad 208 argument "train: softmax with the cross-entropy" 2 "gradchain train: --output softmax with --cost cross-entropy: a softmax output layer goes with the log-likelihood cost, not the cross-entropy: cross-entropy scores each output as an independent probability, and the softmax's sum to 1" -- train $E --output softmax
bad 209 argument "train: softmax with the quadratic cost" 2 "gradchain train: --output softmax with --cost quadratic: a softmax output layer goes with the log-likelihood cost, not the quadratic: through the softmax the quadratic cost learns slowly again" -- train $E --output softmax --cost quadratic
bad 210 argument "train: log-likelihood with a sigmoid output" 2 "gradchain train: --output sigmoid with --cost log-likelihood: the log-likelihood cost needs a softmax output layer: with independent outputs, -ln a_y falls by raising every output, right or wrong" -- train $E --cost log-likelihood
bad 211 argument "chain: the log-likelihood cost (a chain has no softmax)" 2 "gradchain chain: --cost log-likelihood: the log-likelihood cost needs a softmax output layer: with independent outputs, -ln a_y falls by raising every output, right or wrong" -- chain --random 3 --cost log-likelihood
bad 212 argument "train: sigma_w with an initialiser that has none" 2 "gradchain train: --sigma-w: the default initialiser does not take it (gaussian and orthogonal do)" -- train $E --sigma-w 2
bad 213 argument "train: --momentum and --momentum-max together" 2 "gradchain train: --momentum and --momentum-max both set the momentum: give one" -- train $E --momentum 0.9 --momentum-max 0.9
bad 214 argument "speeds: a list of activations not one per hidden layer" 2 "gradchain speeds: --activation: 3 activations for 2 hidden layers (give one, or one per hidden layer)" -- speeds $E --activation tanh,relu,relu
bad 215 argument "depth: a list of activations and depths of other lengths" 2 "gradchain depth: --activation: 2 activations, but a net of --depths has 1 hidden layer (give one activation for every depth)" -- depth $E --depths 1..2 --activation tanh,relu
bad 216 argument "depth: a range that runs down" 2 "gradchain depth: --depths: '2' is not a whole number from 3 to 1000000" -- depth $E --depths 3..2
# --- sweeps ---------------------------------------------------------------
bad 140 argument "sweep: a grid item without =" 2 "gradchain sweep: the grid: 'hidden' is not KEY=VALUES" -- sweep --grid 'hidden width=30' --out s
bad 141 argument "sweep: an unknown grid key" 2 "gradchain sweep: the grid: unknown key 'depth' (keys: hidden, width, activation, cost, init, eta, lambda, batch, epochs, train-size, seed)" -- sweep --grid depth=1..3 --out s
bad 142 argument "sweep: an empty range" 2 "gradchain sweep: the grid: hidden=5..2: empty range (5 > 2)" -- sweep --grid hidden=5..2 --out s
bad 143 argument "sweep: an unknown activation in the grid" 2 "gradchain sweep: --activation: unknown activation 'swish' (expected sigmoid, tanh, relu, softplus, identity, leaky-relu, erf or hard-tanh)" -- sweep --grid activation=sigmoid,swish --out s
bad 144 argument "sweep: a key both in the grid and as an option" 2 "gradchain sweep: --epochs: key 'epochs' given twice" -- sweep --grid epochs=1,2 --epochs 3 --out s
bad 145 file "sweep: a grid file with an empty value" 1 "gradchain sweep: bad.grid: width=: empty value" -- sweep --grid-file bad.grid --out s
bad 146 file "sweep: DIR is a file" 1 "gradchain sweep: afile is not a directory" -- sweep --grid hidden=1 --out afile --data data
bad 147 file "sweep: DIR holds another grid" 1 "gradchain sweep: othergrid holds another grid (othergrid/grid); --extend adds these jobs to it" -- sweep --grid hidden=2 --out othergrid --data data
bad 148 file "sweep: a damaged result file" 1 "gradchain sweep: a damaged result file: damaged/ef8e43d9d1bdccfd.json:2:39: a key of config: unterminated string (truncated?); --redo-damaged redoes its job" -- sweep --grid epochs=1 --out damaged --data data
bad 149 argument "sweep: --engine mpi without mpirun" 2 "gradchain sweep: --engine mpi must be started by mpirun or srun (mpirun -n K gradchain sweep ...)" -- sweep --grid hidden=1 --out s --engine mpi
bad 150 argument "sweep: --shard k/K with k > K" 2 "gradchain sweep: --shard wants k/K with 1 <= k <= K, not '4/3'" -- sweep --grid hidden=1 --out s --shard 4/3
bad 151 file "sweep --status: no sweep in DIR" 1 "gradchain sweep: noresults holds no sweep (no noresults/grid)" -- sweep --status noresults
bad 152 file "sweep-report: no result files" 1 "gradchain sweep-report: noresults holds no result files" -- sweep-report noresults
bad 153 file "sweep-report: a damaged result file" 1 "gradchain sweep-report: damaged result: damaged/ef8e43d9d1bdccfd.json:2:39: a key of config: unterminated string (truncated?)" -- sweep-report damaged
# --- jacobian ----------------------------------------------------------
bad 180 argument "jacobian: width x depth beyond memory (refused before allocating)" 1 "gradchain jacobian: a net of width 100000 and depth 1000 needs 8e+04 GB, more than 80% of this machine's memory (--lyapunov draws one layer at a time)" -- jacobian --width 100000 --depth 1000
bad 181 argument "jacobian --lyapunov: a width beyond memory" 1 "gradchain jacobian: a Jacobian product of width 1000000 and depth 10 needs 6.4e+04 GB, more than 80% of this machine's memory" -- jacobian --width 1000000 --depth 10 --lyapunov --blocks 2
bad 182 argument "jacobian: a spectrum depth beyond the net" 2 "gradchain jacobian: --spectra: depth 20 is beyond the net's 10 layers" -- jacobian --spectra 5,20
bad 183 argument "jacobian: negative sigma_w^2" 2 "gradchain jacobian: --sigma-w2 must be > 0 (got -1)" -- jacobian --sigma-w2 -1
bad 184 argument "jacobian: --out without --spectra" 2 "gradchain jacobian: --out needs --spectra (the depths to plot)" -- jacobian --out dir
bad 185 argument "jacobian --load with --width" 2 "gradchain jacobian: --load takes the net's own sizes, activation and weights (no --width, --depth, --init, --activation, --sigma-w2, --sigma-b2 or --lyapunov)" -- jacobian --load net.json --width 10
bad 186 argument "jacobian --lyapunov: fewer layers than blocks" 2 "gradchain jacobian: --lyapunov: 5 layers cannot make 10 blocks (--blocks)" -- jacobian --depth 5 --lyapunov
bad 187 argument "meanfield --prec below 64 bits (the table's 16 to 1000000, the mean field's quadrature 64 to 4096)" 2 "gradchain meanfield: --prec: '20' is not a whole number from 64 to 4096" -- meanfield --prec 20
bad 188 argument "meanfield --prec with --grid" 2 "gradchain meanfield: --prec re-evaluates a point (not with --critical or --grid)" -- meanfield --prec 128 --grid out
bad 189 argument "meanfield --prec with csv" 2 "gradchain meanfield: --prec prints text or json (not csv)" -- meanfield --prec 128 --format csv
bad 190 argument "jacobian: variances with an initialiser that has none" 2 "gradchain jacobian: --sigma-w2 and --sigma-b2 go with --init gaussian or orthogonal (not he)" -- jacobian --init he --sigma-w2 2
bad 191 argument "jacobian: --backward with --lyapunov" 2 "gradchain jacobian: --backward goes with a stored net, not with --lyapunov (which draws J one layer at a time)" -- jacobian --backward --lyapunov
# --- reproduce ---------------------------------------------------------
bad 230 argument "reproduce: an unknown stage" 2 "gradchain reproduce: --stages: unknown stage 'plots' (the stages: chains, problems, speeds, depth, theory, remedies, saturation)" -- reproduce --stages chains,plots --out r
bad 231 argument "reproduce: a stage named twice" 2 "gradchain reproduce: --stages: 'depth' is named twice" -- reproduce --stages depth,depth --out r
bad 232 argument "reproduce: an empty name in the stage list" 2 "gradchain reproduce: --stages: empty name in 'chains,' (the stages: chains, problems, speeds, depth, theory, remedies, saturation)" -- reproduce --stages chains, --out r
# --- environment -------------------------------------------------------
bad 70 environment "GRADCHAIN_DATA names a missing directory" 1 "gradchain evaluate: MNIST data set not found in nowhere (no train-images-idx3-ubyte); fetch it with: gradchain fetch-mnist" -- GRADCHAIN_DATA=nowhere evaluate --load net.json
bad 71 environment "no GRADCHAIN_DATA, HOME without the cache" 1 "gradchain evaluate: MNIST data set not found in nohome/.cache/gradchain/mnist (no train-images-idx3-ubyte); fetch it with: gradchain fetch-mnist" -- HOME=nohome evaluate --load net.json
bad 72 environment "XDG_CACHE_HOME relative (ignored, as the spec says)" 1 "gradchain evaluate: MNIST data set not found in nohome/.cache/gradchain/mnist (no train-images-idx3-ubyte); fetch it with: gradchain fetch-mnist" -- XDG_CACHE_HOME=rel HOME=nohome evaluate --load net.json
bad 73 environment "GRADCHAIN_DATA empty (ignored)" 1 "gradchain evaluate: MNIST data set not found in nohome/.cache/gradchain/mnist (no train-images-idx3-ubyte); fetch it with: gradchain fetch-mnist" -- GRADCHAIN_DATA= HOME=nohome evaluate --load net.json

table() {
  echo "| # | kind | bad input | command | stderr (one line) | exit |"
  echo "|---|------|-----------|---------|-------------------|------|"
  printf '%s\n' "${rows[@]}"
}
if [[ $mode == markdown ]]; then
  table
  exit 0
fi
# the catalogue in doc/bad-input.md is exactly this list
doc=$here/../doc/bad-input.md
if [[ -f $doc ]]; then
  if diff <(grep '^|' "$doc") <(printf '%s\n' "$(table)") >"$tmpd/doc.diff"; then
    pass
  else
    fail "doc/bad-input.md differs from tests/cli_bad_input.sh --markdown:
$(head -20 "$tmpd/doc.diff")"
  fi
else
  fail "no $doc"
fi
finish
