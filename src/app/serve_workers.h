// The workers of `mailward serve`: what the master builds for each generation of workers
// (configuration, rules, engine) and the main function of each worker process.
//
// Ownership: a Generation is shared by the master and every worker forked from it (the
// engine keeps the schema the configuration points into). ServeSockets are the master's
// listening sockets, inherited by each worker. Loop affinity: build_generation() runs in the
// master before forking; worker_main() builds the worker's own Dispatcher and runs it.
// Failure modes: errors are values; build_generation() fails with the configuration's issues
// (file:line) in its message, or when the controller could not run with the configuration.
#pragma once

#include <memory>
#include <string>

#include "core/config.h"
#include "core/log.h"
#include "core/result.h"
#include "core/watchdog.h"
#include "scan/engine.h"

namespace mw::app {

// What every worker of one generation shares (built by the master before forking).
struct Generation {
  core::ConfigPtr config;
  std::shared_ptr<scan::Engine> engine;
};

// What `mailward serve` was started with and what the master opened for its workers.
struct ServeState {
  core::Logger& logger;
  std::string conf_dir;
  std::string dns_override;  // --dns
  std::string log_level;     // --log-level ("" = [logging] level)
  int scan_fd = -1;
  int controller_fd = -1;
  int milter_fd = -1;  // milter proxy socket (-1: disabled)
  double start_time = 0;
  core::WorkerBoard* board = nullptr;  // the watchdog's (null: none)
  std::shared_ptr<Generation> current;
};

enum class WorkerKind { kNormal, kController, kProxy };

// Configuration (with [logging] applied), rules and engine for the next generation.
Result<std::shared_ptr<Generation>> build_generation(const ServeState& st);

// One worker process: its loop, DNS resolver, store and statistics, then the worker itself
// until it stops. Returns the process's exit status.
int worker_main(const ServeState& st, const std::shared_ptr<Generation>& gen, WorkerKind kind,
                core::Heartbeat heartbeat);

// The current time as seconds since the epoch, with microseconds.
double wall_now();

}  // namespace mw::app
