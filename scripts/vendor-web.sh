#!/usr/bin/env bash
# Vendor the dashboard's chart library (uPlot, MIT) into web/vendor/uplot/ from the npm
# registry, pinned by version and integrity. The files are committed: the controller serves
# them, so nothing is fetched at run time and no build step runs. Run again only to upgrade
# (change VERSION and INTEGRITY together, after reading the release notes).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=uplot
VERSION=1.6.32
INTEGRITY=sha512-KIMVnG68zvu5XXUbC4LQEPnhwOxBuLyW1AHtpm6IKTXImkbLgkMy+jabjLgSLMasNuGGzQm/ep3tOkyTxpiQIw==
dest=web/vendor/uplot
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$NAME@$VERSION" >/dev/null)
tarball="$tmp/$NAME-$VERSION.tgz"
got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ $got != "$INTEGRITY" ]]; then
  echo "vendor-web: $NAME@$VERSION integrity mismatch: $got" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$tmp"
mkdir -p "$dest"
cp "$tmp/package/dist/uPlot.esm.js" "$dest/uPlot.esm.js"
cp "$tmp/package/dist/uPlot.min.css" "$dest/uPlot.min.css"
cp "$tmp/package/LICENSE" "$dest/LICENSE"
cat >"$dest/SOURCE.md" <<SRC
# uPlot $VERSION (vendored)

- From: the npm registry, package \`$NAME@$VERSION\` (https://github.com/leeoniya/uPlot)
- Integrity: \`$INTEGRITY\`
- Licence: MIT (LICENSE, beside this file)
- Files: dist/uPlot.esm.js, dist/uPlot.min.css, unchanged
- Written by scripts/vendor-web.sh; do not edit by hand.
SRC
echo "vendor-web: $NAME@$VERSION in $dest"
