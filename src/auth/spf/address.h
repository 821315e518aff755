// IP addresses as SPF sees them (RFC 7208 sections 5.6 and 7.3).
//
// The client address of a check, the networks of `ip4:` / `ip6:` mechanisms and the
// addresses DNS returns for `a`, `mx` and `ptr` are all IpAddress values. An IPv4-mapped
// IPv6 client (::ffff:a.b.c.d) is an IPv4 client for SPF (RFC 7208 section 5, "ip4-mapped"):
// unmapped() turns it into one.
//
// Ownership: plain values. Loop affinity: none. Failure modes: the parsers return
// std::nullopt for anything that is not an address of the asked form; nothing throws.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mw::auth::spf {

struct IpAddress {
  int family = 0;                   // 4 or 6; 0 for "no address"
  std::array<uint8_t, 16> bytes{};  // network order; 4 bytes used for IPv4

  // Any textual IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1", "::ffff:192.0.2.1") address.
  // IPv4-mapped IPv6 text stays family 6; call unmapped() for SPF semantics.
  static std::optional<IpAddress> parse(std::string_view text);
  // From the 4 or 16 raw bytes a DNS A/AAAA record carries (family 4 or 6).
  static IpAddress from_bytes(int family, const uint8_t* data);

  bool is_v4() const { return family == 4; }
  bool is_v6() const { return family == 6; }
  bool is_v4_mapped() const;
  // The IPv4 address inside an IPv4-mapped IPv6 address; otherwise a copy of *this.
  IpAddress unmapped() const;

  // True when the first `prefix` bits of both addresses are equal and the families match.
  // REQUIRES: 0 <= prefix <= 32 (IPv4) or 128 (IPv6); larger values are clamped.
  bool in_network(const IpAddress& network, int prefix) const;

  // "192.0.2.1" / RFC 5952 text ("2001:db8::1"); empty for family 0.
  std::string to_string() const;
  // Dotted form used by the %{i} macro: "192.0.2.1", or 32 dot-separated upper-case
  // nibbles for IPv6 ("2.0.0.1.0.D.B.8...", as the RFC 7208 test suite expects).
  std::string to_dotted() const;
  // The reverse-lookup name: "1.2.0.192.in-addr.arpa" or "...8.b.d.0.1.0.0.2.ip6.arpa".
  std::string reverse_name() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.family == b.family && a.bytes == b.bytes;
  }
};

// `ip4-network` of RFC 7208 (dotted quad, each part 0..255 without leading zeros).
std::optional<IpAddress> parse_ip4_network(std::string_view text);
// `ip6-network` of RFC 7208 (RFC 4291 text, embedded IPv4 allowed).
std::optional<IpAddress> parse_ip6_network(std::string_view text);

}  // namespace mw::auth::spf
