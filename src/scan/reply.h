// Replies in Rspamd's shapes, rendered from a Verdict (verdict.h), each in this one place.
//
//   checkv2_reply   the /checkv2 JSON (and `mailward scan` output): is_skipped, score,
//                   required_score, action, thresholds, symbols {name, score, metric_score,
//                   description?, options?}, groups?, profile?, subject?, passthrough_module?,
//                   messages {smtp_message?}, urls?, emails?, message-id?, time_real,
//                   milter?, the rules' extra fields, dkim-signing?, dkim-signature?,
//                   arc-sealing?
//   legacy_reply    the /check (/symbols, /scan ...) JSON: a "default" metric object with
//                   the symbols mixed in (no metric_score), "rmilter" instead of "milter"
//   rspamc_reply    the RSPAMC line protocol (Exim `variant=rspamd`, old rspamc):
//                     RSPAMD/1.3 0 EX_OK
//                     Metric: default; True; 16.00 / 15.00 / 0.0
//                     Action: reject
//                     Symbol: NAME(1.00)                       one per symbol
//                     Subject: ...                             rewrite subject only
//                     Message: ...                             the SMTP message
//                     Message-ID: ...
//                   (as Rspamd: no description, options or milter lines; Exim copies what
//                   follows the Metric line into $spam_report). Exim parses exactly
//                   "RSPAMD/%s 0 EX_OK\r\nMetric: default; %s %lf / %lf / %lf\r\n" and then
//                   an "Action: " line, so that prefix must stay as it is.
//   spamd_reply     SpamAssassin's spamd protocol (spamc, Exim without variant=rspamd):
//                     SPAMD/1.1 0 EX_OK
//                     Spam: True ; 16.00 / 15.00               right after the status line
//                     Content-length: N                        protocol >= 1.3, not CHECK
//                     <blank line>, then the body of the command:
//                   CHECK nothing; SYMBOLS the comma-separated names; REPORT (REPORT_IFSPAM:
//                   when spam) a text table of score, name, description and options;
//                   PROCESS the message and HEADERS its header section (with the blank
//                   line), both with X-Spam-Flag (spam only), X-Spam-Status, X-Spam-Level and
//                   the milter block's add_headers on top, without the X-Spam-Flag/Status/
//                   Level fields they came with and the milter block's remove_headers, in the
//                   message's own line ending. "Spam: True" when the action is reject,
//                   discard or quarantine or the score reaches the required score (Exim and
//                   spamc decide by score >= required).
//   error_reply     {"error": "...", "error_domain": "protocol-error"}
//
// is_spam: in the legacy JSON for reject, soft reject, add header and rewrite subject; in the
// RSPAMC lines for reject only (as Rspamd). Scores are rounded to 1e-6 in JSON and printed
// with two decimals in the line protocols, whatever the C locale. Text fields never carry a
// line break into a line reply; header values added by PROCESS/HEADERS keep their folding
// (continuation lines start with whitespace).
//
// verdict_from_checkv2 is the inverse of checkv2_reply for the milter proxy's forward mode:
// it reads an upstream's reply once. It fails (kInvalidInput) when the reply holds no verdict:
// not an object, no string `action` (an error reply: the message says the scanner's error).
// Unknown action names are kept (Verdict::custom_action); unknown fields go to the additions'
// extra fields.
//
// Ownership: plain values. Loop affinity: none.
#pragma once

#include <string>
#include <string_view>

#include "core/json.h"
#include "core/result.h"
#include "scan/verdict.h"

namespace mw::scan {

json::Value checkv2_reply(const Verdict& verdict);
json::Value legacy_reply(const Verdict& verdict);
std::string rspamc_reply(const Verdict& verdict);

enum class SpamdCommand { kCheck, kSymbols, kReport, kReportIfSpam, kProcess, kHeaders };
// A spamd command name, case-insensitive; kUnsupported for others (TELL, ...).
Result<SpamdCommand> parse_spamd_command(std::string_view name);
// `version_minor`: the client's SPAMC/1.x; `message`: the scanned message (PROCESS, HEADERS).
std::string spamd_reply(const Verdict& verdict, SpamdCommand command, int version_minor,
                        std::string_view message);
json::Value error_reply(std::string_view message);

Result<Verdict> verdict_from_checkv2(const json::Value& reply);

// Round a score for output (scores are sums of doubles; 1e-6 is far below any threshold).
double round_score(double v);

}  // namespace mw::scan
