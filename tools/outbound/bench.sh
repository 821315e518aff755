#!/usr/bin/env bash
# The outbound figures of bench/RESULTS.md: recall and false-positive rates of the credential
# test detection on both generators' data.
#
#   tools/outbound/bench.sh MAILWARD_BINARY [WORK_DIR]
#
#   (a) replay month: each generator's month (seed 2) replayed in time order on one store;
#   (b) first sight, every message scanned once with no history:
#       b1  on an empty store of its own (mailward replay --isolate: no account, address,
#           recipient or collector was ever seen);
#       b2  on one store that starts empty, every message from an account of its own
#           (mailward replay --new-accounts: no account history, collectors are learned).
# Every run uses the model trained on the OTHER generator (seed 1): gen1's data is scored by
# the shipped model (trained on gen2), gen2's by a model trained on gen1.
# Prints a Markdown table; the per-run JSON of evaluate.py stays in WORK_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mw=${1:?usage: bench.sh MAILWARD_BINARY [WORK_DIR]}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
py=/usr/bin/python3

conf() {  # conf DIR OVERLAY MODEL
  rm -rf "$1"
  mkdir -p "$1/local.d"
  cp -r "$root/conf/." "$1/"
  cp "$2"/*.toml "$1/local.d/"
  printf '[outbound]\nmodel = "%s"\n' "$3" > "$1/local.d/95-model.toml"
}

[[ -f $work/model-gen1.json ]] || "$here/train_model.sh" "$mw" "$work/model-gen1.json" "$work/train-gen1" gen1 >/dev/null
[[ -f $work/model-gen2.json ]] || "$here/train_model.sh" "$mw" "$work/model-gen2.json" "$work/train-gen2" gen2 >/dev/null
[[ -d $work/gen1 ]] || $py "$here/generate.py" --out "$work/gen1" --seed 2 >/dev/null 2>&1
[[ -d $work/gen2 ]] || $py "$here/gen2/generate.py" --out "$work/gen2" --seed 2 --quiet

run() {  # run NAME DATA OVERLAY MODEL [--isolate]
  local name=$1 data=$2 overlay=$3 model=$4
  shift 4
  conf "$work/conf-$name" "$overlay" "$model"
  "$mw" replay --conf "$work/conf-$name" "$@" "$data/events.jsonl" > "$work/$name.replay.jsonl"
  $py "$here/evaluate.py" --events "$data/events.jsonl" --labels "$data/labels.jsonl" \
    --replay "$work/$name.replay.jsonl" --json | tail -1 > "$work/$name.json"
}

run a-gen1 "$work/gen1" "$here/lab/local.d" "$work/model-gen2.json"
run a-gen2 "$work/gen2" "$here/gen2/local.d" "$work/model-gen1.json"
run b1-gen1 "$work/gen1" "$here/lab/local.d" "$work/model-gen2.json" --isolate
run b1-gen2 "$work/gen2" "$here/gen2/local.d" "$work/model-gen1.json" --isolate
run b2-gen1 "$work/gen1" "$here/lab/local.d" "$work/model-gen2.json" --new-accounts
run b2-gen2 "$work/gen2" "$here/gen2/local.d" "$work/model-gen1.json" --new-accounts

$py - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
rows = [("a-gen1", "(a) replay month, gen1 data"),
        ("a-gen2", "(a) replay month, gen2 data"),
        ("b1-gen1", "(b1) first sight, isolated, gen1 data"),
        ("b1-gen2", "(b1) first sight, isolated, gen2 data"),
        ("b2-gen1", "(b2) first sight, new accounts, gen1 data"),
        ("b2-gen2", "(b2) first sight, new accounts, gen2 data")]
print("| run | test-mail recall | with a complete credential record | held before burst "
      "| FP normal | FP look-alike |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
for name, title in rows:
    r = json.load(open(os.path.join(work, name + ".json")))
    tm = r["test_mails"]
    fp = r["false_positives"]
    by = r.get("by_detail", {}).get("test_mail", {})
    content_free = {"token_only", "partial_userpass"}  # no complete credential record
    n = sum(v["total"] for k, v in by.items() if k not in content_free)
    f = sum(v["flagged"] for k, v in by.items() if k not in content_free)
    held = "n/a" if name.startswith("b") else "%d/%d" % (r["hijacks"]["held_before_burst"], r["hijacks"]["total"])
    print("| %s | %d/%d = %.1f%% | %d/%d = %.1f%% | %s | %d/%d = %.3f%% | %d/%d = %.2f%% |" % (
        title, tm["flagged"], tm["total"], 100 * tm["recall"], f, n, 100 * f / max(n, 1), held,
        fp["normal"]["flagged"], fp["normal"]["count"], 100 * fp["normal"]["rate"],
        fp["lookalike"]["flagged"], fp["lookalike"]["count"], 100 * fp["lookalike"]["rate"]))
PY
