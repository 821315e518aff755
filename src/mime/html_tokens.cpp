// HTML tokenizer pieces: element lookup, attributes, inline style. See html_tokens.h.
// Attribute states follow the WHATWG HTML Living Standard 13.2.5.32-13.2.5.39.
#include "mime/html_tokens.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace mw::mime::detail {
namespace {

// Parses a leading CSS number; returns false when there is none.
bool css_number(std::string_view v, double& num, std::string_view& unit) {
  size_t i = 0;
  double n = 0;
  bool digits = false;
  while (i < v.size() && v[i] >= '0' && v[i] <= '9') {
    n = n * 10 + (v[i] - '0');
    digits = true;
    ++i;
  }
  if (i < v.size() && v[i] == '.') {
    double scale = 0.1;
    for (++i; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i, scale /= 10) {
      n += (v[i] - '0') * scale;
      digits = true;
    }
  }
  if (!digits) return false;
  num = n;
  unit = trim_ws(v.substr(i));
  return true;
}

bool css_is_zero(std::string_view v) {
  double n;
  std::string_view unit;
  return css_number(v, n, unit) && n == 0;
}

}  // namespace

uint8_t lookup_tag(std::string_view lower_name) {
  const TagDef* it = std::lower_bound(
      std::begin(kTags), std::end(kTags), lower_name,
      [](const TagDef& d, std::string_view n) { return d.name < n; });
  if (it != std::end(kTags) && it->name == lower_name) {
    return static_cast<uint8_t>(it - std::begin(kTags) + 1);
  }
  return 0;
}

bool style_hides(std::string_view css) {
  bool zero_height = false;
  bool overflow_hidden = false;
  std::string_view prop, value;
  while (next_declaration(css, prop, value)) {
    if (size_t bang = value.find('!'); bang != std::string_view::npos) {
      value = trim_ws(value.substr(0, bang));  // "!important"
    }
    if (iequals(prop, "display")) {
      if (iequals(value, "none")) return true;
    } else if (iequals(prop, "visibility")) {
      if (iequals(value, "hidden") || iequals(value, "collapse")) return true;
    } else if (iequals(prop, "mso-hide")) {
      if (iequals(value, "all")) return true;
    } else if (iequals(prop, "opacity")) {
      if (css_is_zero(value)) return true;
    } else if (iequals(prop, "font-size")) {
      double n;
      std::string_view unit;
      if (css_number(value, n, unit) &&
          (n == 0 || (n <= 1 && (iequals(unit, "px") || iequals(unit, "pt"))))) {
        return true;
      }
    } else if (iequals(prop, "height") || iequals(prop, "max-height")) {
      if (css_is_zero(value)) zero_height = true;
    } else if (iequals(prop, "overflow")) {
      if (iequals(value, "hidden")) overflow_hidden = true;
    }
  }
  return zero_height && overflow_hidden;
}

void Attrs::set(std::string_view name, std::string_view value) {
  static constexpr std::pair<std::string_view, std::string_view Attrs::*> kKept[] = {
      {"href", &Attrs::href},   {"src", &Attrs::src},     {"action", &Attrs::action},
      {"method", &Attrs::method}, {"type", &Attrs::type}, {"rel", &Attrs::rel},
      {"style", &Attrs::style}, {"background", &Attrs::background},
      {"color", &Attrs::color}, {"bgcolor", &Attrs::bgcolor}, {"text", &Attrs::text}};
  for (const auto& [kept, slot] : kKept) {
    if (iequals(name, kept)) set_once(this->*slot, value);
  }
  if (iequals(name, "id") || iequals(name, "class")) has_class = true;
  if (iequals(name, "hidden")) hidden = true;
  if (name.size() >= 5 && to_lower(name[0]) == 'o' &&
      to_lower(name[1]) == 'n' &&
      std::all_of(name.begin(), name.end(),
                  [](char c) { return is_alpha(c); })) {
    event_handler = true;
  }
}

const char* parse_attributes(const char* p, const char* end, Attrs* attrs,
                             bool* self_closing) {
  for (;;) {
    while (p < end && is_tag_ws(static_cast<unsigned char>(*p))) ++p;
    if (p >= end) return nullptr;
    if (*p == '>') return p + 1;
    if (*p == '/') {
      if (p + 1 < end && p[1] == '>') {
        *self_closing = true;
        return p + 2;
      }
      ++p;
      continue;
    }
    const char* name = p++;  // the first character may be '='
    while (p < end && !is_tag_ws(static_cast<unsigned char>(*p)) && *p != '/' && *p != '>' &&
           *p != '=') {
      ++p;
    }
    std::string_view attr_name(name, static_cast<size_t>(p - name));
    while (p < end && is_tag_ws(static_cast<unsigned char>(*p))) ++p;
    if (p >= end) return nullptr;
    std::string_view value(p, 0);
    if (*p == '=') {
      ++p;
      while (p < end && is_tag_ws(static_cast<unsigned char>(*p))) ++p;
      if (p >= end) return nullptr;
      if (*p == '"' || *p == '\'') {
        const void* q = std::memchr(p + 1, *p, static_cast<size_t>(end - p - 1));
        if (q == nullptr) return nullptr;
        const char* close = static_cast<const char*>(q);
        value = std::string_view(p + 1, static_cast<size_t>(close - p - 1));
        p = close + 1;
      } else if (*p != '>') {
        const char* v = p;
        while (p < end && !is_tag_ws(static_cast<unsigned char>(*p)) && *p != '>') ++p;
        value = std::string_view(v, static_cast<size_t>(p - v));
      }
    }
    if (attrs != nullptr) attrs->set(attr_name, value);
  }
}

TagName read_tag_name(const char* p, const char* end) {
  TagName t;
  char buf[kMaxTagNameLen];
  size_t len = 0;
  while (p < end && !is_tag_ws(static_cast<unsigned char>(*p)) && *p != '/' && *p != '>') {
    auto c = static_cast<unsigned char>(to_lower(*p));
    if (len < kMaxTagNameLen) buf[len] = static_cast<char>(c);
    ++len;
    t.hash = (t.hash ^ c) * 16777619u;
    ++p;
  }
  t.end = p;
  if (len <= kMaxTagNameLen) t.id = lookup_tag(std::string_view(buf, len));
  return t;
}

}  // namespace mw::mime::detail
