// Charset conversion to UTF-8 (ICU), with detection when the declared charset is missing or
// wrong. Used for text parts, RFC 2047 encoded words and RFC 2231 parameters.
//
// One CharsetConverter per worker (inside the mime Parser); it caches ICU converters by
// name. Not thread-safe.
//
// Failure modes: none. Unknown charsets fall back to detection; bytes that cannot be mapped
// become U+FFFD. The output is always valid UTF-8. Arena allocation may throw
// core::ArenaExhausted (the parser turns it into kLimit).
//
// Charset names are matched case-insensitively; surrounding quotes/spaces are ignored. A few
// names are widened to the superset real mail uses (ISO-8859-1/US-ASCII -> windows-1252,
// GB2312/GBK -> GB18030, EUC-KR/KS_C_5601-1987 -> windows-949, TIS-620 -> windows-874).
// Converted::charset_used points to storage owned by this converter (or static data): it stays
// valid while the converter lives.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/arena.h"
#include "core/non_copyable.h"
#include "core/utf8.h"

namespace mw::mime {

struct Converted {
  std::string_view utf8;          // valid UTF-8; a view of the input when it already was
                                  // valid UTF-8/ASCII, else in the arena
  std::string_view charset_used;  // canonical name of what was used ("UTF-8", "Shift_JIS")
  bool detected = false;          // detection chose the charset (missing/unknown/wrong)
  bool declared_unknown = false;  // the declared name is not a charset ICU knows
  bool had_errors = false;        // some bytes could not be mapped (U+FFFD inserted)
  bool claimed_utf8_invalid = false;  // declared UTF-8 (or none) but the bytes were not
};

class CharsetConverter : core::NonCopyable {
 public:
  CharsetConverter();
  ~CharsetConverter();

  // Text part conversion: use `declared` when it is known and fits the bytes, otherwise
  // detect. ASCII and valid UTF-8 take a fast path without copying.
  Converted to_utf8(core::Arena& arena, std::string_view bytes, std::string_view declared);

  // Strict conversion from a named charset (encoded words, RFC 2231 parameters): detection
  // only when the name is unknown. Same guarantees on the output.
  Converted convert(core::Arena& arena, std::string_view bytes, std::string_view charset);

  // Same as to_utf8() / convert(), but the UTF-8 is appended to `out` instead of being placed
  // in an arena (used to assemble header values). The returned Converted has `utf8` empty.
  Converted to_utf8_append(std::string& out, std::string_view bytes, std::string_view declared);
  Converted convert_append(std::string& out, std::string_view bytes, std::string_view charset);

  // True when `charset` names a charset this converter can use (after alias mapping).
  bool is_known(std::string_view charset);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// True when `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF): core/utf8.h.
using core::is_valid_utf8;
// Append `s` to `out` with every invalid UTF-8 sequence replaced by U+FFFD (maximal subparts,
// as the Unicode standard recommends). Returns the number of replacements.
size_t append_repaired_utf8(std::string& out, std::string_view s);

}  // namespace mw::mime
