// Small byte-level helpers shared by the mime parser files (internal header).
//
// Everything here works on raw bytes: ASCII case folding only (core/ascii.h), no locale.
// Functions never read outside the views they are given.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <utility>

#include "core/arena.h"
#include "core/ascii.h"

namespace mw::mime {

// The ASCII helpers live in core/ascii.h; the mime sources use them unqualified.
using core::hex_value;
using core::iequals;
using core::is_8bit;
using core::is_alpha;
using core::is_ascii;
using core::is_digit;
using core::is_fws;
using core::is_wsp;
using core::istarts_with;
using core::to_lower;
using core::trim_fws;

// Lower-cased copy in the arena, or `s` itself when it has no upper-case ASCII letter.
inline std::string_view lower_in_arena(core::Arena& arena, std::string_view s) {
  if (!core::has_upper(s)) return s;
  char* p = static_cast<char*>(arena.alloc(s.size(), 1));
  for (size_t i = 0; i < s.size(); ++i) p[i] = to_lower(s[i]);
  return {p, s.size()};
}

// Copy `s` into the arena (empty views stay empty; no allocation).
inline std::string_view dup_in_arena(core::Arena& arena, std::string_view s) {
  return arena.dup(s);
}

// Construct a T in arena memory without registering its destructor. Only for types whose
// members all allocate from this same arena (pmr containers built with it) or nothing at all:
// their destructors would merely hand memory back to the arena, which is a no-op, so skipping
// them leaks nothing and saves a cleanup entry per object.
template <typename T, typename... Args>
T* arena_new(core::Arena& arena, Args&&... args) {
  void* p = arena.alloc(sizeof(T), alignof(T));
  return new (p) T(std::forward<Args>(args)...);
}

// True when `s` contains byte `c` (memchr, safe for empty views whose data() is null).
inline bool contains_byte(std::string_view s, char c) {
  return !s.empty() && std::memchr(s.data(), c, s.size()) != nullptr;
}

// Position just past the end of the line starting at `pos` (after its '\n', or data.size()).
inline size_t next_line(std::string_view data, size_t pos) {
  if (pos >= data.size()) return data.size();
  const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
  if (nl == nullptr) return data.size();
  return static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
}

// Length of the line break that ends `line` ("\r\n" = 2, "\n" = 1, none = 0).
inline size_t line_break_len(std::string_view line) {
  if (line.empty() || line.back() != '\n') return 0;
  return (line.size() >= 2 && line[line.size() - 2] == '\r') ? 2 : 1;
}

// Sum of the eight byte lanes of `acc` (each lane at most 255).
inline size_t sum_lanes(uint64_t acc) {
  const uint64_t kLanes16 = 0x00FF00FF00FF00FFULL;
  uint64_t pairs = (acc & kLanes16) + ((acc >> 8) & kLanes16);  // four 16-bit lanes
  return static_cast<size_t>((pairs * 0x0001000100010001ULL) >> 48);
}

// Counts the bytes of `s` for which `flag(word)` sets the high bit of the byte's lane, eight
// bytes at a time (no popcount instruction needed), and `tail(byte)` for the rest.
template <typename WordFlag, typename ByteFlag>
inline size_t count_lanes(std::string_view s, WordFlag flag, ByteFlag tail) {
  const uint64_t kOnes = 0x0101010101010101ULL;
  size_t n = 0, i = 0;
  uint64_t acc = 0;
  int rounds = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    acc += (flag(w) >> 7) & kOnes;
    if (++rounds == 255) {
      n += sum_lanes(acc);
      acc = 0;
      rounds = 0;
    }
  }
  n += sum_lanes(acc);
  for (; i < s.size(); ++i) n += tail(static_cast<unsigned char>(s[i])) ? 1 : 0;
  return n;
}

// Number of bytes equal to `c` in `s`.
inline size_t count_byte(std::string_view s, char c) {
  const uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
  const uint64_t pattern = 0x0101010101010101ULL * static_cast<unsigned char>(c);
  const auto uc = static_cast<unsigned char>(c);
  return count_lanes(
      s,
      [&](uint64_t w) {
        uint64_t x = w ^ pattern;                     // zero lanes where s has c
        return ~(((x & kLow7) + kLow7) | x | kLow7);  // high bit set exactly for zero lanes
      },
      [uc](unsigned char b) { return b == uc; });
}

// Number of UTF-8 lead bytes of multi-byte sequences (0xC0..0xFF) in `s`: in valid UTF-8,
// the number of non-ASCII characters.
inline size_t count_utf8_leads(std::string_view s) {
  return count_lanes(
      s, [](uint64_t w) { return w & (w << 1); },
      [](unsigned char b) { return (b & 0xC0) == 0xC0; });
}

// Append the UTF-8 encoding of code point `cp` (must be a valid scalar value).
inline void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// An RFC 5322 comment starting at t[i] == '(': moves `i` past its matching ')' (nested
// comments and quoted-pairs honoured), or to the end of `t` when it is not closed. Returns
// whether it was closed.
inline bool skip_comment(std::string_view t, size_t& i) {
  int depth = 0;
  while (i < t.size()) {
    char c = t[i++];
    if (c == '\\') {
      if (i < t.size()) ++i;
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && --depth == 0) return true;
  }
  return false;
}

// Append quoted-string or comment content without its quoted-pair backslashes and line
// breaks (folding).
inline void append_unescaped(std::string& out, std::string_view raw) {
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      out.push_back(raw[++i]);
    } else if (c != '\r' && c != '\n') {
      out.push_back(c);
    }
  }
}

}  // namespace mw::mime
