// The controller: Rspamd's controller API (port 11334) for rspamc, dashboards and scripts.
//
// Read endpoints (need `password` when one is set): /stat, /actions, /symbols, /counters,
// /history, /errors, /metrics (Prometheus text), /auth, /ping, /healthy, /ready, and
// scanning (/checkv2, /check, /symbols with a body ...) as on the normal worker.
// Write endpoints (need `enable_password`, or `password` when no enable password is set):
// /statreset, /historyreset. Passwords arrive in the `Password` header or the `password`
// query parameter; configured passwords must be PBKDF2 hashes (`mailward pw`). Clients from
// `secure_ip` networks need no password. Refusals answer 403 with a JSON error.
// The dashboard (web/) is served at / when the web directory exists.
//
// Ownership: owns its scan handler and stats readers. Loop affinity: the controller's loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/password.h"
#include "app/scan_handler.h"
#include "app/stats.h"
#include "proto/http/server.h"
#include "scan/engine.h"
#include "scan/settings.h"
#include "store/store.h"

namespace mw::app {

struct ControllerOptions {
  std::string password;         // hash; empty = open
  std::string enable_password;  // hash; empty = `password` grants writes too
  scan::IpNetworks secure_ip;
  std::string web_dir;          // static dashboard files ("" = none)
  double start_time = 0;        // epoch seconds the service started (for uptime)
  std::string version;
};

void declare_controller_options(core::Schema& schema);
Result<ControllerOptions> controller_options_from(const core::Config& cfg);

// Extra endpoints other modules add (e.g. the outbound hold list): a handler per path.
struct ControllerRoute {
  std::string path;   // without leading '/'
  bool write = false; // needs the enable password
  std::function<void(proto::http::Request&&, proto::http::ResponderPtr)> handle;
};

class Controller final : public proto::http::Handler {
 public:
  Controller(const scan::Engine& engine, scan::Services& services, store::Store* store,
             StatsRecorder* stats, ControllerOptions options);
  ~Controller() override;

  void add_route(ControllerRoute route);
  // Extra /stat fields from other modules (the classifier's learned, statfiles, ...): a
  // source calls back with an object whose members are set over the reply's.
  using StatSource = std::function<void(std::function<void(json::Value)>)>;
  void add_stat_source(StatSource source);
  void handle(proto::http::Request&& request, proto::http::ResponderPtr responder) override;

 private:
  enum class Access { kNone, kRead, kWrite };
  Access access_of(const proto::http::Request& request) const;
  void stat(proto::http::ResponderPtr r);
  void finish_stat(json::Value v, std::shared_ptr<proto::http::Responder> r, size_t source);
  void counters(proto::http::ResponderPtr r, bool grouped);
  void metrics(proto::http::ResponderPtr r);
  void serve_static(const proto::http::Request& request, proto::http::ResponderPtr r);
  // Run `fn` with a StatsReader that lives until the callback is done.
  void with_reader(std::function<void(StatsReader&, std::function<void()>)> fn);

  const scan::Engine& engine_;
  scan::Services& services_;
  store::Store* store_;
  ControllerOptions options_;
  ScanHandler scanner_;
  std::vector<ControllerRoute> routes_;
  std::vector<StatSource> stat_sources_;
  mutable PasswordCache passwords_;  // PBKDF2 once per password, not once per request
  std::vector<std::unique_ptr<StatsReader>> readers_;
  std::vector<store::OpPtr> ops_;  // small one-off store operations (history reset)
};

}  // namespace mw::app
