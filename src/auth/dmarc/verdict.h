// DMARC inputs, verdict and aggregate-report row (RFC 7489 sections 3, 6.6 and Appendix C).
//
// The DMARC evaluator does not depend on the SPF and DKIM libraries: the scan layer copies
// their results into Input using the report vocabulary of RFC 7489 Appendix C. auth/
// produces verdicts only: DMARC_POLICY_REJECT & co. are the scan layer's business.
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dmarc/record.h"
#include "core/json.h"

namespace mw::auth::dmarc {

// SPFResultType of RFC 7489 Appendix C.
enum class SpfAuth : uint8_t { kNone, kNeutral, kPass, kFail, kSoftFail, kTempError, kPermError };
std::string_view spf_auth_name(SpfAuth r);  // "none", "neutral", "pass", ...

// SPFDomainScope of RFC 7489 Appendix C: which identity SPF checked.
enum class SpfScope : uint8_t { kMailFrom, kHelo };
std::string_view spf_scope_name(SpfScope s);  // "mfrom", "helo"

// DKIMResultType of RFC 7489 Appendix C.
enum class DkimAuth : uint8_t { kNone, kPass, kFail, kPolicy, kNeutral, kTempError, kPermError };
std::string_view dkim_auth_name(DkimAuth r);  // "none", "pass", "fail", "policy", ...

struct SpfInput {
  std::string domain;  // the domain SPF checked (MAIL FROM domain, or HELO for a null sender)
  SpfScope scope = SpfScope::kMailFrom;
  SpfAuth result = SpfAuth::kNone;
};

struct DkimInput {
  std::string domain;    // d=
  std::string selector;  // s=
  DkimAuth result = DkimAuth::kNone;
  std::string human_result;  // optional free text for the report
};

struct Input {
  std::string from_domain;    // RFC5322.From domain (see select_from_domain in evaluator.h)
  std::string source_ip;      // the SMTP client, for the report row
  std::string envelope_from;  // RFC5321.MailFrom domain ("" for a null sender)
  std::string envelope_to;    // RFC5321.RcptTo domain, optional
  SpfInput spf;
  std::vector<DkimInput> dkim;
};

enum class DmarcResult : uint8_t {
  kNone,       // no (single, usable-looking) DMARC record: no DMARC processing
  kPass,       // an aligned SPF or DKIM pass
  kFail,       // a record applies and nothing aligned passed
  kTempError,  // DNS trouble during discovery
  kPermError,  // the record found is unusable (invalid p/sp and no rua): DMARC_BAD_POLICY
};
std::string_view result_name(DmarcResult r);  // "none", "pass", "fail", "temperror", ...

// Which tag decided the policy.
enum class PolicySource : uint8_t {
  kDomain,       // p: the record is the From domain's own
  kSubdomain,    // sp (or p when sp is absent): the organizational domain's record
  kNonExistent,  // np: the From domain does not exist (no A, AAAA or MX; RFC 9091)
};
std::string_view policy_source_name(PolicySource s);  // "p", "sp", "np"

// PolicyOverrideReason of RFC 7489 Appendix C.
struct OverrideReason {
  std::string type;  // "sampled_out", "local_policy", "forwarded", ...
  std::string comment;
};

// One <record> of an aggregate report (RFC 7489 Appendix C), plus the policy_published part
// so the reporter can group rows by the policy that applied.
struct ReportRecord {
  // <row>
  std::string source_ip;
  uint32_t count = 1;
  Policy disposition = Policy::kNone;  // <policy_evaluated>
  bool dkim_pass = false;              // aligned DKIM pass
  bool spf_pass = false;               // aligned SPF pass
  std::vector<OverrideReason> reasons;
  // <identifiers>
  std::string envelope_to;
  std::string envelope_from;
  std::string header_from;
  // <auth_results>
  std::vector<DkimInput> dkim;
  SpfInput spf;
  // <policy_published> ("" domain when no record applied)
  std::string published_domain;
  Alignment adkim = Alignment::kRelaxed;
  Alignment aspf = Alignment::kRelaxed;
  Policy p = Policy::kNone;
  Policy sp = Policy::kNone;
  std::optional<Policy> np;
  int pct = 100;
  std::string fo = "0";

  // {"row":{"source_ip":..,"count":1,"policy_evaluated":{"disposition":..,"dkim":"pass|fail",
  //  "spf":"pass|fail","reason":[{"type":..,"comment":..}]}},"identifiers":{"envelope_to":..,
  //  "envelope_from":..,"header_from":..},"auth_results":{"dkim":[{"domain":..,"selector":..,
  //  "result":..,"human_result":..}],"spf":[{"domain":..,"scope":..,"result":..}]},
  //  "policy_published":{"domain":..,"adkim":..,"aspf":..,"p":..,"sp":..,"np":..,"pct":..,
  //  "fo":..}}   (np only when published; policy_published only when a record applied)
  json::Value to_json() const;
};

struct Verdict {
  DmarcResult result = DmarcResult::kNone;
  std::string from_domain;    // normalised RFC5322.From domain
  std::string org_domain;     // its organizational domain
  std::string record_domain;  // where the record was found ("" when none)
  std::optional<Record> record;  // the record applied (kPass/kFail), or as far as parsed
  PolicySource policy_source = PolicySource::kDomain;
  Policy policy = Policy::kNone;       // requested by the domain for this message
  Policy disposition = Policy::kNone;  // to apply: `policy`, or one step lower if sampled out
  bool sampled_out = false;            // pct sampling exempted this message
  bool spf_aligned = false;            // SPF passed and is aligned
  bool dkim_aligned = false;           // some DKIM signature passed and is aligned
  std::string dkim_domain;             // d= of the first aligned passing signature
  bool domain_exists = true;           // false: no A/AAAA/MX for the From domain (np)
  std::vector<std::string> problems;   // record syntax problems (DMARC_BAD_POLICY material)
  std::string problem;                 // why none / temperror / permerror
  ReportRecord report;
};

}  // namespace mw::auth::dmarc
