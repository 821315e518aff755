// The signing module: DKIM signing of outbound mail and ARC sealing of forwarded/list mail.
//
// One postfilter symbol, SIGNING (after the auth module's verdicts and the
// Authentication-Results postfilter), does both for a message:
//
//   DKIM ([dkim_signing]) - a message is a candidate when the sender is authenticated
//     (sign_authenticated), comes from options.local_networks (sign_local) or always
//     (sign_inbound). The signing domain comes from the From header, the envelope sender or
//     the authenticated user (use_domain); keys come from [dkim_signing.domains."<domain>"]
//     (one or several selectors, RSA and Ed25519) or from the path template
//     ("$DBDIR/dkim/$domain.$selector.key") when try_fallback is on. The signatures go to the
//     reply's "dkim-signature" field (a string, or an array for several keys), which the
//     milter proxy and Rspamd's MTA integrations insert; symbol DKIM_SIGNED lists them.
//   ARC ([arc_sealing]) - for mail to a configured domain (use_domain = "recipient") or from
//     one ("header"/"envelope"): the next ARC Set (AAR with this host's authentication
//     results, AMS, AS with cv= from the chain as received) in the reply's
//     milter.add_headers; symbol ARC_SIGNED.
//
// Whenever signing is configured the reply says what happened ("dkim-signing" and
// "arc-sealing": {"status": "signed"|"skipped", "reason": ..., "signatures": [...]}) and the
// log says why a candidate was not signed (no key for the domain, not authenticated, domain
// mismatch, ...).
//
// Keys are loaded when the configuration is (errors name the file); keys found through the
// path template are loaded on first use and cached until the next reload.
#pragma once

#include <functional>
#include <string>

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_signing_module(PathExpander expand);

}  // namespace mw::scan
