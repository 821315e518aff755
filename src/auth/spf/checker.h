// check_host() (RFC 7208 sections 4 to 6), asynchronous over dns::Resolver.
//
// A Checker is created once per worker with the worker's Dispatcher and Resolver (usually
// the per-task BudgetResolver is passed instead) and the [options.spf] values. check()
// starts one evaluation and returns its handle:
//
//   auto handle = checker.check(request, [](spf::Verdict v) { ... });
//
// What an evaluation does:
//   - selects the one TXT record starting with "v=spf1" (character-strings joined without
//     spaces; none -> none, several -> permerror) and parses all of it before evaluating;
//   - evaluates mechanisms left to right: include (5.2 result table), a, mx, ptr, ip4, ip6,
//     exists, all; then redirect= when nothing matched (a new <domain>), else neutral;
//   - counts DNS-querying terms (include, a, mx, ptr, exists, redirect) against
//     max_dns_mechanisms, void lookups against max_void_lookups, MX names against
//     max_mx_names (more -> permerror) and checks at most max_ptr_names PTR names;
//   - treats an IPv4-mapped IPv6 client as IPv4;
//   - on fail, fetches exp= of the record that decided (never of an include target) and
//     expands it; any trouble with it gives the default explanation instead;
//   - DNS timeouts and SERVFAIL give temperror (except in ptr and exp, where RFC 7208 says
//     to skip them), and the whole evaluation is bounded by `timeout` (temperror).
//
// Identity: Request::identity kMailFrom checks MAIL FROM, or postmaster@<HELO> when MAIL
// FROM is empty (RFC 7208 2.4); kHelo checks the HELO name itself (RFC 7208 2.3). A domain
// that is not a multi-label name (a domain literal, an empty or 64+ character label) gives
// none without any query (RFC 7208 4.3).
//
// Ownership: the Checker does not own the Dispatcher or Resolver; both must outlive it and
// every evaluation. An evaluation owns its DNS request handles and its timer.
// Loop affinity: the Dispatcher's thread.
// Callbacks: `done` is called exactly once, always later from the dispatcher (never from
// inside check()), unless the handle is destroyed first: destroying the handle cancels the
// evaluation, its outstanding lookups and its timer, and `done` is then never called. The
// callback may destroy the handle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "auth/spf/address.h"
#include "auth/spf/options.h"
#include "auth/spf/verdict.h"
#include "core/loop.h"
#include "dns/job.h"

namespace mw::auth::spf {

struct Request {
  IpAddress ip;           // the SMTP client's address (IPv4-mapped IPv6 is taken as IPv4)
  std::string mail_from;  // MAIL FROM address without angle brackets; "" = null reverse-path
  std::string helo;       // HELO/EHLO argument as given
  Identity identity = Identity::kMailFrom;
  std::string receiver;   // %{r}: this host's name, for explanations ("unknown" when empty)
};

// Handle of a running evaluation; destroying it cancels the evaluation.
using Evaluation = dns::Job;
using EvaluationPtr = dns::JobPtr;

using Callback = std::function<void(Verdict)>;
// Seconds since the epoch, for the %{t} macro (tests inject a fixed clock).
using WallClock = dns::WallClock;

// Constructed with (dispatcher, resolver, options, clock = {}); REQUIRES: dispatcher and
// resolver outlive the Checker and all its evaluations.
class Checker : public dns::JobStarter<Options> {
 public:
  using JobStarter::JobStarter;

  // Start check_host() for `request`. The returned handle must be kept until `done` runs;
  // `done` receives the verdict (see above for the calling rules).
  EvaluationPtr check(Request request, Callback done);
};

// True when `domain` (trailing dot allowed) may be checked at all (RFC 7208 4.3): at least
// two labels of 1..63 characters, at most 253 characters, not a domain literal.
bool is_checkable_domain(std::string_view domain);

}  // namespace mw::auth::spf
