// HTML character references (internal to the mime module).
//
// Decodes one reference the way the WHATWG HTML tokenizer does ("character reference
// state", HTML Living Standard 13.2.5.72-80): named references from the full HTML5 table
// (with the legacy names browsers accept without a semicolon), decimal and hexadecimal
// numeric references with an optional semicolon, code points that are not allowed
// (0, surrogates, above U+10FFFF) replaced by U+FFFD and 0x80-0x9F mapped through
// windows-1252 as browsers do.
//
// Ownership: none; the caller provides the output buffer. Loop affinity: none (pure).
// Failure modes: none; text that is not a reference is reported as "not consumed".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mw::mime::detail {

// Longest UTF-8 replacement of one reference (two code points of up to 4 bytes).
inline constexpr size_t kMaxCharRefUtf8 = 8;

struct CharRef {
  size_t consumed = 0;    // bytes of input used, including the '&'; 0 = not a reference
  uint32_t first_cp = 0;  // first code point of the replacement (for whitespace checks)
  uint8_t len = 0;        // bytes in utf8
  char utf8[kMaxCharRefUtf8] = {};
};

// REQUIRES: p < end and *p == '&'. `in_attribute` applies the attribute-value rule: a
// legacy name without ';' followed by '=' or an alphanumeric is left as text
// (so "?a=1&copy=2" stays as written). Never reads at or past `end`.
CharRef decode_char_ref(const char* p, const char* end, bool in_attribute);

// Writes the UTF-8 form of `cp` (REQUIRES: a valid scalar value) to out; returns its length.
size_t encode_utf8(uint32_t cp, char* out);

// Length of the valid UTF-8 sequence starting at p (2..4 for non-ASCII lead bytes), or 0
// when the bytes at p do not form a valid, shortest-form, non-surrogate sequence.
// REQUIRES: p < end and (uint8_t)*p >= 0x80.
size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end);

// Number of entries in the named reference table (for tests).
size_t named_reference_count();

}  // namespace mw::mime::detail
