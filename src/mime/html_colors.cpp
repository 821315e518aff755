// Colours in HTML attributes and inline styles. See html_tokens.h.
// Value syntax: CSS Color Module Level 3 (hex, rgb()/rgba(), named colours); legacy
// attributes (bgcolor, color, text) also accept hex digits without '#', as browsers do.
#include <algorithm>
#include <cstdlib>

#include "mime/html_tokens.h"

namespace mw::mime::detail {
namespace {

struct Named {
  std::string_view name;
  int32_t rgb;
};

// CSS 2.1 colour keywords and the common extended ones mail uses (sorted by name).
constexpr Named kNamed[] = {
    {"aqua", 0x00FFFF},      {"azure", 0xF0FFFF},     {"beige", 0xF5F5DC},
    {"black", 0x000000},     {"blue", 0x0000FF},      {"brown", 0xA52A2A},
    {"cyan", 0x00FFFF},      {"darkblue", 0x00008B},  {"darkgray", 0xA9A9A9},
    {"darkgreen", 0x006400}, {"darkgrey", 0xA9A9A9},  {"darkred", 0x8B0000},
    {"fuchsia", 0xFF00FF},   {"ghostwhite", 0xF8F8FF}, {"gold", 0xFFD700},
    {"gray", 0x808080},      {"green", 0x008000},     {"grey", 0x808080},
    {"ivory", 0xFFFFF0},     {"lightgray", 0xD3D3D3}, {"lightgrey", 0xD3D3D3},
    {"lime", 0x00FF00},      {"linen", 0xFAF0E6},     {"magenta", 0xFF00FF},
    {"maroon", 0x800000},    {"navy", 0x000080},      {"olive", 0x808000},
    {"orange", 0xFFA500},    {"pink", 0xFFC0CB},      {"purple", 0x800080},
    {"red", 0xFF0000},       {"silver", 0xC0C0C0},    {"snow", 0xFFFAFA},
    {"teal", 0x008080},      {"white", 0xFFFFFF},     {"whitesmoke", 0xF5F5F5},
    {"yellow", 0xFFFF00},
};

using core::hex_value;

int32_t parse_hex(std::string_view h) {
  int32_t v = 0;
  for (char c : h) {
    int d = hex_value(c);
    if (d < 0) return kNoColor;
    v = v * 16 + d;
  }
  if (h.size() == 3) {
    int32_t r = (v >> 8) & 0xF, g = (v >> 4) & 0xF, b = v & 0xF;
    return (r * 17) << 16 | (g * 17) << 8 | (b * 17);
  }
  return h.size() == 6 ? v : kNoColor;
}

// One rgb() component: an integer 0-255 or a percentage; -1 when it is neither.
int channel(std::string_view c) {
  c = trim_ws(c);
  if (c.empty()) return -1;
  bool pct = c.back() == '%';
  if (pct) c.remove_suffix(1);
  double v = 0;
  bool digits = false;
  size_t i = 0;
  for (; i < c.size() && c[i] >= '0' && c[i] <= '9'; ++i) {
    v = v * 10 + (c[i] - '0');
    digits = true;
  }
  if (i < c.size() && c[i] == '.') {
    double scale = 0.1;
    for (++i; i < c.size() && c[i] >= '0' && c[i] <= '9'; ++i, scale /= 10) v += (c[i] - '0') * scale;
  }
  if (!digits || i != c.size()) return -1;
  if (pct) v = v * 255 / 100;
  return static_cast<int>(std::min(v, 255.0) + 0.5);
}

int32_t parse_rgb(std::string_view args) {
  int ch[3];
  for (int k = 0; k < 3; ++k) {
    size_t sep = args.find_first_of(k < 2 ? ", " : ",)/ ");
    std::string_view part = args.substr(0, sep);
    while (part.empty() && sep != std::string_view::npos) {  // runs of separators
      args.remove_prefix(sep + 1);
      sep = args.find_first_of(k < 2 ? ", " : ",)/ ");
      part = args.substr(0, sep);
    }
    ch[k] = channel(part);
    if (ch[k] < 0) return kNoColor;
    args = sep == std::string_view::npos ? std::string_view() : args.substr(sep + 1);
  }
  return ch[0] << 16 | ch[1] << 8 | ch[2];
}

}  // namespace

int32_t parse_color(std::string_view v) {
  v = trim_ws(v);
  if (size_t bang = v.find('!'); bang != std::string_view::npos) v = trim_ws(v.substr(0, bang));
  if (v.empty() || v.size() > 64) return kNoColor;
  if (v.front() == '#') return parse_hex(v.substr(1));
  if (istarts_with(v, "rgb(") || istarts_with(v, "rgba(")) {
    size_t open = v.find('(');
    size_t close = v.find(')', open);
    if (close == std::string_view::npos) return kNoColor;
    return parse_rgb(v.substr(open + 1, close - open - 1));
  }
  if (v.size() <= 20) {
    char buf[21];
    for (size_t i = 0; i < v.size(); ++i) buf[i] = to_lower(v[i]);
    std::string_view name(buf, v.size());
    const Named* it = std::lower_bound(std::begin(kNamed), std::end(kNamed), name,
                                       [](const Named& n, std::string_view k) { return n.name < k; });
    if (it != std::end(kNamed) && it->name == name) return it->rgb;
  }
  if (v.size() == 6 || v.size() == 3) return parse_hex(v);  // legacy attribute without '#'
  return kNoColor;
}

StyleColors style_colors(std::string_view css) {
  StyleColors out;
  std::string_view prop, value;
  while (next_declaration(css, prop, value)) {
    if (iequals(prop, "color")) {
      int32_t c = parse_color(value);
      if (c != kNoColor) out.color = c;
    } else if (iequals(prop, "background-color")) {
      int32_t c = parse_color(value);
      if (c != kNoColor) out.background = c;
    } else if (iequals(prop, "background-image")) {
      if (!icontains(value, "none")) out.background_image = true;
    } else if (iequals(prop, "background")) {
      if (icontains(value, "url(") || icontains(value, "gradient(")) out.background_image = true;
      // The colour is one of the space-separated tokens (rgb() may hold spaces: try it first).
      if (size_t p = value.find("rgb"); p != std::string_view::npos) {
        int32_t c = parse_color(value.substr(p, value.find(')', p) - p + 1));
        if (c != kNoColor) out.background = c;
        continue;
      }
      while (!value.empty()) {
        size_t sp = value.find(' ');
        int32_t c = parse_color(value.substr(0, sp));
        if (c != kNoColor) {
          out.background = c;
          break;
        }
        value = sp == std::string_view::npos ? std::string_view() : trim_ws(value.substr(sp + 1));
      }
    }
  }
  return out;
}

bool colors_close(int32_t a, int32_t b) {
  if (a == kNoColor || b == kNoColor) return false;
  for (int shift = 0; shift <= 16; shift += 8) {
    if (std::abs(((a >> shift) & 0xFF) - ((b >> shift) & 0xFF)) > 16) return false;
  }
  return true;
}

}  // namespace mw::mime::detail
