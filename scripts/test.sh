#!/usr/bin/env bash
# Build Mailward and run the whole test suite: unit tests, rule tests, fuzz corpus replays
# and functional tests against real peers (rspamc, dnsmasq, redis-server, Postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
BUILD_DIR=${BUILD_DIR:-build}
scripts/build.sh
cd "$BUILD_DIR"
# --timeout bounds every test without a TIMEOUT of its own: a hung test fails, never the run.
ctest --output-on-failure --timeout 300 -j"${JOBS:-$(nproc)}" "$@"
