// The controller's route families (controller.h), one file each. The controller worker
// (run_controller_worker, worker.cpp) adds them in this order; the first matching route
// answers:
//
//   add_status_routes    controller_status.cpp    ping, healthy, ready (anybody: "degraded"
//                                                 while the store is down); auth,
//                                                 actions
//   add_outbound_routes  controller_outbound.cpp  outbound/holds, outbound/audit;
//                                                 outbound/release, outbound/hold and
//                                                 outbound/falsepositive (writes, audited)
//   add_scan_routes      controller_scan.cpp      scanning as on the normal worker:
//                                                 /checkv2, /check, and the legacy commands
//                                                 (/symbols, /scan, ...) when a body is sent
//   add_stats_routes     controller_stats.cpp     stat, counters, symbols, metrics (Prometheus
//                                                 text), history, errors; statreset and
//                                                 historyreset (writes); all need the store
//                                                 (stat and metrics answer without it, with
//                                                 its health)
//   add_graph_routes     controller_graph.cpp     graph, perf, authstats (series.h)
//   add_worker_routes    controller_workers.cpp   workers: this scanner's processes (the
//                                                 watchdog board and their heartbeats) and
//                                                 the fleet's, one summary per scanner
//   add_config_routes    controller_config.cpp    savesymbols, saveactions (writes)
//   LearnService         controller_learn.cpp     learnspam, learnham, learnclass (writes);
//                                                 the classifier's /stat fields
//   DomainCheckService   controller_checkdomain.cpp checkdomain (SPF, DMARC, DKIM records of
//                                                 a domain, as `mailward check-domain`)
//   set_dashboard        controller_dashboard.cpp the dashboard files of web_dir at / (GET,
//                                                 HEAD), the fallback of every other path
//
// A new family: a file controller_<family>.cpp with an add_<family>_routes() declared here,
// and one line in run_controller_worker().
#pragma once

#include "core/watchdog.h"
#include "scan/engine.h"
#include "server/controller.h"
#include "server/stats.h"

namespace mw::server {

// REQUIRES for all: what is passed outlives the controller.
void add_status_routes(Controller& controller, const scan::Engine& engine);
void add_outbound_routes(Controller& controller);
// Scans run in this process, recorded by `stats` (may be null).
void add_scan_routes(Controller& controller, const scan::Engine& engine,
                     scan::Services& services, StatsRecorder* stats);
void add_stats_routes(Controller& controller, const scan::Engine& engine);
void add_graph_routes(Controller& controller);
// `board` (may be null: no watchdog) lists this scanner's processes.
void add_worker_routes(Controller& controller, const core::WorkerBoard* board);
void add_config_routes(Controller& controller, const scan::Engine& engine);
void set_dashboard(Controller& controller);
// The store's health as /stat ("store") and /ready show it: backend, available, outages,
// failed_operations (+ down_since, failed_operations_now, error during an outage).
json::Value store_health_json(const store::Store* store);

}  // namespace mw::server
