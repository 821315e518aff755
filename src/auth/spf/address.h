// IP addresses as SPF sees them (RFC 7208 sections 5.6 and 7.3).
//
// The client address of a check, the networks of `ip4:` / `ip6:` mechanisms and the
// addresses DNS returns for `a`, `mx` and `ptr` are all IpAddress values (core/ip_address.h).
// An IPv4-mapped IPv6 client (::ffff:a.b.c.d) is an IPv4 client for SPF (RFC 7208 section 5,
// "ip4-mapped"): IpAddress::unmapped() turns it into one. Here: what only SPF needs.
//
// Ownership: plain values. Loop affinity: none. Failure modes: the parsers return
// std::nullopt for anything that is not an address of the asked form; nothing throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.h"

namespace mw::auth::spf {

using IpAddress = core::IpAddress;

// Dotted form used by the %{i} macro: "192.0.2.1", or 32 dot-separated upper-case nibbles for
// IPv6 ("2.0.0.1.0.D.B.8...", as the RFC 7208 test suite expects).
std::string to_dotted(const IpAddress& ip);

// `ip4-network` of RFC 7208 (dotted quad, each part 0..255 without leading zeros).
std::optional<IpAddress> parse_ip4_network(std::string_view text);
// `ip6-network` of RFC 7208 (RFC 4291 text, embedded IPv4 allowed).
std::optional<IpAddress> parse_ip6_network(std::string_view text);

}  // namespace mw::auth::spf
