// The hfilter module: HELO and host name checks (the ideas of Rspamd's hfilter, our own code),
// group hfilter, options [hfilter].
//
// They look at the relay that handed the message to us: the first hop outside our trusted
// networks (received_chain.h), with the request's Helo and Hostname when that relay is the
// client of the request.
//
//   HFILTER_HELO_BAREIP         the HELO is an IP address without brackets (RFC 5321 wants
//                               an address literal "[192.0.2.1]")
//   HFILTER_HELO_BADIP          the HELO is an address other than the client's
//   HFILTER_HELO_NOT_FQDN       the HELO is not a fully qualified name (nor a literal)
//   HFILTER_HELO_OWN            the HELO claims one of our own names ([hfilter] own_names)
//   HFILTER_HELO_DYNAMIC        the HELO looks like a dynamic / residential name
//   HFILTER_HELO_NORES_A_OR_MX  the HELO name has no A, AAAA nor MX record (DNS)
//   HFILTER_HELO_IP_A           the HELO name resolves, but not to the client's address (DNS)
//   RDNS_NONE                   the client has no reverse DNS (Hostname "unknown", our
//                               Received field says so, or our own PTR lookup)
//   RDNS_DNSFAIL                the PTR lookup failed (timeout, SERVFAIL): informational
//   HFILTER_HOSTNAME_UNKNOWN    the PTR name does not resolve back to the client (DNS)
//   HFILTER_HOSTNAME_DYNAMIC    the reverse-DNS name looks dynamic / residential
//   HFILTER_FROMHOST_NOT_FQDN   the envelope sender domain is not a fully qualified name
//   HFILTER_FROMHOST_NORES_A_OR_MX  the envelope sender domain has no MX, A nor AAAA (DNS)
//   HFILTER_FROM_NORES_A_OR_MX  the From header domain has no MX, A nor AAAA (DNS)
//
// DNS: lookups go through the task's resolver within its lookup budget, all at once, each
// name and type once. Only NXDOMAIN and "no records" count; timeouts, SERVFAIL, refusals and
// an exhausted budget never make a symbol (a DNS outage is not spam); while every name server
// is known to be down no lookup is made at all. Client checks are skipped for authenticated
// senders (skip_authenticated) and for mail from our own networks.
//
// Ownership: the configuration is shared by the callbacks (immutable). Loop affinity: the
// worker thread. Failure modes: none while scanning.
#pragma once

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_hfilter_module();

}  // namespace mw::scan
