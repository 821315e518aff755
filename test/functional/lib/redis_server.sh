#!/bin/sh
# A private redis-server for functional tests.
#
#   redis_server.sh start DIR [--option value ...]
#       Start redis-server on a free 127.0.0.1 port, with DIR (created if missing) as its
#       working directory, config and log, no persistence (save "", appendonly no). Prints
#       the port on stdout once the server answers PING; exits 1 if it cannot start.
#       Extra arguments are passed to redis-server (e.g. --requirepass secret).
#   redis_server.sh stop DIR
#       Stop the server started with DIR, by the PID recorded in DIR/redis.pid (never by
#       name): SIGTERM, then SIGKILL after 5 s.
#   redis_server.sh port DIR
#       Print the port of the server started with DIR.
#
# Exit status 2: usage error; 3: redis-server is not installed (callers skip).
set -u

usage() {
    echo "usage: $0 start DIR [redis options...] | stop DIR | port DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2

free_port() {
    # Ask the kernel for a free port (python3 is on every test machine; fall back to a
    # random high port that start() retries on failure).
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    else
        echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
    fi
}

ping() {
    # redis-cli ships with redis-server (Debian package redis-tools).
    redis-cli -h 127.0.0.1 -p "$1" ${password:+-a "$password" --no-auth-warning} ping 2>/dev/null
}

start() {
    command -v redis-server >/dev/null 2>&1 || exit 3
    mkdir -p "$dir" || exit 1
    password=""
    prev=""
    for arg in "$@"; do
        [ "$prev" = "--requirepass" ] && password=$arg
        prev=$arg
    done
    attempt=0
    while [ $attempt -lt 5 ]; do
        attempt=$((attempt + 1))
        port=$(free_port)
        cat >"$dir/redis.conf" <<EOF
port $port
bind 127.0.0.1
save ""
appendonly no
daemonize no
dir $dir
logfile $dir/redis.log
EOF
        redis-server "$dir/redis.conf" "$@" </dev/null >/dev/null 2>&1 &
        pid=$!
        echo "$pid" >"$dir/redis.pid"
        echo "$port" >"$dir/redis.port"
        i=0
        while [ $i -lt 100 ]; do
            if ! kill -0 "$pid" 2>/dev/null; then
                break  # exited: port taken or bad option; try another port
            fi
            if [ "$(ping "$port")" = "PONG" ]; then
                echo "$port"
                exit 0
            fi
            sleep 0.05
            i=$((i + 1))
        done
        stop_pid "$pid"
    done
    echo "redis-server did not start (see $dir/redis.log)" >&2
    exit 1
}

stop_pid() {
    pid=$1
    kill -0 "$pid" 2>/dev/null || return 0
    kill -CONT "$pid" 2>/dev/null
    kill -TERM "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

case $cmd in
    start) start "$@" ;;
    stop)
        [ -f "$dir/redis.pid" ] || exit 0
        stop_pid "$(cat "$dir/redis.pid")"
        rm -f "$dir/redis.pid"
        ;;
    port)
        [ -f "$dir/redis.port" ] || exit 1
        cat "$dir/redis.port"
        ;;
    *) usage ;;
esac
