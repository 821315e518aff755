// What host names and client addresses look like (for the HELO and Received rules, through
// the Lua module mailward_hostname): address literals, fully qualified names, names of
// dynamic (residential, dial-up, DHCP) address space, addresses no client can have.
//
// Pure functions over ASCII text; no allocation beyond the returned strings. Loop affinity:
// none. Failure modes: none (anything unexpected is "not an address", "not a name").
#pragma once

#include <string>
#include <string_view>

namespace mw::scan {

// The address inside "[192.0.2.1]", "[IPv6:2001:db8::1]" or a bare "192.0.2.1"; "" when `s`
// is not an address.
std::string_view ip_literal_of(std::string_view s);
// A dotted name (no empty labels, letters/digits/-/_ only, at most 253 bytes) whose last label
// is alphabetic (or IDNA "xn--"): not an address.
bool is_fqdn(std::string_view name);
// The name spells the IPv4 address `ip`: 3 or 4 of its octets as consecutive numbers in either
// order ("dsl-203-0-113-7", "7.113.0.203", "dsl092-072-213" for x.92.72.213), or all four as 8
// hex digits.
bool embeds_ip(std::string_view name, std::string_view ip);
// Why `name` looks like a dynamic/residential host ("ip-in-name", "keyword:dsl"), or "".
// Keywords (dsl, dyn, pool, dhcp, cable, ppp, client, customer, broadband ...) count only in
// the labels left of the last two and only when the name has digits.
std::string dynamic_reason(std::string_view name, std::string_view ip);
// An address no SMTP client can have: 0.0.0.0/8, 224.0.0.0/3 (multicast and reserved),
// ::, ff00::/8.
bool is_bogus_ip(std::string_view ip);
// A valid address that is private, loopback, link-local, CGN (100.64/10) or unique-local.
bool is_nonpublic_ip(std::string_view ip);

}  // namespace mw::scan
