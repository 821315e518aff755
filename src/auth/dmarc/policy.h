// The DMARC decision (RFC 7489 sections 3.1, 6.6.2, 6.6.4 and 6.6.3 step 6), as pure
// functions of what discovery found and what SPF and DKIM said. The asynchronous evaluator
// (evaluator.h) does the DNS work and then calls decide().
//
// Ownership: plain values. Loop affinity: none. Failure modes: none (outcomes are values).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dmarc/org_domain.h"
#include "auth/dmarc/record.h"
#include "auth/dmarc/verdict.h"

namespace mw::auth::dmarc {

// The outcome of policy discovery (RFC 7489 6.6.3).
enum class DiscoveryStatus : uint8_t {
  kFound,      // one usable record at record_domain
  kNone,       // no record, or several at one name: no DMARC processing
  kTempError,  // a DNS failure
  kPermError,  // exactly one record, but unusable (invalid p/sp and no rua)
};

// What policy discovery found for a From domain.
struct Discovery {
  DiscoveryStatus status = DiscoveryStatus::kNone;
  std::string record_domain;          // the From domain or its organizational domain
  std::optional<Record> record;       // kFound only
  std::vector<std::string> problems;  // syntax problems of the record found (any status)
  std::string problem;                // why kNone / kTempError / kPermError
};

struct Alignments {
  bool spf = false;         // SPF passed for a domain aligned with the From domain
  bool dkim = false;        // some DKIM signature passed for an aligned d=
  std::string dkim_domain;  // d= of the first such signature
};

// Identifier alignment of the SPF and DKIM results with `from_domain` (RFC 7489 3.1).
Alignments check_alignment(const Input& in, std::string_view from_domain, Alignment aspf,
                           Alignment adkim, const PublicSuffixList& psl);

// True when the policy could come from np: the record is the organizational domain's (not
// the From domain's own) and publishes np. Only then is the From domain's existence needed.
bool needs_existence_check(const Discovery& d, std::string_view from_domain);

// The verdict. `domain_exists` is the outcome of the existence check (true when none was
// made). `roll` is a uniform draw in [0, 100): the message is sampled out of a failing
// quarantine/reject policy when roll >= pct (RFC 7489 6.6.4), and the next lower policy
// applies (reject -> quarantine, quarantine -> none) with override reason "sampled_out".
Verdict decide(const Input& in, const Discovery& d, const PublicSuffixList& psl,
               bool domain_exists, uint32_t roll);

}  // namespace mw::auth::dmarc
