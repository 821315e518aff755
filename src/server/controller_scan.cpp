// Controller routes: scanning on the controller, as Rspamd's controller does (rspamc sends
// `symbols` and friends to port 11334).
#include <memory>

#include "server/controller_routes.h"
#include "server/scan_handler.h"

namespace mw::server {

namespace http = proto::http;

void add_scan_routes(Controller& c, const scan::Engine& engine, scan::Services& services,
                     StatsRecorder* stats) {
  auto scanner = std::make_shared<ScanHandler>(engine, services, stats);
  // /checkv2 and /check always (an empty message is scanned too); the other scan commands
  // only with a body (without one, /symbols lists the symbols: controller_stats.cpp).
  auto is_scan = [](const http::Request& r) {
    return r.path_is("checkv2") || r.path_is("check") ||
           (!r.body.empty() && ScanHandler::is_scan_path(r));
  };
  c.add_route({"", is_scan, Access::kRead, false,
               [scanner](http::Request&& req, http::ResponderPtr r, Access) {
                 scanner->handle(std::move(req), std::move(r));
               }});
}

}  // namespace mw::server
