// URL syntax helpers. See url_parse.h.
#include "mime/url_parse.h"

#include <arpa/inet.h>

#include <cstring>

#include "core/ascii.h"
#include "mime/html_entities.h"

namespace mw::mime::detail {
namespace {

using core::is_alpha;
using core::is_digit;


bool scheme_char(unsigned char c) {
  return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
}

// Parses one IPv4 part; false when it is not a number in its radix. Values saturate at
// 2^32 so that huge parts are rejected by the range checks.
bool ipv4_number(std::string_view part, uint64_t& value, bool& unusual) {
  if (part.empty()) return false;
  unsigned radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    radix = 16;
    part.remove_prefix(2);
    unusual = true;
  } else if (part.size() >= 2 && part[0] == '0') {
    radix = 8;
    part.remove_prefix(1);
    unusual = true;
  }
  uint64_t v = 0;
  for (char ch : part) {
    int d = core::hex_value(ch);
    if (d < 0 || static_cast<unsigned>(d) >= radix) return false;
    v = v * radix + static_cast<unsigned>(d);
    if (v > 0xFFFFFFFFull) v = 0x100000000ull;  // saturate
  }
  value = v;
  return true;
}

// "Ends in a number" (URL Standard 3.5): the last label, ignoring one trailing empty
// label, is all digits or "0x" followed by hex digits.
bool ends_in_number(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  size_t dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  bool all_digits = true;
  for (char c : last) all_digits = all_digits && is_digit(static_cast<unsigned char>(c));
  if (all_digits) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    for (char c : last.substr(2)) {
      if (core::hex_value(c) < 0) return false;
    }
    return true;
  }
  return false;
}

}  // namespace

bool is_special_scheme(std::string_view s) {
  return s == "http" || s == "https" || s == "ftp" || s == "ws" || s == "wss";
}

bool split_url(std::string_view s, UrlParts& out) {
  out = UrlParts{};
  size_t i = 0;
  if (!s.empty() && is_alpha(static_cast<unsigned char>(s[0]))) {
    size_t j = 1;
    bool dotted = false;
    while (j < s.size() && scheme_char(static_cast<unsigned char>(s[j]))) {
      dotted = dotted || s[j] == '.';
      ++j;
    }
    if (j < s.size() && s[j] == ':' && !dotted) {
      out.scheme = s.substr(0, j);
      i = j + 1;
    }
  }
  std::string_view rest = s.substr(i);
  if (!out.scheme.empty()) {
    out.special = is_special_scheme(core::to_lower(out.scheme));
    if (out.special) {
      while (!rest.empty() && (rest[0] == '/' || rest[0] == '\\')) rest.remove_prefix(1);
    } else if (rest.size() >= 2 && rest[0] == '/' && rest[1] == '/') {
      rest.remove_prefix(2);
    } else {
      return false;  // opaque: mailto:, javascript:, data:, tel:, ...
    }
  } else {
    out.special = true;
    if (rest.size() >= 2 && (rest[0] == '/' || rest[0] == '\\') &&
        (rest[1] == '/' || rest[1] == '\\')) {
      out.protocol_relative = true;
      while (!rest.empty() && (rest[0] == '/' || rest[0] == '\\')) rest.remove_prefix(1);
    } else if (rest.empty() || rest[0] == '/' || rest[0] == '\\' || rest[0] == '?' ||
               rest[0] == '#') {
      return false;  // relative reference
    }
  }

  // Authority: up to the first '/', '?', '#' (and '\' in special schemes).
  size_t auth_end = 0;
  while (auth_end < rest.size()) {
    char c = rest[auth_end];
    if (c == '/' || c == '?' || c == '#' || (c == '\\' && out.special)) break;
    ++auth_end;
  }
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view tail = rest.substr(auth_end);

  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    out.has_userinfo = true;
    out.userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
  }
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return false;
    out.host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      out.has_port = true;
      out.port = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      out.has_port = true;
      out.port = authority.substr(colon + 1);
    }
  }

  size_t q = tail.find_first_of("?#");
  out.path = tail.substr(0, q);
  if (q != std::string_view::npos && tail[q] == '?') {
    tail.remove_prefix(q + 1);
    size_t h = tail.find('#');
    out.has_query = true;
    out.query = tail.substr(0, h);
    if (h != std::string_view::npos) {
      out.has_fragment = true;
      out.fragment = tail.substr(h + 1);
    }
  } else if (q != std::string_view::npos) {
    out.has_fragment = true;
    out.fragment = tail.substr(q + 1);
  }
  return true;
}

Ipv4Form parse_ipv4(std::string_view host, uint32_t& addr) {
  if (!ends_in_number(host)) return Ipv4Form::kNotNumeric;
  bool unusual = false;
  if (!host.empty() && host.back() == '.') {
    host.remove_suffix(1);
    unusual = true;
  }
  uint64_t parts[4];
  size_t n = 0;
  while (true) {
    size_t dot = host.find('.');
    std::string_view part = host.substr(0, dot);
    if (n == 4) return Ipv4Form::kInvalid;
    if (!ipv4_number(part, parts[n], unusual)) return Ipv4Form::kInvalid;
    ++n;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  if (n != 4) unusual = true;
  for (size_t k = 0; k + 1 < n; ++k) {
    if (parts[k] > 255) return Ipv4Form::kInvalid;
  }
  uint64_t last_limit = 1ull << (8 * (5 - n));
  if (parts[n - 1] >= last_limit) return Ipv4Form::kInvalid;
  uint64_t v = parts[n - 1];
  for (size_t k = 0; k + 1 < n; ++k) v += parts[k] << (8 * (3 - k));
  addr = static_cast<uint32_t>(v);
  return unusual ? Ipv4Form::kUnusual : Ipv4Form::kCanonical;
}

std::string format_ipv4(uint32_t addr) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) {
    s += std::to_string((addr >> shift) & 0xFF);
    if (shift != 0) s.push_back('.');
  }
  return s;
}

bool normalize_ipv6(std::string_view text, std::string& out) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof(buf)) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  unsigned char addr[16];
  if (inet_pton(AF_INET6, buf, addr) != 1) return false;
  char str[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, addr, str, sizeof(str)) == nullptr) return false;
  out.assign(str);
  return true;
}

bool has_percent_escape(std::string_view s) {
  for (size_t i = s.find('%'); i != std::string_view::npos; i = s.find('%', i + 1)) {
    if (i + 2 < s.size() &&
        core::hex_value(s[i + 1]) >= 0 &&
        core::hex_value(s[i + 2]) >= 0) {
      return true;
    }
  }
  return false;
}

void percent_encode_unsafe(std::string_view in, std::string& out) {
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '`') {
      out.push_back('%');
      core::append_hex(out, c, /*upper=*/true);
    } else {
      out.push_back(ch);
    }
  }
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t n = utf8_sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace mw::mime::detail
