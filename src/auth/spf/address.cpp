#include "auth/spf/address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace mw::auth::spf {

namespace {

// Longest textual IPv6 address (RFC 4291 with an embedded IPv4 part) is 45 characters.
constexpr size_t kMaxAddressText = 63;

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";

bool pton(int af, std::string_view text, uint8_t* out) {
  if (text.empty() || text.size() > kMaxAddressText) return false;
  char buf[kMaxAddressText + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  // inet_pton stops at NUL: refuse embedded NULs explicitly.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return false;
  return inet_pton(af, buf, out) == 1;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  IpAddress ip;
  if (pton(AF_INET, text, ip.bytes.data())) {
    ip.family = 4;
    return ip;
  }
  if (pton(AF_INET6, text, ip.bytes.data())) {
    ip.family = 6;
    return ip;
  }
  return std::nullopt;
}

IpAddress IpAddress::from_bytes(int family, const uint8_t* data) {
  IpAddress ip;
  ip.family = family == 4 ? 4 : 6;
  std::memcpy(ip.bytes.data(), data, ip.family == 4 ? 4 : 16);
  return ip;
}

bool IpAddress::is_v4_mapped() const {
  if (family != 6) return false;
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

IpAddress IpAddress::unmapped() const {
  if (!is_v4_mapped()) return *this;
  IpAddress v4;
  v4.family = 4;
  std::memcpy(v4.bytes.data(), bytes.data() + 12, 4);
  return v4;
}

bool IpAddress::in_network(const IpAddress& network, int prefix) const {
  if (family == 0 || family != network.family) return false;
  int max_bits = family == 4 ? 32 : 128;
  prefix = std::clamp(prefix, 0, max_bits);
  int full = prefix / 8;
  if (std::memcmp(bytes.data(), network.bytes.data(), static_cast<size_t>(full)) != 0) {
    return false;
  }
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (network.bytes[full] & mask);
}

std::string IpAddress::to_string() const {
  if (family == 0) return {};
  char buf[INET6_ADDRSTRLEN];
  const char* s = inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return s != nullptr ? std::string(s) : std::string();
}

std::string IpAddress::to_dotted() const {
  if (family != 6) return to_string();
  std::string out;
  out.reserve(63);
  for (int i = 0; i < 16; ++i) {
    if (i != 0) out.push_back('.');
    out.push_back(kHexUpper[bytes[i] >> 4]);
    out.push_back('.');
    out.push_back(kHexUpper[bytes[i] & 0xf]);
  }
  return out;
}

std::string IpAddress::reverse_name() const {
  std::string out;
  if (family == 4) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string(bytes[i]);
      out.push_back('.');
    }
    out += "in-addr.arpa";
  } else if (family == 6) {
    out.reserve(72);
    for (int i = 15; i >= 0; --i) {
      out.push_back(kHexLower[bytes[i] & 0xf]);
      out.push_back('.');
      out.push_back(kHexLower[bytes[i] >> 4]);
      out.push_back('.');
    }
    out += "ip6.arpa";
  }
  return out;
}

std::optional<IpAddress> parse_ip4_network(std::string_view text) {
  // ip4-network = qnum "." qnum "." qnum "." qnum; qnum = 0..255 without leading zeros.
  IpAddress ip;
  ip.family = 4;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    size_t start = pos;
    int value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < 3) {
      value = value * 10 + (text[pos] - '0');
      ++pos;
    }
    size_t digits = pos - start;
    if (digits == 0 || value > 255) return std::nullopt;
    if (digits > 1 && text[start] == '0') return std::nullopt;
    ip.bytes[part] = static_cast<uint8_t>(value);
  }
  if (pos != text.size()) return std::nullopt;
  return ip;
}

std::optional<IpAddress> parse_ip6_network(std::string_view text) {
  IpAddress ip;
  if (!pton(AF_INET6, text, ip.bytes.data())) return std::nullopt;
  ip.family = 6;
  return ip;
}

}  // namespace mw::auth::spf
