// Framing of the legacy line protocols (rspamd-compat.md section 1.2): RSPAMC (Exim
// `variant=rspamd`, old rspamc) and SPAMC (SpamAssassin spamc). A legacy reply is text
// written as it is, after which the connection closes (Exim reads to the end of the stream).
//
// The scan replies themselves (RSPAMD/1.3 0 EX_OK, Metric:, Symbol: ... / SPAMD/1.1 0 EX_OK,
// Spam: ...) are rendered from a scan Verdict by scan/reply.h; this file has what the
// protocol needs without a verdict: error lines, the PING answer and the raw Response.
// Text fields never carry a line break into the reply.
//
// Ownership: plain values. Loop affinity: none. Failure modes: none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/http/request.h"
#include "proto/http/response.h"

namespace mw::proto::http {

// An error reply: "RSPAMD/1.3 76 <message>" with a sysexits-style code derived from the
// HTTP status (400 -> 76 EX_PROTOCOL, 408 -> 79, 413 -> 98 too big, 5xx -> 70 EX_SOFTWARE,
// 503 -> 75 EX_TEMPFAIL).
std::string format_legacy_error(Protocol protocol, int http_status, std::string_view message);
// Reply to PING: "RSPAMD/1.3 0 PONG" / "SPAMD/1.5 0 PONG".
std::string format_legacy_pong(Protocol protocol);

// Wrap a legacy reply text into a Response the server writes as it is, then closes.
Response legacy_response(std::string text);

}  // namespace mw::proto::http
