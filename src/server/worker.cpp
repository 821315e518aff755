#include "server/worker.h"

#include <signal.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "auth/dmarc/options.h"
#include "server/controller_checkdomain.h"
#include "server/controller_learn.h"
#include "server/controller_routes.h"
#include "server/scan_handler.h"
#include "server/series.h"

namespace mw::server {

void run_until_drained(WorkerContext& w, std::string_view module,
                       const std::function<void(std::function<void()>)>& drain,
                       const std::function<uint32_t()>& open) {
  double stuck = w.config.get_duration("worker.stuck_timeout");
  core::TimerPtr beat =
      w.heartbeat.attach(w.dispatcher, stuck > 0 ? std::min(1.0, stuck / 4) : 1.0, open);
  bool stopping = false;
  core::TimerPtr deadline;
  auto stop = [&] {
    if (stopping) return;
    stopping = true;
    w.logger.info(module, "draining");
    drain([&] { w.stats.leave([&] { w.dispatcher.exit(); }); });
    deadline = w.dispatcher.create_timer([&] { w.dispatcher.exit(); });
    deadline->enable(w.config.get_duration("serve.drain_timeout"));
  };
  auto sigterm = w.dispatcher.create_signal(SIGTERM, stop);
  auto sigint = w.dispatcher.create_signal(SIGINT, stop);
  w.dispatcher.run();
}

namespace {

int serve_http(WorkerContext& w, int listen_fd, proto::HttpOptions http,
               proto::http::Handler& handler) {
  proto::http::HttpServer server(w.dispatcher, w.logger, handler, std::move(http));
  return serve_until_drained(w, "main", server, listen_fd);
}

}  // namespace

int run_scan_worker(WorkerContext& w, int listen_fd, proto::HttpOptions http) {
  ScanHandler handler(w.engine, w.services, &w.stats);
  return serve_http(w, listen_fd, std::move(http), handler);
}

int run_controller_worker(WorkerContext& w, int listen_fd, proto::HttpOptions http,
                          ControllerOptions options) {
  // /checkdomain; without the public suffix list, inherited DMARC records are not looked for.
  auto psl = auth::dmarc::load_public_suffix_list(auth::dmarc::options_from(w.config));
  if (!psl) w.logger.warn("controller", "checkdomain: public suffix list: " + psl.error().message);
  DomainCheckService domains(w.services, psl ? *psl : nullptr, options);
  Controller controller(w.dispatcher, w.store, std::move(options));
  // The route families, in the order they are tried (controller_routes.h).
  add_status_routes(controller, w.engine);
  add_outbound_routes(controller);
  add_scan_routes(controller, w.engine, w.services, &w.stats);
  add_stats_routes(controller, w.engine);
  add_graph_routes(controller);
  add_worker_routes(controller, w.board);
  add_config_routes(controller, w.engine);
  // Old rows of the time series go (series.h); a store is per process.
  std::unique_ptr<SeriesKeeper> keeper;
  if (w.store != nullptr) {
    keeper = std::make_unique<SeriesKeeper>(w.dispatcher, *w.store,
                                            series_options_from(w.config), [] {
                                              return static_cast<double>(std::time(nullptr));
                                            });
  }
  LearnService learning(w.engine, w.services, w.store);  // the Bayes classifier's routes
  learning.attach(controller);
  domains.attach(controller);
  set_dashboard(controller);
  // Workers the master saw die count as errors in /stat (they lost what they served).
  core::TimerPtr deaths;
  if (w.board != nullptr) {
    deaths = w.dispatcher.create_timer([&] {
      if (uint64_t n = w.board->take_unrecorded_deaths()) {
        w.stats.count_errors(static_cast<int64_t>(n));
      }
      deaths->enable(1.0);
    });
    deaths->enable(1.0);
  }
  return serve_http(w, listen_fd, std::move(http), controller);
}

}  // namespace mw::server
