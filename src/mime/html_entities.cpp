// HTML character reference decoding. See html_entities.h.
//
// The named table (html_entities_table.inc) is generated data, regenerated with:
//   /usr/bin/python3 - <<'PY'  (iterate html.entities.html5, group "name" / "name;",
//   emit {"name", "<utf-8 escapes>", legacy}, sorted by name)
// The windows-1252 mapping of numeric references 0x80-0x9F is the table of the HTML
// Living Standard, 13.2.5.80 "Numeric character reference end state".
#include "mime/html_entities.h"

#include <algorithm>
#include <cstring>

#include "core/ascii.h"

namespace mw::mime::detail {
namespace {

struct NamedRef {
  std::string_view name;   // without ';'
  std::string_view value;  // UTF-8
  uint8_t legacy;          // 1: also recognised without ';'
};

constexpr NamedRef kNamed[] = {
#include "mime/html_entities_table.inc"
};

constexpr bool table_sorted() {
  for (size_t i = 1; i < std::size(kNamed); ++i) {
    if (!(kNamed[i - 1].name < kNamed[i].name)) return false;
  }
  return true;
}
static_assert(table_sorted(), "html_entities_table.inc must be sorted by name");

// Longest name in the table (without ';'); longer runs can only match a legacy prefix.
constexpr size_t kMaxNameLen = 31;
// Longest legacy name ("frac34", "middot", ...).
constexpr size_t kMaxLegacyLen = 6;

const NamedRef* find_named(std::string_view name) {
  const NamedRef* it = std::lower_bound(
      std::begin(kNamed), std::end(kNamed), name,
      [](const NamedRef& e, std::string_view n) { return e.name < n; });
  if (it != std::end(kNamed) && it->name == name) return it;
  return nullptr;
}

// HTML Living Standard 13.2.5.80: replacements for numeric references 0x80..0x9F
// (0 = keep the code point).
constexpr uint16_t kC1Replacement[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88-8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98-9F
};

using core::hex_value;
using core::is_alnum;

uint32_t first_code_point(std::string_view utf8) {
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  if (s[0] < 0x80) return s[0];
  if (s[0] < 0xE0) return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
  if (s[0] < 0xF0) return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
  return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
         (s[3] & 0x3Fu);
}

CharRef numeric_ref(const char* p, const char* end) {
  // p points at '&', p[1] == '#'.
  const char* q = p + 2;
  bool hex = false;
  if (q < end && (*q == 'x' || *q == 'X')) {
    hex = true;
    ++q;
  }
  const char* digits = q;
  uint32_t value = 0;
  bool too_big = false;
  while (q < end) {
    int d = hex ? hex_value(static_cast<unsigned char>(*q))
                : (*q >= '0' && *q <= '9' ? *q - '0' : -1);
    if (d < 0) break;
    if (!too_big) {
      value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (value > 0x10FFFF) too_big = true;
    }
    ++q;
  }
  CharRef r;
  if (q == digits) return r;  // "&#" or "&#x" without digits: not a reference
  if (q < end && *q == ';') ++q;
  uint32_t cp = value;
  if (too_big || cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
    cp = 0xFFFD;
  } else if (cp >= 0x80 && cp <= 0x9F && kC1Replacement[cp - 0x80] != 0) {
    cp = kC1Replacement[cp - 0x80];
  }
  r.consumed = static_cast<size_t>(q - p);
  r.first_cp = cp;
  r.len = static_cast<uint8_t>(encode_utf8(cp, r.utf8));
  return r;
}

CharRef make_named(const NamedRef& e, size_t consumed) {
  CharRef r;
  r.consumed = consumed;
  r.len = static_cast<uint8_t>(e.value.size());
  std::memcpy(r.utf8, e.value.data(), e.value.size());
  r.first_cp = first_code_point(e.value);
  return r;
}

}  // namespace

size_t named_reference_count() { return std::size(kNamed); }

size_t encode_utf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  size_t avail = static_cast<size_t>(end - p);
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    return (avail >= 2 && cont(p[1])) ? 2 : 0;
  }
  if (c >= 0xE0 && c <= 0xEF) {
    if (avail < 3 || !cont(p[1]) || !cont(p[2])) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (avail < 4 || !cont(p[1]) || !cont(p[2]) || !cont(p[3])) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

CharRef decode_char_ref(const char* p, const char* end, bool in_attribute) {
  if (end - p < 2) return {};
  if (p[1] == '#') return numeric_ref(p, end);
  // Named reference: an alphanumeric run, matched longest-first against the table.
  const char* name = p + 1;
  const char* q = name;
  while (q < end && static_cast<size_t>(q - name) <= kMaxNameLen &&
         is_alnum(static_cast<unsigned char>(*q))) {
    ++q;
  }
  size_t run = static_cast<size_t>(q - name);
  if (run == 0) return {};
  if (run <= kMaxNameLen && q < end && *q == ';') {
    if (const NamedRef* e = find_named(std::string_view(name, run))) {
      return make_named(*e, run + 2);
    }
  }
  // Legacy names may be used without ';' and as a prefix of a longer run ("&copy2024").
  for (size_t len = std::min(run, kMaxLegacyLen); len >= 2; --len) {
    const NamedRef* e = find_named(std::string_view(name, len));
    if (e == nullptr || !e->legacy) continue;
    const char* after = name + len;
    if (after < end && *after == ';') return make_named(*e, len + 2);
    if (in_attribute && after < end &&
        (*after == '=' || is_alnum(static_cast<unsigned char>(*after)))) {
      return {};
    }
    return make_named(*e, len + 1);
  }
  return {};
}

}  // namespace mw::mime::detail
