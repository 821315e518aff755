// Byte-level helpers shared by the PCRE2 and Hyperscan paths. Private to src/match.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/utf8.h"

namespace mw::match {

// True when `s` is well-formed UTF-8 (core/utf8.h).
using core::is_valid_utf8;

// The first `max_bytes` of `s` (all of it when max_bytes is 0 or not smaller), cut back by
// at most three bytes so that the cut does not split a UTF-8 sequence. Both engines see
// exactly the same bytes.
std::string_view clamp_subject(std::string_view s, uint64_t max_bytes);

}  // namespace mw::match
