// Bootstrap: the one place that lists every module and builds a process's engine.
//
//   make_schema()    every option declaration (core, scan, each module)
//   load_config()    --conf DIR (or the default directory, or the built-in defaults)
//   build_engine()   configure the scan layer and every module, then finalize
#pragma once

#include <memory>
#include <string>
#include <vector>

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

// The configuration directory to use: `requested` when given, else the default one.
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

// Build the engine: scan options, every module's symbols, finalize.
Result<std::shared_ptr<scan::Engine>> build_engine(const core::ConfigPtr& cfg,
                                                   std::vector<scan::ModulePtr>& modules,
                                                   core::Logger& logger);

}  // namespace mw::app
