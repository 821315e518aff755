#!/usr/bin/env bash
# Private dependencies stay private (issue 14): toml++ is used by src/core alone (core::Config
# and core/toml_file.h); every other part reads TOML as json::Value through core. Fails when a
# file outside src/core includes toml++ or names toml:: types, or when a CMakeLists.txt
# outside src/core links PkgConfig::TOMLPP.
#   private_deps.sh SOURCE_DIR
set -euo pipefail
cd "$1"
fail() { echo "private_deps: $*" >&2; exit 1; }

bad=$(grep -rlE '#include[[:space:]]*<toml\+\+/|toml::' src bench fuzz test/unit \
        --include='*.cpp' --include='*.h' --include='*.hpp' 2>/dev/null | grep -v '^src/core/' || true)
[[ -z $bad ]] || fail "toml++ used outside src/core (use core/toml_file.h): $bad"
bad=$(grep -rl 'PkgConfig::TOMLPP' --include=CMakeLists.txt src bench fuzz test 2>/dev/null |
        grep -v '^src/core/CMakeLists.txt$' || true)
[[ -z $bad ]] || fail "PkgConfig::TOMLPP linked outside mw_core: $bad"
grep -q 'PRIVATE PkgConfig::TOMLPP' src/core/CMakeLists.txt ||
  fail "mw_core must link toml++ PRIVATE"
echo "private_deps: ok"
