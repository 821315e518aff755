#include "auth/arc/chain.h"

#include <array>

#include "auth/dkim/canon.h"
#include "auth/dkim/crypto.h"
#include "auth/dkim/text.h"
#include "core/ascii.h"

namespace mw::auth::arc {

namespace {

using core::iequals;

constexpr size_t kMaxInstanceDigits = 3;

enum Kind : size_t { kAar = 0, kAms = 1, kSeal = 2 };
constexpr std::string_view kKindNames[] = {kAarName, kAmsName, kSealName};

Chain failed(Chain c, Reason r, std::string detail) {
  c.status = ChainStatus::kFail;
  c.reason = r;
  c.detail = std::move(detail);
  c.sets.clear();
  return c;
}

}  // namespace

bool is_arc_field(std::string_view name) {
  return iequals(name, kSealName) || iequals(name, kAmsName) || iequals(name, kAarName);
}

AuthResults parse_aar(std::string_view value) {
  AuthResults r;
  size_t pos = 0;
  auto skip = [&] {
    while (pos < value.size() && core::is_fws(value[pos])) ++pos;
  };
  skip();
  if (pos >= value.size() || value[pos] != 'i') {
    r.problem = "does not start with i=";
    return r;
  }
  ++pos;
  skip();
  if (pos >= value.size() || value[pos] != '=') {
    r.problem = "does not start with i=";
    return r;
  }
  ++pos;
  skip();
  size_t digits = pos;
  while (pos < value.size() && value[pos] >= '0' && value[pos] <= '9') ++pos;
  uint64_t inst = 0;
  if (!dkim::parse_decimal(value.substr(digits, pos - digits), kMaxInstanceDigits, inst) ||
      inst == 0) {
    r.problem = "i= is not a valid instance";
    return r;
  }
  skip();
  if (pos >= value.size() || value[pos] != ';') {
    r.problem = "no ';' after the instance";
    return r;
  }
  r.instance = static_cast<uint32_t>(inst);
  r.payload = std::string(core::trim_fws(value.substr(pos + 1)));
  // authserv-id: the first token of the payload (RFC 8601 value: token or quoted-string).
  std::string_view p = r.payload;
  size_t end = 0;
  while (end < p.size() && p[end] != ';' && p[end] != '(' && !core::is_fws(p[end])) ++end;
  r.authserv_id = core::to_lower(p.substr(0, end));
  if (r.authserv_id.size() >= 2 && r.authserv_id.front() == '"' && r.authserv_id.back() == '"') {
    r.authserv_id = r.authserv_id.substr(1, r.authserv_id.size() - 2);
  }
  r.ok = true;
  return r;
}

Chain collect_chain(const dkim::MessageView& message) {
  Chain c;
  // Field indices per instance (1..50) and kind.
  std::array<std::array<std::vector<size_t>, 3>, kMaxInstance + 1> slots;
  bool any = false;
  bool bad_instance = false;  // some field's instance could not be read
  size_t bad_index = 0;       // the first such field
  bool too_many = false;
  std::vector<std::pair<size_t, Kind>> fields;
  for (size_t i = 0; i < message.headers.size(); ++i) {
    std::string_view name = message.headers[i].name;
    Kind kind;
    if (iequals(name, kAarName))
      kind = kAar;
    else if (iequals(name, kAmsName))
      kind = kAms;
    else if (iequals(name, kSealName))
      kind = kSeal;
    else
      continue;
    any = true;
    std::string_view value = message.headers[i].value();
    uint32_t inst = 0;
    if (kind == kAar) {
      inst = parse_aar(value).instance;
    } else {
      inst = dkim::parse_signature(value, kind == kAms ? dkim::SignatureKind::kArcMessage
                                                       : dkim::SignatureKind::kArcSeal)
                 .instance;
    }
    if (inst == 0) {
      if (!bad_instance) {
        bad_instance = true;
        bad_index = i;
      }
      continue;
    }
    if (inst > c.max_instance) c.max_instance = inst;
    if (inst > kMaxInstance) {
      too_many = true;
      continue;
    }
    slots[inst][kind].push_back(i);
  }
  if (!any) return c;  // kNone
  if (too_many) {
    return failed(std::move(c), Reason::kTooManySets, "an ARC instance is above 50");
  }
  // RFC 8617 5.2 step 2: the newest seal already reports a failed chain.
  if (c.max_instance > 0 && slots[c.max_instance][kSeal].size() == 1) {
    size_t idx = slots[c.max_instance][kSeal][0];
    auto seal = dkim::parse_signature(message.headers[idx].value(), dkim::SignatureKind::kArcSeal);
    if (seal.chain_validation == "fail") {
      return failed(std::move(c), Reason::kChainFailed,
                    "ARC-Seal i=" + std::to_string(c.max_instance) + " reports cv=fail");
    }
  }
  if (bad_instance) {
    return failed(std::move(c), Reason::kStructure,
                  std::string(message.headers[bad_index].name) + " without a valid i=");
  }
  for (uint32_t inst = 1; inst <= c.max_instance; ++inst) {
    for (size_t k = 0; k < 3; ++k) {
      size_t count = slots[inst][k].size();
      if (count != 1) {
        return failed(std::move(c), Reason::kStructure,
                      std::string(count == 0 ? "missing " : "duplicate ") +
                          std::string(kKindNames[k]) + " for i=" + std::to_string(inst));
      }
    }
  }
  c.sets.resize(c.max_instance);
  for (uint32_t inst = 1; inst <= c.max_instance; ++inst) {
    ArcSet& set = c.sets[inst - 1];
    set.instance = inst;
    set.aar_index = slots[inst][kAar][0];
    set.ams_index = slots[inst][kAms][0];
    set.seal_index = slots[inst][kSeal][0];
    set.aar = parse_aar(message.headers[set.aar_index].value());
    set.ams = dkim::parse_signature(message.headers[set.ams_index].value(),
                                    dkim::SignatureKind::kArcMessage);
    set.seal = dkim::parse_signature(message.headers[set.seal_index].value(),
                                     dkim::SignatureKind::kArcSeal);
    std::string where = " i=" + std::to_string(inst) + ": ";
    if (!set.aar.ok) {
      return failed(std::move(c), Reason::kSyntax, std::string(kAarName) + where + set.aar.problem);
    }
    // An unknown a= in an AMS is not a structural problem: it makes that AMS fail to verify
    // (the chain fails when it is the newest; an older one only lowers oldest-pass).
    if (!set.ams.ok() && set.ams.problem != dkim::Reason::kAlgorithm) {
      return failed(std::move(c), Reason::kSyntax,
                    std::string(kAmsName) + where + set.ams.problem_detail);
    }
    if (!set.seal.ok()) {
      return failed(std::move(c), Reason::kSyntax,
                    std::string(kSealName) + where + set.seal.problem_detail);
    }
    const char* want = inst == 1 ? "none" : "pass";
    if (set.seal.chain_validation != want) {
      return failed(std::move(c), Reason::kInvalidCv,
                    "ARC-Seal" + where + "cv=" + set.seal.chain_validation + ", expected " + want);
    }
  }
  c.status = ChainStatus::kPass;
  return c;
}

std::string seal_digest(const dkim::MessageView& message, const std::vector<ArcSet>& sets,
                        size_t upto) {
  std::string buf;
  for (size_t j = 0; j < upto && j < sets.size(); ++j) {
    const ArcSet& set = sets[j];
    dkim::canon_header(dkim::Canon::kRelaxed, message.headers[set.aar_index].raw, buf);
    dkim::canon_header(dkim::Canon::kRelaxed, message.headers[set.ams_index].raw, buf);
    const dkim::HeaderField& seal = message.headers[set.seal_index];
    if (j + 1 < upto) {
      dkim::canon_header(dkim::Canon::kRelaxed, seal.raw, buf);
    } else {
      std::string_view value = seal.value();
      size_t off = static_cast<size_t>(value.data() - seal.raw.data());
      dkim::canon_signature_header(dkim::Canon::kRelaxed, seal.raw, off + set.seal.b_begin,
                                   off + set.seal.b_end, buf);
    }
  }
  dkim::Digest d(dkim::HashAlg::kSha256);
  d.update(buf);
  return d.finish();
}

}  // namespace mw::auth::arc
