#include "dns/wire.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <limits>

#include "core/ascii.h"
#include "dns/ldns_ptr.h"

namespace mw::dns {

namespace {

// Lower-case copy of an rdf holding a DNAME, validated label by label. Empty when the rdf is
// not a well-formed uncompressed name.
std::string dname_key(const ldns_rdf* rdf) {
  if (rdf == nullptr || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME) return {};
  const uint8_t* d = ldns_rdf_data(rdf);
  size_t n = ldns_rdf_size(rdf);
  size_t pos = 0;
  while (pos < n) {
    uint8_t len = d[pos];
    if (len == 0) {
      if (pos + 1 != n) return {};
      std::string key(reinterpret_cast<const char*>(d), n);
      core::lower_in_place(key);
      return key;
    }
    if (len > 63) return {};
    pos += 1u + len;
  }
  return {};
}

std::string dname_text(const ldns_rdf* rdf) {
  if (rdf == nullptr || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME) return {};
  return wire_name_text(ldns_rdf_data(rdf), ldns_rdf_size(rdf));
}

const ldns_rdf* rdf_at(const ldns_rr* rr, size_t i) {
  return i < ldns_rr_rd_count(rr) ? ldns_rr_rdf(rr, i) : nullptr;
}

bool rdf_is(const ldns_rdf* rdf, ldns_rdf_type type, size_t size) {
  return rdf != nullptr && ldns_rdf_get_type(rdf) == type && ldns_rdf_size(rdf) == size;
}

uint32_t read32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// Fill `rec` from the rdata of `rr` (whose type is `type`). False when the data is malformed.
bool parse_rdata(const ldns_rr* rr, RrType type, Record& rec) {
  switch (type) {
    case RrType::kA:
    case RrType::kAaaa: {
      bool v4 = type == RrType::kA;
      const ldns_rdf* rdf = rdf_at(rr, 0);
      if (!rdf_is(rdf, v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA, v4 ? 4 : 16)) return false;
      std::copy_n(ldns_rdf_data(rdf), v4 ? 4 : 16, rec.addr.begin());
      rec.family = v4 ? 4 : 6;
      char buf[INET6_ADDRSTRLEN];
      if (inet_ntop(v4 ? AF_INET : AF_INET6, rec.addr.data(), buf, sizeof(buf)) == nullptr) {
        return false;
      }
      rec.text = buf;
      return true;
    }
    case RrType::kTxt:
    case RrType::kSpf: {
      for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
        if (rdf == nullptr || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_STR) return false;
        const uint8_t* d = ldns_rdf_data(rdf);
        size_t n = ldns_rdf_size(rdf);
        // A character-string: one length byte, then that many bytes.
        if (n == 0 || size_t{d[0]} + 1 != n) return false;
        rec.strings.emplace_back(reinterpret_cast<const char*>(d + 1), n - 1);
        rec.text += rec.strings.back();
      }
      return true;
    }
    case RrType::kMx: {
      const ldns_rdf* pref = rdf_at(rr, 0);
      if (!rdf_is(pref, LDNS_RDF_TYPE_INT16, 2)) return false;
      const uint8_t* d = ldns_rdf_data(pref);
      rec.preference = static_cast<uint16_t>((d[0] << 8) | d[1]);
      if (dname_key(rdf_at(rr, 1)).empty()) return false;
      rec.text = dname_text(rdf_at(rr, 1));
      return true;
    }
    case RrType::kNs:
    case RrType::kCname:
    case RrType::kPtr:
    case RrType::kSoa: {
      // SOA: `text` is the primary server (MNAME).
      if (dname_key(rdf_at(rr, 0)).empty()) return false;
      rec.text = dname_text(rdf_at(rr, 0));
      return true;
    }
  }
  return false;
}

// min(SOA TTL, SOA MINIMUM) of the first well-formed SOA in `list` (RFC 2308 section 5).
bool negative_ttl(const ldns_rr_list* list, uint32_t& ttl) {
  size_t count = list != nullptr ? ldns_rr_list_rr_count(list) : 0;
  for (size_t i = 0; i < count; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
      continue;
    }
    const ldns_rdf* minimum = rdf_at(rr, 6);
    if (minimum == nullptr || ldns_rdf_size(minimum) != 4) continue;
    ttl = std::min(ldns_rr_ttl(rr), read32(ldns_rdf_data(minimum)));
    return true;
  }
  return false;
}

}  // namespace

std::string wire_name_text(const uint8_t* data, size_t size) {
  std::string out;
  size_t pos = 0;
  while (pos < size) {
    uint8_t len = data[pos++];
    if (len == 0) break;
    if (!out.empty()) out.push_back('.');
    for (size_t i = 0; i < len && pos < size; ++i, ++pos) {
      auto c = static_cast<unsigned char>(core::to_lower(static_cast<char>(data[pos])));
      if (c == '.' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c <= 0x20 || c >= 0x7f) {
        char buf[5];
        std::snprintf(buf, sizeof(buf), "\\%03u", static_cast<unsigned>(c));
        out.append(buf);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  return out;
}

Rcode map_rcode(uint8_t rcode) {
  switch (rcode) {
    case LDNS_RCODE_NOERROR: return Rcode::kNoError;
    case LDNS_RCODE_FORMERR: return Rcode::kFormErr;
    case LDNS_RCODE_SERVFAIL: return Rcode::kServFail;
    case LDNS_RCODE_NXDOMAIN: return Rcode::kNxDomain;
    case LDNS_RCODE_NOTIMPL: return Rcode::kNotImp;
    case LDNS_RCODE_REFUSED: return Rcode::kRefused;
    default: return Rcode::kServFail;
  }
}

Result<DecodedReply> decode_reply(std::span<const uint8_t> wire) {
  if (wire.size() < 12) return fail(ErrorCode::kInvalidInput, "shorter than a DNS header");
  ldns_pkt* raw = nullptr;
  ldns_status st = ldns_wire2pkt(&raw, wire.data(), wire.size());
  LdnsPktPtr pkt(raw);
  if (st != LDNS_STATUS_OK || pkt == nullptr) {
    const char* why = ldns_get_errorstr_by_id(st);
    return fail(ErrorCode::kInvalidInput,
                std::string("undecodable reply: ") + (why != nullptr ? why : "unknown error"));
  }
  if (!ldns_pkt_qr(pkt.get())) return fail(ErrorCode::kInvalidInput, "not a response");
  if (ldns_pkt_get_opcode(pkt.get()) != LDNS_PACKET_QUERY) {
    return fail(ErrorCode::kInvalidInput, "not a standard query response");
  }
  const ldns_rr_list* question = ldns_pkt_question(pkt.get());
  if (question == nullptr || ldns_rr_list_rr_count(question) != 1) {
    return fail(ErrorCode::kInvalidInput, "not exactly one question");
  }
  const ldns_rr* q = ldns_rr_list_rr(question, 0);
  if (ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) {
    return fail(ErrorCode::kInvalidInput, "question class is not IN");
  }
  DecodedReply out;
  out.qname_wire = dname_key(ldns_rr_owner(q));
  if (out.qname_wire.empty()) return fail(ErrorCode::kInvalidInput, "bad question name");
  out.id = ldns_pkt_id(pkt.get());
  out.truncated = ldns_pkt_tc(pkt.get());
  out.qtype = static_cast<uint16_t>(ldns_rr_get_type(q));
  out.raw_rcode = static_cast<uint8_t>(ldns_pkt_get_rcode(pkt.get()));
  out.reply.rcode = map_rcode(out.raw_rcode);

  const ldns_rr_list* answers = ldns_pkt_answer(pkt.get());
  size_t count = answers != nullptr ? ldns_rr_list_rr_count(answers) : 0;
  // Keys of the answer owners, computed once (the chain walk looks at them repeatedly).
  std::vector<std::string> owners(count);
  for (size_t i = 0; i < count; ++i) {
    owners[i] = dname_key(ldns_rr_owner(ldns_rr_list_rr(answers, i)));
  }

  auto type = static_cast<RrType>(out.qtype);
  bool known_type = rr_type_name(type) != "?";
  uint32_t min_ttl = std::numeric_limits<uint32_t>::max();
  std::string current = out.qname_wire;
  for (int hop = 0; hop <= kMaxCnameHops && known_type; ++hop) {
    bool found = false;
    for (size_t i = 0; i < count; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answers, i);
      if (owners[i] != current || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
          static_cast<uint16_t>(ldns_rr_get_type(rr)) != out.qtype) {
        continue;
      }
      found = true;
      Record rec;
      rec.type = type;
      rec.ttl = ldns_rr_ttl(rr);
      rec.name = dname_text(ldns_rr_owner(rr));
      if (!parse_rdata(rr, type, rec)) continue;
      min_ttl = std::min(min_ttl, rec.ttl);
      out.reply.answers.push_back(std::move(rec));
    }
    if (found || type == RrType::kCname) break;
    const ldns_rr* link = nullptr;
    for (size_t i = 0; i < count && link == nullptr; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(answers, i);
      if (owners[i] == current && ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
          ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN) {
        link = rr;
      }
    }
    if (link == nullptr) break;
    std::string next = dname_key(rdf_at(link, 0));
    if (next.empty()) break;
    min_ttl = std::min(min_ttl, ldns_rr_ttl(link));
    current = std::move(next);
  }

  if (!out.reply.answers.empty()) {
    out.cacheable = out.reply.rcode == Rcode::kNoError;
    out.cache_ttl = min_ttl;
  } else if (out.reply.rcode == Rcode::kNxDomain || out.reply.rcode == Rcode::kNoError) {
    uint32_t neg = 0;
    if (negative_ttl(ldns_pkt_authority(pkt.get()), neg)) {
      out.cacheable = true;
      out.cache_ttl = std::min(neg, min_ttl);
    }
  }
  return out;
}

Result<std::vector<uint8_t>> encode_query(std::string_view qname_wire, RrType type, uint16_t id,
                                          uint16_t edns_payload) {
  // ldns_pkt_query_new takes ownership of the name rdf.
  ldns_rdf* name = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, qname_wire.size(), qname_wire.data());
  if (name == nullptr) return fail(ErrorCode::kInternal, "ldns cannot allocate a name");
  LdnsPktPtr pkt(ldns_pkt_query_new(name, static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN,
                                    LDNS_RD));
  if (pkt == nullptr) return fail(ErrorCode::kInternal, "ldns cannot build a query");
  ldns_pkt_set_id(pkt.get(), id);
  if (edns_payload > 0) ldns_pkt_set_edns_udp_size(pkt.get(), edns_payload);
  uint8_t* raw = nullptr;
  size_t size = 0;
  ldns_status st = ldns_pkt2wire(&raw, pkt.get(), &size);
  LdnsBytesPtr bytes(raw);
  if (st != LDNS_STATUS_OK || bytes == nullptr) {
    return fail(ErrorCode::kInternal, "ldns cannot serialise a query");
  }
  return std::vector<uint8_t>(bytes.get(), bytes.get() + size);
}

}  // namespace mw::dns
