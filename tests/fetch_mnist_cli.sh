#!/bin/sh
# fetch_mnist_cli.sh -- gradchain fetch-mnist at the command line, without
# the network: bad command lines and directories give one line on stderr
# and a non-zero exit; a tarball with wrong files leaves nothing behind;
# with the real files at hand (the cache), a fetch from a tarball of them
# and the "already present" case.
set -u
prog=./src/gradchain
# the helper script lives in the source tree (a VPATH build has no copy)
GRADCHAIN_LIBEXECDIR=${srcdir:-.}/scripts
export GRADCHAIN_LIBEXECDIR
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gc-fetch-XXXXXX") || exit 99
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect STATUS PATTERN -- CMD...: exit status STATUS, exactly one line on
# stderr, matching PATTERN
expect() {
  want=$1 pat=$2
  shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" -eq "$want" ] || fail "$*: exit $got, want $want"
  n=$(wc -l <"$tmp/err")
  [ "$n" -eq 1 ] || fail "$*: $n lines on stderr, want 1: $(cat "$tmp/err")"
  grep -q -- "$pat" "$tmp/err" || fail "$*: stderr lacks '$pat': $(cat "$tmp/err")"
  echo "ok: $* -> $got: $(cat "$tmp/err")"
}

"$prog" fetch-mnist --help >"$tmp/out" 2>&1 && grep -q '^Usage: gradchain fetch-mnist' "$tmp/out" \
  || fail "--help"
expect 2 '--dir needs a value' -- "$prog" fetch-mnist --dir
expect 2 'format' -- "$prog" fetch-mnist --format xml
expect 2 'unexpected argument' -- "$prog" fetch-mnist extra
expect 2 'empty' -- "$prog" fetch-mnist --dir ""

# an unwritable directory: under a regular file (fails even for root)
: >"$tmp/file"
expect 1 'cannot create directory' -- "$prog" fetch-mnist --dir "$tmp/file/sub"
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
  expect 1 'cannot create directory' -- "$prog" fetch-mnist --dir "$tmp/ro/sub"
  expect 1 'not writable' -- "$prog" fetch-mnist --dir "$tmp/ro"
fi

# a tarball whose files have the wrong contents: refused, nothing left
mkdir -p "$tmp/pk/package/data"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte \
         t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  echo "not $f" >"$tmp/pk/package/data/$f"
done
tar -czf "$tmp/bad.tgz" -C "$tmp/pk" package
expect 1 'MD5' -- "$prog" fetch-mnist --dir "$tmp/d1" --tarball "$tmp/bad.tgz"
[ -z "$(ls -A "$tmp/d1")" ] || fail "bad tarball left files: $(ls -A "$tmp/d1")"
# a tarball without the files
tar -czf "$tmp/empty.tgz" -C "$tmp" file
expect 1 'cannot unpack' -- "$prog" fetch-mnist --dir "$tmp/d1" --tarball "$tmp/empty.tgz"
[ -z "$(ls -A "$tmp/d1")" ] || fail "empty tarball left files: $(ls -A "$tmp/d1")"
expect 1 'cannot read' -- "$prog" fetch-mnist --dir "$tmp/d1" --tarball "$tmp/none.tgz"

# with the real files: fetch from a tarball of them, then "already present"
if [ -n "${GRADCHAIN_DATA:-}" ]; then cache=$GRADCHAIN_DATA
elif [ -n "${XDG_CACHE_HOME:-}" ]; then cache=$XDG_CACHE_HOME/gradchain/mnist
else cache=$HOME/.cache/gradchain/mnist; fi
if [ -f "$cache/train-images-idx3-ubyte" ]; then
  mkdir -p "$tmp/real/package/data"
  for f in "$cache"/*-ubyte; do ln -s "$f" "$tmp/real/package/data/"; done
  tar -chf "$tmp/real.tar" -C "$tmp/real" package
  "$prog" fetch-mnist --dir "$tmp/d2" --tarball "$tmp/real.tar" >"$tmp/out" 2>"$tmp/err" \
    || fail "fetch from the real tarball: $(cat "$tmp/err")"
  for f in "$cache"/*-ubyte; do
    cmp -s "$f" "$tmp/d2/$(basename "$f")" || fail "$(basename "$f") differs"
  done
  ls -A "$tmp/d2" | grep -q fetch && fail "temporary directory left in d2"
  "$prog" fetch-mnist --dir "$tmp/d2" --format json >"$tmp/out" 2>"$tmp/err" \
    || fail "second fetch: $(cat "$tmp/err")"
  grep -q '"status": "present"' "$tmp/out" || fail "not 'present': $(cat "$tmp/out")"
  echo "ok: real files: $(cat "$tmp/out")"
else
  echo "note: no real MNIST in $cache; the fetch-from-tarball check is skipped"
fi

[ "$fails" -eq 0 ]
