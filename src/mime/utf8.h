// UTF-8 helpers shared by the charset code (internal header). The public predicates
// (is_valid_utf8, append_repaired_utf8) are declared in charset.h; is_ascii is in
// core/ascii.h.
#pragma once

#include <cstddef>
#include <string_view>

namespace mw::mime {

struct Utf8Stats {
  size_t multibyte = 0;  // valid sequences of 2..4 bytes
  size_t invalid = 0;    // invalid sequences (maximal subparts)
};

// Counts valid multi-byte sequences and invalid ones in `s`.
Utf8Stats utf8_stats(std::string_view s);

}  // namespace mw::mime
