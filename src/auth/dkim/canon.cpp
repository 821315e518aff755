#include "auth/dkim/canon.h"

#include <unordered_map>

#include "auth/dkim/text.h"

namespace mw::auth::dkim {

namespace {

// Remove one final line break (CRLF or LF).
std::string_view strip_final_break(std::string_view s) {
  if (!s.empty() && s.back() == '\n') {
    s.remove_suffix(1);
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  }
  return s;
}

// Simple: copy, turning each bare LF into CRLF.
void append_simple(std::string_view s, std::string& out) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) {
      out.append(s.data() + start, i - start);
      out += "\r\n";
      start = i + 1;
    }
  }
  out.append(s.data() + start, s.size() - start);
}

// Relaxed header value: unfold (drop CRLF / LF), WSP runs to one SP, trim both ends.
void append_relaxed_value(std::string_view v, std::string& out) {
  bool pending_space = false;
  bool started = false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '\r' && i + 1 < v.size() && v[i + 1] == '\n') continue;  // line break: unfold
    if (c == '\n') continue;
    if (is_wsp(c)) {
      pending_space = started;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    started = true;
    out.push_back(c);
  }
}

// Relaxed form of a field given as (name part, value part) text.
void append_relaxed(std::string_view field, std::string& out) {
  size_t colon = field.find(':');
  if (colon == std::string_view::npos) {
    // Not a field (cannot be selected by name); keep a deterministic form anyway.
    append_relaxed_value(field, out);
    return;
  }
  // A valid name has no whitespace; for malformed fields (never selected by h=) the name
  // is unfolded like a value so that the output stays one line.
  std::string name;
  append_relaxed_value(field.substr(0, colon), name);
  for (char c : name) out.push_back(to_lower(c));
  out.push_back(':');
  append_relaxed_value(field.substr(colon + 1), out);
}

}  // namespace

std::string_view canon_name(Canon c) { return c == Canon::kSimple ? "simple" : "relaxed"; }

void canon_header(Canon c, std::string_view raw_field, std::string& out) {
  std::string_view f = strip_final_break(raw_field);
  if (c == Canon::kSimple) {
    append_simple(f, out);
  } else {
    append_relaxed(f, out);
  }
  out += "\r\n";
}

void canon_signature_header(Canon c, std::string_view raw_field, size_t b_begin, size_t b_end,
                            std::string& out) {
  std::string stripped;
  if (b_begin <= b_end && b_end <= raw_field.size()) {
    stripped.reserve(raw_field.size());
    stripped.append(raw_field.substr(0, b_begin));
    stripped.append(raw_field.substr(b_end));
  } else {
    stripped.assign(raw_field);
  }
  std::string_view f = strip_final_break(stripped);
  if (c == Canon::kSimple) {
    append_simple(f, out);
  } else {
    append_relaxed(f, out);
  }
}

void canon_body(Canon c, std::string_view body, ByteSink& sink) {
  static constexpr std::string_view kCrlf = "\r\n";
  size_t pending_empty = 0;  // empty lines seen but not written (they may be trailing)
  bool wrote_any = false;
  std::string line;  // relaxed scratch
  size_t pos = 0;
  const size_t n = body.size();
  while (pos < n) {
    size_t nl = body.find('\n', pos);
    size_t end = nl == std::string_view::npos ? n : nl;
    std::string_view content = body.substr(pos, end - pos);
    if (nl != std::string_view::npos && !content.empty() && content.back() == '\r') {
      content.remove_suffix(1);
    }
    pos = nl == std::string_view::npos ? n : nl + 1;

    if (c == Canon::kRelaxed) {
      line.clear();
      bool pending_space = false;
      for (char ch : content) {
        if (is_wsp(ch)) {
          pending_space = true;
          continue;
        }
        if (pending_space) line.push_back(' ');
        pending_space = false;
        line.push_back(ch);
      }
      // Leading WSP became one SP above; trailing WSP is dropped (pending_space unused).
      content = line;
    }
    if (content.empty()) {
      ++pending_empty;
      continue;
    }
    for (; pending_empty > 0; --pending_empty) sink.write(kCrlf);
    sink.write(content);
    sink.write(kCrlf);
    wrote_any = true;
  }
  if (c == Canon::kSimple && !wrote_any) sink.write(kCrlf);
}

std::vector<size_t> select_headers(const std::vector<HeaderField>& headers,
                                   const std::vector<std::string>& names) {
  std::vector<size_t> selected;
  if (names.empty()) return selected;
  // Index every field by lower-cased name, bottom-up, once: hostile h= lists with many
  // names then cost O(fields + names), not O(fields * names).
  struct Cursor {
    std::vector<size_t> bottom_up;
    size_t taken = 0;
  };
  std::unordered_map<std::string, Cursor> by_name;
  for (size_t i = headers.size(); i-- > 0;) {
    if (headers[i].name.empty()) continue;
    by_name[to_lower(headers[i].name)].bottom_up.push_back(i);
  }
  for (const auto& wanted : names) {
    if (wanted.empty()) continue;
    auto it = by_name.find(to_lower(wanted));
    if (it == by_name.end()) continue;
    Cursor& cur = it->second;
    if (cur.taken < cur.bottom_up.size()) selected.push_back(cur.bottom_up[cur.taken++]);
  }
  return selected;
}

}  // namespace mw::auth::dkim
