// Asynchronous ARC chain validation (RFC 8617 section 5.2) over dns::Resolver.
//
//   auto handle = verifier.verify(view, [](arc::ChainVerdict v) { ... });
//
// Steps:
//   1-3  collect_chain(): no ARC fields -> none; > 50 instances, newest cv=fail, structure,
//        syntax or cv= problems -> fail (arc/chain.h), decided without any DNS query;
//   keys every <s>._domainkey.<d> named by an AMS or AS is looked up once, concurrently;
//   4    the newest AMS must verify like a DKIM signature (body hash and h= fields,
//        bottom-up selection over all header fields) -> else fail, ams_failed;
//   5    older AMSs are verified only to compute oldest-pass (failures do not fail the chain);
//   6    every AS, newest first, must verify over the ARC sets 1..i -> else fail, seal_failed;
//   7    pass.
// Key problems (NXDOMAIN, revoked, too small, k= mismatch) make that AMS/AS fail; temporary
// DNS errors or the timeout on a key the decision needs give temperror. rsa-sha1 is refused.
//
// Ownership: the ChainVerifier does not own the Dispatcher or Resolver; both must outlive it
// and every validation. REQUIRES: the message bytes outlive the validation handle.
// Loop affinity: the Dispatcher's thread.
// Callbacks: `done` is called exactly once, always later from the dispatcher (never from
// inside verify()), unless the handle is destroyed first, which cancels the lookups and the
// timer. `done` may destroy the handle.
#pragma once

#include <functional>
#include <memory>

#include "auth/arc/options.h"
#include "auth/arc/verdict.h"
#include "auth/dkim/message.h"
#include "auth/dkim/verifier.h"
#include "core/loop.h"
#include "dns/job.h"

namespace mw::auth::arc {

// Handle of a running validation; destroying it cancels the validation.
using Validation = dns::Job;
using ValidationPtr = dns::JobPtr;

using Callback = std::function<void(ChainVerdict)>;

// Constructed with (dispatcher, resolver, options, clock = {}); REQUIRES: dispatcher and
// resolver outlive the ChainVerifier and all its validations.
class ChainVerifier : public dns::JobStarter<Options> {
 public:
  using JobStarter::JobStarter;

  ValidationPtr verify(const dkim::MessageView& message, Callback done);
};

}  // namespace mw::auth::arc
