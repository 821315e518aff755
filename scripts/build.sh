#!/usr/bin/env bash
# Configure and build Mailward into build/ (installing missing Debian packages first).
#   BUILD_DIR=... BUILD_TYPE=Release|RelWithDebInfo|Debug  scripts/build.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
BUILD_DIR=${BUILD_DIR:-build}
# ccache, when the machine has it, makes rebuilds in several checkouts cheap; never required.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  "${launcher[@]}" "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
