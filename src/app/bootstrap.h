// Bootstrap: the one place that lists every module and builds a process's engine.
//
//   make_modules()   the modules of this build, in order (and the Lua modules they add)
//   make_schema()    every option declaration (core, scan, proto, server, each module)
//   load_config()    --conf DIR (or the default directory, or the built-in defaults)
//   build_engine()   configure the scan layer and every module, then finalize
//   start_up()       all of the above for a command: modules, schema, configuration,
//                    [logging] and, when asked for, the engine
//
// Failure modes: errors are values; start_up() leaves the configuration's issues (file:line)
// in `issues` and report_startup_failure() prints them the same way for every command.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/args.h"
#include "core/config.h"
#include "core/log.h"
#include "core/result.h"
#include "scan/engine.h"
#include "scan/module.h"

namespace mw::dns {
class Resolver;
}

namespace mw::app {

struct ModuleOptions {
  std::vector<std::string> extra_rule_files;  // Lua rule files loaded after all others
};

// The modules of this build, in the order they register symbols.
std::vector<scan::ModulePtr> make_modules(const ModuleOptions& options = {});

// Declarations of every option of every module.
core::Schema make_schema(const std::vector<scan::ModulePtr>& modules);

// The default configuration directory: $MAILWARD_CONF, else the layout's (paths.h).
std::string default_conf_dir();

// Load and validate the configuration. Issues (with file:line) are appended to `issues`.
Result<core::ConfigPtr> load_config(const core::Schema& schema, const std::string& dir,
                                    std::vector<core::ConfigIssue>& issues,
                                    const std::vector<std::string>& overlay_dirs = {});

// Apply [logging] to a logger (level unless `level_override` is set).
Status configure_logging(const core::Config& cfg, core::Logger& logger,
                         const std::string& level_override);

// The worker's DNS resolver from [options.dns] (or `dns_override`, "HOST:PORT[,...]"). Also
// sets the engine's per-task lookup budget.
Result<std::unique_ptr<dns::Resolver>> make_resolver(const core::Config& cfg,
                                                     core::Dispatcher& dispatcher,
                                                     core::Logger& logger,
                                                     const std::string& dns_override);

// Build the engine: scan options, every module's symbols, finalize. A module that disables
// itself is logged at info level with its reason.
Result<std::shared_ptr<scan::Engine>> build_engine(const core::ConfigPtr& cfg,
                                                   std::vector<scan::ModulePtr>& modules,
                                                   core::Logger& logger);

struct StartupOptions {
  std::string conf_dir;                   // "" = default_conf_dir()
  std::vector<std::string> overlay_dirs;  // merged over local.d (test-rules --overlay)
  ModuleOptions modules;
  bool logging = false;                   // apply [logging] to the logger
  std::string log_level;                  // with `logging`: instead of [logging] level
  bool engine = false;                    // build the engine
};

struct Startup {
  std::vector<scan::ModulePtr> modules;
  std::unique_ptr<core::Schema> schema;   // the configuration points into it: keep it
  core::ConfigPtr config;
  std::shared_ptr<scan::Engine> engine;   // null unless asked for
};

// What every command that reads the configuration does first. Configuration issues
// (warnings too) are appended to `issues`.
Result<Startup> start_up(const StartupOptions& options, core::Logger& logger,
                         std::vector<core::ConfigIssue>& issues);
// start_up() for `mailward <command>`: on failure the issues and "mailward <command>:
// <error>" are printed on stderr (the command then exits with its status for it).
Result<Startup> start_command(std::string_view command, const StartupOptions& options,
                              core::Logger& logger);
// The start-up of a command that scans: --conf DIR, --log-level (default "error"), the
// engine.
StartupOptions scanning_startup(const Args& args);

}  // namespace mw::app
