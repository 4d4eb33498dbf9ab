#!/bin/bash
# exports.sh -- libgradchain exports its gc_ API and nothing else: every
# dynamic symbol it defines starts with gc_, the internal helpers (the JSON
# reader, the text-file reader) are hidden, and the API is there.
: "${GRADCHAIN:?GRADCHAIN must name the gradchain binary}"
so="${GRADCHAIN%/*}/.libs/libgradchain.so"
if [[ ! -e $so ]]; then
  echo "SKIP: no shared library ($so): built with --disable-shared?"
  exit 77
fi
if ! command -v nm >/dev/null; then
  echo "SKIP: nm not found"
  exit 77
fi
syms=$(nm -D --defined-only "$so" | awk '{print $3}') || exit 1
status=0
# a named "omp critical(NAME)" is a lock the compiler exports as
# .gomp_critical_user_NAME: the name must still carry the gc_ prefix;
# AddressSanitizer adds __odr_asan.NAME beside an exported variable NAME
bad=$(grep -v -e '^gc_' -e '^\.gomp_critical_user_gc_' -e '^__odr_asan[._]gc_' \
  <<<"$syms")
if [[ -n $bad ]]; then
  echo "FAIL: symbols without the gc_ prefix exported:"
  echo "$bad"
  status=1
fi
for s in gc_json_init gc_json_skip gc_read_text_file gc_net_write_json; do
  if grep -qx "$s" <<<"$syms"; then
    echo "FAIL: internal $s is exported"
    status=1
  fi
done
for s in gc_net_alloc gc_chain_mpfr_eval gc_problem_bound gc_mnist_files \
         gc_error; do
  if ! grep -qx "$s" <<<"$syms"; then
    echo "FAIL: API $s is not exported"
    status=1
  fi
done
echo "$(wc -l <<<"$syms") symbols exported"
exit $status
