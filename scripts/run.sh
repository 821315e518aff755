#!/usr/bin/env bash
# Build Mailward and start the daemon on the default configuration (conf/): scan protocol on
# 127.0.0.1:11333, controller and dashboard on 127.0.0.1:11334. Ctrl-C stops it.
# Extra arguments go to `mailward serve` (e.g. --workers 4, --conf DIR).
#
# Started as root, the daemon drops to the _mailward user (scripts/deps.sh creates it) after
# binding its sockets; its state directory (build/var) is given to that user. When that user
# cannot read this checkout (e.g. one under /root), the daemon runs from a readable copy of
# conf/, rules/, lualib/ and web/ in /var/lib/mailward/run, with its state in
# /var/lib/mailward/state. Pass --user or --insecure yourself to decide otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
args=()
if [[ $(id -u) -eq 0 ]] && ! printf '%s\n' "$@" | grep -qE '^--(user|insecure)(=|$)'; then
  user=_mailward
  if ! getent passwd "$user" >/dev/null; then
    echo "run: there is no $user user to run as: run scripts/deps.sh as root" >&2
    exit 1
  fi
  args=(--user "$user")
  readable() {
    runuser -u "$user" -- sh -c 'for p; do [ -r "$p" ] && [ -x "$p" ] || exit 1; done' sh \
      "$PWD/conf" "$PWD/rules" "$PWD/lualib" "$PWD/web" 2>/dev/null
  }
  if readable; then
    mkdir -p build/var
    chown -R "$user:" build/var
  elif printf '%s\n' "$@" | grep -qE '^--conf(=|$)|^-c$'; then
    echo "run: $user cannot read $PWD; make your --conf directory and the rules readable" >&2
  else
    run=/var/lib/mailward/run
    state=/var/lib/mailward/state
    echo "run: $user cannot read $PWD: running from a copy in $run" >&2
    rm -rf "$run"
    mkdir -p "$run" "$state"
    cp -r conf rules lualib web "$run/"
    chmod -R a+rX "$run"
    chmod 755 /var/lib/mailward
    mkdir -p "$run/conf/local.d"
    cat >"$run/conf/local.d/zz-run-sh.toml" <<EOF
# Written by scripts/run.sh: the copy of the checkout that $user can read.
[options]
dbdir = "$state"
[lua]
rules_dirs = ["$run/rules"]
lualib_dirs = ["$run/lualib"]
[controller]
web_dir = "$run/web"
EOF
    chown -R "$user:" "$state"
    args+=(--conf "$run/conf")
  fi
fi
exec build/src/app/mailward serve --foreground "${args[@]}" "$@"
