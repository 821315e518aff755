#!/usr/bin/env bash
# Build Mailward and start the daemon on the default configuration (conf/): scan protocol on
# 127.0.0.1:11333, controller and dashboard on 127.0.0.1:11334. Ctrl-C stops it.
# Extra arguments go to `mailward serve` (e.g. --workers 4, --conf DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec build/src/app/mailward serve --foreground "$@"
