// The DKIM replay module: one validly signed message re-sent at scale from elsewhere.
//
// A spammer gets one message signed by a reputable domain (by sending it through that
// domain's service to themselves), then re-sends the identical bytes from their own
// infrastructure to many recipients: the signature stays valid, so DKIM (and DMARC, through
// DKIM alignment) pass. What gives it away is that one signature arrives from many unrelated
// networks to many recipients.
//
// For every passing DKIM signature (at most max_signatures per message) the module counts,
// in the store and so across workers (and, with Redis, across scanners), within `window`:
//   - the distinct connecting networks (/24 for IPv4, /48 for IPv6) it came from;
//   - the distinct recipients it was sent to (at most max_recipients per message).
// A signature is named by its d=, s= and a SHA-256 of its b= value; networks, recipients and
// domains are stored as truncated SHA-256 hashes only. Over both thresholds DKIM_REPLAY
// fires, with the options "d=<domain>", "s=<selector>", "networks=<n>", "recipients=<n>".
//
// The signer's own networks do not count: a message whose SPF passes for a domain aligned
// with d= (same domain, or one a parent of the other) comes from the signer; its network is
// remembered for that d= (own_network_ttl), and later messages signed by d= from a
// remembered network are neither counted nor checked. Authenticated and local senders
// (outbound mail) are skipped. Trade-offs (mailing lists, forwarding): doc/dkim-replay.md.
//
// Options ([options.dkim_replay]): enabled, window, networks, recipients, max_signatures,
// max_recipients, own_network_ttl. Without a store the module does nothing (logged once).
#pragma once

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_dkim_replay_module();

}  // namespace mw::scan
