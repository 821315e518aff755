// `mailward serve`: the master process, its workers, and their main loops.
//
//   mailward serve [--conf DIR] [--listen HOST:PORT] [--controller HOST:PORT]
//                  [--milter HOST:PORT] [--workers N] [--foreground] [--pidfile FILE]
//                  [--dns HOST:PORT]
//
// The master loads the configuration and the rules, compiles the regexp databases and binds
// the sockets, then forks `workers` scan workers, one controller and, unless the milter
// address is empty, `[proxy] workers` milter proxy workers (core/supervisor.h). On
// SIGHUP it rebuilds everything and replaces the workers without closing the sockets; on
// SIGTERM it drains them. Without --foreground it detaches and logs to [logging] file.
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/paths.h"
#include "core/supervisor.h"
#include "dns/resolver.h"
#include "proto/listen.h"
#include "proto/options.h"
#include "server/controller.h"
#include "server/milter_proxy.h"
#include "server/worker.h"
#include "store/options.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {
    {"conf", true, false, 'c'}, {"listen", true},     {"controller", true},
    {"workers", true},          {"foreground", false, false, 'f'}, {"pidfile", true},
    {"dns", true},              {"log-level", true},  {"help", false, false, 'h'},
    {"milter", true},  // milter proxy socket
};

constexpr const char* kUsage =
    "usage: mailward serve [--conf DIR] [--listen HOST:PORT] [--controller HOST:PORT]\n"
    "                      [--milter HOST:PORT] [--workers N] [--foreground] [--pidfile FILE]\n"
    "                      [--dns HOST:PORT] [--log-level LEVEL]\n";

double wall_now() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

// What every worker of one generation shares (built by the master before forking).
struct Generation {
  core::ConfigPtr config;
  std::shared_ptr<scan::Engine> engine;
};

struct ServeState {
  core::Logger& logger;
  std::string conf_dir;
  std::string dns_override;
  std::string log_level;
  int scan_fd = -1;
  int controller_fd = -1;
  int milter_fd = -1;  // milter proxy socket (-1: disabled)
  double start_time = 0;
  std::shared_ptr<Generation> current;
};

enum class WorkerKind { kNormal, kController, kProxy };

// One worker process: its loop, DNS resolver, store and statistics, then the worker itself.
int worker_main(ServeState& st, std::shared_ptr<Generation> gen, WorkerKind kind) {
  core::Logger& logger = st.logger;
  const core::Config& cfg = *gen->config;
  core::Dispatcher dispatcher;
  scan::Services services(dispatcher, logger);
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
  server::StatsRecorder stats(dispatcher, logger, store.get(), *gen->engine,
                              server::stats_options_from(cfg));
  server::WorkerContext w{dispatcher, logger, cfg, *gen->engine, services, store.get(), stats};
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
  return server::run_controller_worker(w, st.controller_fd, std::move(http), std::move(*co));
}

Result<std::shared_ptr<Generation>> build_generation(ServeState& st) {
  StartupOptions so;
  so.conf_dir = st.conf_dir;
  so.logging = true;
  so.log_level = st.log_level;
  so.engine = true;
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

// Detach from the terminal (double fork, new session, stdio on /dev/null).
bool daemonize() {
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid > 0) ::_exit(0);
  ::setsid();
  pid = ::fork();
  if (pid < 0) return false;
  if (pid > 0) ::_exit(0);
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    if (devnull > 2) ::close(devnull);
  }
  return true;
}

}  // namespace

void declare_serve_options(core::Schema& s) {
  using core::OptType;
  s.section("serve", "Processes and sockets of `mailward serve`");
  s.add({"serve.listen", OptType::kString, "\"127.0.0.1:11333\"",
         "Scan protocol socket (HOST:PORT or a unix socket path)"});
  s.add({"serve.controller", OptType::kString, "\"127.0.0.1:11334\"",
         "Controller socket (HOST:PORT or a unix socket path)"});
  s.add({"serve.workers", OptType::kInt, "0", "Scan worker processes (0 = number of cores)", 0, 1024});
  s.add({"serve.pidfile", OptType::kString, "\"\"", "Write the master's PID here"});
  s.add({"serve.drain_timeout", OptType::kDuration, "\"30s\"",
         "How long workers may take to finish in-flight requests on stop/reload", 0, 3600});
  s.add({"serve.milter", OptType::kString, "\"127.0.0.1:11332\"",
         "Milter proxy socket (HOST:PORT or a unix socket path; empty: no proxy worker)"});
  server::declare_proxy_options(s);
}

int cmd_serve(int argc, char** argv) {
  auto args = Args::parse(kSpec, argc, argv, 2);
  if (!args || args->has("help") || !args->positional().empty()) {
    if (!args) std::fprintf(stderr, "mailward serve: %s\n", args.error().message.c_str());
    std::fputs(kUsage, args && args->has("help") ? stdout : stderr);
    return args && args->has("help") ? 0 : 2;
  }
  core::Logger logger(core::LogLevel::kInfo);
  ServeState st{logger};
  st.conf_dir = args->get("conf", default_conf_dir());
  st.dns_override = args->get("dns");
  st.log_level = args->get("log-level");
  st.start_time = wall_now();
  auto first = build_generation(st);
  if (!first) {
    std::fprintf(stderr, "mailward serve: %s\n", first.error().message.c_str());
    return 2;
  }
  st.current = *first;
  const core::Config& cfg = *st.current->config;
  // The sockets: --option, else [serve] option; -1 (reported) when one cannot be bound.
  auto bind = [&](const char* option, int& fd) {
    auto bound = proto::bind_listener(args->get(option, cfg.get_string(std::string("serve.") +
                                                                       option)));
    if (!bound) std::fprintf(stderr, "mailward serve: %s\n", bound.error().message.c_str());
    fd = bound ? *bound : -1;
    return bound.has_value();
  };
  if (!bind("listen", st.scan_fd) || !bind("controller", st.controller_fd)) return 1;
  if (!args->get("milter", cfg.get_string("serve.milter")).empty()) {
    if (auto po = server::proxy_options_from(cfg); !po) {
      std::fprintf(stderr, "mailward serve: %s\n", po.error().message.c_str());
      return 2;
    }
    if (!bind("milter", st.milter_fd)) return 1;
  }
  int workers = static_cast<int>(args->has("workers") ? std::atoi(args->get("workers").c_str())
                                                      : cfg.get_int("serve.workers"));
  if (workers <= 0) workers = static_cast<int>(std::max<long>(1, ::sysconf(_SC_NPROCESSORS_ONLN)));
  bool foreground = args->has("foreground");
  if (!foreground) {
    std::string file = cfg.get_string("logging.file");
    if (file.empty()) {
      std::fprintf(stderr, "mailward serve: set [logging] file or use --foreground\n");
      return 2;
    }
    auto opened = logger.open_file(file);
    if (!opened) {
      std::fprintf(stderr, "mailward serve: %s\n", opened.error().message.c_str());
      return 1;
    }
    if (!daemonize()) {
      std::fprintf(stderr, "mailward serve: cannot detach\n");
      return 1;
    }
  }
  std::string pidfile = args->get("pidfile", cfg.get_string("serve.pidfile"));
  if (!pidfile.empty()) {
    std::ofstream(pidfile) << ::getpid() << "\n";
  }
  logger.set_role("main");
  logger.info("main", "mailward " + std::string(MW_VERSION) + " listening on " +
                          proto::bound_address(st.scan_fd) + " (scan) and " +
                          proto::bound_address(st.controller_fd) + " (controller) with " +
                          std::to_string(workers) + " scan workers");
  // Tell whoever started us where we listen (useful with port 0).
  if (st.milter_fd >= 0) logger.info("main", "milter proxy on " + proto::bound_address(st.milter_fd));
  if (foreground) {
    std::fprintf(stderr, "listening scan=%s controller=%s milter=%s\n",
                 proto::bound_address(st.scan_fd).c_str(), proto::bound_address(st.controller_fd).c_str(),
                 st.milter_fd >= 0 ? proto::bound_address(st.milter_fd).c_str() : "-");
    std::fflush(stderr);
  }
  core::SupervisorOptions so;
  so.drain_timeout = cfg.get_duration("serve.drain_timeout");
  core::Supervisor supervisor(logger, so);
  int status = supervisor.run([&](bool reload) -> Result<std::vector<core::WorkerSpec>> {
    if (reload) {
      auto next = build_generation(st);
      if (!next) return fail(next.error());
      st.current = *next;
    }
    auto gen = st.current;
    std::vector<core::WorkerSpec> specs;
    specs.push_back({"normal", workers, [&st, gen] { return worker_main(st, gen, WorkerKind::kNormal); }});
    specs.push_back({"controller", 1, [&st, gen] { return worker_main(st, gen, WorkerKind::kController); }});
    if (st.milter_fd >= 0) {  // milter proxy workers
      int proxies = static_cast<int>(gen->config->get_int("proxy.workers"));
      specs.push_back({"proxy", proxies, [&st, gen] { return worker_main(st, gen, WorkerKind::kProxy); }});
    }
    return specs;
  });
  if (!pidfile.empty()) ::unlink(pidfile.c_str());
  logger.info("main", "stopped");
  return status;
}

}  // namespace mw::app
