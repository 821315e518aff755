// HTML tokenizer pieces shared by html.cpp (internal to the mime module): character
// helpers, the table of known elements, attribute parsing, inline-style hiding and colours.
//
// Ownership: none; views point into the caller's input. Loop affinity: none (pure).
// Failure modes: none; every function accepts any bytes and never reads past `end`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ascii.h"

namespace mw::mime::detail {

// ---------------------------------------------------------------------------------------
// Character classes and small helpers

constexpr bool is_tag_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}
using core::icontains;
using core::iequals;
using core::is_alpha;
using core::istarts_with;
using core::to_lower;

// Printable ASCII that is part of a word in text (everything but whitespace, '&', controls).
constexpr std::array<bool, 256> make_word_table() {
  std::array<bool, 256> t{};
  for (int c = 0x21; c < 0x7F; ++c) t[c] = true;
  t['&'] = false;
  return t;
}
inline constexpr std::array<bool, 256> kWordByte = make_word_table();

inline std::string_view trim_ws(std::string_view s) {
  return core::trim_if(s, [](char c) { return is_tag_ws(static_cast<unsigned char>(c)); });
}

// Take the next declaration "prop: value" off the front of an inline style (`css`), both
// trimmed; declarations without a colon are skipped. False when none is left.
inline bool next_declaration(std::string_view& css, std::string_view& prop,
                             std::string_view& value) {
  while (!css.empty()) {
    size_t semi = css.find(';');
    std::string_view decl = css.substr(0, semi);
    css = semi == std::string_view::npos ? std::string_view() : css.substr(semi + 1);
    size_t colon = decl.find(':');
    if (colon == std::string_view::npos) continue;
    prop = trim_ws(decl.substr(0, colon));
    value = trim_ws(decl.substr(colon + 1));
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Element table

enum Brk : uint8_t { kNone = 0, kSpace, kTab, kLine, kPara };

enum TagProp : uint16_t {
  kVoid = 1 << 0,         // never has content, never pushed
  kOptionalEnd = 1 << 1,  // may be left open without being unbalanced
  kClosesP = 1 << 2,      // its start tag closes a <p> on top of the stack
  kRawText = 1 << 3,      // content is literal text up to its end tag
  kRcdata = 1 << 4,       // content is text with references up to its end tag
  kDrop = 1 << 5,         // content is not rendered
  kPlaintext = 1 << 6,    // the rest of the input is literal text
  kPre = 1 << 7,          // newlines in content are kept
};

struct TagDef {
  std::string_view name;
  uint16_t props;
  Brk open;   // break before the content
  Brk close;  // break after it
};

// Sorted by name. Elements not listed are handled generically (by name hash).
inline constexpr TagDef kTags[] = {
    {"a", 0, kNone, kNone},
    {"address", kClosesP, kLine, kLine},
    {"area", kVoid, kNone, kNone},
    {"article", kClosesP, kLine, kLine},
    {"aside", kClosesP, kLine, kLine},
    {"b", 0, kNone, kNone},
    {"base", kVoid, kNone, kNone},
    {"basefont", kVoid, kNone, kNone},
    {"bgsound", kVoid, kNone, kNone},
    {"big", 0, kNone, kNone},
    {"blockquote", kClosesP, kPara, kPara},
    {"body", kOptionalEnd, kNone, kNone},
    {"br", kVoid, kNone, kNone},
    {"button", 0, kNone, kNone},
    {"caption", 0, kLine, kLine},
    {"center", kClosesP, kLine, kLine},
    {"code", 0, kNone, kNone},
    {"col", kVoid, kNone, kNone},
    {"colgroup", kOptionalEnd, kNone, kNone},
    {"dd", kOptionalEnd | kClosesP, kLine, kLine},
    {"details", kClosesP, kLine, kLine},
    {"dialog", kClosesP, kLine, kLine},
    {"dir", kClosesP, kPara, kPara},
    {"div", kClosesP, kLine, kLine},
    {"dl", kClosesP, kPara, kPara},
    {"dt", kOptionalEnd | kClosesP, kLine, kLine},
    {"em", 0, kNone, kNone},
    {"embed", kVoid, kNone, kNone},
    {"fieldset", kClosesP, kLine, kLine},
    {"figcaption", kClosesP, kLine, kLine},
    {"figure", kClosesP, kPara, kPara},
    {"font", 0, kNone, kNone},
    {"footer", kClosesP, kLine, kLine},
    {"form", kClosesP, kLine, kLine},
    {"frame", kVoid, kNone, kNone},
    {"frameset", 0, kNone, kNone},
    {"h1", kClosesP, kPara, kPara},
    {"h2", kClosesP, kPara, kPara},
    {"h3", kClosesP, kPara, kPara},
    {"h4", kClosesP, kPara, kPara},
    {"h5", kClosesP, kPara, kPara},
    {"h6", kClosesP, kPara, kPara},
    {"head", kOptionalEnd, kNone, kNone},
    {"header", kClosesP, kLine, kLine},
    {"hgroup", kClosesP, kLine, kLine},
    {"hr", kVoid | kClosesP, kLine, kLine},
    {"html", kOptionalEnd, kNone, kNone},
    {"i", 0, kNone, kNone},
    {"iframe", kRawText | kDrop, kNone, kNone},
    {"img", kVoid, kNone, kNone},
    {"input", kVoid, kNone, kNone},
    {"keygen", kVoid, kNone, kNone},
    {"label", 0, kNone, kNone},
    {"legend", 0, kLine, kLine},
    {"li", kOptionalEnd | kClosesP, kLine, kLine},
    {"link", kVoid, kNone, kNone},
    {"listing", kClosesP | kPre, kPara, kPara},
    {"main", kClosesP, kLine, kLine},
    {"menu", kClosesP, kPara, kPara},
    {"meta", kVoid, kNone, kNone},
    {"nav", kClosesP, kLine, kLine},
    {"nobr", 0, kNone, kNone},
    {"noembed", kRawText | kDrop, kNone, kNone},
    {"noframes", kRawText | kDrop, kNone, kNone},
    {"ol", kClosesP, kPara, kPara},
    {"optgroup", kOptionalEnd, kLine, kLine},
    {"option", kOptionalEnd, kLine, kLine},
    {"p", kOptionalEnd | kClosesP, kPara, kPara},
    {"param", kVoid, kNone, kNone},
    {"plaintext", kClosesP | kPlaintext | kPre, kLine, kNone},
    {"pre", kClosesP | kPre, kPara, kPara},
    {"rp", kOptionalEnd, kNone, kNone},
    {"rt", kOptionalEnd, kNone, kNone},
    {"s", 0, kNone, kNone},
    {"script", kRawText | kDrop, kNone, kNone},
    {"section", kClosesP, kLine, kLine},
    {"select", 0, kNone, kNone},
    {"small", 0, kNone, kNone},
    {"source", kVoid, kNone, kNone},
    {"span", 0, kNone, kNone},
    {"strike", 0, kNone, kNone},
    {"strong", 0, kNone, kNone},
    {"style", kRawText | kDrop, kNone, kNone},
    {"sub", 0, kNone, kNone},
    {"summary", kClosesP, kLine, kLine},
    {"sup", 0, kNone, kNone},
    {"table", kClosesP, kLine, kLine},
    {"tbody", kOptionalEnd, kNone, kNone},
    {"td", kOptionalEnd, kTab, kNone},
    {"template", kDrop, kNone, kNone},
    {"textarea", kRcdata, kNone, kNone},
    {"tfoot", kOptionalEnd, kNone, kNone},
    {"th", kOptionalEnd, kTab, kNone},
    {"thead", kOptionalEnd, kNone, kNone},
    {"title", kRcdata | kDrop, kNone, kNone},
    {"tr", kOptionalEnd, kLine, kLine},
    {"track", kVoid, kNone, kNone},
    {"tt", 0, kNone, kNone},
    {"u", 0, kNone, kNone},
    {"ul", kClosesP, kPara, kPara},
    {"wbr", kVoid, kNone, kNone},
    {"xmp", kClosesP | kRawText | kPre, kPara, kPara},
};
inline constexpr size_t kTagCount = std::size(kTags);
inline constexpr size_t kMaxTagNameLen = 10;  // "blockquote", "figcaption"

constexpr bool tags_sorted() {
  for (size_t i = 1; i < kTagCount; ++i) {
    if (!(kTags[i - 1].name < kTags[i].name)) return false;
  }
  return true;
}
static_assert(tags_sorted(), "kTags must be sorted by name");
static_assert(kTagCount < 255, "tag ids are uint8_t");

// Tag id: index in kTags + 1; 0 for elements not in the table.
constexpr uint8_t tag_id(std::string_view name) {
  for (size_t i = 0; i < kTagCount; ++i) {
    if (kTags[i].name == name) return static_cast<uint8_t>(i + 1);
  }
  return 0;
}
inline constexpr uint8_t kTagA = tag_id("a");
inline constexpr uint8_t kTagArea = tag_id("area");
inline constexpr uint8_t kTagBody = tag_id("body");
inline constexpr uint8_t kTagBr = tag_id("br");
inline constexpr uint8_t kTagDd = tag_id("dd");
inline constexpr uint8_t kTagDt = tag_id("dt");
inline constexpr uint8_t kTagForm = tag_id("form");
inline constexpr uint8_t kTagFrame = tag_id("frame");
inline constexpr uint8_t kTagHtml = tag_id("html");
inline constexpr uint8_t kTagIframe = tag_id("iframe");
inline constexpr uint8_t kTagImg = tag_id("img");
inline constexpr uint8_t kTagInput = tag_id("input");
inline constexpr uint8_t kTagLi = tag_id("li");
inline constexpr uint8_t kTagLink = tag_id("link");
inline constexpr uint8_t kTagOptgroup = tag_id("optgroup");
inline constexpr uint8_t kTagOption = tag_id("option");
inline constexpr uint8_t kTagP = tag_id("p");
inline constexpr uint8_t kTagScript = tag_id("script");
inline constexpr uint8_t kTagStyle = tag_id("style");
inline constexpr uint8_t kTagTbody = tag_id("tbody");
inline constexpr uint8_t kTagTd = tag_id("td");
inline constexpr uint8_t kTagTfoot = tag_id("tfoot");
inline constexpr uint8_t kTagTh = tag_id("th");
inline constexpr uint8_t kTagThead = tag_id("thead");
inline constexpr uint8_t kTagTr = tag_id("tr");
static_assert(kTagA != 0 && kTagArea != 0 && kTagBody != 0 && kTagBr != 0 && kTagDd != 0 &&
              kTagDt != 0 && kTagForm != 0 && kTagFrame != 0 && kTagHtml != 0 &&
              kTagIframe != 0 && kTagImg != 0 && kTagInput != 0 && kTagLi != 0 &&
              kTagLink != 0 && kTagOptgroup != 0 && kTagOption != 0 && kTagP != 0 &&
              kTagScript != 0 && kTagStyle != 0 && kTagTbody != 0 && kTagTd != 0 &&
              kTagTfoot != 0 && kTagTh != 0 && kTagThead != 0 && kTagTr != 0,
              "tag names missing from kTags");

inline const TagDef& def(uint8_t id) { return kTags[id - 1]; }

// Id of a lower-cased element name, 0 when it is not in kTags.
uint8_t lookup_tag(std::string_view lower_name);

// True when an inline style hides its element: display:none, visibility:hidden|collapse,
// mso-hide:all, opacity:0, font-size 0 or <= 1px/1pt, or height/max-height 0 together
// with overflow:hidden. Declarations are matched case-insensitively, "!important" ignored.
bool style_hides(std::string_view css);

// ---------------------------------------------------------------------------------------
// Colours (html_colors.cpp), as 0xRRGGBB.

inline constexpr int32_t kNoColor = -1;
inline constexpr int32_t kWhite = 0xFFFFFF;

// A CSS or legacy HTML colour value: #rgb, #rrggbb, rrggbb (as browsers read legacy
// attributes), rgb()/rgba() with numbers or percentages, and the named colours of CSS 2.1
// (plus grey/gray variants). kNoColor for anything else (transparent, inherit, var(), ...).
int32_t parse_color(std::string_view value);

// The colours an inline style sets: color, and background-color or the colour of the
// background shorthand; background_image is true when the background is an image or a
// gradient (what is behind the text is then unknown).
struct StyleColors {
  int32_t color = kNoColor;
  int32_t background = kNoColor;
  bool background_image = false;
};
StyleColors style_colors(std::string_view css);

// True when text in colour `a` cannot be told from background `b` (every channel within 16).
bool colors_close(int32_t a, int32_t b);

// ---------------------------------------------------------------------------------------
// Attributes of interest (first occurrence wins, as in HTML). A present attribute has a
// non-null data() even when its value is empty. Values are raw (references not decoded).

struct Attrs {
  std::string_view href, src, action, method, type, rel, style, background;
  std::string_view color, bgcolor, text;  // <font color>, bgcolor on body/table/td, <body text>
  bool hidden = false;
  bool has_class = false;                 // a class or id: a stylesheet may paint it
  bool event_handler = false;

  static void set_once(std::string_view& slot, std::string_view value) {
    if (slot.data() == nullptr) slot = value;
  }

  // Records one attribute (name as written).
  void set(std::string_view name, std::string_view value);
};

// Parses attributes from just after the tag name to the closing '>' (HTML tokenizer states
// "before attribute name" .. "after attribute value (quoted)"). Returns the position after
// '>', or nullptr when the input ends inside the tag (a browser drops such a tag).
const char* parse_attributes(const char* p, const char* end, Attrs* attrs,
                             bool* self_closing);

struct TagName {
  uint8_t id = 0;
  uint32_t hash = 2166136261u;
  const char* end = nullptr;
};

// Reads a tag name starting at p (up to whitespace, '/' or '>'); lower-cases it for the
// table lookup and hashes it (FNV-1a) for elements not in the table.
TagName read_tag_name(const char* p, const char* end);

}  // namespace mw::mime::detail
