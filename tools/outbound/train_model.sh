#!/usr/bin/env bash
# Train the outbound classifier from data this repository generates: a generator's month
# (seed 1) -> mailward replay --features (without a model, decisive records, holds or rate
# limits, so that every submission yields features) -> mailward train.
# Deterministic: the same inputs give a byte-identical model (the test suite checks this).
#
#   tools/outbound/train_model.sh MAILWARD_BINARY OUTPUT_MODEL [WORK_DIR] [GENERATOR]
#
# GENERATOR is gen2 (tools/outbound/gen2/generate.py, the default: the shipped
# conf/outbound_model.json) or gen1 (tools/outbound/generate.py: the model that the bench
# evaluates on gen2's data). Each is replayed with its own provider's configuration.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mw=${1:?usage: train_model.sh MAILWARD_BINARY OUTPUT_MODEL [WORK_DIR] [gen1|gen2]}
out=${2:?usage: train_model.sh MAILWARD_BINARY OUTPUT_MODEL [WORK_DIR] [gen1|gen2]}
work=${3:-}
generator=${4:-gen2}
cleanup=0
if [[ -z $work ]]; then
  work=$(mktemp -d)
  cleanup=1
fi
trap '[[ $cleanup -eq 1 ]] && rm -rf "$work"' EXIT

mkdir -p "$work/conf"
cp -r "$root/conf/." "$work/conf/"
mkdir -p "$work/conf/local.d"
case $generator in
  gen2)
    /usr/bin/python3 "$here/gen2/generate.py" --out "$work/data" --seed 1 --quiet
    cp "$here/gen2/local.d/"*.toml "$work/conf/local.d/"
    ;;
  gen1)
    /usr/bin/python3 "$here/generate.py" --out "$work/data" --seed 1 --users 150 --hijacks 15 \
      >/dev/null
    cp "$here/lab/local.d/"*.toml "$work/conf/local.d/"
    ;;
  *)
    echo "train_model.sh: unknown generator $generator (gen1 or gen2)" >&2
    exit 2
    ;;
esac
cat > "$work/conf/local.d/90-training.toml" <<'TOML'
[outbound]
model = ""
decisive = false
hold = false
ratelimit_messages = 0
ratelimit_recipients = 0
TOML
"$mw" replay --conf "$work/conf" --features "$work/features.jsonl" "$work/data/events.jsonl" \
  > "$work/replay.jsonl"
"$mw" train --features "$work/features.jsonl" --labels "$work/data/labels.jsonl" --out "$out"
