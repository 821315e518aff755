// ScanHandler: Rspamd's scan protocol on top of the scan layer.
//
// Maps a request (HTTP /checkv2, the legacy /check family, the RSPAMC/SPAMC line protocol)
// to a Task: the envelope comes from the request headers (From, Rcpt, IP, Helo, Hostname,
// User, Queue-Id, Deliver-To, Settings-ID, Settings, Pass, Flags, Log-Tag, MTA-Name; query
// parameters count as headers), the body is the message. The reply is the /checkv2 JSON,
// the legacy JSON or the legacy text, compressed with zstd when the client sent zstd.
// /ping answers "pong", /skip answers without scanning; anything else is 404.
//
// A scan whose client goes away is cancelled (the task is destroyed, its DNS and store
// requests with it). Every finished task is reported to the StatsRecorder.
//
// Ownership: owns its in-flight tasks. Loop affinity: the worker's Dispatcher.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "server/stats.h"
#include "proto/http/server.h"
#include "scan/engine.h"
#include "scan/envelope.h"

namespace mw::scan {
class Task;
}

namespace mw::server {

class ScanHandler final : public proto::http::Handler {
 public:
  ScanHandler(const scan::Engine& engine, scan::Services& services, StatsRecorder* stats);
  ~ScanHandler() override;

  void handle(proto::http::Request&& request, proto::http::ResponderPtr responder) override;
  // True when this handler serves the request's path (used by the controller to delegate).
  static bool is_scan_path(const proto::http::Request& request);
  size_t in_flight() const { return tasks_.size(); }

 private:
  struct InFlight;
  void finish(uint64_t id);

  const scan::Engine& engine_;
  scan::Services& services_;
  StatsRecorder* stats_;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<InFlight>> tasks_;
};

// The envelope Rspamd's request headers describe (exposed for tests).
scan::Envelope envelope_from_request(const proto::http::Request& request);

}  // namespace mw::server
