#!/usr/bin/env bash
# Load Rspamd and Mailward with the same driver, corpus and settings, one after the other on
# this machine, and print a Markdown table for bench/RESULTS.md.
#
#   bench/compare.sh [--workers N] [--concurrency C] [--duration S] [--warmup S]
#                    [--corpus PATH]... [--keepalive] [--zstd] [--only rspamd|mailward]
#                    [--log-level LEVEL] [--hs-cache DIR] [--loadgen BIN] [--mailward BIN]
#                    [--conf DIR] [--header 'Name: value']... [--bayes MAILDIR] [--redis]
#
# Defaults: 1 worker, concurrency 8, 20 s measured after a 3 s warm-up run, the shared corpus,
# log level info for both servers, one connection per request for both (what Rspamd 3.4 does
# anyway and what rspamc does); --keepalive lets each server keep connections open if it
# wants to (Rspamd closes them, Mailward may not).
#
# For each server: start it on free loopback ports (Rspamd through bench/rspamd/run_rspamd.sh,
# Mailward with `mailward serve --foreground`), wait for /ping, run the driver once to warm up
# and once to measure, read the CPU time the server's processes used during the measured run
# from /proc, stop the server by its PID. "msgs per CPU-s" (messages per second of server CPU)
# is the number to trust on a busy machine: it does not depend on how much CPU the other
# processes left us.
#
# --bayes MAILDIR: both servers with their Bayes classifier taught MAILDIR/spam and MAILDIR/ham
# before the runs (e.g. tools/bayes/generate_mail.py output). Rspamd gets the classifier of
# bench/bayes/rspamd-bayes.conf.in on a private redis-server and learns through `rspamc
# learn_spam|learn_ham` on its controller; Mailward learns offline with `mailward learn` into
# a private store (a copy of --conf with [options] dbdir pointing there).
# --redis: Mailward is run a second time with `[store] backend = "redis"` (a copy of the
# configuration with one more local.d file) on a private redis-server on a free loopback
# port (test/functional/lib/redis_server.sh, stopped by its PID); that row also gives the
# CPU the redis-server used during the measured run.
#
# Environment: RSPAMD_BIN (passed to run_rspamd.sh). Exit status 0 when both runs completed.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
readonly BENCH_DIR ROOT

workers=1
concurrency=8
duration=20
warmup=3
keepalive=0
zstd=0
only=""
log_level="info"
hs_cache=""
loadgen=""
mailward="$ROOT/build/src/app/mailward"
conf="$ROOT/conf"
corpus=()
bayes_mail=""
headers=()  # --header: request headers for every message (e.g. "User: x" for outbound)
redis=0

die() { echo "compare.sh: $*" >&2; exit 2; }
note() { echo "compare.sh: $*" >&2; }
usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while (($#)); do
  case "$1" in
    --workers) workers="${2:?}"; shift 2 ;;
    --concurrency) concurrency="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --corpus) corpus+=(--corpus "${2:?}"); shift 2 ;;
    --keepalive) keepalive=1; shift ;;
    --zstd) zstd=1; shift ;;
    --only) only="${2:?}"; shift 2 ;;
    --log-level) log_level="${2:?}"; shift 2 ;;
    --hs-cache) hs_cache="${2:?}"; shift 2 ;;
    --loadgen) loadgen="${2:?}"; shift 2 ;;
    --mailward) mailward="${2:?}"; shift 2 ;;
    --conf) conf="${2:?}"; shift 2 ;;
    --header) headers+=(--header "${2:?}"); shift 2 ;;
    --bayes) bayes_mail="${2:?}"; shift 2 ;;
    --redis) redis=1; shift ;;
    -h|--help) usage ;;
    *) die "unknown argument $1" ;;
  esac
done
[[ "$workers" =~ ^[1-9][0-9]*$ ]] || die "bad --workers"
[[ "$concurrency" =~ ^[1-9][0-9]*$ ]] || die "bad --concurrency"
[[ "$duration" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "bad --duration"
[[ "$warmup" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "bad --warmup"
case "$only" in ""|rspamd|mailward) ;; *) die "--only takes rspamd or mailward" ;; esac
if [[ -n "$bayes_mail" ]]; then
  [[ -d "$bayes_mail/spam" && -d "$bayes_mail/ham" ]] || die "--bayes: $bayes_mail/spam and /ham needed"
  bayes_mail="$(cd "$bayes_mail" && pwd)"
fi

if [[ -z "$loadgen" ]]; then
  for candidate in "$ROOT/build-bench/bench/mailward-loadgen" \
                   "$ROOT/build/bench/mailward-loadgen"; do
    if [[ -x "$candidate" ]]; then loadgen="$candidate"; break; fi
  done
fi
[[ -n "$loadgen" && -x "$loadgen" ]] ||
  die "mailward-loadgen not found: build it (ninja mailward-loadgen) or pass --loadgen"

driver_args=(--concurrency "$concurrency" "${corpus[@]}" "${headers[@]}")
((keepalive)) || driver_args+=(--no-keepalive)
((zstd)) && driver_args+=(--zstd)

# ---------------------------------------------------------------------------------------------
# Helpers

# A TCP port on 127.0.0.1 that nothing listens on (checked with ss when available).
free_tcp_port() {
  local p tries=0
  while ((tries < 100)); do
    p=$((30000 + RANDOM % 30000))
    if command -v ss >/dev/null 2>&1; then
      [[ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return 0; }
    elif ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return 0
    fi
    tries=$((tries + 1))
  done
  die "no free port found"
}

# Clock ticks of CPU (user + system) used so far by process $1 and all its descendants,
# those that already exited included (their time is in their parent's cutime/cstime once
# reaped: a helper that ends during the run must not take its CPU time away).
tree_cpu_ticks() {
  local root="$1"
  awk -v root="$root" '
    FNR == 1 {
      line = $0
      sub(/^.*\) /, "", line)          # skip "pid (comm) ", comm may contain spaces
      n = split(line, f, " ")
      pid = FILENAME; sub(/^\/proc\//, "", pid); sub(/\/stat$/, "", pid)
      ppid[pid] = f[2]; cpu[pid] = f[12] + f[13] + f[14] + f[15]  # utime, stime, cutime, cstime
    }
    END {
      total = 0
      for (p in cpu) {
        q = p
        for (depth = 0; depth < 32 && q != "" && q != "0"; depth++) {
          if (q == root) { total += cpu[p]; break }
          q = ppid[q]
        }
      }
      print total
    }' /proc/[0-9]*/stat 2>/dev/null
}

# PIDs of the descendants of process $1.
tree_pids() {
  awk -v root="$1" '
    FNR == 1 {
      line = $0
      sub(/^.*\) /, "", line)
      split(line, f, " ")
      pid = FILENAME; sub(/^\/proc\//, "", pid); sub(/\/stat$/, "", pid)
      ppid[pid] = f[2]
    }
    END {
      for (p in ppid) {
        q = ppid[p]
        for (depth = 0; depth < 32 && q != "" && q != "0"; depth++) {
          if (q == root) { print p; break }
          q = ppid[q]
        }
      }
    }' /proc/[0-9]*/stat 2>/dev/null
}

json_num() {  # json_num JSON_LINE FIELD -> the number, or empty
  sed -n "s/.*\"$2\":\([-0-9.e]*\).*/\1/p" <<<"$1"
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

ping_ok() {
  local reply
  reply="$(curl -s -m 2 "http://127.0.0.1:$1/ping" 2>/dev/null || true)"
  [[ "$reply" == *pong* ]]
}

declare -A result_json result_cpu result_load result_note result_extra_cpu
extra_pid=""  # measured too when set (the redis-server of a Redis run)
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"
readonly CLK_TCK

# Warm up, then measure $1 (label) at port $2 whose process tree is rooted at PID $3.
measure() {
  local label="$1" port="$2" pid="$3"
  note "$label: warm-up run (${warmup} s)"
  if [[ "$warmup" != "0" ]]; then
    "$loadgen" --target "127.0.0.1:$port" "${driver_args[@]}" --duration "$warmup" \
        >/dev/null 2>&1 || true
  fi
  result_load[$label]="$(loadavg)"
  note "$label: measured run (${duration} s, concurrency $concurrency)," \
       "load average ${result_load[$label]}"
  local before after out
  local extra_before=0 extra_after=0
  [[ -n "$extra_pid" ]] && extra_before="$(tree_cpu_ticks "$extra_pid")"
  before="$(tree_cpu_ticks "$pid")"
  out="$("$loadgen" --target "127.0.0.1:$port" "${driver_args[@]}" --duration "$duration" \
         --json 2>"$tmp/$label.report")" || true
  after="$(tree_cpu_ticks "$pid")"
  [[ -n "$extra_pid" ]] && extra_after="$(tree_cpu_ticks "$extra_pid")"
  result_extra_cpu[$label]="$(awk -v a="$extra_after" -v b="$extra_before" -v t="$CLK_TCK" \
                              'BEGIN { printf "%.2f", (a - b) / t }')"
  cat "$tmp/$label.report" >&2
  result_json[$label]="$out"
  result_cpu[$label]="$(awk -v a="$after" -v b="$before" -v t="$CLK_TCK" \
                        'BEGIN { printf "%.2f", (a - b) / t }')"
}

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mw-compare.XXXXXX")"
rspamd_dir=""
redis_dir=""
mailward_pid=""

stop_mailward() {
  [[ -n "$mailward_pid" ]] || return 0
  local pid="$mailward_pid" kids waited=0
  mailward_pid=""
  kill -0 "$pid" 2>/dev/null || return 0
  kids="$(tree_pids "$pid" | tr '\n' ' ')"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < 300)); do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    note "mailward $pid did not stop in 30 s; killing it and its workers"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local k
  for k in $kids; do
    if kill -0 "$k" 2>/dev/null; then kill -KILL "$k" 2>/dev/null || true; fi
  done
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  stop_mailward
  if [[ -n "$rspamd_dir" ]]; then "$BENCH_DIR/rspamd/run_rspamd.sh" stop "$rspamd_dir" || true; fi
  if [[ -n "$redis_dir" ]]; then "$ROOT/test/functional/lib/redis_server.sh" stop "$redis_dir" || true; fi
  if [[ -f "$tmp/redis/redis.pid" ]]; then
    "$ROOT/test/functional/lib/redis_server.sh" stop "$tmp/redis" || true
  fi
  rm -rf -- "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Rspamd

run_rspamd() {
  local port
  port="$(free_tcp_port)"
  local -a args=("$port" "$workers" --log-level "$log_level")
  [[ -n "$hs_cache" ]] && args+=(--hs-cache "$hs_cache")
  local ctl="" password=""
  if [[ -n "$bayes_mail" ]]; then
    local redis_port
    redis_port="$("$ROOT/test/functional/lib/redis_server.sh" start "$tmp/rspamd-redis")" ||
      { result_note[rspamd]="redis-server did not start"; return 1; }
    redis_dir="$tmp/rspamd-redis"
    ctl="$(free_tcp_port)"
    password="bench-$RANDOM$RANDOM"
    args+=(--append "$BENCH_DIR/bayes/rspamd-bayes.conf.in" --set "CTL_PORT=$ctl"
           --set "REDIS_PORT=$redis_port" --set "CTL_PASSWORD=$password")
  fi
  local env_out
  if ! env_out="$("$BENCH_DIR/rspamd/run_rspamd.sh" "${args[@]}")"; then
    result_note[rspamd]="rspamd did not start (see above)"
    return 1
  fi
  local RSPAMD_PID="" RSPAMD_DIR=""
  eval "$env_out"
  rspamd_dir="$RSPAMD_DIR"
  if [[ -n "$bayes_mail" ]]; then
    local cls
    for cls in spam ham; do
      note "rspamd learning $bayes_mail/$cls"
      rspamc -h "127.0.0.1:$ctl" -P "$password" -t 60 "learn_$cls" "$bayes_mail/$cls" \
        >"$tmp/rspamd-learn-$cls.log" 2>&1 || note "rspamc learn_$cls reported errors"
      note "rspamd: $(grep -c 'success = true' "$tmp/rspamd-learn-$cls.log" || true) $cls messages learned"
    done
  fi
  measure rspamd "$port" "$RSPAMD_PID"
  "$BENCH_DIR/rspamd/run_rspamd.sh" stop "$rspamd_dir" || true
  rspamd_dir=""
  if [[ -n "$redis_dir" ]]; then
    "$ROOT/test/functional/lib/redis_server.sh" stop "$redis_dir" || true
    redis_dir=""
  fi
}

# ---------------------------------------------------------------------------------------------
# Mailward

# run_mailward [LABEL CONF]: measure Mailward on CONF (default: mailward on --conf).
run_mailward() {
  local label="${1:-mailward}" run_conf="${2:-$conf}"
  if [[ ! -x "$mailward" ]]; then
    result_note[$label]="not run: $mailward is not built"
    return 1
  fi
  local port ctl dns
  port="$(free_tcp_port)"
  ctl="$(free_tcp_port)"
  while [[ "$ctl" == "$port" ]]; do ctl="$(free_tcp_port)"; done
  dns="$(free_tcp_port)"  # nothing listens there: DNS fails at once, as for Rspamd
  if [[ -n "$bayes_mail" ]]; then
    cp -r -- "$run_conf" "$tmp/$label-conf"
    run_conf="$tmp/$label-conf"
    mkdir -p "$tmp/$label-db" "$run_conf/local.d"
    printf '[options]\ndbdir = "%s"\n' "$tmp/$label-db" >"$run_conf/local.d/zzz-bench-bayes.toml"
    local cls
    for cls in spam ham; do
      note "mailward learning $bayes_mail/$cls: $("$mailward" learn "--$cls" --quiet --conf "$run_conf" \
            "$bayes_mail/$cls" 2>&1 | tail -n 1)"
    done
  fi
  local -a args=(serve --foreground --listen "127.0.0.1:$port" --controller "127.0.0.1:$ctl"
                 --workers "$workers" --conf "$run_conf")
  # Options that not every build of `mailward serve` has: pass those its usage lists.
  local usage_text
  usage_text="$("$mailward" serve --help 2>&1 || true)"
  [[ "$usage_text" == *--dns* ]] && args+=(--dns "127.0.0.1:$dns")
  [[ "$usage_text" == *--log-level* ]] && args+=(--log-level "$log_level")
  # As root, a build that drops privileges refuses to keep root unless told: a benchmark
  # run measures speed only, on its own state directory.
  [[ $EUID -eq 0 && "$usage_text" == *--insecure* ]] && args+=(--insecure)
  if [[ "$usage_text" == *--milter* ]]; then
    local milter
    milter="$(free_tcp_port)"
    args+=(--milter "127.0.0.1:$milter")
  fi
  note "mailward starting on 127.0.0.1:$port ($workers worker(s)): ${args[*]}"
  setsid "$mailward" "${args[@]}" </dev/null >"$tmp/mailward.log" 2>&1 &
  mailward_pid=$!
  local deadline=$((SECONDS + 180))
  until ping_ok "$port"; do
    if ! kill -0 "$mailward_pid" 2>/dev/null || ((SECONDS >= deadline)); then
      note "mailward did not become ready; last log lines:"
      tail -n 30 "$tmp/mailward.log" >&2 || true
      stop_mailward
      result_note[$label]="mailward did not start (see above)"
      return 1
    fi
    sleep 0.2
  done
  note "mailward $mailward_pid is ready"
  measure "$label" "$port" "$mailward_pid"
  stop_mailward
}

# Mailward on a private redis-server: the same configuration plus the Redis store.
run_mailward_redis() {
  local rport
  if ! rport="$("$ROOT/test/functional/lib/redis_server.sh" start "$tmp/redis")"; then
    result_note[mailward_redis]="redis-server did not start (scripts/deps.sh test installs it)"
    return 1
  fi
  cp -r -- "$conf" "$tmp/conf-redis"
  mkdir -p "$tmp/conf-redis/local.d"
  printf '[store]\nbackend = "redis"\n[store.redis]\nservers = ["127.0.0.1:%s"]\n' "$rport" \
    >"$tmp/conf-redis/local.d/99-bench-redis.toml"
  extra_pid="$(cat "$tmp/redis/redis.pid")"
  local rc=0
  run_mailward mailward_redis "$tmp/conf-redis" || rc=1
  extra_pid=""
  "$ROOT/test/functional/lib/redis_server.sh" stop "$tmp/redis" || true
  return "$rc"
}

status=0
if [[ "$only" != mailward ]]; then run_rspamd || status=1; fi
if [[ "$only" != rspamd ]]; then run_mailward || status=1; fi
if [[ "$only" != rspamd ]] && ((redis)); then run_mailward_redis || status=1; fi

# ---------------------------------------------------------------------------------------------
# Report

rspamd_version="$("${RSPAMD_BIN:-rspamd}" --version 2>/dev/null | awk '{print $NF; exit}' || true)"
cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
mode="one connection per request"
if ((keepalive)); then mode="keep-alive offered (Rspamd 3.4 closes after each reply)"; fi
if ((zstd)); then mode="$mode, zstd request bodies"; fi
if [[ -n "$bayes_mail" ]]; then
  mode="$mode, both Bayes classifiers taught $(find "$bayes_mail/spam" -type f | wc -l) spam and"
  mode="$mode $(find "$bayes_mail/ham" -type f | wc -l) ham messages ($bayes_mail; Rspamd's"
  mode="$mode redis-server CPU is not counted in its CPU time)"
fi

echo
echo "### Mailward vs Rspamd, $(date -u '+%Y-%m-%d %H:%M') UTC"
echo
echo "$(nproc) CPUs (${cpu_model:-unknown}); $workers worker(s) each, concurrency" \
     "$concurrency, ${duration} s measured after a ${warmup} s warm-up, $mode; load average" \
     "before each run in the table (1/5/15 min)."
echo
echo "| server | load avg | messages/s | per worker | p50 ms | p99 ms | server CPU s |" \
     "msgs per CPU-s | errors |"
echo "|---|---|---|---|---|---|---|---|---|"
declare -A per_worker per_cpu
redis_version="$(redis-server --version 2>/dev/null | sed -n 's/.* v=\([0-9.]*\).*/\1/p')"
labels=(rspamd mailward)
((redis)) && labels+=(mailward_redis)
for label in "${labels[@]}"; do
  name="Mailward (LMDB)"
  [[ "$label" == rspamd ]] && name="Rspamd ${rspamd_version:-?}"
  [[ "$label" == mailward_redis ]] && name="Mailward (Redis ${redis_version:-?}, loopback)"
  j="${result_json[$label]:-}"
  if [[ -z "$j" ]]; then
    [[ "$only" == "" || "$label" == "$only"* ]] &&
      echo "| $name | ${result_note[$label]:-not run} | | | | | | | |"
    continue
  fi
  rate="$(json_num "$j" msgs_per_s)"
  ok="$(json_num "$j" ok)"
  cpu="${result_cpu[$label]}"
  per_worker[$label]="$(awk -v r="$rate" -v w="$workers" 'BEGIN { printf "%.1f", r / w }')"
  per_cpu[$label]="$(awk -v n="$ok" -v c="$cpu" \
                     'BEGIN { if (c > 0) printf "%.0f", n / c; else print "-" }')"
  printf '| %s | %s | %.1f | %s | %.2f | %.2f | %s | %s | %s |\n' "$name" \
      "${result_load[$label]}" "$rate" "${per_worker[$label]}" "$(json_num "$j" p50_ms)" \
      "$(json_num "$j" p99_ms)" "$cpu" "${per_cpu[$label]}" "$(json_num "$j" errors)"
done
if [[ -n "${result_json[mailward_redis]:-}" ]]; then
  echo
  awk -v c="${result_extra_cpu[mailward_redis]}" -v n="$(json_num "${result_json[mailward_redis]}" ok)" \
      'BEGIN { printf "redis-server CPU during the Redis run: %.2f s (%.3f ms per message).\n",
               c, (n > 0 ? 1000 * c / n : 0) }'
fi
if [[ -n "${per_worker[rspamd]:-}" && -n "${per_worker[mailward]:-}" ]]; then
  echo
  awk -v m="${per_worker[mailward]}" -v r="${per_worker[rspamd]}" \
      -v mc="${per_cpu[mailward]}" -v rc="${per_cpu[rspamd]}" 'BEGIN {
    printf "Mailward / Rspamd: %.2fx messages/s per worker", (r > 0 ? m / r : 0)
    if (mc != "-" && rc != "-" && rc > 0) printf ", %.2fx messages per CPU-second", mc / rc
    printf " (target: 3x).\n"
  }'
fi
exit "$status"
