// `mailward configtest` and `mailward configdump`.
#include <cstdio>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/paths.h"
#include "outbound/fleet_secret.h"
#include "server/controller.h"

namespace mw::app {

namespace {
const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'}, {"help", false, false, 'h'}};
}

int cmd_configtest(int argc, char** argv) {
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || !args->positional().empty()) {
    std::fprintf(stderr, "usage: mailward configtest [--conf DIR]\n");
    return args && args->has("help") ? 0 : 2;
  }
  core::Logger logger(core::LogLevel::kWarn);
  StartupOptions so;
  so.conf_dir = args->get("conf", default_conf_dir());
  std::vector<core::ConfigIssue> issues;
  auto setup = start_up(so, logger, issues);
  // configtest reports on stdout: every issue (warnings too), then the verdict.
  for (const auto& i : issues) std::printf("%s\n", i.to_string().c_str());
  if (!setup) {
    std::printf("configuration %s: FAILED\n", so.conf_dir.c_str());
    return 1;
  }
  auto engine = build_engine(setup->config, setup->modules, logger);
  if (!engine) {
    std::printf("%s\nconfiguration %s: FAILED\n", engine.error().message.c_str(),
                so.conf_dir.c_str());
    return 1;
  }
  auto co = server::controller_options_from(*setup->config, expand_path);
  if (!co) {
    std::printf("%s\nconfiguration %s: FAILED\n", co.error().message.c_str(), so.conf_dir.c_str());
    return 1;
  }
  // Secrets that disagree split a fleet's profiles: say so (never the secrets themselves).
  std::string db_dir = expand_path("$DBDIR", *setup->config);
  for (const auto& w : outbound::secret_warnings(*setup->config, db_dir)) {
    std::printf("warning: %s\n", w.c_str());
  }
  std::printf("configuration %s: OK (%zu symbols, %zu groups)\n", so.conf_dir.c_str(),
              (*engine)->registry.size(), (*engine)->registry.groups().size());
  return 0;
}

int cmd_configdump(int argc, char** argv) {
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || !args->positional().empty()) {
    std::fprintf(stderr, "usage: mailward configdump [--conf DIR]\n");
    return args && args->has("help") ? 0 : 2;
  }
  core::Logger logger(core::LogLevel::kWarn);
  StartupOptions so;
  so.conf_dir = args->get("conf");
  auto setup = start_command("configdump", so, logger);
  if (!setup) return 1;
  std::fputs(setup->config->dump().c_str(), stdout);
  return 0;
}

}  // namespace mw::app
