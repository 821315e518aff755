// Pattern: the text of one regular expression and its flags, as written in rules.
//
// Rules write regexps Perl/Rspamd style: `/re/flags`, `m{re}flags`, `m<re>flags`, or `m`
// followed by one of ! # % @ ~ , ; : = " ' / as both delimiters (`m!re!flags`). Brackets
// and metacharacters that often follow a literal m (`m(`, `m[`, `m|`, `m.`, `m+`, and
// quantifiers such as `m{2}`) are not delimiters. The closing delimiter is the LAST
// occurrence of the delimiter character, so `/a/b/i` is the regexp `a/b` with flag `i`
// (delimiters inside the regexp need no escaping). A string that does not start with a
// delimiter is a pattern with no flags (`viagra` == `/viagra/`); so is an `m` form whose
// closing delimiter is missing or followed by anything but flag letters. The scan layer
// strips its own suffixes (`{header}`, `{mime}`, ...) and `Header=` prefixes first.
//
// Flags:
//   i  caseless                     (PCRE2_CASELESS, HS_FLAG_CASELESS)
//   m  multiline: ^ and $ at lines  (PCRE2_MULTILINE, HS_FLAG_MULTILINE)
//   s  dotall: . matches \n         (PCRE2_DOTALL, HS_FLAG_DOTALL)
//   x  extended: blanks and #comments in the pattern are ignored
//   u  UTF-8 mode with Unicode properties (\w, \d, classes and case folding are Unicode)
//   r  raw bytes: no UTF-8 mode (the default; cancels an earlier u, and u cancels r)
//   O  no optimisation: PCRE2 runs this regexp without JIT
//   L  leftmost start of match (Hyperscan SOM_LEFTMOST). Accepted for compatibility; it changes
//      nothing here: PatternSet reports booleans and PCRE2 positions are always leftmost
//   A  anchored: the match must start at the start of the subject (like \A(?:re))
// Any other letter is an error naming it.
//
// Ownership: plain values. Loop affinity: none. Failure modes: parse_pattern returns
// kInvalidInput for an unterminated delimited pattern or an unknown flag; the regexp syntax
// itself is checked later, when it is compiled (Regexp::compile, PatternSet build).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mw::match {

enum PatternFlag : uint32_t {
  kCaseless = 1u << 0,   // i
  kMultiline = 1u << 1,  // m
  kDotall = 1u << 2,     // s
  kExtended = 1u << 3,   // x
  kUtf8 = 1u << 4,       // u
  kRaw = 1u << 5,        // r (recorded only when given; byte mode is the default)
  kNoOpt = 1u << 6,      // O
  kLeftmost = 1u << 7,   // L
  kAnchored = 1u << 8,   // A
};

// Every defined flag bit.
inline constexpr uint32_t kAllPatternFlags = (1u << 9) - 1;

struct Pattern {
  std::string source;  // the regexp between the delimiters, byte for byte
  uint32_t flags = 0;  // PatternFlag bits

  bool has(PatternFlag f) const { return (flags & f) != 0; }
  bool utf8() const { return has(kUtf8); }
  bool operator==(const Pattern&) const = default;
};

// Parse `/re/flags`, `m{re}flags`, `m!re!flags` or a plain `re`.
// Result on success: the pattern. On failure: kInvalidInput ("unterminated regexp",
// "unknown regexp flag 'q'").
Result<Pattern> parse_pattern(std::string_view text);

// The same for callers with flag letters of their own (the scan layer's Rspamd type letters
// such as H, X, P, M, U): letters of `extra_letters` are accepted among the flags and
// appended to `*extra` (cleared first; may be null), in order; letters that are also ours
// keep our meaning. Unknown letters are still an error.
Result<Pattern> parse_pattern(std::string_view text, std::string_view extra_letters,
                              std::string* extra);

// Letters of `flags` in the canonical order "imsxurOLA" (unknown bits are ignored).
std::string flags_string(uint32_t flags);

// `/source/flags`; parse_pattern(format_pattern(p)) == p for every pattern.
std::string format_pattern(const Pattern& p);

// A short printable form for log lines: at most `max_len` bytes of format_pattern(p), control
// and non-ASCII bytes escaped as \xHH, "..." appended when cut.
std::string describe_pattern(const Pattern& p, size_t max_len = 80);

}  // namespace mw::match
