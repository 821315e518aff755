// DNS wire format (RFC 1035, RFC 6891 EDNS0): building queries and decoding replies with ldns.
//
// The decoder is the module's network-facing parser: it takes any bytes a socket delivered
// and either returns a DecodedReply or an error; it never reads outside the given buffer and
// never trusts counts or lengths in the packet (ldns bounds every field; the record data it
// returns is checked again here before use). It is fuzzed by test/fuzz/dns_fuzz.cpp.
//
// Ownership: plain values out; the input buffer is only read during the call.
// Loop affinity: none (pure functions).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "dns/resolver.h"

namespace mw::dns {

// At most this many CNAME links are followed inside one answer section.
inline constexpr int kMaxCnameHops = 16;

struct DecodedReply {
  uint16_t id = 0;
  bool truncated = false;       // TC bit
  std::string qname_wire;       // question name, uncompressed wire form, lower-case
  uint16_t qtype = 0;           // question type
  uint8_t raw_rcode = 0;        // header RCODE (4 bits)
  // rcode mapped to Rcode (unknown codes become kServFail); answers: records of the question
  // type, after following CNAME links from the question name; from_cache is false.
  Reply reply;
  // How long this outcome may be cached, in seconds, before any configured cap:
  //  - answers present: the smallest TTL of the answers and the CNAME links followed;
  //  - NXDOMAIN or NODATA with an SOA in the authority section: min(SOA TTL, SOA MINIMUM)
  //    (RFC 2308 section 5), also capped by the CNAME links followed;
  //  - otherwise (no SOA, other rcodes): not cacheable.
  bool cacheable = false;
  uint32_t cache_ttl = 0;
};

// Decode one reply message. Result on failure: kInvalidInput with the reason (ldns refused
// it, not a response, not a standard query, not exactly one IN question). Records of the
// asked type whose data is malformed are dropped, not fatal.
Result<DecodedReply> decode_reply(std::span<const uint8_t> wire);

// Build a query: one question (`qname_wire` IN `type`), RD set, the given ID, and an OPT
// record advertising `edns_payload` bytes when edns_payload > 0.
// REQUIRES: qname_wire is a valid uncompressed wire name (see name_to_wire in dns/name.h).
// Result on failure: kInternal when ldns cannot build or serialise the packet.
Result<std::vector<uint8_t>> encode_query(std::string_view qname_wire, RrType type, uint16_t id,
                                          uint16_t edns_payload);

// Map a header RCODE to Rcode (unknown values are kServFail: another server may do better).
Rcode map_rcode(uint8_t rcode);

// Text form of a wire name: lower-case, no trailing dot, '.' and '\' inside labels escaped
// with a backslash, bytes outside printable ASCII as \DDD. The root name gives "".
// Reads at most `size` bytes.
std::string wire_name_text(const uint8_t* data, size_t size);

}  // namespace mw::dns
