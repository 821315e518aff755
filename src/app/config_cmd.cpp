// `mailward configtest` and `mailward configdump`.
#include <cstdio>
#include <string>
#include <string_view>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/paths.h"
#include "outbound/fleet_secret.h"
#include "server/controller.h"

namespace mw::app {

namespace {

// configtest: every issue (warnings too), then the verdict, on stdout.
int configtest(const std::string& conf_dir, core::Logger& logger) {
  std::vector<core::ConfigIssue> issues;
  auto setup = start_up({.conf_dir = conf_dir}, logger, issues);
  for (const auto& i : issues) std::printf("%s\n", i.to_string().c_str());
  if (!setup) {
    std::printf("configuration %s: FAILED\n", conf_dir.c_str());
    return 1;
  }
  auto engine = build_engine(setup->config, setup->modules, logger);
  if (!engine) {
    std::printf("%s\nconfiguration %s: FAILED\n", engine.error().message.c_str(),
                conf_dir.c_str());
    return 1;
  }
  auto co = server::controller_options_from(*setup->config, expand_path);
  if (!co) {
    std::printf("%s\nconfiguration %s: FAILED\n", co.error().message.c_str(), conf_dir.c_str());
    return 1;
  }
  // Secrets that disagree split a fleet's profiles: say so (never the secrets themselves).
  std::string db_dir = expand_path("$DBDIR", *setup->config);
  for (const auto& w : outbound::secret_warnings(*setup->config, db_dir)) {
    std::printf("warning: %s\n", w.c_str());
  }
  std::printf("configuration %s: OK (%zu symbols, %zu groups)\n", conf_dir.c_str(),
              (*engine)->registry.size(), (*engine)->registry.groups().size());
  return 0;
}

int configdump(const std::string& conf_dir, core::Logger& logger) {
  auto setup = start_command("configdump", {.conf_dir = conf_dir}, logger);
  if (!setup) return 1;
  std::fputs(setup->config->dump().c_str(), stdout);
  return 0;
}

// Both commands take --conf DIR alone.
int config_command(std::string_view name, int (*run)(const std::string&, core::Logger&),
                   int argc, char** argv) {
  static const std::vector<ArgSpec> kSpec = {{"conf", true, false, 'c'},
                                             {"help", false, false, 'h'}};
  std::string usage = "usage: mailward " + std::string(name) + " [--conf DIR]\n";
  int exit_status = 0;
  auto args = parse_command({name, kSpec, usage, 0, 0}, argc, argv, exit_status);
  if (!args) return exit_status;
  core::Logger logger(core::LogLevel::kWarn);
  return run(args->get("conf", default_conf_dir()), logger);
}

}  // namespace

int cmd_configtest(int argc, char** argv) {
  return config_command("configtest", configtest, argc, argv);
}

int cmd_configdump(int argc, char** argv) {
  return config_command("configdump", configdump, argc, argv);
}

}  // namespace mw::app
