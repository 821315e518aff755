#!/usr/bin/env bash
# Detection benchmark: Mailward and Rspamd 3.4 (Debian's stock configuration, no Bayes, fuzzy
# or RBL) on the same labelled sets in the same run, DNS answered by a local dnsmasq that
# knows no names (every query gets NXDOMAIN at once).
#
#   bench/detection/run.sh [--no-rspamd] [--mailward BIN] [--conf DIR] [--gen-dir DIR]
#                          [--mailgen-dir DIR] [--regen] [--save FILE] [--markdown]
#                          [--split tune|holdout|all] [--sets LIST] [--bayes]
#
# Generates the synthetic sets first when their folders do not exist (or with --regen):
# generate.py into --gen-dir, tools/bayes/generate_mail.py (500 spam, 500 ham, seed 12, dated
# now) into --mailgen-dir; then
# starts dnsmasq and Rspamd on free loopback ports, runs evaluate.py, and stops both by PID.
# Prints the table (Markdown with --markdown); --save keeps every reply for symstats.py.
# --bayes then teaches Mailward's Bayes classifier the tune split (`mailward learn` into a
# private store, MAILWARD_DBDIR) and scans the holdout split again ("mailward+bayes" rows;
# Rspamd's Bayes needs Redis and is not run here: bench/bayes compares the two classifiers).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
readonly HERE ROOT

rspamd=1
regen=0
mailward="$ROOT/build/src/app/mailward"
conf="$ROOT/conf"
gen_dir="$ROOT/build/detection/generated"
mailgen_dir="$ROOT/build/detection/mailgen"
save=""
split="all"
sets="spamassassin,rspamd,generated,mailgen"
markdown=()
bayes=0

die() { echo "run.sh: $*" >&2; exit 2; }
note() { echo "run.sh: $*" >&2; }

while (($#)); do
  case "$1" in
    --no-rspamd) rspamd=0; shift ;;
    --mailward) mailward="${2:?}"; shift 2 ;;
    --conf) conf="${2:?}"; shift 2 ;;
    --gen-dir) gen_dir="${2:?}"; shift 2 ;;
    --mailgen-dir) mailgen_dir="${2:?}"; shift 2 ;;
    --regen) regen=1; shift ;;
    --save) save="${2:?}"; shift 2 ;;
    --split) split="${2:?}"; shift 2 ;;
    --sets) sets="${2:?}"; shift 2 ;;
    --markdown) markdown=(--markdown); shift ;;
    --bayes) bayes=1; shift ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ -x "$mailward" ]] || die "$mailward is not built"
PYTHON=/usr/bin/python3
[[ -x "$PYTHON" ]] || PYTHON=python3

if ((regen)) || [[ ! -d "$gen_dir" ]]; then
  rm -rf -- "$gen_dir" "$gen_dir.tmp"
  "$PYTHON" "$HERE/generate.py" --out "$gen_dir.tmp"
  mv -- "$gen_dir.tmp" "$gen_dir"
fi
if [[ ",$sets," == *,mailgen,* ]] && { ((regen)) || [[ ! -d "$mailgen_dir" ]]; }; then
  rm -rf -- "$mailgen_dir" "$mailgen_dir.tmp"
  "$PYTHON" "$ROOT/tools/bayes/generate_mail.py" --out "$mailgen_dir.tmp" --spam 500 --ham 500 \
      --seed 12 --now "$(date +%s)"
  mv -- "$mailgen_dir.tmp" "$mailgen_dir"
fi

free_port() {
  local p tries=0
  while ((tries < 100)); do
    p=$((30000 + RANDOM % 30000))
    if [[ -z "$(ss -Htuan "sport = :$p" 2>/dev/null)" ]]; then echo "$p"; return 0; fi
    tries=$((tries + 1))
  done
  die "no free port"
}

dns_pid=""
rspamd_dir=""
state_dir=""
cleanup() {
  if [[ -n "$state_dir" ]]; then rm -rf -- "$state_dir"; fi
  if [[ -n "$dns_pid" ]] && kill -0 "$dns_pid" 2>/dev/null; then kill "$dns_pid" || true; fi
  if [[ -n "$rspamd_dir" ]]; then "$ROOT/bench/rspamd/run_rspamd.sh" stop "$rspamd_dir" || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dns_port="$(free_port)"
command -v dnsmasq >/dev/null 2>&1 || die "dnsmasq not found (scripts/deps.sh test)"
dnsmasq --no-daemon --no-resolv --no-hosts --address=/#/ --port="$dns_port" \
    --listen-address=127.0.0.1 --bind-interfaces --conf-file=/dev/null \
    --user="$(id -un)" --pid-file= 2>/dev/null &
dns_pid=$!
sleep 0.3
kill -0 "$dns_pid" 2>/dev/null || die "dnsmasq did not start"

rspamd_args=()
if ((rspamd)); then
  port="$(free_port)"
  env_out="$("$ROOT/bench/rspamd/run_rspamd.sh" "$port" 1 --stock --dns "127.0.0.1:$dns_port" \
             --log-level error)" || die "rspamd did not start"
  RSPAMD_DIR=""
  eval "$env_out"
  rspamd_dir="$RSPAMD_DIR"
  rspamd_args=(--rspamd "127.0.0.1:$port")
  note "rspamd $(rspamd --version 2>/dev/null | awk '{print $NF; exit}') on port $port"
fi

# Mailward's state (the Bayes statistics among it) in a private directory, empty for this run.
state_dir="$(mktemp -d "${TMPDIR:-/tmp}/mw-detection-state.XXXXXX")"
mkdir -p "$state_dir/empty" "$state_dir/bayes"
eval_args=(--sets "$sets" --gen-dir "$gen_dir" --mailgen-dir "$mailgen_dir" --mailward "$mailward"
           --conf "$conf" --dns "127.0.0.1:$dns_port" --split "$split" "${rspamd_args[@]}" "${markdown[@]}")
[[ -n "$save" ]] && eval_args+=(--save "$save")
MAILWARD_DBDIR="$state_dir/empty" "$PYTHON" "$HERE/evaluate.py" "${eval_args[@]}"

if ((bayes)); then
  bayes_dir="$state_dir/bayes"
  list_args=(--sets "$sets" --gen-dir "$gen_dir" --mailgen-dir "$mailgen_dir")
  for label in spam ham; do
    "$PYTHON" "$HERE/evaluate.py" "${list_args[@]}" --list "tune:$label" >"$bayes_dir/$label.list"
    note "teaching Bayes $(wc -l <"$bayes_dir/$label.list") $label messages (tune split)"
    xargs -d '\n' -n 200 <"$bayes_dir/$label.list" env MAILWARD_DBDIR="$bayes_dir" \
        "$mailward" learn "--$label" --conf "$conf" --quiet >/dev/null
  done
  echo
  MAILWARD_DBDIR="$bayes_dir" "$PYTHON" "$HERE/evaluate.py" "${list_args[@]}" \
      --mailward "$mailward" --conf "$conf" --dns "127.0.0.1:$dns_port" --split holdout \
      --name mailward+bayes "${markdown[@]}" ${save:+--save "${save%.jsonl}.bayes.jsonl"}
fi
