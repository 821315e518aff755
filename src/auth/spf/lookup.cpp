#include "auth/spf/lookup.h"

#include <vector>

namespace mw::auth::spf {

RecordLookup select_record(std::string_view domain, const dns::Reply& reply) {
  RecordLookup out;
  std::string where = " for " + std::string(domain);
  if (reply.rcode == dns::Rcode::kNxDomain || reply.rcode == dns::Rcode::kBadName) {
    out.status = LookupStatus::kNone;
    out.problem = std::string(dns::rcode_name(reply.rcode)) + where;
    return out;
  }
  if (reply.rcode != dns::Rcode::kNoError) {
    out.status = LookupStatus::kTempError;
    out.problem = "DNS " + std::string(dns::rcode_name(reply.rcode)) + " looking up TXT" + where;
    return out;
  }
  std::vector<std::string> found;
  for (const auto& rec : reply.answers) {
    if (rec.type != dns::RrType::kTxt) continue;
    // dns::Record::text is the character-strings joined without separator.
    if (is_spf_record(rec.text)) found.push_back(rec.text);
  }
  if (found.empty()) {
    out.status = LookupStatus::kNone;
    out.problem = "no SPF record" + where;
    return out;
  }
  if (found.size() > 1) {
    out.status = LookupStatus::kPermError;
    out.problem = std::to_string(found.size()) + " SPF records" + where;
    return out;
  }
  out.text = std::move(found.front());
  auto parsed = parse_record(out.text);
  if (!parsed) {
    out.status = LookupStatus::kPermError;
    out.problem = parsed.error().message + " in the SPF record" + where;
    return out;
  }
  out.status = LookupStatus::kFound;
  out.record = std::move(*parsed);
  return out;
}

AddressOutcome classify(const dns::Reply& reply, dns::RrType type) {
  switch (reply.rcode) {
    case dns::Rcode::kNoError:
      for (const auto& rec : reply.answers) {
        if (rec.type == type) return AddressOutcome::kAnswer;
      }
      return AddressOutcome::kVoid;
    case dns::Rcode::kNxDomain:
    case dns::Rcode::kBadName:
      return AddressOutcome::kVoid;
    default:
      return AddressOutcome::kTempError;
  }
}

}  // namespace mw::auth::spf
