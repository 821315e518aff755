#!/usr/bin/env bash
# Start or stop Debian's rspamd with the benchmark configuration (bench/rspamd/rspamd.conf.in).
#
#   run_rspamd.sh [start] PORT [WORKERS] [--log-level LEVEL] [--hs-cache DIR]
#                 [--no-wait-hs] [--timeout SECONDS] [--stock] [--dns HOST:PORT]
#                 [--append FILE]... [--set NAME=VALUE]...
#   run_rspamd.sh stop DIR|PID
#
# start: renders the configuration into a new private directory (mktemp -d), starts
#   `rspamd -f` in the background bound to 127.0.0.1:PORT with WORKERS normal workers (default
#   1), waits until GET /ping answers and, unless --no-wait-hs, until the workers have loaded
#   the Hyperscan databases (before that Rspamd matches with PCRE, which is slower and not what
#   a running server does). --stock runs Debian's own configuration (/etc/rspamd/rspamd.conf:
#   every stock rule, module and score) instead of bench/rspamd/rspamd.conf.in, with only
#   what cannot work offline switched off (see README.md); --dns sends its DNS queries to
#   HOST:PORT (default: a loopback port where nothing listens). Prints, on stdout, shell
#   assignments to eval:
#       RSPAMD_PID=<pid of the rspamd main process>
#       RSPAMD_DIR=<private directory: config, logs, pid, Hyperscan cache>
#   --append FILE adds a configuration fragment after rspamd.conf.in (e.g. a controller worker
#   and the Bayes classifier, bench/bayes/rspamd-bayes.conf.in); its @NAME@ placeholders are
#   filled like the main file's, plus those given with --set NAME=VALUE.
#   Progress and errors go to stderr. Exit status 0 when the server is ready; on failure the
#   server is stopped again and the tail of its log is printed.
#   As root, rspamd runs its workers as _rspamd (or nobody) and the directory is given to that
#   user; otherwise everything runs as the calling user.
# stop: sends SIGTERM to that rspamd main process (found from DIR/rspamd.main.pid, or given
#   as a PID that must be one this script started and recorded under $TMPDIR), waits up to
#   15 s, then kills the main process and its own workers by PID, and removes the private
#   directory.
#
# Environment: RSPAMD_BIN (default: rspamd), TMPDIR (where the private directory is created).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly MARKER=".mailward-bench-rspamd"
RSPAMD_BIN="${RSPAMD_BIN:-rspamd}"

die() { echo "run_rspamd.sh: $*" >&2; exit 1; }
note() { echo "run_rspamd.sh: $*" >&2; }

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# True when something accepts TCP connections on 127.0.0.1:$1.
tcp_port_busy() {
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# A UDP port on 127.0.0.1 where nothing listens (queries sent there fail at once).
dead_udp_port() {
  local p tries=0
  while ((tries < 50)); do
    p=$((20000 + RANDOM % 40000))
    if ! command -v ss >/dev/null 2>&1 || [[ -z "$(ss -Huln "sport = :$p" 2>/dev/null)" ]]; then
      echo "$p"
      return 0
    fi
    tries=$((tries + 1))
  done
  echo 9
}

# "pong" from GET /ping on 127.0.0.1:$1?
ping_ok() {
  local reply
  if command -v curl >/dev/null 2>&1; then
    reply="$(curl -s -m 2 "http://127.0.0.1:$1/ping" 2>/dev/null || true)"
  else
    reply="$(
      exec 3<>"/dev/tcp/127.0.0.1/$1" 2>/dev/null || exit 0
      printf 'GET /ping HTTP/1.0\r\n\r\n' >&3
      timeout 2 cat <&3 2>/dev/null || true
    )"
  fi
  [[ "$reply" == *pong* ]]
}

alive() { kill -0 "$1" 2>/dev/null; }

# How many normal workers of the rspamd logging to $1 use Hyperscan ($2 when the main process
# loaded the databases before forking them).
hyperscan_workers() {
  awk -v all="$2" '
    /\(main\).*hyperscan database of [0-9]+ regexps has been loaded/ && !forked { early = 1 }
    /rspamd_fork_worker: prepare to fork process normal/ { forked = 1 }
    /\(normal\).*hyperscan database of [0-9]+ regexps has been loaded/ { n++ }
    END { print (early ? all : n + 0) }' "$1" 2>/dev/null || echo 0
}

# PIDs whose parent is $1.
children_of() {
  local stat pid rest
  for stat in /proc/[0-9]*/stat; do
    pid="${stat#/proc/}"
    pid="${pid%/stat}"
    rest="$(cat "$stat" 2>/dev/null)" || continue
    rest="${rest##*) }"          # fields after "(comm) "
    rest="${rest#* }"            # drop the state field
    [[ "${rest%% *}" == "$1" ]] && echo "$pid"
  done
  return 0
}

cmd_stop() {
  local arg="${1:-}" dir="" pid=""
  [[ -n "$arg" ]] || usage
  if is_uint "$arg"; then
    pid="$arg"
    # Only an rspamd recorded in one of our private directories (rspamd rewrites its
    # command line, so the directory is found from the PID files we wrote).
    local candidate
    for candidate in "${TMPDIR:-/tmp}"/mw-bench-rspamd.*; do
      if [[ -f "$candidate/$MARKER" &&
            "$(cat "$candidate/rspamd.main.pid" 2>/dev/null)" == "$pid" ]]; then
        dir="$candidate"
        break
      fi
    done
    [[ -n "$dir" ]] || die "process $pid is not an rspamd started by this script"
  else
    dir="$arg"
    [[ -f "$dir/$MARKER" ]] || die "$dir is not a directory made by this script"
    pid="$(cat "$dir/rspamd.main.pid" 2>/dev/null || true)"
  fi
  if [[ -n "$pid" ]] && alive "$pid"; then
    local kids
    kids="$(children_of "$pid" | tr '\n' ' ')"
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while alive "$pid" && ((waited < 150)); do
      sleep 0.1
      waited=$((waited + 1))
    done
    if alive "$pid"; then
      note "rspamd $pid did not stop in 15 s; killing it and its workers"
      kids="$kids $(children_of "$pid" | tr '\n' ' ')"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    local k
    for k in $kids; do
      if alive "$k"; then kill -KILL "$k" 2>/dev/null || true; fi
    done
    # Reap it if it is our child (it is not when stop runs from another shell).
    wait "$pid" 2>/dev/null || true
  fi
  [[ -n "$dir" && -f "$dir/$MARKER" ]] && rm -rf -- "$dir"
  return 0
}

# Debian's configuration with a private LOCAL_CONFDIR ($1): the scanner on 127.0.0.1:$2 with
# $3 workers, no controller or proxy, DNS to $4, Hyperscan cache $5, log level $6. Off: what
# needs the network to mean anything (RBLs, SURBL, fuzzy hashes); Bayes, neural and the other
# Redis modules switch themselves off without a Redis server.
write_stock_overrides() {
  local dir="$1" port="$2" workers="$3" dns="$4" hs="$5" level="$6"
  mkdir -p "$dir/local.d" "$dir/override.d"
  printf 'bind_socket = "127.0.0.1:%s";\ncount = %s;\n' "$port" "$workers" \
      >"$dir/override.d/worker-normal.inc"
  printf 'enabled = false;\ncount = 0;\n' >"$dir/override.d/worker-controller.inc"
  printf 'enabled = false;\ncount = 0;\n' >"$dir/override.d/worker-proxy.inc"
  printf '%s\n' 'filters = "chartable,dkim,regexp";' "hs_cache_dir = \"$hs\";" \
      "dns { nameserver = [\"$dns\"]; timeout = 1s; retransmits = 1; }" \
      >"$dir/local.d/options.inc"
  printf 'level = "%s";\n' "$level" >"$dir/local.d/logging.inc"
  local m
  for m in rbl surbl fuzzy_check; do echo 'enabled = false;' >"$dir/local.d/$m.conf"; done
}

cmd_start() {
  local port="" workers=1 level="info" hs_cache="" wait_hs=1 timeout_s=180 stock=0 dns=""
  local positional=() appends=() sets=()
  while (($#)); do
    case "$1" in
      --stock) stock=1; shift ;;
      --dns) dns="${2:?}"; shift 2 ;;
      --log-level) level="${2:?}"; shift 2 ;;
      --hs-cache) hs_cache="${2:?}"; shift 2 ;;
      --no-wait-hs) wait_hs=0; shift ;;
      --timeout) timeout_s="${2:?}"; shift 2 ;;
      --append) appends+=("${2:?}"); shift 2 ;;
      --set) [[ "${2:?}" =~ ^[A-Z_]+=[^|]*$ ]] || die "bad --set $2"; sets+=("$2"); shift 2 ;;
      -h|--help) usage ;;
      -*) die "unknown option $1" ;;
      *) positional+=("$1"); shift ;;
    esac
  done
  ((${#positional[@]} >= 1 && ${#positional[@]} <= 2)) || usage
  port="${positional[0]}"
  [[ ${#positional[@]} -eq 2 ]] && workers="${positional[1]}"
  if ! is_uint "$port" || ((port < 1 || port > 65535)); then die "bad port '$port'"; fi
  if ! is_uint "$workers" || ((workers < 1)); then die "bad worker count '$workers'"; fi
  is_uint "$timeout_s" || die "bad timeout '$timeout_s'"
  case "$level" in error|warning|notice|info|silent|debug) ;; *) die "bad log level $level" ;; esac
  command -v "$RSPAMD_BIN" >/dev/null 2>&1 || die "$RSPAMD_BIN not found (apt-get install rspamd)"
  tcp_port_busy "$port" && die "127.0.0.1:$port is already in use"

  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/mw-bench-rspamd.XXXXXX")"
  touch "$dir/$MARKER"
  mkdir -p "$dir/run" "$dir/db" "$dir/log" "$dir/tmp"
  [[ -n "$hs_cache" ]] || hs_cache="$dir/db/hs"
  mkdir -p "$hs_cache"
  [[ -n "$dns" ]] || dns="127.0.0.1:$(dead_udp_port)"
  [[ "$dns" =~ ^[0-9.]+:[0-9]+$ ]] || die "bad --dns '$dns' (HOST:PORT)"
  local conf="$dir/rspamd.conf"
  if ((stock)); then
    conf="/etc/rspamd/rspamd.conf"
    [[ -f "$conf" ]] || die "$conf not found (apt-get install rspamd)"
    ((${#appends[@]} == 0)) || die "--append does not go with --stock"
    write_stock_overrides "$dir" "$port" "$workers" "$dns" "$hs_cache" "$level"
  else
    cp "$SCRIPT_DIR/mime_types.map" "$dir/mime_types.map"
    local -a subst=(-e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" -e "s|@DNS@|$dns|g"
                    -e "s|@RUNDIR@|$dir/run|g" -e "s|@DBDIR@|$dir/db|g" -e "s|@LOGDIR@|$dir/log|g"
                    -e "s|@TMPDIR@|$dir/tmp|g" -e "s|@CONFDIR@|$dir|g"
                    -e "s|@HS_CACHE_DIR@|$hs_cache|g" -e "s|@LOG_LEVEL@|$level|g")
    local kv
    for kv in ${sets[@]+"${sets[@]}"}; do subst+=(-e "s|@${kv%%=*}@|${kv#*=}|g"); done
    sed "${subst[@]}" "$SCRIPT_DIR/rspamd.conf.in" >"$conf"
    local extra
    for extra in ${appends[@]+"${appends[@]}"}; do
      [[ -f "$extra" ]] || die "no such file: $extra"
      sed "${subst[@]}" "$extra" >>"$conf"
    done
  fi

  # rspamd refuses to run its workers as root: give them an unprivileged user.
  local -a cred=()
  if [[ "$(id -u)" == 0 ]]; then
    local user=_rspamd group=_rspamd
    if ! id -u "$user" >/dev/null 2>&1; then user=nobody; fi
    if ! getent group "$group" >/dev/null 2>&1; then group="$(id -gn "$user")"; fi
    chown -R "$user:$group" "$dir" "$hs_cache"
    chmod 0750 "$dir"
    cred=(-u "$user" -g "$group")
  fi

  # LOCAL_CONFDIR/DBDIR/RUNDIR/LOGDIR point into the private directory, so nothing under
  # /etc/rspamd or /var/lib/rspamd is read or written.
  local -a vars=(--var="LOCAL_CONFDIR=$dir" --var="DBDIR=$dir/db" --var="RUNDIR=$dir/run"
                 --var="LOGDIR=$dir/log")
  setsid "$RSPAMD_BIN" -f -c "$conf" "${cred[@]}" "${vars[@]}" \
      </dev/null >"$dir/log/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/rspamd.main.pid"
  note "rspamd $pid starting on 127.0.0.1:$port ($workers worker(s)), directory $dir"

  local deadline=$((SECONDS + timeout_s)) ready=0
  while ((SECONDS < deadline)); do
    alive "$pid" || break
    if ping_ok "$port"; then ready=1; break; fi
    sleep 0.2
  done
  if ((ready)) && ((wait_hs)); then
    ready=0
    note "waiting for the Hyperscan databases (compiled once per cache directory)"
    local loaded last_count=-1 count stable_since=$SECONDS
    while ((SECONDS < deadline)); do
      alive "$pid" || break
      if [[ "$level" == info || "$level" == debug ]]; then
        # With a warm cache the main process loads the databases before it forks the workers;
        # otherwise each worker logs (at info level) when it switches to them.
        loaded="$(hyperscan_workers "$dir/log/rspamd.log" "$workers")"
        if ((loaded >= workers)); then ready=1; break; fi
      else
        # Quieter log levels hide that line: wait until the cache has stopped growing for 5 s.
        count="$(find "$hs_cache" -name '*.hs' 2>/dev/null | wc -l)"
        if ((count != last_count)); then last_count=$count; stable_since=$SECONDS; fi
        if ((count > 0 && SECONDS - stable_since >= 5)); then ready=1; break; fi
      fi
      sleep 0.5
    done
    ((ready)) || note "the Hyperscan databases were not loaded in time"
  fi
  if ((!ready)); then
    note "rspamd did not become ready; last log lines:"
    tail -n 30 "$dir/log/rspamd.log" "$dir/log/stdout.log" >&2 2>/dev/null || true
    cmd_stop "$dir"
    exit 1
  fi
  note "rspamd $pid is ready"
  echo "RSPAMD_PID=$pid"
  echo "RSPAMD_DIR=$dir"
}

case "${1:-}" in
  stop) shift; cmd_stop "$@" ;;
  start) shift; cmd_start "$@" ;;
  ""|-h|--help) usage ;;
  *) cmd_start "$@" ;;
esac
