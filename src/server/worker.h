// The daemon's worker processes (started by `mailward serve`, app/serve_cmd.cpp):
//
//   normal      the scan protocol: HTTP /checkv2 and friends, RSPAMC/SPAMC (ScanHandler)
//   controller  the controller API and the dashboard (Controller and its route families,
//               registered here in their order: controller_routes.h)
//   proxy       the milter proxy (milter_proxy.h)
//
// Every worker runs one loop until SIGTERM or SIGINT and then drains the same way
// (run_until_drained): stop accepting, let in-flight requests finish, flush the statistics,
// leave - after [serve] drain_timeout at the latest. Every loop beats its heartbeat for the
// master's watchdog; the controller moves the workers' deaths the master counted into the
// statistics' errors (/stat).
//
// Ownership: a WorkerContext only refers to what the process's wiring owns.
// Loop affinity: the worker's Dispatcher. Failure modes: a worker that cannot serve (socket
// not listening, unusable options) logs why and returns exit status 1.
#pragma once

#include <functional>
#include <string_view>

#include "core/config.h"
#include "core/log.h"
#include "core/loop.h"
#include "proto/http/server.h"
#include "proto/options.h"
#include "scan/engine.h"
#include "server/controller.h"
#include "server/stats.h"
#include "store/store.h"

namespace mw::server {

struct WorkerContext {
  core::Dispatcher& dispatcher;
  core::Logger& logger;
  const core::Config& config;
  const scan::Engine& engine;
  scan::Services& services;
  store::Store* store;  // null when the store could not be opened
  StatsRecorder& stats;
  core::Heartbeat heartbeat;         // this worker's (disabled without a watchdog)
  core::WorkerBoard* board = nullptr;  // the master's board (null: none)
};

// Run the loop until SIGTERM or SIGINT, then: log "draining" (as `module`), call
// `drain(done)`, and once done ran flush the statistics (StatsRecorder::leave) and leave the
// loop; leave it anyway [serve] drain_timeout seconds after the signal. While it runs, the
// loop beats the worker's heartbeat with `open()` connections (core/watchdog.h).
void run_until_drained(WorkerContext& w, std::string_view module,
                       const std::function<void(std::function<void()>)>& drain,
                       const std::function<uint32_t()>& open = {});

// Start `server` (the HTTP or the milter server: start(fd) -> Status, drain(done),
// connection_count()) on `listen_fd` and run_until_drained with its drain and connection
// count. Returns 1 when it cannot start (logged as `module`: "cannot serve: ..."), else 0.
template <typename Server>
int serve_until_drained(WorkerContext& w, std::string_view module, Server& server,
                        int listen_fd) {
  auto started = server.start(listen_fd);
  if (!started) {
    w.logger.error(module, "cannot serve: " + started.error().message);
    return 1;
  }
  run_until_drained(
      w, module, [&](std::function<void()> done) { server.drain(std::move(done)); },
      [&] { return static_cast<uint32_t>(server.connection_count()); });
  return 0;
}

// The normal worker: the scan protocol on `listen_fd`. Returns the exit status.
int run_scan_worker(WorkerContext& w, int listen_fd, proto::HttpOptions http);
// The controller worker on `listen_fd`. Returns the exit status.
int run_controller_worker(WorkerContext& w, int listen_fd, proto::HttpOptions http,
                          ControllerOptions options);

}  // namespace mw::server
