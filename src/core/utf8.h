// UTF-8 well-formedness (the Unicode Standard, chapter 3, table 3-7): no overlong forms, no
// surrogates, nothing above U+10FFFF. Used by the MIME charset code and the regexp engines.
//
// Ownership: none. Loop affinity: none. Failure modes: none; never reads outside the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace mw::core {

// True when the 16 bytes at `p` are all ASCII. REQUIRES: 16 readable bytes.
inline bool ascii16(const unsigned char* p) {
  uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & 0x8080808080808080ULL) == 0;
}

// Length (1..4) of the well-formed sequence that starts at `p` (before `end`), or 0 when it
// is ill-formed; then *bad_len is the length of its maximal subpart (at least 1), which a
// repair replaces by one U+FFFD. REQUIRES: p < end.
size_t utf8_sequence(const unsigned char* p, const unsigned char* end, size_t* bad_len);

// True when all of `s` is well-formed UTF-8 (ASCII runs are checked 16 bytes at a time).
bool is_valid_utf8(std::string_view s);

}  // namespace mw::core
