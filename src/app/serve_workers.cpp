#include "app/serve_workers.h"

#include <sys/time.h>
#include <unistd.h>

#include "app/bootstrap.h"
#include "app/paths.h"
#include "dns/resolver.h"
#include "proto/options.h"
#include "server/controller.h"
#include "server/milter_proxy.h"
#include "server/worker.h"
#include "store/options.h"

namespace mw::app {

double wall_now() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

int worker_main(const ServeState& st, const std::shared_ptr<Generation>& gen, WorkerKind kind,
                core::Heartbeat heartbeat) {
  core::Logger& logger = st.logger;
  const core::Config& cfg = *gen->config;
  core::Dispatcher dispatcher;
  scan::Services services(dispatcher, logger);
  services.set_heartbeat(heartbeat);
  auto resolver = make_resolver(cfg, dispatcher, logger, st.dns_override);
  if (resolver) {
    services.set_resolver(resolver->get());
  } else {
    logger.error("main", "DNS resolver unavailable: " + resolver.error().message);
  }
  store::StorePtr store;
  auto sc = store::config_from(cfg, db_dir(cfg));
  if (sc) {
    auto opened = store::open_store(*sc, dispatcher, logger, wall_now);
    if (opened) {
      store = std::move(*opened);
    } else {
      logger.error("main", "store unavailable (statistics and history off): " +
                               opened.error().message);
    }
  } else {
    logger.error("main", "store configuration: " + sc.error().message);
  }
  services.set_store(store.get());
  server::StatsOptions stats_options = server::stats_options_from(cfg);
  stats_options.worker = kind == WorkerKind::kNormal       ? "normal"
                         : kind == WorkerKind::kController ? "controller"
                                                           : "proxy";
  server::StatsRecorder stats(dispatcher, logger, store.get(), *gen->engine,
                              std::move(stats_options));
  server::WorkerContext w{dispatcher, logger, cfg,       *gen->engine,
                          services,   store.get(), stats, heartbeat, st.board};
  proto::HttpOptions http = proto::read_http_options(cfg);
  http.server_name = std::string("mailward/") + MW_VERSION;
  switch (kind) {
    case WorkerKind::kNormal:
      return server::run_scan_worker(w, st.scan_fd, std::move(http));
    case WorkerKind::kProxy:
      return server::run_proxy_worker(w, st.milter_fd);
    case WorkerKind::kController:
      break;
  }
  auto co = server::controller_options_from(cfg, expand_path);
  if (!co) {
    logger.error("main", "controller: " + co.error().message);
    return 1;
  }
  co->start_time = st.start_time;
  co->version = MW_VERSION;
  co->master_pid = static_cast<int>(::getppid());  // reloads after /savesymbols
  return server::run_controller_worker(w, st.controller_fd, std::move(http), std::move(*co));
}

Result<std::shared_ptr<Generation>> build_generation(const ServeState& st) {
  const StartupOptions so{
      .conf_dir = st.conf_dir, .logging = true, .log_level = st.log_level, .engine = true};
  std::vector<core::ConfigIssue> issues;
  auto setup = start_up(so, st.logger, issues);
  if (!setup) {
    std::string all;
    for (const auto& i : issues) all += "\n  " + i.to_string();
    return fail(setup.error().code, setup.error().message + all);
  }
  // Refuse a configuration the controller could not run with (e.g. clear-text passwords).
  if (auto co = server::controller_options_from(*setup->config, expand_path); !co) {
    return fail(co.error());
  }
  auto gen = std::make_shared<Generation>();
  gen->config = setup->config;
  gen->engine = setup->engine;
  // The configuration points into its schema: keep the schema with the engine.
  struct SchemaHolder final : scan::EngineResource {
    explicit SchemaHolder(std::unique_ptr<core::Schema> s) : schema(std::move(s)) {}
    std::unique_ptr<core::Schema> schema;
  };
  gen->engine->resources.insert(gen->engine->resources.begin(),
                                std::make_unique<SchemaHolder>(std::move(setup->schema)));
  return gen;
}

}  // namespace mw::app
