// The scan envelope of a request, from each protocol the daemon speaks.
//
//   envelope_from_request  Rspamd's scan protocol (HTTP and RSPAMC/SPAMC): request headers
//       From, Rcpt (repeated, or comma-separated), IP, Helo, Hostname, User (not from SPAMC,
//       whose User is the local user), Queue-Id, Deliver-To, Settings-ID, Settings, Pass: all,
//       Flags (pass_all, no_log, skip, milter, ext_urls, groups, profile, body_block,
//       no_stat), Milter: yes, Log-Tag, MTA-Name, URL-Format: extended; query parameters
//       count as headers when no header of that name was sent. Angle brackets around
//       addresses are removed.
//   envelope_from_milter   a milter message's fields (proto/milter/scan_headers.h), mapped
//       directly: the same values the scan protocol would carry, and the fields' request
//       headers for rules that read them (Flags: milter, body_block when granted).
//
// Ownership: returns values. Loop affinity: none. Failure modes: none (absent fields stay
// empty).
#pragma once

#include "proto/http/request.h"
#include "proto/milter/scan_headers.h"
#include "scan/envelope.h"

namespace mw::server {

scan::Envelope envelope_from_request(const proto::http::Request& request);
scan::Envelope envelope_from_milter(const proto::milter::ScanFields& fields);

}  // namespace mw::server
