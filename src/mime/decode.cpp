// Transfer decoders (see decode.h).
#include "mime/decode.h"

#include <array>
#include <cstring>

#include "mime/strutil.h"

namespace mw::mime {

namespace {

constexpr uint8_t kInvalid = 255;
constexpr uint8_t kSpace = 254;
constexpr uint8_t kPad = 253;

constexpr std::array<uint8_t, 256> make_base64_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<uint8_t>(i);
  t[' '] = t['\t'] = t['\r'] = t['\n'] = t['\f'] = t['\v'] = kSpace;
  t['='] = kPad;
  return t;
}
constexpr std::array<uint8_t, 256> kB64 = make_base64_table();

// True when the line starting at p holds only base64 characters (at least four of them),
// padding and trailing whitespace: the continuation of a per-line padded stream.
bool line_is_base64(const unsigned char* p, const unsigned char* e) {
  size_t alpha = 0;
  while (p < e && *p != '\n') {
    uint8_t t = kB64[*p];
    if (t < 64) {
      ++alpha;
    } else if (t != kPad && t != kSpace) {
      return false;
    }
    ++p;
  }
  return alpha >= 4;
}

}  // namespace

size_t base64_decode(std::string_view in, char* out, bool* bad) {
  auto p = reinterpret_cast<const unsigned char*>(in.data());
  auto e = p + in.size();
  char* o = out;
  uint32_t acc = 0;
  int n = 0;
  while (p < e) {
    if (n == 0) {
      while (e - p >= 4) {
        uint32_t a = kB64[p[0]], b = kB64[p[1]], c = kB64[p[2]], d = kB64[p[3]];
        if ((a | b | c | d) >= 64) break;
        uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
        o[0] = static_cast<char>(v >> 16);
        o[1] = static_cast<char>(v >> 8);
        o[2] = static_cast<char>(v);
        o += 3;
        p += 4;
      }
      if (p >= e) break;
    }
    uint8_t t = kB64[*p];
    if (t < 64) {
      acc = (acc << 6) | t;
      ++p;
      if (++n == 4) {
        o[0] = static_cast<char>(acc >> 16);
        o[1] = static_cast<char>(acc >> 8);
        o[2] = static_cast<char>(acc);
        o += 3;
        n = 0;
        acc = 0;
      }
      continue;
    }
    if (t == kSpace) {
      ++p;
      continue;
    }
    if (t == kPad) {
      if (n == 2) {
        *o++ = static_cast<char>(acc >> 4);
      } else if (n == 3) {
        *o++ = static_cast<char>(acc >> 10);
        *o++ = static_cast<char>(acc >> 2);
      } else {
        *bad = true;  // '=' where no padding can be
      }
      n = 0;
      acc = 0;
      ++p;
      while (p < e && (*p == '=' || *p == ' ' || *p == '\t' || *p == '\r')) ++p;
      if (p < e && *p == '\n') {
        ++p;
        if (line_is_base64(p, e)) continue;  // a per-line padded encoder: keep going
      }
      for (; p < e; ++p) {
        if (kB64[*p] != kSpace) {
          *bad = true;  // data after the end of the stream
          break;
        }
      }
      break;
    }
    *bad = true;  // not base64: skip it
    ++p;
  }
  if (n == 2) {
    *o++ = static_cast<char>(acc >> 4);
  } else if (n == 3) {
    *o++ = static_cast<char>(acc >> 10);
    *o++ = static_cast<char>(acc >> 2);
  } else if (n == 1) {
    *bad = true;  // six bits cannot make a byte
  }
  return static_cast<size_t>(o - out);
}

size_t qp_decode(std::string_view in, char* out, bool* bad) {
  const char* p = in.data();
  const char* e = p + in.size();
  char* o = out;
  char* ws_mark = nullptr;  // start of the literal whitespace run at the end of the output
  while (p < e) {
    char c = *p;
    if (c == '=') {
      ws_mark = nullptr;
      if (e - p >= 3) {
        int h = hex_value(p[1]), l = hex_value(p[2]);
        if (h >= 0 && l >= 0) {
          *o++ = static_cast<char>((h << 4) | l);
          p += 3;
          continue;
        }
      }
      const char* q = p + 1;
      while (q < e && is_wsp(*q)) ++q;
      if (q == e) {  // "=" at the very end: a soft break without its line break
        p = e;
        continue;
      }
      if (*q == '\n') {
        p = q + 1;
        continue;
      }
      if (*q == '\r' && q + 1 < e && q[1] == '\n') {
        p = q + 2;
        continue;
      }
      *bad = true;  // not an escape: keep the '=' as written
      *o++ = '=';
      ++p;
      continue;
    }
    if (c == '\n' || (c == '\r' && p + 1 < e && p[1] == '\n')) {
      if (ws_mark != nullptr) o = ws_mark;  // trailing whitespace was added in transport
      ws_mark = nullptr;
      if (c == '\r') *o++ = *p++;
      *o++ = *p++;
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (ws_mark == nullptr) ws_mark = o;
    } else {
      ws_mark = nullptr;
    }
    *o++ = c;
    ++p;
  }
  return static_cast<size_t>(o - out);
}

size_t q_word_decode(std::string_view in, char* out, bool* bad) {
  char* o = out;
  bool after_break = false;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\r' || c == '\n') {
      after_break = true;  // folding inside a broken encoded word: not content
      continue;
    }
    if (after_break && is_wsp(c)) continue;
    after_break = false;
    if (c == '_') {
      *o++ = ' ';
    } else if (c == '=') {
      int h = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
      int l = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
      if (h >= 0 && l >= 0) {
        *o++ = static_cast<char>((h << 4) | l);
        i += 2;
      } else {
        *bad = true;
        *o++ = '=';
      }
    } else {
      *o++ = c;
    }
  }
  return static_cast<size_t>(o - out);
}

// ---- uuencode ---------------------------------------------------------------------------------

namespace {

inline std::string_view line_at(std::string_view text, size_t pos, size_t* next) {
  *next = next_line(text, pos);
  std::string_view line = text.substr(pos, *next - pos);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// A uuencoded data line: the length character and enough (or nearly enough) characters.
bool is_uu_data_line(std::string_view line) {
  if (line.empty()) return false;
  unsigned char c0 = static_cast<unsigned char>(line[0]);
  if (c0 < 0x20 || c0 > 0x60) return false;
  size_t n = (c0 - 0x20) & 0x3F;
  size_t need = (n + 2) / 3 * 4;
  if (line.size() - 1 + 2 < need || line.size() - 1 > need + 8) return false;
  for (size_t i = 1; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c > 0x60) return false;
  }
  return true;
}

bool parse_begin_line(std::string_view line, std::string_view* name) {
  if (!line.starts_with("begin ")) return false;
  size_t i = 6;
  size_t digits = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '7') {
    ++i;
    ++digits;
  }
  if (digits < 3 || digits > 4 || i >= line.size() || line[i] != ' ') return false;
  *name = trim_fws(line.substr(i + 1));
  return true;
}

}  // namespace

bool find_uu_block(std::string_view text, size_t from, UuBlock* block) {
  size_t pos = from;
  while (pos < text.size()) {
    const void* found = memmem(text.data() + pos, text.size() - pos, "begin ", 6);
    if (found == nullptr) return false;
    size_t hit = static_cast<size_t>(static_cast<const char*>(found) - text.data());
    pos = hit + 6;
    if (hit != 0 && text[hit - 1] != '\n') continue;
    size_t next;
    std::string_view line = line_at(text, hit, &next);
    std::string_view name;
    if (!parse_begin_line(line, &name)) continue;
    size_t data = next;
    size_t p = data;
    size_t data_end = data;
    size_t lines = 0;
    bool closed = false;
    while (p < text.size()) {
      size_t n2;
      std::string_view l = line_at(text, p, &n2);
      if (l == "end") {
        closed = true;
        p = n2;
        break;
      }
      if (l == "`" || l == " " || l.empty()) {  // the zero-length terminator line
        if (l.empty() && lines == 0) break;
        data_end = n2;
        p = n2;
        continue;
      }
      if (!is_uu_data_line(l)) break;
      ++lines;
      data_end = n2;
      p = n2;
    }
    if (lines == 0) continue;
    block->begin = hit;
    block->data_begin = data;
    block->data_end = data_end;
    block->end = closed ? p : data_end;
    block->name = name;
    block->closed = closed;
    return true;
  }
  return false;
}

size_t uu_decode(std::string_view lines, char* out, bool* bad) {
  char* o = out;
  size_t pos = 0;
  while (pos < lines.size()) {
    size_t next;
    std::string_view l = line_at(lines, pos, &next);
    pos = next;
    if (l.empty()) continue;
    if (l.starts_with("begin ") || l == "end") continue;
    unsigned char c0 = static_cast<unsigned char>(l[0]);
    if (c0 < 0x20 || c0 > 0x60) {
      *bad = true;
      continue;
    }
    size_t n = (c0 - 0x20) & 0x3F;
    if (n == 0) continue;
    size_t avail = l.size() - 1;
    // Characters beyond the line (encoders that strip trailing spaces) count as zero.
    auto v = [&](size_t i) -> uint32_t {
      if (i >= avail) return 0;
      unsigned char c = static_cast<unsigned char>(l[1 + i]);
      if (c < 0x20 || c > 0x60) *bad = true;
      return (c - 0x20) & 0x3F;
    };
    if ((n + 2) / 3 * 4 > avail + 2) {  // far too short for its length character: skip it
      *bad = true;
      continue;
    }
    size_t written = 0;
    for (size_t g = 0; written < n; g += 4) {
      uint32_t x = (v(g) << 18) | (v(g + 1) << 12) | (v(g + 2) << 6) | v(g + 3);
      for (int k = 2; k >= 0 && written < n; --k) {
        *o++ = static_cast<char>(x >> (8 * k));
        ++written;
      }
    }
  }
  return static_cast<size_t>(o - out);
}

// ---- Content-Transfer-Encoding ------------------------------------------------------------------

TransferEncoding parse_transfer_encoding(std::string_view value) {
  // Keep the first token: letters, digits and '-' (comments and junk after it are ignored).
  std::string_view v = trim_fws(value);
  while (!v.empty() && v.front() == '(') {  // a leading comment
    size_t close = v.find(')');
    v = close == std::string_view::npos ? std::string_view() : trim_fws(v.substr(close + 1));
  }
  while (!v.empty() && v.front() == '"') v.remove_prefix(1);
  size_t n = 0;
  while (n < v.size() && (is_alpha(v[n]) || is_digit(v[n]) || v[n] == '-' || v[n] == '_')) ++n;
  std::string_view tok = v.substr(0, n);
  if (tok.empty()) return v.empty() ? TransferEncoding::k7bit : TransferEncoding::kUnknown;
  struct Name {
    std::string_view name;
    TransferEncoding enc;
  };
  static constexpr Name kNames[] = {
      {"7bit", TransferEncoding::k7bit},
      {"8bit", TransferEncoding::k8bit},
      {"binary", TransferEncoding::kBinary},
      {"base64", TransferEncoding::kBase64},
      {"quoted-printable", TransferEncoding::kQuotedPrintable},
      {"x-uuencode", TransferEncoding::kUuencode},
      {"uuencode", TransferEncoding::kUuencode},
      {"x-uue", TransferEncoding::kUuencode},
      {"uue", TransferEncoding::kUuencode},
      {"7-bit", TransferEncoding::k7bit},
      {"8-bit", TransferEncoding::k8bit},
      {"base-64", TransferEncoding::kBase64},
  };
  for (const auto& nm : kNames) {
    if (tok.size() == nm.name.size() && istarts_with(tok, nm.name)) return nm.enc;
  }
  return TransferEncoding::kUnknown;
}

namespace {

// Decode `in` with `decode` into the arena (room for `max_size` bytes); `bad` tells whether
// the input had errors.
std::string_view decode_into(core::Arena& arena, std::string_view in, size_t max_size,
                             size_t (*decode)(std::string_view, char*, bool*), bool& bad) {
  char* out = static_cast<char*>(arena.alloc(max_size, 1));
  return {out, decode(in, out, &bad)};
}

}  // namespace

std::string_view decode_body(core::Arena& arena, std::string_view raw, TransferEncoding enc,
                             AnomalySet& anomalies) {
  bool bad = false;
  if (raw.empty()) return raw;
  switch (enc) {
    case TransferEncoding::kBase64:
    case TransferEncoding::kQuotedPrintable: {
      const bool b64 = enc == TransferEncoding::kBase64;
      auto out = decode_into(arena, raw,
                             b64 ? base64_decoded_max(raw.size()) : qp_decoded_max(raw.size()),
                             b64 ? base64_decode : qp_decode, bad);
      if (bad) anomalies.set(b64 ? Anomaly::kBadBase64 : Anomaly::kBadQuotedPrintable);
      return out;
    }
    case TransferEncoding::kUuencode: {
      UuBlock block;
      std::string_view lines = raw;
      if (find_uu_block(raw, 0, &block)) {
        lines = raw.substr(block.data_begin, block.data_end - block.data_begin);
      }
      return decode_into(arena, lines, uu_decoded_max(lines.size()), uu_decode, bad);
    }
    case TransferEncoding::k7bit:
    case TransferEncoding::k8bit:
    case TransferEncoding::kBinary:
    case TransferEncoding::kUnknown:
      break;
  }
  return raw;
}

}  // namespace mw::mime
