#!/usr/bin/env bash
# Install the Debian packages Mailward needs, only those missing.
#   scripts/deps.sh build    compilers and libraries (default)
#   scripts/deps.sh test     build + the real peers the tests start (rspamc, DNS, Redis, ...)
set -euo pipefail

build_pkgs=(
  cmake ninja-build g++ pkg-config
  libluajit-5.1-dev libhyperscan-dev libevent-dev libssl-dev libldns-dev libpcre2-dev
  libicu-dev libpsl-dev publicsuffix libhiredis-dev liblmdb-dev libzstd-dev zlib1g-dev
  libtomlplusplus-dev libgtest-dev libbenchmark-dev
)
# Every tool a test starts or calls: tests skip without one on a developer's machine but fail
# under CI (CI=1, .ci/run), so this list must stay complete.
test_pkgs=(
  rspamd curl zstd openssl dnsmasq redis-server redis-sentinel python3 python3-dkim
  python3-spf python3-dnspython python3-yaml postfix swaks sasl2-bin libsasl2-modules
  miltertest clang libclang-rt-14-dev
  chromium firefox-esr nodejs
  spamc lintian dpkg-dev fakeroot
  # the libraries of exim4-daemon-heavy and opensmtpd, unpacked, not installed (unpack_mtas)
  libgnutls-dane0 libidn12 libmariadb3 libpq5 libspf2-2 libperl5.36 libnsl2 libdb5.3
  libldap-2.5-0
  libxml2-utils
)

# The browser test's driver (puppeteer-core, pinned with its lock file in test/browser/),
# from the npm registry; it drives Debian's chromium (DevTools protocol) and firefox-esr
# (WebDriver BiDi), no browser is downloaded.
browser_driver() {
  local dir=test/browser
  if [[ ! -d $dir/node_modules/puppeteer-core ]]; then
    echo "deps: npm ci in $dir" >&2
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  fi
}

want=("${build_pkgs[@]}")
if [[ ${1:-build} == test ]]; then want+=("${test_pkgs[@]}"); fi

# The unprivileged user `mailward serve` drops to when started as root (scripts/run.sh
# uses it; doc/security.md). Only root can make it; other users run Mailward as themselves.
ensure_user() {
  if [[ $(id -u) -eq 0 ]] && ! getent passwd _mailward >/dev/null; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "Mailward daemon" _mailward
  fi
}

# MTAs that conflict with the installed Postfix (one mail-transport-agent per system: Exim,
# OpenSMTPD) are unpacked, not installed, under $MW_MTA_DIR for the functional tests
# (test_mta_*.py).
# Exim looks its compiled-in user up before reading any configuration: make it as
# exim4-base's postinst would.
MW_MTA_DIR=${MW_MTA_DIR:-/usr/local/lib/mailward-test}
unpack_mtas() {
  [[ $(id -u) -eq 0 ]] || return 0
  if [[ ! -x $MW_MTA_DIR/exim4/usr/sbin/exim4 ]]; then
    local tmp
    tmp=$(mktemp -d)
    chmod 755 "$tmp"
    if (cd "$tmp" && apt-get download -qq exim4-daemon-heavy >/dev/null 2>&1); then
      mkdir -p "$MW_MTA_DIR/exim4"
      dpkg-deb -x "$tmp"/exim4-daemon-heavy_*.deb "$MW_MTA_DIR/exim4"
    else
      echo "deps: exim4-daemon-heavy could not be downloaded; its tests will be skipped" >&2
    fi
    rm -rf "$tmp"
  fi
  # OpenSMTPD and its Rspamd filter, the same way; smtpd's users, as its postinst makes them.
  if [[ ! -x $MW_MTA_DIR/opensmtpd/usr/libexec/opensmtpd/filter-rspamd ]]; then
    local tmp
    tmp=$(mktemp -d)
    chmod 755 "$tmp"
    if (cd "$tmp" && apt-get download -qq opensmtpd opensmtpd-filter-rspamd >/dev/null 2>&1); then
      mkdir -p "$MW_MTA_DIR/opensmtpd"
      for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$MW_MTA_DIR/opensmtpd"; done
    else
      echo "deps: opensmtpd could not be downloaded; its test will be skipped" >&2
    fi
    rm -rf "$tmp"
  fi
  local u
  for u in opensmtpd opensmtpq; do
    if ! getent passwd "$u" >/dev/null; then
      useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$u"
    fi
  done
  if ! getent passwd Debian-exim >/dev/null; then
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin Debian-exim
  fi
  # Haraka and its Rspamd plugin from the npm registry (when npm is there).
  if command -v npm >/dev/null && [[ ! -d $MW_MTA_DIR/haraka/node_modules/haraka-plugin-rspamd ]]; then
    mkdir -p "$MW_MTA_DIR/haraka"
    (cd "$MW_MTA_DIR/haraka" && npm install --no-audit --no-fund --omit=optional --silent \
       Haraka@3.3.4 haraka-plugin-rspamd@1.6.1 >/dev/null 2>&1) \
      || echo "deps: Haraka could not be installed; its test will be skipped" >&2
  fi
}

finish() {
  ensure_user
  if [[ ${1:-build} == test ]]; then
    unpack_mtas
    browser_driver
  fi
}

cd "$(dirname "$0")/.."

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Debian's nodejs has no npm (NodeSource's has): then Debian's npm package too.
if [[ ${1:-build} == test ]] && ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if [[ ${#missing[@]} -eq 0 ]]; then
  finish "${1:-build}"
  exit 0
fi

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
finish "${1:-build}"
