#!/usr/bin/env bash
# The repository is self-contained (issue 17): a clone with nothing beside it configures, and
# `ninja -n` finds every input; no build, test or benchmark file names a path outside the tree.
#   self_contained.sh SOURCE_DIR
set -euo pipefail
src=$1
fail() { echo "self_contained: $*" >&2; exit 1; }

# 1. Nothing tracked refers to a folder beside the repository.
cd "$src"
if git rev-parse --git-dir >/dev/null 2>&1; then
  files=$(git ls-files -- 'CMakeLists.txt' '*.cmake' '*.sh' '*.py' '*.cpp' '*.h' '*.lua' \
          '*.in' '.ci/*' 'scripts/*' 'bench/*' 'test/*' | grep -v '^test/data/' | grep -v '^test/repo/')
else
  fail "$src is not a git checkout: cannot tell what a clone holds"
fi
bad=$(printf '%s\n' "$files" | xargs -r grep -lE '\.\./shared|/work/shared|shared/testdata' || true)
[[ -z $bad ]] || fail "these files name a path outside the repository: $bad"

# 2. A clone into an empty directory configures and has every build input.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"
git clone --quiet --no-hardlinks "$src" "$tmp/empty/mailward"
# Uncommitted work is not part of a clone; say so rather than test something else.
if [[ -n $(git status --porcelain --untracked-files=no) ]]; then
  echo "self_contained: note: the working tree has uncommitted changes; the clone has HEAD only"
fi
cmake -S "$tmp/empty/mailward" -B "$tmp/empty/build" -G Ninja -DMW_BENCH=ON >"$tmp/cmake.log" 2>&1 \
  || { cat "$tmp/cmake.log"; fail "configure failed in a clean clone"; }
out=$(ninja -C "$tmp/empty/build" -n 2>&1) || { echo "$out" | tail -20; fail "ninja -n failed"; }
if echo "$out" | grep -q "missing and no known rule"; then
  echo "$out" | grep "missing" >&2
  fail "an input is missing in a clean clone"
fi
# Nothing outside the clone may be named as an input.
if grep -rhoE '(\.\./)+shared[^ ;"]*' "$tmp/empty/build/build.ninja" "$tmp/empty/build/CMakeCache.txt"; then
  fail "the generated build names a path outside the clone"
fi
echo "self_contained: ok"
