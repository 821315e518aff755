// HTML to visible text, with links, images and forms recorded.
//
// Lenient tokenizer for real-world mail HTML: entities decoded (named, decimal, hex), <br>
// and block elements become line breaks, <script>/<style>/<head>/comments dropped,
// whitespace collapsed as a browser would. Links keep their href and anchor text; images
// their src; forms their action/method and whether they ask for a password.
//
// Failure modes: none; the input is already valid UTF-8 (see charset.h) and any markup is
// accepted. Output is valid UTF-8 allocated in the arena.
#pragma once

#include <string_view>

#include "core/arena.h"
#include "mime/message.h"

namespace mw::mime {

struct HtmlText {
  std::string_view text;   // visible text
  HtmlInfo* info = nullptr;  // owned by the arena
};

HtmlText html_to_text(core::Arena& arena, std::string_view utf8_html, size_t max_size);

// Decode HTML character references in `s` (for attribute values). View of `s` when there
// are none, else arena memory.
std::string_view decode_entities(core::Arena& arena, std::string_view s);

}  // namespace mw::mime
