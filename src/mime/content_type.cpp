// Content-Type / Content-Disposition parsing with RFC 2231 (see content_type.h).
#include "mime/content_type.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/percent.h"
#include "mime/strutil.h"

namespace mw::mime {

namespace {

constexpr uint32_t kMaxSection = 100000;  // RFC 2231 section numbers beyond this are ignored
constexpr size_t kMaxParams = 128;        // parameters kept per value (the rest is ignored)

struct RawParam {
  std::string_view name;   // as written
  std::string_view value;  // token, or quoted content with escapes unresolved
  bool quoted = false;
};

void skip_cfws(std::string_view t, size_t& i) {
  while (i < t.size()) {
    if (is_fws(t[i])) {
      ++i;
    } else if (t[i] == '(') {
      skip_comment(t, i);
    } else {
      break;
    }
  }
}

void parse_params(std::string_view t, size_t i, std::vector<RawParam>& out) {
  const size_t n = t.size();
  while (i < n) {
    skip_cfws(t, i);
    if (i >= n) break;
    if (t[i] == ';') {
      ++i;
      continue;
    }
    size_t s = i;
    while (i < n && !is_fws(t[i]) && t[i] != '=' && t[i] != ';' && t[i] != '(' && t[i] != '"') {
      ++i;
    }
    std::string_view name = t.substr(s, i - s);
    skip_cfws(t, i);
    if (i >= n || t[i] != '=') {
      if (name.empty() && i < n && t[i] != ';') ++i;  // a stray quote: step over it
      continue;
    }
    ++i;  // '='
    while (i < n && is_fws(t[i])) ++i;
    RawParam p;
    p.name = name;
    if (i < n && t[i] == '"') {
      size_t j = i + 1;
      while (j < n && t[j] != '"') j += (t[j] == '\\' && j + 1 < n) ? 2 : 1;
      size_t end = std::min(j, n);
      p.value = t.substr(i + 1, end - i - 1);
      p.quoted = true;
      i = j < n ? j + 1 : n;
    } else if (i + 1 < n && t[i] == '=' && t[i + 1] == '?') {
      // An unquoted run of encoded words (may contain blanks): up to the next ';'.
      size_t j = t.find(';', i);
      size_t end = j == std::string_view::npos ? n : j;
      p.value = trim_fws(t.substr(i, end - i));
      i = end;
    } else {
      size_t j = i;
      while (j < n && !is_fws(t[j]) && t[j] != ';' && t[j] != '(') ++j;
      p.value = t.substr(i, j - i);
      i = j;
    }
    if (!name.empty()) out.push_back(p);
    if (out.size() >= kMaxParams) break;
  }
}

// Quoted content without its backslashes and line breaks.
void append_unquoted(std::string& out, std::string_view v, bool quoted) {
  if (quoted) {
    append_unescaped(out, v);
  } else {
    out.append(v);
  }
}

// RFC 2231 view of a parameter name: "title*1*" -> base "title", section 1, extended.
struct NameParts {
  std::string_view base;
  uint32_t section = 0;
  bool rfc2231 = false;
  bool extended = false;
};

NameParts split_name(std::string_view name) {
  NameParts np;
  np.base = name;
  size_t star = name.find('*');
  if (star == std::string_view::npos) return np;
  std::string_view rest = name.substr(star + 1);
  if (rest.empty()) {
    np.base = name.substr(0, star);
    np.rfc2231 = np.extended = true;
    return np;
  }
  size_t k = 0;
  uint64_t num = 0;
  while (k < rest.size() && is_digit(rest[k])) {
    num = std::min<uint64_t>(num * 10 + static_cast<uint64_t>(rest[k] - '0'), kMaxSection + 1);
    ++k;
  }
  if (k == 0 || (k < rest.size() && rest.substr(k) != "*")) return np;  // not RFC 2231
  np.base = name.substr(0, star);
  np.rfc2231 = true;
  np.section = static_cast<uint32_t>(num);
  np.extended = k < rest.size();
  return np;
}

struct Section {
  uint32_t index;
  size_t order;  // position among the raw parameters (ties keep the first)
  const RawParam* p;
  bool extended;
};

}  // namespace

std::string_view find_param(const Vec<Param>& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.first == name) return p.second;
  }
  return {};
}

bool parse_mime_value(core::Arena& arena, HeaderDecoder& dec, std::string_view t,
                      std::string_view fallback, std::string_view* type, std::string_view* subtype,
                      Vec<Param>& params, TextFlags* flags) {
  size_t i = 0;
  const size_t n = t.size();
  skip_cfws(t, i);
  size_t s = i;
  while (i < n && !is_fws(t[i]) && t[i] != ';' && t[i] != '/' && t[i] != '(') ++i;
  std::string_view ty = t.substr(s, i - s);
  std::string_view sub;
  skip_cfws(t, i);
  if (i < n && t[i] == '/') {
    ++i;
    skip_cfws(t, i);
    s = i;
    while (i < n && !is_fws(t[i]) && t[i] != ';' && t[i] != '(') ++i;
    sub = t.substr(s, i - s);
  }
  *type = lower_in_arena(arena, ty);
  *subtype = lower_in_arena(arena, sub);
  if (ty.empty()) return false;

  std::vector<RawParam> raw;
  parse_params(t, i, raw);
  if (raw.empty()) return true;

  std::vector<std::string_view> lower(raw.size());
  std::vector<NameParts> parts(raw.size());
  for (size_t k = 0; k < raw.size(); ++k) {
    lower[k] = lower_in_arena(arena, raw[k].name);
    parts[k] = split_name(lower[k]);
  }
  auto has_2231 = [&](std::string_view base) {
    for (const auto& np : parts) {
      if (np.rfc2231 && np.base == base) return true;
    }
    return false;
  };
  std::string buf, bytes;
  std::vector<Section> secs;
  std::vector<std::string_view> done;  // RFC 2231 bases already emitted
  for (size_t k = 0; k < raw.size(); ++k) {
    const NameParts& np = parts[k];
    if (np.base.empty()) continue;
    buf.clear();
    if (!np.rfc2231) {
      if (has_2231(np.base)) continue;  // the RFC 2231 form of the same name wins
      const RawParam& p = raw[k];
      bool simple = (!p.quoted || p.value.find_first_of("\\\r\n") == std::string_view::npos) &&
                    is_ascii(p.value) && p.value.find("=?") == std::string_view::npos;
      std::string_view value;
      if (simple) {
        value = p.value;
      } else {
        std::string unq;
        append_unquoted(unq, p.value, p.quoted);
        if (np.base == "boundary") {
          buf = unq;
        } else {
          dec.append_decoded(buf, unq, fallback, flags);
        }
        value = arena.dup(buf);
      }
      // Empty values are dropped, except quoted ones (boundary="" is a boundary).
      if (!value.empty() || p.quoted) params.emplace_back(np.base, value);
      continue;
    }
    if (std::find(done.begin(), done.end(), np.base) != done.end()) continue;
    done.push_back(np.base);
    secs.clear();
    for (size_t m = k; m < raw.size(); ++m) {
      if (parts[m].rfc2231 && parts[m].base == np.base && parts[m].section <= kMaxSection) {
        secs.push_back(Section{parts[m].section, m, &raw[m], parts[m].extended});
      }
    }
    std::stable_sort(secs.begin(), secs.end(),
                     [](const Section& a, const Section& b) { return a.index < b.index; });
    std::string charset;
    bytes.clear();
    bool first = true;
    uint32_t last_index = UINT32_MAX;
    for (const Section& sec : secs) {
      if (sec.index == last_index) continue;  // duplicate section: keep the first
      last_index = sec.index;
      std::string v;
      append_unquoted(v, sec.p->value, sec.p->quoted);
      std::string_view rest = v;
      if (sec.extended) {
        if (first) {
          size_t q1 = rest.find('\'');
          if (q1 != std::string_view::npos) {
            charset.assign(rest.substr(0, q1));
            size_t q2 = rest.find('\'', q1 + 1);
            rest = rest.substr(q2 != std::string_view::npos ? q2 + 1 : q1 + 1);
          }
        } else if (!charset.empty() && rest.size() > charset.size() &&
                   istarts_with(rest, charset) && rest[charset.size()] == '\'') {
          rest = rest.substr(charset.size() + 1);  // a section repeating the charset prefix
        }
        core::append_percent_decoded(bytes, rest);
      } else {
        bytes.append(rest);
      }
      first = false;
    }
    if (charset.empty()) {
      dec.append_raw_text(buf, bytes, fallback, flags);
    } else {
      Converted c = dec.converter().convert_append(buf, bytes, charset);
      if (c.declared_unknown || c.had_errors) flags->broken_encoding = true;
    }
    if (!buf.empty()) params.emplace_back(np.base, arena.dup(buf));
  }
  return true;
}

}  // namespace mw::mime
