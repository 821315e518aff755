// RFC 2047 encoded words and header text normalisation (see rfc2047.h).
#include "mime/rfc2047.h"

#include <cstring>

#include "mime/decode.h"
#include "mime/strutil.h"

namespace mw::mime {

namespace {

constexpr size_t kMaxCharsetLength = 75;  // RFC 2047 caps a whole word at 75 characters

inline bool charset_char(char c) {
  return c > 0x20 && c < 0x7F && c != '?' && c != '"' && c != '(' && c != ')';
}

// If an encoded-word introducer "=?charset?E?" starts at t[j], returns the index of its first
// payload byte and fills charset/encoding; returns 0 otherwise.
size_t word_start(std::string_view t, size_t j, std::string_view* charset, char* enc) {
  if (j + 1 >= t.size() || t[j] != '=' || t[j + 1] != '?') return 0;
  size_t cs = j + 2, k = cs;
  while (k < t.size() && k - cs <= kMaxCharsetLength && charset_char(t[k])) ++k;
  if (k == cs || k - cs > kMaxCharsetLength || k + 2 >= t.size() || t[k] != '?') return 0;
  char e = t[k + 1];
  if (e != 'B' && e != 'b' && e != 'Q' && e != 'q') return 0;
  if (t[k + 2] != '?') return 0;
  std::string_view name = t.substr(cs, k - cs);
  size_t star = name.find('*');  // RFC 2231 language suffix: "US-ASCII*EN"
  if (star != std::string_view::npos) name = name.substr(0, star);
  if (name.empty()) return 0;
  *charset = name;
  *enc = static_cast<char>(e & ~0x20);
  return k + 3;
}

struct Word {
  std::string_view charset;
  char enc = 'Q';
  std::string_view payload;
  size_t end = 0;
  bool broken = false;
};

// Parses an encoded word at t[j]. The payload ends at "?="; when that is missing (or another
// word starts first) the word is broken and ends at the first blank not left by folding.
bool parse_word(std::string_view t, size_t j, Word* w) {
  size_t p = word_start(t, j, &w->charset, &w->enc);
  if (p == 0) return false;
  size_t n = t.size();
  size_t first_ws = std::string_view::npos;
  bool after_break = false;
  size_t stop = n;
  for (size_t i = p; i < n; ++i) {
    char c = t[i];
    if (c == '?' && i + 1 < n && t[i + 1] == '=') {
      w->payload = t.substr(p, i - p);
      w->end = i + 2;
      w->broken = false;
      return true;
    }
    if (c == '=' && i + 1 < n && t[i + 1] == '?') {
      std::string_view cs;
      char e;
      if (word_start(t, i, &cs, &e) != 0) {
        stop = i;
        break;
      }
    }
    if (c == '\r' || c == '\n') {
      after_break = true;
    } else if (is_wsp(c)) {
      if (!after_break && first_ws == std::string_view::npos) first_ws = i;
    } else {
      after_break = false;
    }
  }
  size_t end = first_ws < stop ? first_ws : stop;
  w->payload = t.substr(p, end - p);
  w->end = end;
  w->broken = true;
  return true;
}

bool all_fws(std::string_view s) {
  for (char c : s) {
    if (!is_fws(c)) return false;
  }
  return true;
}

}  // namespace

void HeaderDecoder::append_raw_text(std::string& out, std::string_view bytes,
                                    std::string_view fallback, TextFlags* flags) {
  if (bytes.empty()) return;
  if (is_ascii(bytes)) {
    out.append(bytes);
    return;
  }
  flags->eight_bit = true;
  if (is_valid_utf8(bytes)) {
    out.append(bytes);
    return;
  }
  if (fallback.empty()) {
    conv_.to_utf8_append(out, bytes, {});
  } else {
    conv_.convert_append(out, bytes, fallback);
  }
}

void HeaderDecoder::append_literal(std::string& out, std::string_view seg,
                                   std::string_view fallback, bool unfold, TextFlags* flags) {
  if (seg.empty()) return;
  if (!unfold || (!contains_byte(seg, '\n') && !contains_byte(seg, '\r'))) {
    append_raw_text(out, seg, fallback, flags);
    return;
  }
  // A line break and the blanks on both sides of it become one space.
  literal_.clear();
  size_t i = 0;
  while (i < seg.size()) {
    char c = seg[i];
    if (c == '\r' || c == '\n') {
      while (!literal_.empty() && is_wsp(literal_.back())) literal_.pop_back();
      while (i < seg.size() && is_fws(seg[i])) ++i;
      literal_.push_back(' ');
      continue;
    }
    literal_.push_back(c);
    ++i;
  }
  append_raw_text(out, literal_, fallback, flags);
}

void HeaderDecoder::flush_pending(std::string& out, TextFlags* flags) {
  if (pending_charset_.empty()) return;
  if (!pending_.empty()) {
    Converted c = conv_.convert_append(out, pending_, pending_charset_);
    if (c.declared_unknown || c.had_errors) flags->broken_encoding = true;
  }
  pending_.clear();
  pending_charset_.clear();
}

void HeaderDecoder::decode_into(std::string& out, std::string_view text, std::string_view fallback,
                                bool unfold, TextFlags* flags) {
  pending_.clear();
  pending_charset_.clear();
  size_t lit = 0, i = 0;
  bool prev_word = false;
  while (i < text.size()) {
    size_t j = text.find("=?", i);
    if (j == std::string_view::npos) break;
    Word w;
    if (!parse_word(text, j, &w)) {
      i = j + 1;
      continue;
    }
    std::string_view seg = text.substr(lit, j - lit);
    if (!(prev_word && all_fws(seg))) {  // blanks between adjacent words are not content
      flush_pending(out, flags);
      append_literal(out, seg, fallback, unfold, flags);
    }
    flags->had_encoded_words = true;
    if (w.broken) flags->broken_encoding = true;
    bool same =
        pending_charset_.size() == w.charset.size() && istarts_with(pending_charset_, w.charset);
    if (!same) {
      flush_pending(out, flags);
      pending_charset_.assign(w.charset);
    }
    size_t old = pending_.size();
    bool bad = false;
    if (w.enc == 'B') {
      pending_.resize(old + base64_decoded_max(w.payload.size()));
      size_t n = base64_decode(w.payload, pending_.data() + old, &bad);
      pending_.resize(old + n);
    } else {
      pending_.resize(old + w.payload.size());
      size_t n = q_word_decode(w.payload, pending_.data() + old, &bad);
      pending_.resize(old + n);
    }
    if (bad) flags->broken_encoding = true;
    prev_word = true;
    lit = i = w.end;
  }
  flush_pending(out, flags);
  append_literal(out, text.substr(lit), fallback, unfold, flags);
}

void HeaderDecoder::append_decoded(std::string& out, std::string_view text,
                                   std::string_view fallback, TextFlags* flags) {
  if (text.find("=?") == std::string_view::npos) {
    append_raw_text(out, text, fallback, flags);
    return;
  }
  decode_into(out, text, fallback, /*unfold=*/false, flags);
}

std::string_view HeaderDecoder::unstructured(core::Arena& arena, std::string_view raw,
                                             std::string_view fallback, TextFlags* flags) {
  if (raw.find("=?") == std::string_view::npos && !contains_byte(raw, '\n') &&
      !contains_byte(raw, '\r')) {
    std::string_view v = trim_fws(raw);
    if (is_ascii(v)) return v;
    if (is_valid_utf8(v)) {
      flags->eight_bit = true;
      return v;
    }
  }
  work_.clear();
  decode_into(work_, raw, fallback, /*unfold=*/true, flags);
  std::string_view v = trim_fws(work_);
  std::string_view result = arena.dup(v);
  if (work_.capacity() > (1u << 20)) std::string().swap(work_);
  return result;
}

}  // namespace mw::mime
