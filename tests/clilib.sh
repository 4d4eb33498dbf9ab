# clilib.sh -- helpers for the command-line tests (sourced).
# $GRADCHAIN is the program under test (set by the test harness).
: "${GRADCHAIN:?GRADCHAIN must name the gradchain binary}"
passed=0
failed=0
tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT

fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
pass() { passed=$((passed + 1)); }

# expect_status CODE DESCRIPTION -- gradchain ARGS...
# Runs gradchain; checks the exit status; for a failure also checks that
# stderr is exactly one line starting "gradchain" and that nothing crashed.
expect_status() {
  local want=$1 what=$2
  shift 3
  local got=0
  "$GRADCHAIN" "$@" >"$tmpd/out" 2>"$tmpd/err" || got=$?
  if [[ $got -ne $want ]]; then
    fail "$what: exit $got, expected $want ($(head -c 300 "$tmpd/err"))"
    return
  fi
  if [[ $want -ne 0 ]]; then
    local n
    n=$(wc -l <"$tmpd/err")
    if [[ $n -ne 1 ]] || ! grep -q '^gradchain' "$tmpd/err"; then
      fail "$what: stderr is not one 'gradchain ...' line: $(head -c 300 "$tmpd/err")"
      return
    fi
  fi
  pass
}

# expect_output DESCRIPTION PATTERN -- gradchain ARGS...  (exit 0, stdout
# matches the extended regular expression PATTERN)
expect_output() {
  local what=$1 pat=$2
  shift 3
  local got=0
  "$GRADCHAIN" "$@" >"$tmpd/out" 2>"$tmpd/err" || got=$?
  if [[ $got -ne 0 ]]; then
    fail "$what: exit $got ($(head -c 300 "$tmpd/err"))"
  elif ! grep -Eq -- "$pat" "$tmpd/out"; then
    fail "$what: output does not match /$pat/: $(head -c 300 "$tmpd/out")"
  else
    pass
  fi
}

finish() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
