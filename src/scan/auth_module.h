// The auth module: runs SPF, DKIM, DMARC and ARC for each message (the RFC libraries in
// src/auth) and keeps their verdicts on the task (auth_results.h). rules/auth.lua turns the
// verdicts into Rspamd's symbols and adds the Authentication-Results header.
//
// One callback symbol, AUTH_CHECKS: it starts SPF (when the client IP is known), DKIM
// verification of every signature and ARC chain validation at once; DMARC starts when SPF and
// DKIM are done; the symbol finishes when everything has answered. DNS goes through the task's
// budgeted resolver, so a failing DNS gives temperror verdicts, never a stalled task.
//
// Options ([options.auth]): authserv_id, check_authenticated, check_local, trusted_arc_sealers,
// dmarc_report_rows/dmarc_report_ttl (aggregate-report records kept in the store).
#pragma once

#include "scan/module.h"

namespace mw::scan {

ModulePtr make_auth_module();

}  // namespace mw::scan
