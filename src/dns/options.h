// The `[options.dns]` configuration table and where the resolver's settings come from.
//
// Options (declared by declare_options, documented in the schema):
//   nameserver            ["127.0.0.1:5353", "[::1]:53"]; empty = use /etc/resolv.conf
//   timeout               "1s" per try
//   retransmits           2 tries in total (all servers together)
//   cache_size            4096 cached answers per worker (0 disables the cache)
//   max_ttl               "1d" cap on how long a positive answer is cached
//   max_negative_ttl      "10m" cap on how long NXDOMAIN/NODATA is cached
//   edns_payload          1232 bytes advertised in EDNS0 (0 = no EDNS)
//   max_lookups_per_task  64 lookups a single message may make (0 = no limit)
//
// Name server sources, first match wins:
//   1. the `--dns HOST:PORT` command-line override (a comma-separated list is accepted);
//   2. `nameserver` in the configuration;
//   3. `nameserver` lines of /etc/resolv.conf, whose `options timeout:N attempts:N` apply
//      unless the configuration sets timeout / retransmits itself (attempts counts rounds
//      over every server, as in glibc, so retransmits = attempts x servers, at most 20);
//   4. 127.0.0.1:53 (what the C library assumes without any name server line).
//
// Ownership: plain values. Loop affinity: none. config_from reads the resolv.conf file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "dns/resolver_config.h"

namespace mw::dns {

// Declare the `[options.dns]` options (explicit registry: the app calls this once).
void declare_options(core::Schema& schema);

// Build the resolver configuration from a loaded config (REQUIRES: its schema went through
// declare_options), the command-line override (empty when not given) and the system
// resolver file. Result on failure: kInvalidInput naming the bad name server or value
// (edns_payload between 1 and 511).
Result<ResolverConfig> config_from(const core::Config& cfg, std::string_view dns_override,
                                   const std::string& resolv_conf_path = "/etc/resolv.conf");

// What /etc/resolv.conf says (resolv.conf(5)); unknown lines and options are skipped.
struct ResolvConf {
  std::vector<std::string> nameservers;
  std::optional<double> timeout;  // options timeout:N (seconds)
  std::optional<int> attempts;    // options attempts:N
};
ResolvConf parse_resolv_conf(std::string_view text);

}  // namespace mw::dns
