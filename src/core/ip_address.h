// IpAddress: an IPv4 or IPv6 address as a value (the SMTP client, a network of settings or
// SPF, an A/AAAA answer, a Lua rule's IP object).
//
// IPv4-mapped IPv6 text (::ffff:192.0.2.1) parses as family 6; unmapped() gives the IPv4
// address that callers who treat it as IPv4 (SPF, settings networks) compare with.
//
// Ownership: plain values. Loop affinity: none. Failure modes: parse() returns std::nullopt
// for anything that is not an address (no exceptions, no partial results).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mw::core {

struct IpAddress {
  int family = 0;                   // 4 or 6; 0 for "no address"
  std::array<uint8_t, 16> bytes{};  // network order; 4 bytes used for IPv4

  // Any textual IPv4 ("192.0.2.1") or IPv6 ("2001:db8::1", "::ffff:192.0.2.1") address, at
  // most 63 characters, no embedded NUL. With `brackets`, "[2001:db8::1]" is accepted too.
  static std::optional<IpAddress> parse(std::string_view text, bool brackets = false);
  // From the 4 or 16 raw bytes a DNS A/AAAA record carries (family 4 or 6).
  static IpAddress from_bytes(int family, const uint8_t* data);

  bool valid() const { return family != 0; }
  bool is_v4() const { return family == 4; }
  bool is_v6() const { return family == 6; }
  bool is_v4_mapped() const;
  // The IPv4 address inside an IPv4-mapped IPv6 address; otherwise a copy of *this.
  IpAddress unmapped() const;
  // The first `prefix` bits kept, the rest zero (prefix clamped to 0..32 or 0..128).
  IpAddress masked(int prefix) const;

  // True when the first `prefix` bits of both addresses are equal and the families match
  // (prefix clamped as in masked()).
  bool in_network(const IpAddress& network, int prefix) const;

  // "192.0.2.1" / RFC 5952 text ("2001:db8::1"); empty for family 0.
  std::string to_string() const;
  // The labels of the reverse-lookup name without its zone: "1.2.0.192" or 32 lower-case
  // nibbles "1.0.0.0....8.b.d.0.1.0.0.2" (DNSBL queries use this form).
  std::string reversed_labels() const;
  // The reverse-lookup name: "1.2.0.192.in-addr.arpa" or "...8.b.d.0.1.0.0.2.ip6.arpa".
  std::string reverse_name() const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.family == b.family && a.bytes == b.bytes;
  }
};

}  // namespace mw::core
