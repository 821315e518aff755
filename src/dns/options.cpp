#include "dns/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/ascii.h"
#include "core/option_table.h"

namespace mw::dns {

namespace {

constexpr char kPrefix[] = "options.dns";
constexpr char kNameserver[] = "nameserver";
constexpr char kTimeout[] = "timeout";
constexpr char kRetransmits[] = "retransmits";
constexpr char kMaxTtl[] = "max_ttl";
constexpr char kMaxNegativeTtl[] = "max_negative_ttl";

constexpr int kMaxRetransmits = 20;
// glibc's caps on resolv.conf options (resolv.conf(5): RES_MAXRETRANS 30, RES_MAXRETRY 5).
constexpr int kResolvMaxTimeout = 30;
constexpr int kResolvMaxAttempts = 5;

// Split on blanks.
std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && core::is_wsp(line[i])) ++i;
    size_t start = i;
    while (i < line.size() && !core::is_wsp(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

uint32_t to_seconds(double d) {
  if (!(d > 0)) return 0;
  return d >= 4294967295.0 ? UINT32_MAX : static_cast<uint32_t>(std::llround(d));
}

Status add_servers(std::string_view list, std::vector<Nameserver>& out) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    auto ns = parse_nameserver(list.substr(start, comma - start));
    if (!ns) return fail(ns.error());
    out.push_back(std::move(*ns));
    start = comma + 1;
  }
  return {};
}

using Rc = ResolverConfig;

// Rows with a null reader are read by config_from (name servers, TTLs in whole seconds).
core::OptionTable<Rc> table() {
  using core::OptType;
  return {kPrefix, "DNS resolver used by SPF, DKIM, DMARC, ARC and Lua rules", {
      {nullptr,
       {kNameserver, OptType::kStringList, "[]",
        "Recursive name servers, \"IP\", \"IP:PORT\" or \"[IPv6]:PORT\", in order of "
        "preference. Empty: the nameserver lines of /etc/resolv.conf"}},
      {&Rc::timeout,
       {kTimeout, OptType::kDuration, "\"1s\"",
        "How long to wait for one server to answer before trying the next", 0.001, 60}},
      {&Rc::retransmits,
       {kRetransmits, OptType::kInt, "2",
        "Tries per lookup in total, across all servers (the first send included)", 1,
        kMaxRetransmits}},
      {&Rc::dead_time,
       {"dead_time", OptType::kDuration, "\"5s\"",
        "How long a server that refuses queries or stops answering (3 timeouts in a row) is "
        "skipped; 0: never",
        0, 3600}},
      {&Rc::cache_size,
       {"cache_size", OptType::kInt, "4096",
        "Answers cached per worker, positive and negative (0 disables the cache)", 0,
        10000000}},
      {nullptr,
       {kMaxTtl, OptType::kDuration, "\"1d\"",
        "Longest time a positive answer is cached, whatever its TTL", 0, 7 * 86400}},
      {nullptr,
       {kMaxNegativeTtl, OptType::kDuration, "\"10m\"",
        "Longest time NXDOMAIN and NODATA answers are cached (RFC 2308 SOA TTL otherwise)", 0,
        86400}},
      {&Rc::edns_payload,
       {"edns_payload", OptType::kInt, "1232",
        "EDNS0 UDP payload size advertised in queries; 0 disables EDNS; otherwise >= 512", 0,
        65535}},
      {&Rc::max_lookups_per_task,
       {"max_lookups_per_task", OptType::kInt, "64",
        "DNS lookups a single message may start; later ones fail with a budget error "
        "(0 = no limit)",
        0, 1000000}},
      {&Rc::probe_name,
       {"probe_name", OptType::kString, "\"com\"",
        "A name that exists in the public DNS; its SOA is asked for at start and every "
        "probe_interval. When the name servers deny it (NXDOMAIN), they cannot see the public "
        "DNS and checks that score missing records (no MX/A, no reverse DNS) are off. Empty: "
        "always trust negative answers (private test zones)"}},
      {&Rc::probe_interval,
       {"probe_interval", OptType::kDuration, "\"5m\"",
        "How often the probe_name check is repeated", 1, 86400}},
  }};
}

}  // namespace

void declare_options(core::Schema& s) { table().declare(s); }

ResolvConf parse_resolv_conf(std::string_view text) {
  ResolvConf out;
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    size_t comment = line.find_first_of("#;");
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    auto w = words(core::trim_fws(line));
    if (w.empty()) continue;
    if (w[0] == "nameserver" && w.size() >= 2) {
      out.nameservers.emplace_back(w[1]);
    } else if (w[0] == "options") {
      for (size_t i = 1; i < w.size(); ++i) {
        if (w[i].starts_with("timeout:")) {
          if (auto v = parse_int(w[i].substr(8)); v && *v >= 1) {
            out.timeout = std::min(*v, kResolvMaxTimeout);
          }
        } else if (w[i].starts_with("attempts:")) {
          if (auto v = parse_int(w[i].substr(9)); v && *v >= 1) {
            out.attempts = std::min(*v, kResolvMaxAttempts);
          }
        }
      }
    }
  }
  return out;
}

Result<ResolverConfig> config_from(const core::Config& cfg, std::string_view dns_override,
                                   const std::string& resolv_conf_path) {
  const core::OptionTable<Rc> t = table();
  ResolverConfig out = t.read(cfg);
  out.max_ttl = to_seconds(cfg.get_duration(t.path(kMaxTtl)));
  out.max_negative_ttl = to_seconds(cfg.get_duration(t.path(kMaxNegativeTtl)));
  if (out.edns_payload > 0 && out.edns_payload < 512) {
    return fail(ErrorCode::kInvalidInput,
                "options.dns.edns_payload must be 0 (no EDNS) or between 512 and 65535");
  }

  if (!core::trim_fws(dns_override).empty()) {
    MW_TRY(add_servers(core::trim_fws(dns_override), out.nameservers));
    return out;
  }
  for (const auto& text : cfg.get_strings(t.path(kNameserver))) {
    auto ns = parse_nameserver(text);
    if (!ns) return fail(ErrorCode::kInvalidInput, "options.dns.nameserver: " + ns.error().message);
    out.nameservers.push_back(std::move(*ns));
  }
  if (!out.nameservers.empty()) return out;

  std::ifstream in(resolv_conf_path);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    ResolvConf rc = parse_resolv_conf(text.str());
    for (const auto& s : rc.nameservers) {
      // A line we cannot use (a host name, a typo) is skipped like the C library does.
      if (auto ns = parse_nameserver(s)) out.nameservers.push_back(std::move(*ns));
    }
    if (!out.nameservers.empty()) {
      if (rc.timeout && !cfg.has(t.path(kTimeout))) out.timeout = *rc.timeout;
      if (rc.attempts && !cfg.has(t.path(kRetransmits))) {
        out.retransmits = std::min<int>(
            *rc.attempts * static_cast<int>(out.nameservers.size()), kMaxRetransmits);
      }
      return out;
    }
  }
  auto local = parse_nameserver("127.0.0.1:53");
  if (!local) return fail(local.error());
  out.nameservers.push_back(std::move(*local));
  return out;
}

}  // namespace mw::dns
