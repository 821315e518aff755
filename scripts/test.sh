#!/usr/bin/env bash
# Build Mailward and run the whole test suite: unit tests, rule tests, fuzz corpus replays
# and functional tests against real peers (rspamc, dnsmasq, redis-server, Postfix).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
BUILD_DIR=${BUILD_DIR:-build}
scripts/build.sh
cd "$BUILD_DIR"
ctest --output-on-failure -j"${JOBS:-$(nproc)}" "$@"
