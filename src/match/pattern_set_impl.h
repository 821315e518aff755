// Internals shared by pattern_set.cpp and compiler.cpp. Private to src/match.
#pragma once

#include <cstdint>

namespace mw::match {

// PatternSet::routes_ bits: how a Hyperscan report for a pattern is handled.
inline constexpr uint8_t kRoutePrefilter = 1;  // a candidate: confirm with PCRE2
inline constexpr uint8_t kRouteUtf = 2;        // u pattern: ignore on invalid UTF-8
inline constexpr uint8_t kRouteIgnore = 4;     // not a database pattern: ignore reports

}  // namespace mw::match
