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
//     still running after the drain timeout, and return.
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

namespace mw::core {

struct WorkerSpec {
  std::string kind;          // "normal", "controller", "proxy" (for logs)
  int count = 1;
  std::function<int()> main; // runs in the child; returns its exit status
};

struct SupervisorOptions {
  double drain_timeout = 30;       // seconds between SIGTERM and SIGKILL
  double respawn_backoff_max = 30; // seconds
};

class Supervisor {
 public:
  // `reload` is false for the first generation, true on SIGHUP.
  using Builder = std::function<Result<std::vector<WorkerSpec>>(bool reload)>;

  Supervisor(Logger& logger, SupervisorOptions options);
  int run(const Builder& build);

 private:
  struct Child {
    pid_t pid;
    size_t spec;       // index into the generation's specs
    int generation;
    double started;
  };

  Logger& logger_;
  SupervisorOptions options_;
};

}  // namespace mw::core
