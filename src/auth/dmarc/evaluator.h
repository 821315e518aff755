// DMARC evaluation of one message (RFC 7489 section 6.6), asynchronous over dns::Resolver.
//
//   dmarc::Evaluator ev(dispatcher, resolver, psl, options);
//   auto handle = ev.evaluate(input, [](dmarc::Verdict v) { ... });
//
// Steps:
//   1. Policy discovery (6.6.3): TXT at _dmarc.<From domain>; TXT records not starting with
//      v=DMARC1 are discarded. None left: TXT at _dmarc.<organizational domain> (libpsl).
//      Several DMARC records at the name queried: no DMARC processing (result none), per
//      step 5 of RFC 7489 6.6.3. NXDOMAIN / no records count as "none"; any other DNS
//      failure is temperror. An unusable record (invalid p/sp, no rua) is permerror.
//   2. Alignment of SPF and DKIM with the From domain (relaxed: same organizational
//      domain; strict: the same name), using the record's aspf / adkim.
//   3. If the result is fail, the record is the organizational domain's and it has np=,
//      and check_nonexistent is on: A, AAAA and MX of the From domain; all NXDOMAIN or
//      empty means "non-existent" and np applies (RFC 9091). A failed check counts as
//      existing (sp applies).
//   4. decide() (policy.h): the policy (p, sp or np), pct sampling with the injected random
//      source, and the aggregate-report row.
//
// Ownership: the Evaluator does not own the Dispatcher, Resolver or RandomSource state it
// was given; they must outlive it and its evaluations. It shares the PSL.
// Loop affinity: the Dispatcher's thread.
// Callbacks: `done` is called exactly once, always later from the dispatcher (never from
// inside evaluate()), unless the handle is destroyed first, which cancels the lookups and
// the timer. The callback may destroy the handle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/dmarc/options.h"
#include "auth/dmarc/org_domain.h"
#include "auth/dmarc/policy.h"
#include "auth/dmarc/verdict.h"
#include "core/loop.h"
#include "core/result.h"
#include "dns/job.h"

namespace mw::auth::dmarc {

// Handle of a running evaluation; destroying it cancels the evaluation.
using Evaluation = dns::Job;
using EvaluationPtr = dns::JobPtr;

using Callback = std::function<void(Verdict)>;
// Returns a uniform integer in [0, bound). Tests inject a fixed sequence.
using RandomSource = std::function<uint32_t(uint32_t bound)>;

class Evaluator : public dns::JobStarter<Options> {
 public:
  // `random` defaults to draws from the kernel's generator (getrandom). REQUIRES: psl is not
  // null; dispatcher and resolver outlive the Evaluator and all its evaluations.
  Evaluator(core::Dispatcher& dispatcher, dns::Resolver& resolver, PslPtr psl,
            Options options, RandomSource random = {});
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  EvaluationPtr evaluate(Input input, Callback done);

  const PublicSuffixList& psl() const { return *psl_; }

 private:
  PslPtr psl_;
  RandomSource random_;
};

// The From domain to evaluate, from the domains of the From header's addresses in order
// (RFC 7489 6.6.1). The first non-empty domain is used; multiple_domains tells the caller
// that other addresses name other domains (RFC 7489 leaves that case to local policy:
// reject, or evaluate each domain).
struct FromDomain {
  std::string domain;             // normalised (lower-case, no leading/trailing dots)
  bool multiple_domains = false;  // several distinct domains among the addresses
};
// Result on failure: kNotFound when no address has a domain.
Result<FromDomain> select_from_domain(const std::vector<std::string>& address_domains);

}  // namespace mw::auth::dmarc
