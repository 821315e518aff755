// The milter proxy's verdict mapping: a scan::Verdict -> the milter actions for the MTA, the
// [proxy] options, and what the proxy negotiates with the MTA.
//
// Verdict mapping (milter_actions):
//   reject           554 5.7.1 <the verdict's SMTP message | reject_message>; with
//                    discard_on_reject or a `reject = "discard"` flag (milter block, or a
//                    top-level reply field): discard; with quarantine_on_reject or
//                    `reject = "quarantine"`: the accept path below plus
//                    quarantine(<SMTP message | quarantine_message>)
//   soft reject      451 4.7.1 <SMTP message | tempfail_message>
//   discard          discard
//   quarantine       accept path + quarantine(<SMTP message | quarantine_message>)
//   rewrite subject  accept path + Subject changed to the verdict's subject + spam header
//   add header       accept path + spam header (`spam_header: Yes`; the milter block's
//                    `spam_header` names another header)
//   no action, greylist, an upstream's custom actions: accept path
//   milter block no_action: accept path + `X-Rspamd-Action: <action>`, whatever the action
// The accept path sends, in this order: header deletions (forged `X-Spam*` fields when
// remove_forged_spam_headers, then the milter block's remove_headers; every index deleted
// once, highest first), the proxy's own headers (spam header, and with add_score_headers
// `X-Spamd-Result` and `X-Spam-Score`), the milter block's add_headers (no order or order
// -1: appended; order >= 0: inserted at that index, 0 = top; other negative orders count
// from the end), change_from, add_rcpt, del_rcpt, then the DKIM signatures inserted at the
// top (in signing order), then accept. Header values are passed on as given (the milter
// session adds the leading space and LF line breaks the MTA expects); the received header
// fields are never rewritten, so `simple` DKIM signatures over them survive.
//
// Ownership: plain values. Loop affinity: none.
// Failure modes: proxy_options_from() fails (kInvalidInput) for forward mode without
// upstreams or a spam_header that is not a header name. The mapping itself cannot fail.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "proto/milter/codec.h"
#include "proto/milter/session.h"
#include "scan/verdict.h"

namespace mw::server {

enum class ProxyMode { kSelfScan, kForward };
enum class DefaultAction { kAccept, kTempfail };

struct ProxyOptions {
  ProxyMode mode = ProxyMode::kSelfScan;
  std::vector<std::string> upstreams;        // forward mode: "HOST:PORT" of scanners
  double timeout = 20;                       // per upstream attempt (connect + scan + reply)
  double upstream_dead_time = 10;            // a failed upstream is tried last for this long
  size_t max_reply_size = 4u << 20;          // largest upstream reply
  DefaultAction default_action = DefaultAction::kAccept;
  std::string reject_message = "Spam message rejected";
  std::string tempfail_message = "Try again later";
  std::string quarantine_message = "Spam message quarantined";
  std::string spam_header = "X-Spam";
  bool add_score_headers = false;            // X-Spamd-Result and X-Spam-Score
  bool remove_forged_spam_headers = true;    // delete incoming X-Spam* fields
  bool discard_on_reject = false;
  bool quarantine_on_reject = false;
  int workers = 1;                           // proxy worker processes
};

// Declare the [proxy] options. REQUIRES: not declared before in `schema`.
void declare_proxy_options(core::Schema& schema);
// REQUIRES: `cfg` was loaded with a schema that declare_proxy_options() filled.
Result<ProxyOptions> proxy_options_from(const core::Config& cfg);

// The milter replies for a verdict (see the table above). `headers` are the message's header
// fields as received (for deletion indexes).
std::vector<proto::milter::Action> milter_actions(
    const scan::Verdict& verdict, const std::vector<proto::milter::HeaderEntry>& headers,
    const ProxyOptions& options);

// The replies when there is no verdict: accept, or 451 4.7.1 <tempfail_message>.
std::vector<proto::milter::Action> default_actions(const ProxyOptions& options);

// What the proxy negotiates: only the actions it may use (add/change headers, quarantine,
// change from, add/remove recipients; no body replacement) and, when the MTA lets the
// filter choose, the macros it reads per stage.
proto::milter::SessionOptions proxy_session_options();

}  // namespace mw::server
