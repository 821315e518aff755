#include "auth/spf/address.h"

#include "core/ascii.h"

namespace mw::auth::spf {

std::string to_dotted(const IpAddress& ip) {
  if (!ip.is_v6()) return ip.to_string();
  std::string out;
  out.reserve(63);
  for (int i = 0; i < 16; ++i) {
    if (i != 0) out.push_back('.');
    out.push_back(core::hex_digit(ip.bytes[i] >> 4, /*upper=*/true));
    out.push_back('.');
    out.push_back(core::hex_digit(ip.bytes[i] & 0xf, /*upper=*/true));
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
  auto ip = IpAddress::parse(text);
  if (!ip || !ip->is_v6()) return std::nullopt;
  return ip;
}

}  // namespace mw::auth::spf
