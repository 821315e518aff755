// ScanHandler: Rspamd's scan protocol on top of the scan layer.
//
// Maps a request (HTTP /checkv2, the legacy /check family, the RSPAMC/SPAMC line protocol)
// to a Task: the envelope comes from the request headers (envelope.h), the body is the
// message. The reply is rendered from the task's scan::Verdict (scan/reply.h): the /checkv2
// JSON, the legacy JSON or the RSPAMC/SPAMC lines, compressed with zstd when the client sent
// zstd.
// /ping answers "pong", /skip answers without scanning; anything else is 404. SpamAssassin's
// protocol (SPAMC/1.x) knows CHECK, SYMBOLS, REPORT, REPORT_IFSPAM, PROCESS, HEADERS and PING;
// SKIP closes without a reply, other commands (TELL) get EX_USAGE, compressed bodies (spamc -z,
// `Compress: zlib`) EX_PROTOCOL.
//
// A scan whose client goes away is cancelled (the task is destroyed, its DNS and store
// requests with it). Every finished task is reported to the StatsRecorder.
//
// Ownership: owns its in-flight tasks. Loop affinity: the worker's Dispatcher.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "proto/http/server.h"
#include "scan/engine.h"
#include "server/stats.h"

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

}  // namespace mw::server
