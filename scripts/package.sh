#!/usr/bin/env bash
# Build the Debian package mailward_<version>_<arch>.deb from the build tree's binary.
#   BUILD_DIR=build OUT_DIR=dist/out scripts/package.sh
# The files come from `cmake --install` (dist/install.cmake) with the /usr prefix; this
# script adds what only a package has: the stripped binary, /usr/share/doc, conffiles, the
# maintainer scripts (the _mailward user, the state directory, the systemd unit) and the
# dependencies dpkg-shlibdeps finds. Prints the path of the package.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
BUILD_DIR=${BUILD_DIR:-build}
OUT_DIR=${OUT_DIR:-$BUILD_DIR/dist}
for tool in dpkg-deb dpkg-shlibdeps fakeroot; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing (scripts/deps.sh test)" >&2; exit 2; }
done
[[ -f $BUILD_DIR/CMakeCache.txt ]] || scripts/build.sh >/dev/null
ninja -C "$BUILD_DIR" mailward manpages >/dev/null

version=$(sed -n 's/^project(mailward VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/root
DESTDIR=$stage cmake --install "$BUILD_DIR" --prefix /usr >/dev/null

# A release binary carries no debug information (lintian: unstripped-binary-or-object).
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$stage/usr/bin/mailward"

doc=$stage/usr/share/doc/mailward
mkdir -p "$doc"
install -m 644 dist/debian/copyright "$doc/copyright"
# The changelog (a native package: changelog.gz) names this version; its date is the last
# commit's, so that a package built twice from one commit is the same.
when=$(git log -1 --format=%cD 2>/dev/null || date -R)
printf 'mailward (%s) unstable; urgency=medium\n\n  * Built from %s.\n\n -- %s  %s\n' \
  "$version" "$(git rev-parse --short HEAD 2>/dev/null || echo 'a source tree')" \
  "Mailward developers <mailward@example.org>" "$when" | gzip -9n >"$doc/changelog.gz"
chmod 644 "$doc/changelog.gz"

mkdir -p "$stage/DEBIAN"
for script in postinst prerm postrm; do
  install -m 755 "dist/debian/$script" "$stage/DEBIAN/$script"
done
(cd "$stage" && find etc -type f | sort | sed 's|^|/|') >"$stage/DEBIAN/conffiles"

# Dependencies of the binary, as dpkg-shlibdeps sees them (it wants a debian/control).
mkdir -p "$work/shlibs/debian"
printf 'Source: mailward\n\nPackage: mailward\nArchitecture: any\n' >"$work/shlibs/debian/control"
depends=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$stage/usr/bin/mailward" 2>/dev/null |
          sed -n 's/^shlibs:Depends=//p')
[[ -n $depends ]] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$depends/" dist/debian/control.in >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
   xargs -0 md5sum) >"$stage/DEBIAN/md5sums"

# Modes as a package wants them whatever the checkout's umask.
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -type f ! -path "*/DEBIAN/*" -exec chmod 644 {} +
chmod 755 "$stage/usr/bin/mailward" "$stage"/DEBIAN/{postinst,prerm,postrm}
chmod 644 "$stage/DEBIAN"/{control,conffiles,md5sums}

mkdir -p "$OUT_DIR"
deb=$OUT_DIR/mailward_${version}_${arch}.deb
fakeroot dpkg-deb -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
