// HTML to visible text, with links, images and forms recorded.
//
// Lenient tokenizer for real-world mail HTML: entities decoded (named, decimal, hex), <br>
// and block elements become line breaks, <script>/<style>/<head>/comments dropped,
// whitespace collapsed as a browser would. Links keep their href and anchor text; images
// their src; forms their action/method and whether they ask for a password.
//
// What "visible text" means here (one pass, no DOM, no CSS engine):
//  - Dropped: comments, <!DOCTYPE>/<!...>/<?...?> (bogus comments end at the first '>', as
//    in browsers, so "<![CDATA[x]]>" is dropped too), the content of <script>, <style>,
//    <title>, <iframe>, <noembed>, <noframes>, <template>, and C0 control characters.
//    Text a browser would move out of <head> stays visible; what <head> holds (title,
//    style, script, meta, link) is dropped anyway.
//  - Hidden text (elements with the `hidden` attribute or an inline style display:none,
//    visibility:hidden|collapse, mso-hide:all, opacity:0, font-size 0 or <= 1px/pt,
//    or height/max-height 0 with overflow:hidden) is not in `text` but in `hidden_text`.
//  - Breaks: <br> is a line break (two in a row a blank line); p, h1-h6, ul, ol, dl, pre,
//    blockquote, xmp are paragraphs (a blank line around them); div, li, tr, table, form,
//    dt, dd, hr, section-like elements start a new line; a table cell after the first in
//    its line is separated by a tab.
//  - Whitespace runs collapse to one space; no leading/trailing spaces on a line; at most
//    one blank line; no leading or trailing breaks. &nbsp; and raw U+00A0 count as
//    collapsible spaces. Inside <pre> newlines are kept, other spaces still collapse.
//  - Entities: the full HTML5 named set, decimal and hexadecimal references, legacy names
//    without ';' where browsers accept them, invalid code points -> U+FFFD.
//  - Recorded in HtmlInfo: links (<a href>, <area href>; anchor text is the visible text
//    inside the <a>, whitespace collapsed), images (<img src>, <input type=image src>,
//    `background` attributes; data: URIs kept up to and including their ',', at most
//    kMaxDataUriPrefix bytes), forms (action, method lower-cased, password input inside;
//    an <input type=password> outside any form is recorded as a form with empty action),
//    tags (start and end tags), has_script (<script> or an on* event-handler attribute),
//    has_iframe (<iframe>, <frame>), has_external_css (<link rel=stylesheet>, @import in
//    <style>), unbalanced (an end tag that closes nothing, misnested or unclosed elements
//    that need an end tag, a comment or tag cut by the end of input), hidden_bytes (the size
//    of hidden_text) and low_contrast_bytes: visible text (whitespace not counted) whose
//    colour is within 16 per channel of its background, where the markup gives both
//    (<font color>, bgcolor, text= on <body>, inline color/background styles; the background
//    is white until set). Text under an element with a class or id, a background image or
//    gradient is not judged (a stylesheet or picture may paint it), and links get the
//    browser's own colour.
//
// Ownership: every view in the result points into `utf8_html` or into `arena`.
// Loop affinity: none (pure function of its input).
// Failure modes: none; any byte sequence is accepted (invalid UTF-8 in text becomes
// U+FFFD, although the parser only passes valid UTF-8, see charset.h). Output is valid
// UTF-8, allocated in the arena. Time is linear in the input size. The only exception is
// core::ArenaExhausted from the arena cap, caught by the caller at the task seam.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/arena.h"
#include "mime/message.h"

namespace mw::mime {

// Bound on a data: URI kept in HtmlInfo::images.
inline constexpr size_t kMaxDataUriPrefix = 64;

// Every limit degrades: past it the item is not recorded (text is cut, `truncated` set).
struct HtmlLimits {
  size_t max_text = 1u << 20;    // bytes of visible text (and, separately, hidden text)
  uint32_t max_links = 4096;     // HtmlInfo::links entries
  uint32_t max_images = 1024;    // HtmlInfo::images entries
  uint32_t max_forms = 64;       // HtmlInfo::forms entries
};

struct HtmlText {
  std::string_view text;         // visible text
  HtmlInfo* info = nullptr;      // owned by the arena
  std::string_view hidden_text;  // text of hidden elements (see above), same collapsing
  bool truncated = false;        // text or hidden_text reached max_text
};

// Convert HTML to visible text. Never fails (see the header comment); the result's text
// is at most `max_size` bytes (cut on a character boundary).
HtmlText html_to_text(core::Arena& arena, std::string_view utf8_html, size_t max_size);
// Same with every limit given; `limits.max_text` replaces max_size.
HtmlText html_to_text(core::Arena& arena, std::string_view utf8_html,
                      const HtmlLimits& limits);

// Decode HTML character references in `s` (for attribute values; the attribute-value rule
// applies: "&copy=" is not decoded). View of `s` when there are none, else arena memory.
std::string_view decode_entities(core::Arena& arena, std::string_view s);

}  // namespace mw::mime
