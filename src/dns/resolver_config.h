// ResolverConfig: the settings of one UdpResolver (dns/udp_resolver.h), and the parser for
// name server addresses.
//
// The values normally come from `[options.dns]` through dns/options.h (config_from), which
// also reads /etc/resolv.conf and the `--dns HOST:PORT` override; tests build them directly.
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mw::dns {

// One name server: a numeric socket address (IPv4 or IPv6, with port).
struct Nameserver {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string text;  // "127.0.0.1:5353", "[::1]:53": for logs
};

// Parse "IP", "IP:PORT", "[IPv6]", "[IPv6]:PORT" or a bare IPv6 address ("::1", also with a
// "%scope" suffix). Names are not resolved: the address must be numeric.
// Result: the server; kInvalidInput naming the problem when the text is not an address or
// the port is not 1..65535.
Result<Nameserver> parse_nameserver(std::string_view text, uint16_t default_port = 53);

struct ResolverConfig {
  // Servers in order of preference. REQUIRES (UdpResolver::create): not empty.
  std::vector<Nameserver> nameservers;
  // Seconds to wait for one try (one server) before moving on to the next.
  double timeout = 1.0;
  // Tries in total across all servers (the first send included). At least 1.
  int retransmits = 2;
  // Entries in the answer cache (positive and negative); 0 disables caching.
  size_t cache_size = 4096;
  // Caps, in seconds, on how long positive and negative (NXDOMAIN/NODATA) answers are kept.
  uint32_t max_ttl = 86400;
  uint32_t max_negative_ttl = 600;
  // EDNS0 UDP payload size advertised in queries; 0 sends no OPT record.
  // Otherwise 512..65535 (1232 is the DNS Flag Day 2020 recommendation).
  uint16_t edns_payload = 1232;
  // Seconds a server is skipped after it refused a query at the socket level (nothing
  // listens) or let 3 tries in a row time out; while every server is skipped, lookups fail
  // at once with kNetError instead of waiting. 0 = never skip.
  double dead_time = 5.0;
  // Lookups a single task may start (BudgetResolver); 0 = unlimited. Not used by UdpResolver.
  uint32_t max_lookups_per_task = 64;
  // The public-DNS probe (dns/public_probe.h): a name that must exist ("" = no probe) and
  // how often it is asked for. Not used by UdpResolver.
  std::string probe_name = "com";
  double probe_interval = 300;
};

}  // namespace mw::dns
