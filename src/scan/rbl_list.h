// DNS blocklists ([rbl.NAME]): what one list checks and how its answers map to symbols, and
// the pure helpers the rbl module (rbl_module.h) builds its queries with.
//
// A list names its zone (`rbl`), what is looked up (`checks`: from, received, helo, rdns,
// mail_from, header_from, replyto, urls, emails) and how answers read: `returncodes`
// (symbol -> answer addresses or networks), `returnbits` (symbol -> bit of the last octet,
// SURBL/URIBL style), otherwise the list's `symbol`. `blocked_codes` are answers that mean
// "this resolver may not query the list" (Spamhaus 127.255.255.0/24, URIBL and SURBL
// 127.0.0.1): never a hit, warned in the log.
//
// Query names: IPv4 octets reversed ("192.0.2.1" -> "1.2.0.192.<zone>"), IPv6 nibbles
// reversed (RFC 5782), domains as the registrable domain (public suffix list; one label more
// when it is one of the list's `exceptions`, SURBL's two-level registrations; the full name
// with `full_domain`), e-mail addresses hashed when the list says so (`hash` md5, sha1 or
// sha256; `hash_format` hex or base32) after canonicalisation (lower case, +tag removed,
// Gmail dots removed).
//
// Ownership: plain values (the whitelist map belongs to the engine's registry).
// Loop affinity: none. Failure modes: load_rbl_lists reports bad options as kInvalidInput.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "scan/settings.h"

namespace mw::maps {
class Map;
}

namespace mw::scan {

enum RblCheck : uint32_t {
  kRblFrom = 1u << 0,        // the client: first relay outside our networks
  kRblReceived = 1u << 1,    // the other relays outside our networks (Received fields)
  kRblHelo = 1u << 2,        // the client's HELO name
  kRblRdns = 1u << 3,        // the client's reverse-DNS name
  kRblMailFrom = 1u << 4,    // the envelope sender's domain
  kRblHeaderFrom = 1u << 5,  // the From header's domains
  kRblReplyTo = 1u << 6,     // the Reply-To header's domains
  kRblUrls = 1u << 7,        // domains (and, unless no_ip, IPv4 hosts) of URLs
  kRblEmails = 1u << 8,      // addresses found in the message and in Reply-To
};
Result<uint32_t> parse_rbl_check(std::string_view name);

enum class RblHash : uint8_t { kNone, kMd5, kSha1, kSha256 };
enum class RblHashFormat : uint8_t { kHex, kBase32 };

struct RblList {
  std::string name;         // the table name
  std::string zone;         // "zen.spamhaus.org"
  std::string symbol;       // for answers no returncode or returnbit names
  std::string description;
  std::string group = "rbl";
  double score = 0;         // default score of the list's symbols
  uint32_t checks = 0;      // RblCheck bits
  bool enabled = true;
  bool ipv4 = true;
  bool ipv6 = true;
  bool no_ip = false;            // URL checks: no queries for numeric hosts
  bool full_domain = false;      // domains as written, not their registrable domain
  bool emails_domainonly = false;
  bool exclude_users = true;     // skip authenticated senders
  bool strict_returncodes = false;  // answers nothing maps are ignored (not `symbol`)
  RblHash hash = RblHash::kNone;
  RblHashFormat hash_format = RblHashFormat::kHex;
  struct Code {
    std::string symbol;
    IpNetworks nets;
  };
  struct Bit {
    std::string symbol;
    uint32_t mask = 0;
  };
  std::vector<Code> codes;
  std::vector<Bit> bits;
  std::vector<std::pair<std::string, double>> scores;  // per-symbol scores
  IpNetworks blocked;
  std::vector<std::string> exceptions;  // registrable domains registered one level down
  std::vector<std::string> whitelist;   // inline entries (addresses, networks, names)
  std::vector<std::string> whitelist_maps;
  const maps::Map* whitelist_map = nullptr;  // set by the module

  // Every symbol the list can insert: `symbol`, then those of returncodes and returnbits.
  std::vector<std::string> symbols() const;
};

struct RblOptions {
  bool enabled = true;
  uint32_t max_queries = 32;       // per message, all lists together
  uint32_t max_url_domains = 8;    // per list and message
  uint32_t max_emails = 4;         // per list and message
  uint32_t max_received = 4;       // per list and message
  std::vector<std::string> whitelist;
  std::vector<std::string> whitelist_maps;
  std::vector<RblList> lists;      // in name order
};

void declare_rbl_options(core::Schema& schema);
Result<RblOptions> load_rbl_options(const core::Config& cfg);

// "1.2.0.192" for 192.0.2.1, nibbles for IPv6; "" when `ip` is not an address.
std::string reversed_ip(std::string_view ip);
// True for addresses worth a blocklist query: not private, loopback, link-local, CGN,
// multicast, reserved or unspecified.
bool is_public_ip(std::string_view ip);
// Lower case, "+tag" removed from the local part, dots removed from Gmail local parts,
// googlemail.com as gmail.com.
std::string canonical_email(std::string_view addr);
// Digest of `text` in the list's hash and format ("" for RblHash::kNone).
std::string hash_text(std::string_view text, RblHash hash, RblHashFormat format);
// The name to query for a domain: registrable domain `reg` (or `host` when empty), one
// label of `host` more when `reg` is an exception, `host` itself with full_domain.
std::string query_domain(const RblList& list, std::string_view host, std::string_view reg);

struct RblAnswer {
  std::vector<std::string_view> symbols;  // what to insert (may be empty)
  bool blocked = false;                   // a "resolver refused" code: ignore, warn
};
// Read one answer address of `list`.
RblAnswer read_answer(const RblList& list, std::string_view answer_ip);

}  // namespace mw::scan
