// `mailward --version`: the version, the build type and compiler, and the version of every
// library the binary uses (run-time versions where the library reports one, else the
// headers' it was built with).
//
// Ownership: plain values. Loop affinity: none. Failure modes: none.
#pragma once

#include <string>

namespace mw::app {

// Several lines, each ending in a line break; the first is "mailward <version>".
std::string version_text();

}  // namespace mw::app
