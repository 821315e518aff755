#include "app/bootstrap.h"

#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "app/embedded_config.h"
#include "app/paths.h"
#include "auth/dmarc/options.h"
#include "classify/bayes_module.h"
#include "auth/spf/options.h"
#include "dns/options.h"
#include "dns/public_probe.h"
#include "dns/udp_resolver.h"
#include "lua/lua_module.h"
#include "lua/outbound.h"
#include "match/options.h"
#include "outbound/outbound.h"
#include "proto/options.h"
#include "scan/anomalies_module.h"
#include "scan/auth_module.h"
#include "scan/dkim_replay_module.h"
#include "scan/hfilter_module.h"
#include "scan/rbl_module.h"
#include "scan/received_module.h"
#include "scan/options.h"
#include "scan/signing_module.h"
#include "server/controller.h"
#include "server/stats.h"
#include "store/options.h"

namespace mw::app {

std::vector<scan::ModulePtr> make_modules(const ModuleOptions& options) {
  std::vector<scan::ModulePtr> modules;
  modules.push_back(scan::make_anomalies_module());
  modules.push_back(scan::make_auth_module());
  modules.push_back(scan::make_dkim_replay_module());
  modules.push_back(scan::make_rbl_module());
  modules.push_back(scan::make_received_module());
  modules.push_back(scan::make_hfilter_module());
  modules.push_back(scan::make_signing_module(&expand_path));
  modules.push_back(classify::make_bayes_module());
  // The outbound module fills the settings its Lua module (mailward_outbound) reads.
  auto outbound_settings = std::make_shared<outbound::Settings>();
  modules.push_back(outbound::make_module(outbound_settings, &expand_path));
  lua::LuaDefaults lua_defaults{layout().rules_dir, layout().lualib_dir, options.extra_rule_files, {}};
  lua_defaults.preload_hooks.push_back([outbound_settings](lua_State* L) {
    lua::open_outbound(L, outbound_settings);
  });
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
  server::declare_stats_options(s);
  server::declare_controller_options(s);
  store::declare_options(s);
  for (const auto& m : modules) m->declare_options(s);
  return s;
}

std::string default_conf_dir() {
  if (const char* env = std::getenv("MAILWARD_CONF")) return env;
  return layout().conf_dir;
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
  std::string probe = rc->probe_name;
  double interval = rc->probe_interval;
  auto r = dns::UdpResolver::create(dispatcher, std::move(*rc), logger);
  if (!r) return fail(r.error());
  // Negative answers count only when the name servers can see the public DNS.
  return std::unique_ptr<dns::Resolver>(std::make_unique<dns::PublicProbe>(
      dispatcher, logger, std::move(*r), std::move(probe), interval));
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
    if (!m->disabled_reason().empty()) {
      logger.info(m->name(), "module disabled: " + m->disabled_reason());
    }
  }
  MW_TRY(engine->finalize());
  return engine;
}

Result<Startup> start_up(const StartupOptions& o, core::Logger& logger,
                         std::vector<core::ConfigIssue>& issues) {
  Startup s;
  s.modules = make_modules(o.modules);
  s.schema = std::make_unique<core::Schema>(make_schema(s.modules));
  auto cfg = load_config(*s.schema, o.conf_dir.empty() ? default_conf_dir() : o.conf_dir, issues,
                         o.overlay_dirs);
  if (!cfg) return fail(cfg.error());
  s.config = *cfg;
  if (o.logging) MW_TRY(configure_logging(*s.config, logger, o.log_level));
  if (o.engine) {
    auto engine = build_engine(s.config, s.modules, logger);
    if (!engine) return fail(engine.error());
    s.engine = *engine;
  }
  return s;
}

Result<Startup> start_command(std::string_view command, const StartupOptions& options,
                              core::Logger& logger) {
  std::vector<core::ConfigIssue> issues;
  auto setup = start_up(options, logger, issues);
  if (!setup) {
    for (const auto& i : issues) std::fprintf(stderr, "%s\n", i.to_string().c_str());
    std::fprintf(stderr, "mailward %.*s: %s\n", static_cast<int>(command.size()),
                 command.data(), setup.error().message.c_str());
  }
  return setup;
}

StartupOptions scanning_startup(const Args& args) {
  StartupOptions o;
  o.conf_dir = args.get("conf");
  o.logging = true;
  o.log_level = args.get("log-level", "error");
  o.engine = true;
  return o;
}

}  // namespace mw::app
