// MilterProxy: the `proxy` worker's milter handler (Postfix smtpd_milters, Sendmail
// INPUT_MAIL_FILTER; rspamd-compat.md section 2).
//
// The milter conversation itself (negotiation, macros, byte-exact header and body
// collection, ABORT/QUIT, progress packets, frame limits) is proto::milter::MilterServer's
// work. At end of message this handler gets the envelope and the message and produces the
// verdict in one of two modes ([proxy] mode):
//
//   self_scan   build a scan::Envelope from the milter message (the same request-header
//               mapping as the HTTP scan protocol: proto::milter::scan_headers() fed to
//               envelope_from_request()), run a scan::Task in this process and take its
//               scan::Verdict (scan::make_verdict)
//   forward     POST the byte-exact message with the same request headers to
//               `/checkv2` of the [proxy] upstreams: round-robin, failover to the next
//               upstream on a connect error, timeout, non-200 status or unusable reply; an
//               upstream that failed is tried last for `upstream_dead_time`. The reply is
//               parsed into a scan::Verdict once (scan::verdict_from_checkv2)
//
// Either way one function, milter_actions(), turns the Verdict into milter replies.
// When no verdict can be had (every upstream failed, the scan failed) `default_action`
// applies (accept or tempfail with `tempfail_message`) and is logged.
//
// Verdict mapping (milter_actions):
//   reject           554 5.7.1 <messages.smtp_message | reject_message>; with
//                    discard_on_reject or a `reject = "discard"` flag (milter block or top
//                    level): discard; with quarantine_on_reject or `reject = "quarantine"`:
//                    the accept path below plus quarantine(<smtp_message | quarantine_message>)
//   soft reject      451 4.7.1 <messages.smtp_message | tempfail_message>
//   discard          discard
//   quarantine       accept path + quarantine(<smtp_message | quarantine_message>)
//   rewrite subject  accept path + Subject changed to the verdict's subject + spam header
//   add header       accept path + spam header (`spam_header: Yes`; the milter block's
//                    `spam_header` names another header)
//   no action, greylist, custom actions: accept path
//   milter.no_action = true: accept path + `X-Rspamd-Action: <action>`, whatever the action
//   custom actions of an upstream: accept path
// The accept path sends, in this order: header deletions (forged `X-Spam*` fields when
// remove_forged_spam_headers, then the milter block's remove_headers; every index deleted
// once, highest first), the proxy's own headers (spam header, and with add_score_headers
// `X-Spamd-Result` and `X-Spam-Score`), the milter block's add_headers (no order or order
// -1: appended; order >= 0: inserted at that index, 0 = top; other negative orders count
// from the end), change_from, add_rcpt, del_rcpt, then `dkim-signature` values inserted at
// the top (in reply order), then accept. Header values are passed on as given (the milter
// session adds the leading space and LF line breaks the MTA expects); the received header
// fields are never rewritten, so `simple` DKIM signatures over them survive.
//
// Ownership: MilterProxy owns its in-flight scans and upstream exchanges; it does not own
// the engine, services, stats recorder or dispatcher (all must outlive it).
// Loop affinity: the proxy worker's Dispatcher.
// Failure modes: proxy_options_from() fails (kInvalidInput) for forward mode without
// upstreams or a spam_header that is not a header name; MilterProxy::create() fails
// (kInvalidInput) for an upstream address that does not resolve or a self-scan proxy without
// an engine. Nothing fails per message: a message without a verdict gets the default action
// (logged at warn level); each verdict is logged at info level with the queue id.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "proto/http/client.h"
#include "server/stats.h"
#include "server/worker.h"
#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "proto/milter/server.h"
#include "scan/engine.h"
#include "scan/envelope.h"
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

// The scan envelope of a milter message: the request headers scan_headers() builds, mapped
// as envelope_from_request() maps HTTP ones; when the CONNECT packet had no IP address
// (unix socket, unknown family) the {client_addr} macro stands in.
scan::Envelope envelope_from_milter(const proto::milter::Message& message);

// What the proxy negotiates: only the actions it may use (add/change headers, quarantine,
// change from, add/remove recipients; no body replacement) and, when the MTA lets the
// filter choose, the macros it reads per stage.
proto::milter::SessionOptions proxy_session_options();

class MilterProxy final : public proto::milter::MilterHandler {
 public:
  // Self-scan mode needs `engine` and `services`; forward mode needs neither (may be null).
  // `stats` (may be null) records finished self-scan tasks (forward mode records nothing:
  // the upstream scanners do). Upstream names are resolved here, once (blocking).
  // REQUIRES: `dispatcher`, `engine`, `services`, `stats` outlive the proxy.
  static Result<std::unique_ptr<MilterProxy>> create(core::Dispatcher& dispatcher,
                                                     core::Logger& logger,
                                                     ProxyOptions options,
                                                     const scan::Engine* engine,
                                                     scan::Services* services,
                                                     StatsRecorder* stats);
  ~MilterProxy() override;

  void on_message(proto::milter::Message&& message, proto::milter::ReplierPtr replier) override;

  size_t in_flight() const { return flights_.size(); }

 private:
  struct Flight;
  struct Upstream {
    proto::http::UpstreamAddress address;
    double dead_until = 0;  // Dispatcher::monotonic()
  };

  MilterProxy(core::Dispatcher& dispatcher, core::Logger& logger, ProxyOptions options,
              const scan::Engine* engine, scan::Services* services, StatsRecorder* stats);
  void self_scan(uint64_t id, proto::milter::Message&& message);
  void forward(uint64_t id, proto::milter::Message&& message);
  void try_upstream(uint64_t id);
  void on_upstream_reply(uint64_t id, Result<proto::http::HttpReply> reply);
  void on_task_done(uint64_t id);
  // Send the milter actions of `verdict`, or the default action (null verdict, logged).
  void answer(uint64_t id, const scan::Verdict* verdict, const std::string& why_none);
  void drop(uint64_t id);

  core::Dispatcher& dispatcher_;
  core::ModuleLog log_;
  ProxyOptions options_;
  const scan::Engine* engine_;
  scan::Services* services_;
  StatsRecorder* stats_;
  std::vector<Upstream> upstreams_;
  size_t next_upstream_ = 0;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<Flight>> flights_;
};

// The proxy worker: a MilterServer with a MilterProxy on `listen_fd` until SIGTERM/SIGINT,
// then the workers' drain (worker.h). Returns the worker's exit status (1 when the options
// are unusable).
int run_proxy_worker(WorkerContext& w, int listen_fd);

}  // namespace mw::server
