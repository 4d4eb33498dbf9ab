#!/usr/bin/env bash
# cli_options.sh -- every subcommand parses with the one option table
# (src/cli/options.c), so its refusals read alike: an unknown option, a
# stray argument and --help give the same lines in every subcommand.  The
# subcommands are those `gradchain --help` lists (and every problem), so a
# new one is checked without an edit here.
set -u
. "$(dirname "$0")/clilib.sh"
export LC_ALL=C

# same STATUS MESSAGE -- ARGS...: exit STATUS, stderr exactly MESSAGE
same() {
  local want=$1 msg=$2
  shift 3
  local got=0
  "$GRADCHAIN" "$@" >"$tmpd/out" 2>"$tmpd/err" </dev/null || got=$?
  if [[ $got -ne $want || $(cat "$tmpd/err") != "$msg" ]]; then
    fail "gradchain $*: exit $got, stderr '$(head -c 300 "$tmpd/err")'; expected $want, '$msg'"
  else
    pass
  fi
}

cmds=$("$GRADCHAIN" --help | awk '/^Subcommands:/ {on = 1; next} on && /^  [a-z]/ {print $1}')
[[ -n $cmds ]] || fail "no subcommands in gradchain --help"
all=()
for c in $cmds; do
  if [[ $c == problem ]]; then
    for p in bound width maxwidth identity activation; do all+=("problem $p"); done
  else
    all+=("$c")
  fi
done
for c in "${all[@]}"; do
  read -ra words <<<"$c"
  same 2 "gradchain $c: unknown option '--frobnicate' (try --help)" -- "${words[@]}" --frobnicate
  # sweep-report takes one directory; a second argument is the stray one
  pos=(); [[ $c == sweep-report ]] && pos=(somedir)
  same 2 "gradchain $c: unexpected argument 'extra'" -- "${words[@]}" "${pos[@]}" extra
  for h in --help -h; do
    st=0
    "$GRADCHAIN" "${words[@]}" $h >"$tmpd/out" 2>"$tmpd/err" || st=$?
    if [[ $st -eq 0 && ! -s $tmpd/err ]] && head -1 "$tmpd/out" | grep -q "^Usage: gradchain $c"; then
      pass
    else
      fail "gradchain $c $h: exit $st, first line '$(head -1 "$tmpd/out")'"
    fi
  done
done
finish
