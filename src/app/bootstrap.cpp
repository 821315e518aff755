#include "app/bootstrap.h"

#include <filesystem>

#include "app/commands.h"
#include "app/controller.h"
#include "app/embedded_config.h"
#include "app/outbound.h"
#include "app/stats.h"
#include "app/paths.h"
#include "match/options.h"
#include "proto/options.h"
#include "store/options.h"
#include "auth/dmarc/options.h"
#include "auth/spf/options.h"
#include "dns/options.h"
#include "dns/udp_resolver.h"
#include "lua/lua_module.h"
#include "scan/anomalies_module.h"
#include "scan/auth_module.h"
#include "scan/rbl_module.h"
#include "scan/options.h"
#include "scan/signing_module.h"

namespace mw::app {

std::vector<scan::ModulePtr> make_modules(const ModuleOptions& options) {
  std::vector<scan::ModulePtr> modules;
  modules.push_back(scan::make_anomalies_module());
  modules.push_back(scan::make_auth_module());
  modules.push_back(scan::make_rbl_module());
  modules.push_back(scan::make_signing_module(&expand_path));
  OutboundParts outbound = make_outbound();
  modules.push_back(std::move(outbound.module));
  lua::LuaDefaults lua_defaults{MW_RULES_DIR, MW_LUALIB_DIR, options.extra_rule_files, {}};
  lua_defaults.preload_hooks.push_back(std::move(outbound.lua_hook));
  modules.push_back(lua::make_lua_module(std::move(lua_defaults)));
  return modules;
}

namespace {

void declare_core_options(core::Schema& s) {
  using core::OptType;
  s.add({"options.dbdir", OptType::kString, "\"$DBDIR\"",
         "Directory for state: the embedded store, regexp caches ($DBDIR = the default)"});
  s.section("logging", "Where and how much to log");
  s.add({"logging.level", OptType::kString, "\"info\"", "Log level", {}, {},
         {"error", "warn", "info", "debug", "silent"}});
  s.add({"logging.file", OptType::kString, "\"\"",
         "Log file for the daemon (empty: stderr); `serve --foreground` always logs to stderr"});
  s.add({"logging.format", OptType::kString, "\"text\"", "Line format", {}, {}, {"text", "json"}});
  s.add({"logging.debug_modules", OptType::kStringList, "[]",
         "Modules whose debug lines are logged at any level"});
}

}  // namespace

core::Schema make_schema(const std::vector<scan::ModulePtr>& modules) {
  core::Schema s;
  declare_core_options(s);
  scan::declare_options(s);
  dns::declare_options(s);
  auth::spf::declare_options(s);
  auth::dmarc::declare_options(s);
  proto::declare_options(s);
  declare_serve_options(s);
  declare_stats_options(s);
  declare_controller_options(s);
  store::declare_options(s);
  for (const auto& m : modules) m->declare_options(s);
  return s;
}

std::string default_conf_dir() {
  if (const char* env = std::getenv("MAILWARD_CONF")) return env;
  return MW_DEFAULT_CONF_DIR;
}

Result<core::ConfigPtr> load_config(const core::Schema& schema, const std::string& dir,
                                    std::vector<core::ConfigIssue>& issues,
                                    const std::vector<std::string>& overlay_dirs) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    issues.push_back({dir, 0, "configuration directory does not exist", true});
    return fail(ErrorCode::kNotFound, "configuration directory " + dir + " does not exist");
  }
  core::LoadOptions opts;
  opts.dir = dir;
  opts.builtin_defaults = std::string(embedded_config());
  opts.overlay_dirs = overlay_dirs;
  return core::Config::load(schema, opts, issues);
}

Status configure_logging(const core::Config& cfg, core::Logger& logger,
                         const std::string& level_override) {
  std::string level = level_override.empty() ? cfg.get_string("logging.level") : level_override;
  auto l = core::parse_log_level(level);
  if (!l) return fail(l.error());
  logger.set_level(*l);
  logger.set_json(cfg.get_string("logging.format") == "json");
  logger.set_debug_modules(cfg.get_strings("logging.debug_modules"));
  return {};
}

Result<std::unique_ptr<dns::Resolver>> make_resolver(const core::Config& cfg,
                                                     core::Dispatcher& dispatcher,
                                                     core::Logger& logger,
                                                     const std::string& dns_override) {
  auto rc = dns::config_from(cfg, dns_override);
  if (!rc) return fail(rc.error());
  auto r = dns::UdpResolver::create(dispatcher, std::move(*rc), logger);
  if (!r) return fail(r.error());
  return std::unique_ptr<dns::Resolver>(std::move(*r));
}

Result<std::shared_ptr<scan::Engine>> build_engine(const core::ConfigPtr& cfg,
                                                   std::vector<scan::ModulePtr>& modules,
                                                   core::Logger& logger) {
  auto engine = std::make_shared<scan::Engine>();
  MW_TRY(scan::configure_engine(cfg, *engine));
  auto mo = match::options_from(*cfg, db_dir(*cfg) + "/hs_cache");
  if (!mo) return fail(mo.error());
  engine->options.match = *mo;
  engine->options.max_dns_lookups =
      static_cast<uint32_t>(cfg->get_int("options.dns.max_lookups_per_task"));
  for (auto& m : modules) {
    auto st = m->configure(*engine, logger);
    if (!st) {
      return fail(st.error().code, "module " + std::string(m->name()) + ": " + st.error().message);
    }
  }
  MW_TRY(engine->finalize());
  return engine;
}

}  // namespace mw::app
