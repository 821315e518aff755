// Content-Type and Content-Disposition values: "type/subtype; name=value; ..." (internal).
//
// Lenient parsing after RFC 2045 section 5.1, RFC 2183 and RFC 2231:
//   - comments and folding anywhere, blanks around '/' and '=';
//   - missing ';' between parameters, empty parameters, unclosed quotes (value runs to the end);
//   - RFC 2231 continuations (name*0=, name*1*=) joined in numeric order, extended values
//     percent-decoded and converted from their charset (charset'language'value); later
//     sections that repeat the charset prefix are tolerated; an RFC 2231 value wins over a
//     plain one of the same name;
//   - RFC 2047 encoded words in parameter values, quoted or not (except boundary);
//   - raw 8-bit values kept when UTF-8, else converted from the fallback charset.
// Parameter names are lower-cased; the language part of RFC 2231 values is dropped. At most
// 128 parameters are read per value (real ones have a handful; this bounds the work).
//
// Failure modes: parse_mime_value() returns false when there is no type token at all
// ("/plain", ";charset=x"); parameters are still appended when found.
#pragma once

#include <string_view>
#include <utility>

#include "core/arena.h"
#include "mime/message.h"
#include "mime/rfc2047.h"

namespace mw::mime {

using Param = std::pair<std::string_view, std::string_view>;

// Parses a raw (folded) field value. `type` and `subtype` are lower-cased; `subtype` is empty
// when the value has none ("text", "inline"). Parameters are appended to `params` in order of
// first appearance, names lower-cased, values decoded to UTF-8.
bool parse_mime_value(core::Arena& arena, HeaderDecoder& decoder, std::string_view raw,
                      std::string_view fallback_charset, std::string_view* type,
                      std::string_view* subtype, Vec<Param>& params, TextFlags* flags);

// First parameter named `name` (lower-case), or an empty view.
std::string_view find_param(const Vec<Param>& params, std::string_view name);

}  // namespace mw::mime
