// Domain checks: an operator's view of a sending domain's authentication records, through
// Mailward's own resolver and RFC libraries. One implementation serves the command line
// (`mailward check-domain`, app/check_domain_cmd.cpp) and the controller
// (`GET /checkdomain`, server/controller_checkdomain.cpp):
//   - SPF: the whole include/redirect tree with the DNS-lookup count of each record and the
//     total against the limit of 10, void lookups against 2, every problem (spf/analyze.h);
//   - DMARC: the record (at the domain, else at its organisational domain) with its policy,
//     and advice when the policy protects nothing (p=none) or is only partly applied;
//   - DKIM: for each selector asked for, the key record with its algorithm and key size.
//
// Ownership: check_domain() does not own the Dispatcher, Resolver or list, which must outlive
// the returned handle. Loop affinity: the Dispatcher's thread.
// Callbacks: `done` is called exactly once, later, from the dispatcher (never from inside
// check_domain()), unless the handle is destroyed first; destroying the handle from inside
// `done` is allowed.
// Limits: at most kMaxSelectors selectors; the SPF walk is bounded by AnalyzeOptions.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/dmarc/org_domain.h"
#include "auth/spf/analyze.h"
#include "core/json.h"
#include "core/loop.h"
#include "core/result.h"
#include "dns/resolver.h"

namespace mw::auth::check {

inline constexpr size_t kMaxSelectors = 16;

// The domain a user typed, as a checkable name: lower case, no trailing dot, IDNA A-labels
// for non-ASCII input. Result on failure: kInvalidInput saying why it is not a domain
// (empty, too long, a label that is empty, too long, or has characters other than letters,
// digits and inner hyphens, a single label, an all-numeric last label such as an address).
Result<std::string> normalize_domain(std::string_view input);
// A DKIM selector (RFC 6376 3.1: dot-separated labels of letters, digits, hyphens;
// underscores are accepted as published in practice). Same failure as normalize_domain.
Result<std::string> normalize_selector(std::string_view input);

struct DomainReport {
  std::string domain;
  spf::Analysis spf;
  json::Value dmarc;  // {"status":"found|none|invalid|temperror", "record", "policy", ...}
  json::Value dkim;   // [{"selector", "name", "status", "algorithm", "bits", ...}]
  bool dns_failed = false;  // some lookup failed temporarily: the report is incomplete

  // {"domain":..,"spf":<Analysis::to_json()>,"dmarc":..,"dkim":[..]}
  json::Value to_json() const;
  // The same for a terminal.
  std::string to_text() const;
};

using CheckCallback = std::function<void(DomainReport)>;

class Check {
 public:
  virtual ~Check() = default;
};
using CheckPtr = std::unique_ptr<Check>;

// Check `domain` (REQUIRES: normalize_domain() output) and the DKIM keys of `selectors`
// (REQUIRES: normalize_selector() output, at most kMaxSelectors). `psl` (may be null: the
// domain is its own organisational domain) finds where an inherited DMARC record lives.
CheckPtr check_domain(core::Dispatcher& dispatcher, dns::Resolver& resolver,
                      std::string domain, std::vector<std::string> selectors,
                      const dmarc::PublicSuffixList* psl, const spf::AnalyzeOptions& options,
                      CheckCallback done);

}  // namespace mw::auth::check
