#include "auth/dkim/text.h"

#include <array>

#include "auth/dkim/message.h"

namespace mw::auth::dkim {

namespace {

constexpr char kB64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_b64_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i)
    t[static_cast<unsigned char>(kB64Alphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kB64Table = make_b64_table();

bool is_let_dig(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

bool valid_labels(std::string_view name, int min_labels, bool allow_underscore) {
  if (name.empty() || name.size() > 253) return false;
  int labels = 0;
  bool ok = core::each_field(name, '.', [&](std::string_view label) {
    if (label.empty() || label.size() > 63) return false;
    for (size_t i = 0; i < label.size(); ++i) {
      auto c = static_cast<unsigned char>(label[i]);
      if (is_let_dig(c)) continue;
      if (allow_underscore && c == '_') continue;
      // Hyphens only inside a label (RFC 5321 sub-domain = Let-dig [Ldh-str]).
      if (c == '-' && i > 0 && i + 1 < label.size()) continue;
      return false;
    }
    ++labels;
    return true;
  });
  return ok && labels >= min_labels;
}

}  // namespace

Result<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  size_t chars = 0;  // alphabet characters seen
  size_t pads = 0;
  for (char ch : text) {
    if (is_fws(ch)) continue;
    if (ch == '=') {
      ++pads;
      if (pads > 2) return fail(ErrorCode::kInvalidInput, "too much base64 padding");
      continue;
    }
    if (pads > 0) return fail(ErrorCode::kInvalidInput, "base64 data after padding");
    int8_t v = kB64Table[static_cast<unsigned char>(ch)];
    if (v < 0) return fail(ErrorCode::kInvalidInput, "character outside the base64 alphabet");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    ++chars;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  size_t rem = chars % 4;
  if (rem == 1) return fail(ErrorCode::kInvalidInput, "truncated base64 data");
  if (pads > 0 && (rem + pads) % 4 != 0) {
    return fail(ErrorCode::kInvalidInput, "wrong base64 padding");
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kB64Alphabet[(v >> 18) & 63]);
    out.push_back(kB64Alphabet[(v >> 12) & 63]);
    out.push_back(kB64Alphabet[(v >> 6) & 63]);
    out.push_back(kB64Alphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = byte(i) << 16;
    out.push_back(kB64Alphabet[(v >> 18) & 63]);
    out.push_back(kB64Alphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kB64Alphabet[(v >> 18) & 63]);
    out.push_back(kB64Alphabet[(v >> 12) & 63]);
    out.push_back(kB64Alphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> dkim_qp_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (is_fws(c)) continue;
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= text.size()) {
      return fail(ErrorCode::kInvalidInput, "truncated quoted-printable escape");
    }
    int hi = core::hex_value(text[i + 1]);
    int lo = core::hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return fail(ErrorCode::kInvalidInput, "bad quoted-printable escape");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool is_valid_domain(std::string_view name, int min_labels) {
  return valid_labels(name, min_labels, false);
}

bool is_valid_selector(std::string_view name) { return valid_labels(name, 1, true); }

bool parse_decimal(std::string_view text, size_t max_digits, uint64_t& out) {
  if (text.empty() || text.size() > max_digits || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

}  // namespace mw::auth::dkim
