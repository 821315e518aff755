// Folding of generated tag-list header values (DKIM-Signature, ARC-Message-Signature,
// ARC-Seal) at a line width, with a configurable line ending.
//
// Tags are joined with "; "; when the next tag does not fit, the space after the ';' becomes
// <eol> + TAB. Values may be split as well: base64 anywhere (b=, bh=; RFC 6376 allows FWS
// inside them), field lists after a ':' (h=). Nothing else is ever broken, so the relaxed
// canonical form of the output is the same as the unfolded "; "-joined text, except for the
// FWS inserted inside split values.
//
// Ownership: a Folder owns the text it builds. Loop affinity: none. Failure modes: none; a
// value that cannot be split and does not fit simply makes a longer line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mw::auth::dkim {

enum class Split : uint8_t { kNone, kAnywhere, kAfterColon };

class Folder {
 public:
  // start_col: characters already used on the first line (e.g. "DKIM-Signature: " = 16).
  Folder(size_t start_col, size_t width, std::string eol);

  // Add "name=value" (preceded by "; " or a fold when it is not the first tag).
  void tag(std::string_view name, std::string_view value, Split split = Split::kNone);
  // Continue the value of the last tag (e.g. b= once the signature is known).
  void append(std::string_view value, Split split);

  const std::string& text() const { return text_; }

 private:
  void put_value(std::string_view value, Split split);
  void fold();

  size_t col_;
  size_t width_;
  std::string eol_;
  std::string text_;
  bool first_ = true;
};

// Fold free text (e.g. an Authentication-Results payload) at `width` by inserting <eol>
// before existing spaces; whitespace runs (line breaks included) become one space first.
// The relaxed canonical form of the result equals that of the input.
std::string fold_text(std::string_view text, size_t start_col, size_t width, std::string_view eol);

}  // namespace mw::auth::dkim
