// The controller: Rspamd's controller API (port 11334) for rspamc, dashboards and scripts.
//
// The Controller itself decides who may do what and which route answers; the routes come in
// families, one file each (controller_routes.h), registered in order by the controller worker
// (worker.h). A request goes to the first route whose path (and condition) matches; no
// route: the fallback (the dashboard, else 404).
//
// Access, in this order (doc/security.md):
//   1. Health checks (/ping, /healthy, /ready: routes needing Access::kNone) are answered at
//      once: no origin check, no credential work.
//   2. Same origin: a request whose `Host` or `Origin` names something else than the address
//      the client connected to (an IP literal, or `localhost` on a loopback address) or one
//      of `allowed_hosts` gets 403 - a web page cannot drive the controller through a
//      browser (CSRF, DNS rebinding). Unix-socket clients are not checked.
//   3. Write routes (Access::kWrite in the route table) accept POST only: 405 otherwise.
//   4. Clients from `secure_ip` networks (default: loopback) and on the unix socket may do
//      everything without a password. Others need one: without any password configured
//      they get 403. Passwords arrive in the `Password` header or the `password` query
//      parameter; configured ones must be PBKDF2 hashes (`mailward pw`). `password` alone
//      grants reads and writes, with `enable_password` it grants reads only and
//      `enable_password` grants both; with only `enable_password`, reads are open.
//      Hashes are checked off the loop, wrong passwords are rate-limited per client
//      address (429 once over `max_failed_logins` a minute), a matching one is remembered
//      for a minute (password_check.h).
// A route needing more than the request has gets 403 {"error": "Unauthorized"}.
//
// Ownership: the controller owns its routes (and what they capture). Loop affinity: the
// controller worker's Dispatcher.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/loop.h"
#include "proto/http/server.h"
#include "scan/module.h"
#include "scan/settings.h"
#include "server/password_check.h"
#include "store/store.h"

namespace mw::server {

struct ControllerOptions {
  std::string password;         // hash; empty = open
  std::string enable_password;  // hash; empty = `password` grants writes too
  scan::IpNetworks secure_ip;   // empty: nobody but unix-socket clients without a password
  std::vector<std::string> allowed_hosts;  // names (or name:port) accepted in Host/Origin
  size_t max_failed_logins = 10;  // wrong passwords per client address and minute
  std::string web_dir;          // static dashboard files ("" = none)
  double start_time = 0;        // epoch seconds the service started (for uptime)
  std::string version;
  double checkdomain_cache_ttl = 600;     // seconds a /checkdomain report is kept
  size_t checkdomain_cache_entries = 1000;
  size_t checkdomain_max_inflight = 32;   // concurrent DNS walks
  std::string save_file;        // where /savesymbols and /saveactions write ("" = nowhere)
  int master_pid = 0;           // asked to reload (SIGHUP) after a save; 0 = nobody
};

void declare_controller_options(core::Schema& schema);
// REQUIRES: `cfg` was loaded with a schema declare_controller_options() filled. `expand`
// resolves the path variables of web_dir ($WEBDIR). Fails (kInvalidInput) for a clear-text
// password or a malformed secure_ip network.
Result<ControllerOptions> controller_options_from(const core::Config& cfg,
                                                  const scan::PathExpander& expand);

// What a request may do.
enum class Access { kNone, kRead, kWrite };

// A route of the controller's route table. `needs` is the route's whole security property:
// kNone (health checks: answered before anything else), kRead, or kWrite (a state change:
// POST only, same origin, write credentials - nothing else to do for a new write route).
struct Route {
  using Handler =
      std::function<void(proto::http::Request&&, proto::http::ResponderPtr, Access granted)>;
  std::string path;  // without the leading '/', any case; "" matches every path
  std::function<bool(const proto::http::Request&)> when;  // extra condition (may be empty)
  Access needs = Access::kRead;  // kNone: anybody (health checks); kWrite: state changes
  bool needs_store = false;      // 503 when the process has no store
  Handler handle;
};

class Controller final : public proto::http::Handler {
 public:
  Controller(core::Dispatcher& dispatcher, store::Store* store, ControllerOptions options);
  ~Controller() override;

  // Routes are tried in the order they were added.
  void add_route(Route route);
  // For requests no route matches (without one: 404).
  void set_fallback(Route route);
  // Extra /stat fields from other services (the classifier's learned, statfiles, ...): a
  // source calls back, once, with an object whose members are set over the reply's.
  using StatSource = std::function<void(std::function<void(json::Value)>)>;
  void add_stat_source(StatSource source);
  // `v` with every stat source's fields set over it, in the order the sources were added.
  void complete_stat(json::Value v, std::function<void(json::Value)> done,
                     size_t next = 0) const;

  void handle(proto::http::Request&& request, proto::http::ResponderPtr responder) override;
  // What the request's network or socket allows without a password: kWrite for unix
  // sockets and secure_ip networks, else kNone.
  Access network_access(const proto::http::Request& request) const;
  // The request's Host and Origin (when present) name this controller (see above).
  bool same_origin(const proto::http::Request& request) const;

  core::Dispatcher& dispatcher() { return dispatcher_; }
  store::Store* store() const { return store_; }
  const ControllerOptions& options() const { return options_; }
  // Seconds since the service started (options().start_time), by the wall clock.
  double uptime() const;

 private:
  core::Dispatcher& dispatcher_;
  void serve(const Route& route, proto::http::Request&& request,
             proto::http::ResponderPtr responder, Access granted);

  store::Store* store_;
  ControllerOptions options_;
  std::vector<Route> routes_;
  Route fallback_;
  std::vector<StatSource> stat_sources_;
  std::unique_ptr<PasswordCheck> passwords_;
};

// A JSON reply of the controller (never cached).
proto::http::Response controller_json(const json::Value& v);

// What one request's asynchronous store work needs (store operations, a stats reader): kept
// until the request's last callback calls done(), which releases it from the loop (an
// operation must not be destroyed inside its own callback). Copies share the same work.
class RequestWork {
 public:
  explicit RequestWork(core::Dispatcher& dispatcher);
  void keep(store::OpPtr op) const { items_->push_back(std::shared_ptr<store::Op>(std::move(op))); }
  void keep(std::shared_ptr<void> item) const { items_->push_back(std::move(item)); }
  void done() const;

 private:
  core::Dispatcher* dispatcher_;
  std::shared_ptr<std::vector<std::shared_ptr<void>>> items_;
};

}  // namespace mw::server
