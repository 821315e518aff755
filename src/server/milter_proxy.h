// MilterProxy: the `proxy` worker's milter handler (Postfix smtpd_milters, Sendmail
// INPUT_MAIL_FILTER; rspamd-compat.md section 2).
//
// The milter conversation itself (negotiation, macros, byte-exact header and body
// collection, ABORT/QUIT, progress packets, frame limits) is proto::milter::MilterServer's
// work. At end of message this handler gets the envelope and the message and produces the
// verdict in one of two modes ([proxy] mode):
//
//   self_scan   build a scan::Envelope from the milter message's fields
//               (proto::milter::scan_fields, mapped by envelope_from_milter), run a
//               scan::Task in this process and take its scan::Verdict (scan::make_verdict)
//   forward     POST the byte-exact message with the fields as the scan protocol's request
//               headers (proto::milter::scan_headers) to `/checkv2` of the [proxy]
//               upstreams: round-robin, failover to the next upstream on a connect error,
//               timeout, non-200 status or unusable reply; an upstream that failed is tried
//               last for `upstream_dead_time`. The reply is parsed into a scan::Verdict once
//               (scan::verdict_from_checkv2)
//
// Either way milter_actions() (milter_actions.h) turns the Verdict into milter replies.
// When no verdict can be had (every upstream failed, the scan failed) `default_action`
// applies (accept or tempfail with `tempfail_message`) and is logged. When the CONNECT
// packet had no IP address (unix socket, unknown family) the {client_addr} macro stands in.
//
// Ownership: MilterProxy owns its in-flight scans and upstream exchanges; it does not own
// the engine, services, stats recorder or dispatcher (all must outlive it).
// Loop affinity: the proxy worker's Dispatcher.
// Failure modes: MilterProxy::create() fails (kInvalidInput) for an upstream address that
// does not resolve, forward mode without upstreams or a self-scan proxy without an engine.
// Nothing fails per message: a message without a verdict gets the default action (logged at
// warn level); each verdict is logged at info level with the queue id.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/log.h"
#include "core/loop.h"
#include "core/result.h"
#include "proto/http/client.h"
#include "proto/milter/scan_headers.h"
#include "proto/milter/server.h"
#include "scan/engine.h"
#include "scan/verdict.h"
#include "server/milter_actions.h"
#include "server/stats.h"
#include "server/worker.h"

namespace mw::server {

// The fields of a milter message the proxy scans with: scan_fields(), and {client_addr} as
// the IP when the CONNECT packet had none.
proto::milter::ScanFields proxy_scan_fields(const proto::milter::Message& message);

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
