// The outcome of one SPF check (RFC 7208 section 2.6), as a plain struct.
//
// auth/ produces verdicts only: no scores and no symbols. The scan layer maps the result to
// symbols (R_SPF_ALLOW, R_SPF_FAIL, ...) and to Authentication-Results (RFC 8601).
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mw::auth::spf {

enum class SpfResult : uint8_t {
  kNone,       // no SPF record, or no usable domain to check
  kNeutral,    // the record says nothing definite (also the default when nothing matches)
  kPass,       // the client is authorised
  kFail,       // the client is explicitly not authorised
  kSoftFail,   // probably not authorised
  kTempError,  // DNS trouble (timeout, SERVFAIL) or the evaluation time limit
  kPermError,  // the published records are broken (syntax, limits, loops)
};

// RFC 7208 / RFC 8601 spelling: "none", "neutral", "pass", "fail", "softfail",
// "temperror", "permerror".
std::string_view result_name(SpfResult r);

// Which identity was checked (RFC 7208 section 2.3 and 2.4).
enum class Identity : uint8_t {
  kMailFrom,  // MAIL FROM; for a null reverse-path, postmaster@<HELO> (RFC 7208 2.4)
  kHelo,      // the HELO/EHLO identity itself
};
std::string_view identity_name(Identity id);  // "mailfrom", "helo"

struct Verdict {
  SpfResult result = SpfResult::kNone;
  Identity identity = Identity::kMailFrom;
  std::string domain;          // <domain> the check started with, lower-case, no final dot
  std::string sender;          // <sender> used in macros ("postmaster@..." when substituted)
  std::string mechanism;       // the top-level term that decided, as written ("-all",
                               // "include:_spf.example.net"); empty when no term matched
  std::string matched_domain;  // domain whose record holds `mechanism` (differs from
                               // `domain` after redirect=)
  std::string record;          // text of the record found for `domain` ("" when none)
  std::string explanation;     // kFail only: the domain's exp= text, else the default one
  bool explanation_from_domain = false;  // `explanation` came from the domain's exp=
  std::string problem;         // kTempError / kPermError / kNone: what went wrong, for logs
  uint32_t dns_lookups = 0;    // DNS-querying terms evaluated (RFC 7208 4.6.4 limit of 10)
  uint32_t void_lookups = 0;   // of which answered NXDOMAIN or no records (limit of 2)
  uint32_t queries = 0;        // DNS queries sent in total (including MX/PTR address lookups)
};

}  // namespace mw::auth::spf
