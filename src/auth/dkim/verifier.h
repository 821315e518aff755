// Asynchronous DKIM verification of every DKIM-Signature of a message (RFC 6376 section 6).
//
// A Verifier is created once per worker with the worker's Dispatcher and Resolver (usually
// the task's BudgetResolver) and the [options.dkim] values. verify() starts the verification
// of one message and returns its handle:
//
//   auto handle = verifier.verify(view, [](dkim::Verdict v) { ... });
//
// What a verification does:
//   - finds every DKIM-Signature field (name case-insensitive), top first; the first
//     max_signatures are evaluated, the rest are reported neutral / signature_limit;
//   - parses each (dkim/signature.h) and applies the checks that need no key: syntax
//     (permerror), rsa-sha1 policy (fail), x= expiry and t= in the future beyond clock_skew
//     (permerror), using the injected clock;
//   - looks up each distinct <s>._domainkey.<d> TXT once (strings joined), concurrently;
//     NXDOMAIN / no record -> permerror key_not_found, DNS trouble -> temperror dns_error;
//   - checks the key (k=, h=, s=, t=s, revoked, minimum size; see dkim/evaluate.h), then the
//     body hash (body hashes are shared between signatures with equal c=/a=/l=) and the
//     signature over the h= fields (bottom-up selection, absent names sign nothing);
//   - stops waiting after `timeout`: keys still outstanding give temperror / timeout.
//
// Ownership: the Verifier does not own the Dispatcher or the Resolver; both must outlive it
// and every verification. A verification copies the MessageView (the views, not the bytes):
// REQUIRES: the message bytes outlive the verification handle.
// Loop affinity: the Dispatcher's thread.
// Callbacks: `done` is called exactly once, always later from the dispatcher (never from
// inside verify()), unless the handle is destroyed first: destroying the handle cancels the
// key lookups and the timer, and `done` is then never called. `done` may destroy the handle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "auth/dkim/message.h"
#include "auth/dkim/options.h"
#include "auth/dkim/verdict.h"
#include "core/loop.h"
#include "dns/job.h"

namespace mw::auth::dkim {

// Handle of a running verification; destroying it cancels the verification.
using Verification = dns::Job;
using VerificationPtr = dns::JobPtr;

using Callback = std::function<void(Verdict)>;
// Seconds since the epoch (tests inject a fixed clock). Empty: the system clock.
using WallClock = dns::WallClock;

// Constructed with (dispatcher, resolver, options, clock = {}); REQUIRES: dispatcher and
// resolver outlive the Verifier and all its verifications.
class Verifier : public dns::JobStarter<Options> {
 public:
  using JobStarter::JobStarter;

  // Start verifying `message`; see above for the calling rules.
  VerificationPtr verify(const MessageView& message, Callback done);
};

}  // namespace mw::auth::dkim
