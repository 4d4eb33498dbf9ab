#!/usr/bin/env bash
# cli_golden.sh -- every command gives the bytes recorded before the source
# tree was reorganised (tests/golden/record.sh), timing fields aside.  The
# training outputs depend on the kernels' instruction set and are compared
# only on the one they were recorded on, and only in the native build.
set -u
. "$(dirname "$0")/clilib.sh"
: "${MKSYNTH:?MKSYNTH must name the tests/mksynth program}"
gold=$(cd "$(dirname "$0")/golden" && pwd)
mkdir -p "$tmpd/data"; "$MKSYNTH" "$tmpd/data" 1200 300 7 || { echo "mksynth failed"; exit 1; }
same_isa=1
if [[ $("$gold/isa.sh") != $(cat "$gold/out/ISA") || -n ${GC_GOLDEN_NO_TRAIN:-} ]]; then
  same_isa=0
  echo "# training goldens skipped: recorded on $(cat "$gold/out/ISA"), this machine is $("$gold/isa.sh")"
fi
# problem_activation: its sigmoid chains use the build's exp (kernels.c), FMA or libm
training() { [[ $1 =~ ^(train|depth|depth_csv|speeds|speeds_train|problem_activation|reproduce_.*)$ ]]; }
while IFS=$'\t' read -r name args; do
  [[ -z $name || $name == \#* ]] && continue
  training "$name" && ((same_isa == 0)) && continue
  args=${args//@DATA/$tmpd/data}
  st=0; "$GRADCHAIN" $args >"$tmpd/o" 2>/dev/null || st=$?
  { echo "exit $st"; "$gold/filter.sh" <"$tmpd/o"; } >"$tmpd/got"
  if cmp -s "$tmpd/got" "$gold/out/$name"; then pass
  else fail "$name: output differs from the golden file: $(diff "$gold/out/$name" "$tmpd/got" | head -5)"; fi
done <"$gold/commands"
if ((same_isa)); then
  "$GRADCHAIN" reproduce --quick --seeds 1 --out "$tmpd/r" --data "$tmpd/data" --quiet >/dev/null 2>&1 \
    || fail "reproduce --quick failed"
  for g in "$gold"/out/reproduce_*; do
    f=$tmpd/r/${g##*/reproduce_}
    if [[ -f $f ]] && "$gold/filter.sh" <"$f" | cmp -s - "$g"; then pass
    else fail "reproduce's ${g##*/reproduce_} differs from the golden file"; fi
  done
fi
finish
