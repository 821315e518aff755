// Header text decoding: unfolding, RFC 2047 encoded words, raw 8-bit bytes (internal header).
//
// Encoded words ("=?charset[*lang]?B|Q?text?=") are decoded the way real MUAs do rather than
// strictly:
//   - any charset ICU knows (aliases and broken names go through CharsetConverter);
//   - B and Q in either case; invalid base64 is decoded leniently;
//   - words glued to surrounding text or to each other ("a=?..?==?..?=") are decoded;
//   - whitespace (folding included) between two adjacent encoded words is dropped, and adjacent
//     words in the same charset are joined before conversion, so a multi-byte character split
//     across words survives;
//   - folding inside a word (a broken encoder wrapped it) is removed;
//   - a word without its closing "?=" runs to the next space or the end of the text;
//   - the caller decides where words are recognised, so quoted strings can be decoded too.
// Raw 8-bit bytes outside encoded words are kept when they are UTF-8 (RFC 6532), otherwise
// converted from the fallback charset (the part's declared charset) or a detected one.
//
// Failure modes: none; the output is always valid UTF-8. Problems are reported in TextFlags.
// Ownership: a HeaderDecoder borrows the CharsetConverter and owns scratch buffers; one per
// Parser (worker). Not thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/arena.h"
#include "mime/charset.h"

namespace mw::mime {

struct TextFlags {
  bool had_encoded_words = false;
  bool broken_encoding = false;  // a malformed word, bad base64/Q, unknown charset, bad bytes
  bool eight_bit = false;        // raw 8-bit bytes outside encoded words
};

class HeaderDecoder {
 public:
  explicit HeaderDecoder(CharsetConverter& conv) : conv_(conv) {}
  HeaderDecoder(const HeaderDecoder&) = delete;
  HeaderDecoder& operator=(const HeaderDecoder&) = delete;

  // An unstructured field value as written after the colon (folded): line breaks with the
  // whitespace around them become one space, encoded words are decoded, the result is trimmed.
  // Returns a view of `raw` when nothing had to change, else arena memory.
  std::string_view unstructured(core::Arena& arena, std::string_view raw,
                                std::string_view fallback_charset, TextFlags* flags);

  // Decodes encoded words in `text` (already unfolded and unquoted: a display name, a
  // parameter value) and appends the UTF-8 result to `out`. No trimming.
  void append_decoded(std::string& out, std::string_view text, std::string_view fallback_charset,
                      TextFlags* flags);

  // Appends bytes without encoded words as UTF-8 (kept if valid, else converted).
  void append_raw_text(std::string& out, std::string_view bytes, std::string_view fallback_charset,
                       TextFlags* flags);

  CharsetConverter& converter() { return conv_; }

 private:
  void decode_into(std::string& out, std::string_view text, std::string_view fallback, bool unfold,
                   TextFlags* flags);
  void append_literal(std::string& out, std::string_view seg, std::string_view fallback,
                      bool unfold, TextFlags* flags);
  void flush_pending(std::string& out, TextFlags* flags);

  CharsetConverter& conv_;
  std::string work_;     // output of unstructured()
  std::string pending_;  // decoded bytes of adjacent same-charset words
  std::string pending_charset_;
  std::string literal_;  // literal segment being normalised
};

}  // namespace mw::mime
