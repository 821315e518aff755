#!/usr/bin/env bash
# Build Mailward and run the whole test suite: unit tests, rule tests, fuzz corpus replays
# and functional tests against real peers (rspamc, dnsmasq, redis-server, Postfix).
#   scripts/test.sh [ctest args]       the normal build (build/) and every test
#   scripts/test.sh --sanitize [args]  an AddressSanitizer + UndefinedBehaviorSanitizer build
#                                      (build-asan/, no benchmarks) running the unit, rule
#                                      and fuzz-corpus tests; any finding fails the run
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
if [[ ${1:-} == --sanitize ]]; then
  shift
  export BUILD_DIR=${ASAN_BUILD_DIR:-build-asan}
  # -O1 -g1 (line tables for the reports): half the compile time of -O2 -g under ASan, the
  # optimisation level ASan recommends. The normal build keeps RelWithDebInfo.
  BUILD_TYPE=RelWithDebInfo scripts/build.sh -DMW_SANITIZE=ON -DMW_BENCH=OFF \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"
  # Every finding is fatal: leaks (LeakSanitizer), memory errors, undefined behaviour.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0:strict_string_checks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  cd "$BUILD_DIR"
  ctest --output-on-failure --timeout 600 -j"${JOBS:-$(nproc)}" -L '^(unit|lua|fuzz)$' "$@"
  exit
fi
BUILD_DIR=${BUILD_DIR:-build}
scripts/build.sh
cd "$BUILD_DIR"
# --timeout bounds every test without a TIMEOUT of its own: a hung test fails, never the run.
ctest --output-on-failure --timeout 300 -j"${JOBS:-$(nproc)}" "$@"
