// Replies of the legacy line protocols (rspamd-compat.md section 1.2).
//
// RSPAMC (Exim `variant=rspamd`, old rspamc): a status line and text lines, no blank line,
// then the connection closes (Exim reads to the end of the stream):
//   RSPAMD/1.3 0 EX_OK
//   Metric: default; True; 16.00 / 15.00 / 0.0
//   Action: reject
//   Symbol: NAME(1.00)                       one per symbol
//   X-Symbol: NAME(1.00); description [opt1, opt2]
//   Subject: ...                             rewrite subject only
//   Message: ...                             one per message (smtp_message)
//   Message-ID: ...
//   X-Milter-Add: Name: value                milter add_headers
//   X-Milter-Del: Name | Name[N]             milter remove_headers (N = index, 0 = all)
// Exim parses exactly "RSPAMD/%s 0 EX_OK\r\nMetric: default; %s %lf / %lf / %lf\r\n" and
// then an "Action: " line, so that prefix must stay as it is.
//
// SPAMC (SpamAssassin spamc): a status line, Content-length of the part after the blank
// line, a Spam header, a blank line and the comma-separated symbol names:
//   SPAMD/1.1 0 EX_OK
//   Content-length: 21
//   Spam: True ; 16.00 / 15.00
//
//   SYMBOL_ONE,SYMBOL_TWO
//
// Scores are printed with two decimals whatever the C locale. Text fields never carry a
// line break into the reply; folded header values in X-Milter-Add keep their folding.
//
// Ownership: plain values. Loop affinity: none. Failure modes: none.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/http/request.h"
#include "proto/http/response.h"

namespace mw::proto::http {

struct LegacySymbol {
  std::string name;
  double score = 0;
  std::string description;           // may be empty
  std::vector<std::string> options;  // may be empty
};

struct LegacyHeaderAdd {
  std::string name;
  std::string value;
};

struct LegacyHeaderRemove {
  std::string name;
  int index = 0;  // 0 = every instance; N > 0 the Nth; N < 0 the Nth from the end
};

// What the scan decided, in neutral terms (filled by the scan layer).
struct LegacyResult {
  std::string action = "no action";
  double score = 0;
  double required_score = 0;
  bool is_spam = false;  // Rspamd: the action is reject
  std::vector<LegacySymbol> symbols;
  std::string subject;                // new subject for `rewrite subject`, else empty
  std::vector<std::string> messages;  // e.g. the SMTP message text
  std::string message_id;
  std::vector<LegacyHeaderAdd> milter_add;
  std::vector<LegacyHeaderRemove> milter_remove;
};

// The complete reply text for a request of `protocol` (kRspamc or kSpamc).
std::string format_legacy_reply(Protocol protocol, const LegacyResult& result);
// An error reply: "RSPAMD/1.3 76 <message>" with a sysexits-style code derived from the
// HTTP status (400 -> 76 EX_PROTOCOL, 408 -> 79, 413 -> 98 too big, 5xx -> 70 EX_SOFTWARE,
// 503 -> 75 EX_TEMPFAIL).
std::string format_legacy_error(Protocol protocol, int http_status, std::string_view message);
// Reply to PING: "RSPAMD/1.3 0 PONG" / "SPAMD/1.5 0 PONG".
std::string format_legacy_pong(Protocol protocol);

// Wrap a legacy reply text into a Response the server writes as it is, then closes.
Response legacy_response(std::string text);

}  // namespace mw::proto::http
