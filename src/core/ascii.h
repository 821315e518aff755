// ASCII helpers: character classes, case folding, case-insensitive comparison, trimming,
// separated fields, hexadecimal digits and escapes, edit distance.
//
// The one home for these in the tree: mail headers, DNS names, SPF/DKIM/DMARC records and
// protocol tokens are all compared in ASCII only, so nothing here depends on the C locale
// (<cctype> would fold differently under another LC_CTYPE and is undefined for negative
// chars). Bytes >= 0x80 are never letters, digits or spaces: they pass through unchanged.
//
// Whitespace sets, smallest first:
//   is_wsp    SP, HTAB                         (RFC 5234 WSP)
//   is_fws    SP, HTAB, CR, LF                 (folding whitespace in header values)
//   is_space  SP, HTAB, CR, LF, VT, FF         (what isspace() means in the C locale)
// Each trim_* removes its set from both ends; trim_if() takes any predicate.
//
// Ownership: none; views returned point into the argument. Loop affinity: none (pure).
// Failure modes: none; every function accepts any bytes and never reads outside its input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mw::core {

// ---------------------------------------------------------------------------------------
// Character classes

constexpr bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_alpha(char c) { return is_upper(c) || is_lower(c); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr bool is_xdigit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_wsp(char c) { return c == ' ' || c == '\t'; }
constexpr bool is_fws(char c) { return is_wsp(c) || c == '\r' || c == '\n'; }
constexpr bool is_space(char c) { return is_fws(c) || c == '\v' || c == '\f'; }
constexpr bool is_8bit(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// Value of a hex digit (either case), or -1.
constexpr int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ---------------------------------------------------------------------------------------
// Case folding

constexpr char to_lower(char c) { return is_upper(c) ? static_cast<char>(c + ('a' - 'A')) : c; }
constexpr char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - ('a' - 'A')) : c; }

// Lower-cased copy of `s`.
std::string to_lower(std::string_view s);
// Lower-case `s` where it stands.
void lower_in_place(std::string& s);
// True when `s` holds an upper-case ASCII letter (lower-casing would change it).
bool has_upper(std::string_view s);
// True when every byte is below 0x80 (16 bytes at a time).
bool is_ascii(std::string_view s);

// ---------------------------------------------------------------------------------------
// Case-insensitive comparison

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
bool iends_with(std::string_view s, std::string_view suffix);
// Position of the first case-insensitive occurrence of `needle` in `s`, or npos. An empty
// needle is found at 0.
size_t ifind(std::string_view s, std::string_view needle);
inline bool icontains(std::string_view s, std::string_view needle) {
  return ifind(s, needle) != std::string_view::npos;
}

// ---------------------------------------------------------------------------------------
// Hexadecimal

// The digit for 0..15 ('a'..'f', or 'A'..'F' with `upper`). REQUIRES: 0 <= v < 16.
constexpr char hex_digit(int v, bool upper = false) {
  return static_cast<char>(v < 10 ? '0' + v : (upper ? 'A' : 'a') + v - 10);
}
// Append the two hex digits of byte `b` (high nibble first).
inline void append_hex(std::string& out, unsigned char b, bool upper = false) {
  out.push_back(hex_digit(b >> 4, upper));
  out.push_back(hex_digit(b & 15, upper));
}
// Lower-case hex of every byte ("\x01\xab" -> "01ab"): digests, cache keys.
std::string hex_encode(std::string_view bytes);
// `s` for a log line or a problem message: printable ASCII kept, every other byte as
// "\xHH"; at most `max_shown` bytes of `s`, then "..." when it was longer.
std::string printable(std::string_view s, size_t max_shown = std::string_view::npos);

// ---------------------------------------------------------------------------------------
// Distance

// Levenshtein distance (insertions, deletions, substitutions of bytes). O(|a| x |b|) time:
// callers bound the lengths.
size_t edit_distance(std::string_view a, std::string_view b);

// ---------------------------------------------------------------------------------------
// Trimming

template <typename Pred>
constexpr std::string_view trim_if(std::string_view s, Pred strip) {
  while (!s.empty() && strip(s.front())) s.remove_prefix(1);
  while (!s.empty() && strip(s.back())) s.remove_suffix(1);
  return s;
}
constexpr std::string_view trim_wsp(std::string_view s) { return trim_if(s, is_wsp); }
constexpr std::string_view trim_fws(std::string_view s) { return trim_if(s, is_fws); }
constexpr std::string_view trim(std::string_view s) { return trim_if(s, is_space); }
// `s` on one line: each run of folding whitespace (SP, HTAB, CR, LF) becomes one space, none
// at the ends ("  a \r\n\tb " -> "a b").
std::string collapse_fws(std::string_view s);

// ---------------------------------------------------------------------------------------
// Separated fields

// Calls `fn(field)` for each `sep`-separated field of `s` in order, empty ones included
// ("a..b" has three fields, "" and "a." have one and two). Stops at the first field for
// which `fn` returns false, and then returns false; true when every field was accepted.
template <typename Fn>
constexpr bool each_field(std::string_view s, char sep, Fn&& fn) {
  for (;;) {
    size_t at = s.find(sep);
    if (!fn(s.substr(0, at))) return false;
    if (at == std::string_view::npos) return true;
    s.remove_prefix(at + 1);
  }
}

}  // namespace mw::core
