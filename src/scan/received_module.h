// The received module: symbols about the Received chain (received_chain.h), group received.
//
//   RCVD_COUNT_ONE .. RCVD_COUNT_TWELVE  number of Received fields (1, 2, 3-4, 5-6, 7-11,
//                                        12 and more; none is RCVD_COUNT_ZERO, rules/headers.lua)
//   RCVD_TLS_LAST / RCVD_NO_TLS_LAST     the hop that brought the message (the envelope hop
//                                        when the MTA gave one, else the topmost network hop)
//                                        used TLS or not (envelope hop: the request headers
//                                        TLS-Version / TLS-Cipher)
//   RCVD_TLS_ALL                         every network hop used TLS
//   RCVD_VIA_SMTP_AUTH                   a Received field records an authenticated client
//   ONCE_RECEIVED                        one hop in all (one field, or only the envelope hop),
//                                        from a network client outside our networks that did
//                                        not authenticate: straight from the sending machine
//   ONCE_RECEIVED_STRICT                 ... and that client has no reverse DNS or a dynamic-
//                                        looking one (hostname_shape.h)
//   RCVD_ILLEGAL_IP                      a hop names a client address no host can have
//   RCVD_UNTRUSTED_PRIVATE               the first relay outside our trusted networks has a
//                                        private, loopback, link-local or CGN address
//
// The same logic as a Lua rule would have it, in C++ because it runs on every message.
// Scores are provisional (configuration [symbols.NAME] overrides them).
// Ownership: stateless. Loop affinity: the worker thread. Failure modes: none.
#pragma once

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_received_module();

}  // namespace mw::scan
