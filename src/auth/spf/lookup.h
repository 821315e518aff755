// Reading SPF-related DNS answers: record selection (RFC 7208 4.4 and 4.5) and the
// classification of address lookups (RFC 7208 section 5 and 4.6.4 "void lookups").
//
// Shared by the evaluator (checker.h) and the record-tree analyser (analyze.h).
// Ownership: plain values. Loop affinity: none. Failure modes: none (outcomes are values).
#pragma once

#include <string>
#include <string_view>

#include "auth/spf/record.h"
#include "dns/resolver.h"

namespace mw::auth::spf {

enum class LookupStatus {
  kFound,      // exactly one SPF record, parsed
  kNone,       // NXDOMAIN, an unusable name, or no TXT record starting with "v=spf1"
  kTempError,  // any other DNS failure (SERVFAIL, timeout, REFUSED, budget, ...)
  kPermError,  // several SPF records, or the one found does not parse
};

struct RecordLookup {
  LookupStatus status = LookupStatus::kNone;
  std::string text;     // the selected record's text (also on a parse error)
  Record record;        // kFound only
  std::string problem;  // why it is not kFound, for verdicts and reports
};

// Select and parse the SPF record of `domain` from the answer to its TXT query. Each TXT
// record's character-strings are joined without separator; records not starting with
// "v=spf1" are ignored.
RecordLookup select_record(std::string_view domain, const dns::Reply& reply);

enum class AddressOutcome {
  kAnswer,     // NOERROR with at least one record of the asked type
  kVoid,       // NXDOMAIN, NOERROR without records of that type, or an unusable name
  kTempError,  // any other failure
};
AddressOutcome classify(const dns::Reply& reply, dns::RrType type);

}  // namespace mw::auth::spf
