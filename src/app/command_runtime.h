// What a command that reads the configuration runs on (the CLI start-up of scan, replay,
// test-rules, check-domain, hold, dmarc-report): a logger named after the command, the
// configuration (and, when asked for, the engine) of start_command(), a Dispatcher and the
// scan::Services on it, and running one task to its end.
//
// Ownership: the runtime owns all of it; resolvers and stores the command adds to
// `services` must outlive their use (declare them after the runtime). Loop affinity: the
// Dispatcher's thread (the command's one thread). Failure modes: start() returns null when
// the start-up failed, after start_command() printed why.
#pragma once

#include <memory>
#include <string_view>

#include "app/bootstrap.h"
#include "core/log.h"
#include "core/loop.h"
#include "scan/engine.h"
#include "scan/task.h"

namespace mw::app {

struct CommandRuntime {
  // The logger starts at error level; `options`: scanning_startup(args) for a command that
  // scans, else at least the --conf directory.
  static std::unique_ptr<CommandRuntime> start(std::string_view command,
                                            const StartupOptions& options);

  const core::Config& config() const { return *setup.config; }
  const scan::Engine& engine() const { return *setup.engine; }  // REQUIRES: options.engine
  // Run `task` and the loop until the task has finished.
  void run(scan::Task& task);

  core::Logger logger{core::LogLevel::kError};
  Startup setup;
  core::Dispatcher dispatcher;
  scan::Services services{dispatcher, logger};
};

}  // namespace mw::app
