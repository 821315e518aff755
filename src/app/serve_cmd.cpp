// `mailward serve`: the master process, its workers, and their main loops.
//
//   mailward serve [--conf DIR] [--listen HOST:PORT] [--controller HOST:PORT]
//                  [--milter HOST:PORT] [--workers N] [--foreground] [--pidfile FILE]
//                  [--dns HOST:PORT] [--user USER] [--group GROUP] [--insecure]
//
// The master loads the configuration (no rule yet), binds the sockets and says where (the
// first lines of its log, with the dashboard's URL), opens its log file and pidfile and
// creates its state directory; started as root, it then drops to [serve] user/group
// (--user/--group; refusing to go on as root unless --insecure) before anything else. Then
// it loads the rules, compiles the regexp databases, and forks `workers` scan workers, one
// controller and, unless the milter address is empty, `[proxy] workers` milter proxy
// workers (core/supervisor.h), watched through a WorkerBoard (core/watchdog.h: [worker]
// stuck_timeout). On SIGHUP it rebuilds everything and replaces the workers without closing
// the sockets; on SIGTERM it drains them. Without --foreground it detaches and logs to
// [logging] file.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>

#include "app/args.h"
#include "app/bootstrap.h"
#include "app/commands.h"
#include "app/paths.h"
#include "app/serve_workers.h"
#include "core/daemon.h"
#include "core/privileges.h"
#include "core/supervisor.h"
#include "proto/listen.h"
#include "server/milter_proxy.h"

namespace mw::app {

namespace {

const std::vector<ArgSpec> kSpec = {
    {"conf", true, false, 'c'}, {"listen", true},     {"controller", true},
    {"workers", true},          {"foreground", false, false, 'f'}, {"pidfile", true},
    {"dns", true},              {"log-level", true},  {"help", false, false, 'h'},
    {"milter", true},  // milter proxy socket
    {"user", true},     {"group", true},      {"insecure", false},
};

constexpr const char* kUsage =
    "usage: mailward serve [--conf DIR] [--listen HOST:PORT] [--controller HOST:PORT]\n"
    "                      [--milter HOST:PORT] [--workers N] [--foreground] [--pidfile FILE]\n"
    "                      [--dns HOST:PORT] [--log-level LEVEL]\n"
    "                      [--user USER] [--group GROUP] [--insecure]\n";

// The dashboard's URL for a controller socket ("" for a unix socket).
std::string dashboard_url(const std::string& address) {
  if (address.empty() || address.front() == '/') return {};
  std::string host = address;
  size_t colon = host.rfind(':');
  std::string port = colon == std::string::npos ? "" : host.substr(colon + 1);
  host = host.substr(0, colon);
  if (host == "0.0.0.0" || host == "*") host = "127.0.0.1";  // any address: this host
  if (host == "[::]") host = "[::1]";
  return "http://" + host + ":" + port + "/";
}

// The first lines of the log: what listens where, and the dashboard.
void announce(core::Logger& logger, const ServeState& st, int workers) {
  logger.info("main", "mailward " + std::string(MW_VERSION) + " started: configuration " +
                          st.conf_dir);
  logger.info("main", "scan protocol (HTTP /checkv2, RSPAMC, SpamAssassin spamd) on " +
                          proto::bound_address(st.scan_fd) + " with " + std::to_string(workers) +
                          " worker" + (workers == 1 ? "" : "s"));
  std::string controller = proto::bound_address(st.controller_fd);
  std::string url = dashboard_url(controller);
  logger.info("main", "controller on " + controller +
                          (url.empty() ? std::string() : ", dashboard at " + url));
  if (st.milter_fd >= 0) {
    logger.info("main", "milter proxy on " + proto::bound_address(st.milter_fd));
  } else {
    logger.info("main", "milter proxy off (serve.milter is empty)");
  }
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
  s.add({"serve.user", OptType::kString, "\"\"",
         "User to run as when started as root (sockets, logs, pidfile and the state "
         "directory are set up first); empty: refuse to start as root (unless --insecure)"});
  s.add({"serve.group", OptType::kString, "\"\"",
         "Group to run as (empty: the user's primary group)"});
  s.add({"worker.stuck_timeout", OptType::kDuration, "\"30s\"",
         "A worker whose event loop has not turned for this long is killed and respawned "
         "by the master (the log names what it was busy with); 0: never", 0, 86400});
  s.add({"serve.milter", OptType::kString, "\"127.0.0.1:11332\"",
         "Milter proxy socket (HOST:PORT or a unix socket path; empty: no proxy worker)"});
  server::declare_proxy_options(s);
}

int cmd_serve(int argc, char** argv) {
  int exit_status = 0;
  auto args = parse_command({"serve", kSpec, kUsage, 0, 0}, argc, argv, exit_status);
  if (!args) return exit_status;
  core::Logger logger(core::LogLevel::kInfo);
  ServeState st{logger};
  st.conf_dir = args->get("conf", default_conf_dir());
  st.dns_override = args->get("dns");
  st.log_level = args->get("log-level");
  st.start_time = wall_now();
  // 1. The configuration alone: no rule runs before the privileges are dropped.
  auto setup = start_command(
      "serve", {.conf_dir = st.conf_dir, .logging = true, .log_level = st.log_level}, logger);
  if (!setup) return 2;
  const core::Config& cfg = *setup->config;
  // 2. Who to run as.
  std::optional<core::Identity> identity;
  std::string user = args->get("user", cfg.get_string("serve.user"));
  std::string group = args->get("group", cfg.get_string("serve.group"));
  bool root = ::geteuid() == 0;
  if (!user.empty() && root) {
    auto id = core::find_identity(user, group);
    if (!id) {
      std::fprintf(stderr, "mailward serve: %s\n", id.error().message.c_str());
      return 2;
    }
    identity = *id;
  } else if (!user.empty()) {
    auto id = core::find_identity(user, group);
    if (!id || id->uid != ::geteuid()) {
      std::fprintf(stderr, "mailward serve: running as user %s needs starting as root\n",
                   user.c_str());
      return 2;
    }
  } else if (root && !args->has("insecure")) {
    std::fprintf(stderr,
                 "mailward serve: refusing to run as root: set [serve] user (or --user), e.g. "
                 "the _mailward user that scripts/deps.sh creates, and Mailward drops to it "
                 "after binding its sockets; --insecure keeps root (not for production)\n");
    return 2;
  }
  // 3. Sockets: --option, else [serve] option; -1 (reported) when one cannot be bound.
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
  // 4. Log file, pidfile (not through a symbolic link), state directory.
  bool foreground = args->has("foreground");
  logger.set_role("main");
  announce(logger, st, workers);
  // Tell whoever started us where we listen (useful with port 0).
  if (foreground) {
    std::fprintf(stderr, "listening scan=%s controller=%s milter=%s\n",
                 proto::bound_address(st.scan_fd).c_str(), proto::bound_address(st.controller_fd).c_str(),
                 st.milter_fd >= 0 ? proto::bound_address(st.milter_fd).c_str() : "-");
    std::fflush(stderr);
  }
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
  }
  std::string pidfile_path = args->get("pidfile", cfg.get_string("serve.pidfile"));
  std::optional<core::PidFile> pidfile;
  if (!pidfile_path.empty()) {
    auto opened = core::PidFile::open(pidfile_path);
    if (!opened) {
      std::fprintf(stderr, "mailward serve: %s\n", opened.error().message.c_str());
      return 1;
    }
    pidfile.emplace(std::move(*opened));
  }
  std::string state_dir = expand_path("$DBDIR", cfg);
  bool state_existed = std::filesystem::exists(state_dir);
  state_dir = db_dir(cfg);  // created when missing
  // 5. Drop root.
  if (identity) {
    if (!state_existed) (void)core::give_to(state_dir, *identity);
    if (auto dropped = core::drop_privileges(*identity); !dropped) {
      std::fprintf(stderr, "mailward serve: cannot drop privileges: %s\n",
                   dropped.error().message.c_str());
      return 1;
    }
    logger.info("main", "running as user " + identity->user + ", group " + identity->group);
  }
  if (::access(state_dir.c_str(), W_OK | X_OK) != 0) {
    std::fprintf(stderr,
                 "mailward serve: the state directory %s is not writable by the user we run as "
                 "(%s)%s\n",
                 state_dir.c_str(), std::strerror(errno),
                 identity ? (": chown -R " + identity->user + " " + state_dir).c_str() : "");
    return 1;
  }
  // 6. Now the rules.
  auto first = build_generation(st);
  if (!first) {
    std::fprintf(stderr, "mailward serve: %s\n", first.error().message.c_str());
    return 2;
  }
  st.current = *first;
  if (!foreground) {
    if (auto detached = core::detach(); !detached) {
      std::fprintf(stderr, "mailward serve: cannot detach: %s\n",
                   detached.error().message.c_str());
      return 1;
    }
  }
  if (pidfile) {
    if (auto written = pidfile->write_pid(); !written) {
      logger.warn("main", written.error().message);
    }
  }
  // The watchdog's board: a slot per worker, twice over for a reload's overlap.
  int proxies = st.milter_fd >= 0 ? static_cast<int>(cfg.get_int("proxy.workers")) : 0;
  auto board = core::WorkerBoard::create(static_cast<size_t>(2 * (workers + 1 + proxies) + 16));
  if (!board) logger.warn("main", "no watchdog: " + board.error().message);
  st.board = board ? board->get() : nullptr;
  core::SupervisorOptions sup;
  sup.drain_timeout = cfg.get_duration("serve.drain_timeout");
  sup.stuck_timeout = cfg.get_duration("worker.stuck_timeout");
  core::Supervisor supervisor(logger, sup, st.board);
  int status = supervisor.run([&](bool reload) -> Result<std::vector<core::WorkerSpec>> {
    if (reload) {
      auto next = build_generation(st);
      if (!next) return fail(next.error());
      st.current = *next;
    }
    auto gen = st.current;
    std::vector<core::WorkerSpec> specs;
    auto main_of = [&st, gen](WorkerKind kind) {
      return [&st, gen, kind](core::Heartbeat hb) { return worker_main(st, gen, kind, hb); };
    };
    specs.push_back({"normal", workers, main_of(WorkerKind::kNormal)});
    specs.push_back({"controller", 1, main_of(WorkerKind::kController)});
    if (st.milter_fd >= 0) {  // milter proxy workers
      int n = static_cast<int>(gen->config->get_int("proxy.workers"));
      specs.push_back({"proxy", n, main_of(WorkerKind::kProxy)});
    }
    return specs;
  });
  // Best effort: as the unprivileged user the pidfile's directory may not let us.
  if (pidfile) pidfile->remove();
  logger.info("main", "stopped");
  return status;
}

}  // namespace mw::app
