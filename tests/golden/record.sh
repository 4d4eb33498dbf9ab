#!/usr/bin/env bash
# record.sh GRADCHAIN MKSYNTH -- write the golden outputs of every command in
# tests/golden/commands (and of `reproduce --quick`) into tests/golden/out/.
# Run it only from a build whose outputs are known to be right; the floating
# point of training depends on the instruction set, recorded in out/ISA.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
G=$1 MK=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/data"; "$MK" "$tmp/data" 1200 300 7
rm -rf "$here/out"; mkdir -p "$here/out"
"$here/isa.sh" >"$here/out/ISA"
while IFS=$'\t' read -r name args; do
  [[ -z $name || $name == \#* ]] && continue
  args=${args//@DATA/$tmp/data}
  st=0; $G $args >"$tmp/o" 2>/dev/null || st=$?
  { echo "exit $st"; "$here/filter.sh" <"$tmp/o"; } >"$here/out/$name"
done <"$here/commands"
"$G" reproduce --quick --seeds 1 --out "$tmp/r" --data "$tmp/data" --quiet >/dev/null
for f in "$tmp"/r/*.csv "$tmp"/r/*.json; do
  "$here/filter.sh" <"$f" >"$here/out/reproduce_$(basename "$f")"
done
