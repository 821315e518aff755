#!/usr/bin/env bash
# Train the shipped outbound classifier (conf/outbound_model.json) from data this repository
# generates: tools/outbound/generate.py (seed 1) -> mailward replay --features (without a
# model, without rate limits, so every submission yields features) -> mailward train.
# Deterministic: the same inputs give a byte-identical model (the test suite checks this).
#
#   tools/outbound/train_model.sh MAILWARD_BINARY OUTPUT_MODEL [WORK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mw=${1:?usage: train_model.sh MAILWARD_BINARY OUTPUT_MODEL [WORK_DIR]}
out=${2:?usage: train_model.sh MAILWARD_BINARY OUTPUT_MODEL [WORK_DIR]}
work=${3:-}
cleanup=0
if [[ -z $work ]]; then
  work=$(mktemp -d)
  cleanup=1
fi
trap '[[ $cleanup -eq 1 ]] && rm -rf "$work"' EXIT

/usr/bin/python3 "$here/generate.py" --out "$work/data" --seed 1 --users 150 --hijacks 15 >/dev/null
mkdir -p "$work/conf"
cp -r "$root/conf/." "$work/conf/"
mkdir -p "$work/conf/local.d"
cp "$here/lab/local.d/"*.toml "$work/conf/local.d/"
cat > "$work/conf/local.d/90-training.toml" <<'TOML'
[outbound]
model = ""
ratelimit_messages = 0
ratelimit_recipients = 0
TOML
"$mw" replay --conf "$work/conf" --features "$work/features.jsonl" "$work/data/events.jsonl" \
  > "$work/replay.jsonl"
"$mw" train --features "$work/features.jsonl" --labels "$work/data/labels.jsonl" --out "$out"
