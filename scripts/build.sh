#!/usr/bin/env bash
# Configure and build Mailward into build/ (installing missing Debian packages first).
#   BUILD_DIR=... BUILD_TYPE=Release|RelWithDebInfo|Debug  scripts/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
