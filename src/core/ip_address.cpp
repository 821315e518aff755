#include "core/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "core/ascii.h"

namespace mw::core {

namespace {

// Longest textual IPv6 address (RFC 4291 with an embedded IPv4 part) is 45 characters.
constexpr size_t kMaxAddressText = 63;

bool pton(int af, std::string_view text, uint8_t* out) {
  if (text.empty() || text.size() > kMaxAddressText) return false;
  // inet_pton stops at NUL: refuse embedded NULs explicitly.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return false;
  char buf[kMaxAddressText + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  return inet_pton(af, buf, out) == 1;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text, bool brackets) {
  if (brackets && text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
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

IpAddress IpAddress::masked(int prefix) const {
  IpAddress out = *this;
  if (family == 0) return out;
  const int max_bits = family == 4 ? 32 : 128;
  prefix = std::clamp(prefix, 0, max_bits);
  for (int i = 0; i < max_bits / 8; ++i) {
    int keep = prefix - i * 8;
    if (keep >= 8) continue;
    out.bytes[i] = keep <= 0 ? 0 : static_cast<uint8_t>(bytes[i] & (0xFF << (8 - keep)));
  }
  return out;
}

bool IpAddress::in_network(const IpAddress& network, int prefix) const {
  if (family == 0 || family != network.family) return false;
  return masked(prefix) == network.masked(prefix);
}

std::string IpAddress::to_string() const {
  if (family == 0) return {};
  char buf[INET6_ADDRSTRLEN];
  const char* s = inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return s != nullptr ? std::string(s) : std::string();
}

std::string IpAddress::reversed_labels() const {
  std::string out;
  if (family == 4) {
    for (int i = 3; i >= 0; --i) {
      out += std::to_string(bytes[i]);
      if (i > 0) out.push_back('.');
    }
  } else if (family == 6) {
    out.reserve(63);
    for (int i = 15; i >= 0; --i) {
      out.push_back(hex_digit(bytes[i] & 0xf));
      out.push_back('.');
      out.push_back(hex_digit(bytes[i] >> 4));
      if (i > 0) out.push_back('.');
    }
  }
  return out;
}

std::string IpAddress::reverse_name() const {
  if (family == 0) return {};
  return reversed_labels() + (family == 4 ? ".in-addr.arpa" : ".ip6.arpa");
}

}  // namespace mw::core
