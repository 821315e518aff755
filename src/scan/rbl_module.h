// The rbl module: DNS blocklists for IPs, names, URL domains and e-mail addresses
// ([rbl] and [rbl.NAME], see rbl_list.h and doc/maps.md).
//
// One symbol, RBL_CHECK, runs every enabled list: it gathers each list's candidates (the
// first relay outside our networks for `from`, the other untrusted relays for `received`,
// HELO, reverse DNS, sender domains, URL domains, addresses), drops whitelisted and
// non-public ones and duplicates, keeps at most rbl.max_queries queries per message, sends
// them all at once through the task's resolver (so they also count against the task's DNS
// lookup budget) and inserts the symbols the answers map to, with "value:check" options.
// NXDOMAIN and NODATA mean "not listed"; timeouts, SERVFAIL, refusals and an exhausted
// budget are never a hit; answers in a list's blocked_codes are warned about (at most once a
// minute per list and process) and ignored.
//
// Ownership: the module's configuration is shared by the symbol callbacks (immutable after
// configure()). Loop affinity: the worker thread. Failure modes: configure() fails on bad
// options and broken whitelist maps; scanning never fails.
#pragma once

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_rbl_module();

}  // namespace mw::scan
