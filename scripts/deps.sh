#!/usr/bin/env bash
# Install the Debian packages Mailward needs, only those missing.
#   scripts/deps.sh build    compilers and libraries (default)
#   scripts/deps.sh test     build + the real peers the tests start (rspamc, DNS, Redis, ...)
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config
  libluajit-5.1-dev libhyperscan-dev libevent-dev libssl-dev libldns-dev libpcre2-dev
  libicu-dev libpsl-dev publicsuffix libhiredis-dev liblmdb-dev libzstd-dev
  libtomlplusplus-dev libgtest-dev libbenchmark-dev
)
# Every tool a test starts or calls: tests skip without one on a developer's machine but fail
# under CI (CI=1, .ci/run), so this list must stay complete.
test_pkgs=(
  rspamd curl zstd openssl dnsmasq redis-server python3 python3-dkim python3-spf
  python3-dnspython python3-yaml postfix swaks sasl2-bin libsasl2-modules miltertest clang
  libclang-rt-14-dev
)

want=("${build_pkgs[@]}")
if [[ ${1:-build} == test ]]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Postfix asks how to configure itself: the tests run a private instance, so none.
if printf '%s\n' "${missing[@]}" | grep -qx postfix; then
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
fi
# Package scripts must not start services inside CI containers; the tests start their own.
policy_added=0
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  policy_added=1
fi
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [[ $policy_added -eq 1 ]]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
