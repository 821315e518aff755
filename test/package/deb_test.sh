#!/usr/bin/env bash
# The Debian package (issue 17): scripts/package.sh builds it; its contents, conffiles,
# maintainer scripts and systemd unit are what they must be; lintian finds no error; unpacked
# into a scratch root, `mailward serve` started as the unit's ExecStart says, as _mailward,
# answers a scan. Skipped (77) without dpkg-deb.
#   deb_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1
build=$(cd "$2" && pwd)
fail() { echo "deb_test: $*" >&2; exit 1; }
command -v dpkg-deb >/dev/null || { echo "deb_test: no dpkg-deb, skipped"; exit 77; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$tmp"

# 1. Build.
deb=$(BUILD_DIR=$build OUT_DIR=$tmp/out "$src/scripts/package.sh")
version=$(sed -n 's/^project(mailward VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[[ $(basename "$deb") == "mailward_${version}_$(dpkg --print-architecture).deb" ]] \
  || fail "unexpected package name $deb"

# 2. Contents.
listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/mailward ./usr/share/mailward/rules/gtube.lua ./usr/share/mailward/lualib/ \
            ./usr/share/mailward/web/index.html ./etc/mailward/mailward.toml \
            ./etc/mailward/local.d/ ./etc/mailward/lua.local.d/ ./var/lib/mailward/ \
            ./lib/systemd/system/mailward.service ./etc/logrotate.d/mailward \
            ./usr/share/man/man8/mailward.8.gz ./usr/share/man/man8/mailward-serve.8.gz \
            ./usr/share/man/man8/mailward-scan.8.gz ./usr/share/doc/mailward/copyright; do
  grep -qxF "$path" <<<"$listing" || fail "the package lacks $path"
done
dpkg-deb -f "$deb" Package Version Architecture Depends | grep -q '^Depends: .*libluajit' \
  || fail "no shared-library dependencies in the control file"
conffiles=$(dpkg-deb -I "$deb" conffiles)
for f in /etc/mailward/mailward.toml /etc/logrotate.d/mailward; do
  grep -qxF "$f" <<<"$conffiles" || fail "$f is not a conffile"
done
dpkg-deb -I "$deb" postinst | grep -q '_mailward' || fail "postinst does not make _mailward"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
unit=$root/lib/systemd/system/mailward.service
for line in 'User=_mailward' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
            'PrivateTmp=yes' 'CapabilityBoundingSet=' 'AmbientCapabilities=' \
            'ReadWritePaths=/var/lib/mailward' 'ExecReload=/bin/kill -HUP $MAINPID'; do
  grep -qxF "$line" "$unit" || fail "the unit lacks '$line'"
done
[[ $(grep -c '^ReadWritePaths=' "$unit") == 1 ]] || fail "the unit makes more than state writable"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" 2>&1 | grep -v 'mailward\(.service\)\?: Command /usr/bin' \
    | grep -i 'error\|unknown' && fail "systemd-analyze verify complains about the unit"
fi
"$root/usr/bin/mailward" --version | head -1 | grep -qx "mailward $version" \
  || fail "the packaged binary does not say its version"
zcat "$root/usr/share/man/man8/mailward-serve.8.gz" | grep -q -- '--conf' \
  || fail "mailward-serve(8) lacks the usage text"

# 2b. `cmake --install` to another prefix: the same files, and the installed binary finds its
# configuration and rules from where it is (no path configured).
prefix=$tmp/opt/mailward
cmake --install "$build" --prefix "$prefix" >/dev/null
for path in bin/mailward share/mailward/rules/gtube.lua share/mailward/web/index.html \
            etc/mailward/mailward.toml etc/mailward/local.d etc/mailward/lua.local.d \
            etc/logrotate.d/mailward lib/systemd/system/mailward.service var/lib/mailward \
            share/man/man8/mailward-serve.8.gz; do
  [[ -e $prefix/$path ]] || fail "cmake --install did not install $path"
done
MAILWARD_DBDIR=$tmp/opt-state "$prefix/bin/mailward" configtest >"$tmp/configtest.log" 2>&1 \
  || { cat "$tmp/configtest.log"; fail "the installed binary does not find its files"; }
grep -q "^configuration $prefix/etc/mailward: OK" "$tmp/configtest.log" \
  || { cat "$tmp/configtest.log"; fail "the installed binary reads another configuration"; }
printf 'Subject: x\r\n\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n' \
  >"$tmp/gtube.eml"
MAILWARD_DBDIR=$tmp/opt-state "$prefix/bin/mailward" scan "$tmp/gtube.eml" | grep -q '"GTUBE"' \
  || fail "the installed binary does not load its rules"

# 3. lintian: no errors.
if command -v lintian >/dev/null; then
  lint=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
  echo "$lint"
  if grep -q '^E: ' <<<"$lint"; then fail "lintian reports errors"; fi
else
  echo "deb_test: lintian not installed, not run"
fi

# 4. Run it from the scratch root as the unit does, as _mailward (root only).
if [[ $(id -u) -ne 0 ]]; then
  echo "deb_test: not root: the package is not started"
  exit 0
fi
if ! getent passwd _mailward >/dev/null; then  # what the postinst does
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin _mailward
fi
chown _mailward:_mailward "$root/var/lib/mailward"
chmod 750 "$root/var/lib/mailward"
ports=$(python3 -c 'import socket
ss=[socket.socket() for _ in range(3)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(" ".join(str(s.getsockname()[1]) for s in ss))')
read -r scan_port ctl_port milter_port <<<"$ports"
# An operator's override, in the directory upgrades never touch.
cat >"$root/etc/mailward/local.d/ports.toml" <<TOML
[serve]
listen = "127.0.0.1:$scan_port"
controller = "127.0.0.1:$ctl_port"
milter = "127.0.0.1:$milter_port"
workers = 1
TOML
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
read -r -a argv <<<"$exec_start"
[[ ${argv[0]} == /usr/bin/mailward ]] || fail "ExecStart does not start /usr/bin/mailward"
argv[0]=$root/usr/bin/mailward
for i in "${!argv[@]}"; do argv[$i]=${argv[$i]/#\/etc\/mailward/$root/etc/mailward}; done
setpriv --reuid=_mailward --regid=_mailward --init-groups --no-new-privs -- "${argv[@]}" \
  >"$tmp/serve.log" 2>&1 &
pid=$!
ok=""
for _ in $(seq 150); do
  if curl -fsS "http://127.0.0.1:$scan_port/ping" >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
[[ -n $ok ]] || { cat "$tmp/serve.log"; fail "the packaged daemon did not answer"; }
reply=$(curl -fsS --data-binary @"$src/samples/gtube.eml" "http://127.0.0.1:$scan_port/checkv2")
grep -q '"action":"reject"' <<<"$reply" || fail "GTUBE not rejected: $reply"
# It runs as _mailward and keeps its state in the package's state directory.
[[ $(ps -o uid= -p "$pid" | tr -d ' ') == $(id -u _mailward) ]] \
  || fail "the daemon does not run as _mailward"
[[ -n $(find "$root/var/lib/mailward" -mindepth 1 -user _mailward | head -1) ]] \
  || fail "nothing written to /var/lib/mailward"
curl -fsS "http://127.0.0.1:$ctl_port/" | grep -qi '<html' || fail "no dashboard on the controller"
if grep -q '^\[warn\]' "$tmp/serve.log"; then cat "$tmp/serve.log"; fail "[warn] lines on start"; fi
grep -q "dashboard.*http://127.0.0.1:$ctl_port/" "$tmp/serve.log" \
  || { cat "$tmp/serve.log"; fail "the start-up lines do not name the dashboard"; }
echo "deb_test: $(basename "$deb") ok"
