#!/usr/bin/env bash
# Build Mailward and run it on the default configuration (conf/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
exec build/src/app/mailward scan --conf conf samples/*.eml
