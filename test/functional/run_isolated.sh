#!/usr/bin/env bash
# Run one functional test so that it can never hang the test run:
#   run_isolated.sh LIMIT_SECONDS COMMAND...
# The test runs in its own session with its output in a file (servers it starts inherit that
# file, never CTest's pipe, so a server left behind cannot keep CTest waiting). After LIMIT
# seconds the whole session is killed; when the test ends, whatever it left running is too.
set -u
limit=$1
shift
log=$(mktemp)
setsid "$@" >"$log" 2>&1 </dev/null &
pid=$!
# The watchdog holds no pipe of CTest's either, and ends within a second of the test.
(
  end=$((SECONDS + limit))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= end)); then
      echo "run_isolated: no result after ${limit}s, killing the test" >>"$log"
      kill -TERM -- "-$pid"
      sleep 10
      kill -KILL -- "-$pid"
      break
    fi
    sleep 1
  done
) </dev/null >/dev/null 2>&1 &
wait "$pid"
rc=$?
# Anything of the test's session still alive (a server whose cleanup did not run).
kill -KILL -- "-$pid" 2>/dev/null
cat "$log"
rm -f "$log"
exit "$rc"
