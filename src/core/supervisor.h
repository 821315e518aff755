// Supervisor: the master process of `mailward serve` (after Postfix's master and Rspamd's
// main process).
//
// The master builds a generation of worker specs (configuration, rules, Hyperscan databases,
// listening sockets are all prepared by the builder before forking), forks the workers, and
// then only supervises:
//   - a worker that dies is respawned (with a growing delay if it keeps dying at start);
//   - SIGHUP builds a new generation; when that succeeds the new workers start and the old
//     ones get SIGTERM and drain (the listening sockets stay open in the master, so no
//     connection is refused); when it fails the old generation keeps running;
//   - SIGTERM/SIGINT send SIGTERM to every worker, wait for them to drain, SIGKILL the ones
//     still running after the drain timeout, and return;
//   - with a WorkerBoard (watchdog.h), a worker whose event loop has not turned for
//     `stuck_timeout` seconds is killed (SIGKILL) with a log line naming what it was busy
//     with, and respawned like any dead worker;
//   - a worker that dies without being asked to is logged with the number of connections
//     it had open (their requests are lost: a dead process cannot answer them; the clients
//     see their connection close) and counted on the board (/stat errors).
//
// Ownership: the Supervisor owns nothing of the workers but their PIDs. Loop affinity: it
// runs its own Dispatcher in the master. Failure modes: run() returns non-zero if the first
// generation cannot be built or forked.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "core/log.h"
#include "core/result.h"
#include "core/watchdog.h"

namespace mw::core {

struct WorkerSpec {
  std::string kind;          // "normal", "controller", "proxy" (for logs)
  int count = 1;
  // Runs in the child with its heartbeat (disabled without a board); returns its status.
  std::function<int(Heartbeat)> main;
};

struct SupervisorOptions {
  double drain_timeout = 30;       // seconds between SIGTERM and SIGKILL
  double respawn_backoff_max = 30; // seconds
  double stuck_timeout = 30;       // seconds without a loop turn before a kill (0: never)
};

class Supervisor {
 public:
  // `reload` is false for the first generation, true on SIGHUP.
  using Builder = std::function<Result<std::vector<WorkerSpec>>(bool reload)>;

  // `board` (may be null: no watchdog) must outlive the Supervisor.
  Supervisor(Logger& logger, SupervisorOptions options, WorkerBoard* board = nullptr);
  int run(const Builder& build);

 private:
  Logger& logger_;
  SupervisorOptions options_;
  WorkerBoard* board_;
};

}  // namespace mw::core
