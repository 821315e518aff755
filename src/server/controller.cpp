#include "server/controller.h"

#include <sys/time.h>

#include "core/option_table.h"
#include "server/password.h"
#include "server/password_check.h"

namespace mw::server {

namespace http = proto::http;

namespace {

using CO = ControllerOptions;

// Rows with a null reader are read by controller_options_from.
core::OptionTable<CO> controller_table() {
  using core::OptType;
  return {"controller", "The controller API (rspamc, dashboard)", {
      {&CO::password,
       {"password", OptType::kString, "\"\"",
        "PBKDF2 hash (mailward pw) required for read endpoints; empty = open"}},
      {&CO::enable_password,
       {"enable_password", OptType::kString, "\"\"",
        "PBKDF2 hash required for write endpoints; empty = `password` grants them"}},
      {nullptr,
       {"secure_ip", OptType::kStringList, "[\"127.0.0.0/8\", \"::1/128\"]",
        "Networks trusted without a password (reads and writes); without passwords only "
        "these (and the unix socket) get access"}},
      {&CO::allowed_hosts,
       {"allowed_hosts", OptType::kStringList, "[]",
        "Names (name or name:port) a browser may use for the controller in Host/Origin, "
        "besides the address it listens on (e.g. the name of a reverse proxy); requests "
        "naming anything else get 403"}},
      {&CO::max_failed_logins,
       {"max_failed_logins", OptType::kInt, "10",
        "Wrong passwords one client address may send per minute; then 429 until the "
        "minute is over", 1, 1000000}},
      {&CO::web_dir,
       {"web_dir", OptType::kString, "\"$WEBDIR\"",
        "Directory of the dashboard files served at / (empty: no dashboard)"}},
      {&CO::checkdomain_cache_ttl,
       {"checkdomain_cache_ttl", OptType::kDuration, "\"10m\"",
        "How long a /checkdomain report is served from the cache (0: not cached)"}},
      {&CO::checkdomain_cache_entries,
       {"checkdomain_cache_entries", OptType::kInt, "1000",
        "/checkdomain reports kept in the cache at most", 0, 1000000}},
      {&CO::checkdomain_max_inflight,
       {"checkdomain_max_inflight", OptType::kInt, "32",
        "/checkdomain DNS walks running at once at most (503 beyond)", 1, 10000}},
      {&CO::save_file,
       {"save_file", OptType::kString, "\"$CONFDIR/local.d/zz-controller.toml\"",
        "Where /savesymbols and /saveactions write scores and thresholds (empty: they fail)"}},
  }};
}

}  // namespace

void declare_controller_options(core::Schema& s) { controller_table().declare(s); }

Result<ControllerOptions> controller_options_from(const core::Config& cfg,
                                                  const scan::PathExpander& expand) {
  const core::OptionTable<CO> table = controller_table();
  ControllerOptions o = table.read(cfg);
  for (const auto* p : {&o.password, &o.enable_password}) {
    if (!p->empty() && !is_password_hash(*p)) {
      return fail(ErrorCode::kInvalidInput,
                  "controller passwords must be hashes made by `mailward pw`, not clear text");
    }
  }
  for (const auto& n : cfg.get_strings(table.path("secure_ip"))) {
    auto st = o.secure_ip.add(n);
    if (!st) return fail(ErrorCode::kInvalidInput, "controller.secure_ip: " + st.error().message);
  }
  o.web_dir = expand(o.web_dir, cfg);
  o.save_file = expand(o.save_file, cfg);
  return o;
}

Controller::Controller(core::Dispatcher& dispatcher, store::Store* store,
                       ControllerOptions options)
    : dispatcher_(dispatcher), store_(store), options_(std::move(options)) {
  PasswordCheckOptions po;
  po.write_hash = options_.enable_password;
  po.read_hash = options_.password;
  po.max_failures = options_.max_failed_logins;
  passwords_ = std::make_unique<PasswordCheck>(dispatcher_, std::move(po));
}

Controller::~Controller() = default;

void Controller::add_route(Route route) { routes_.push_back(std::move(route)); }

double Controller::uptime() const {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6 - options_.start_time;
}

void Controller::set_fallback(Route route) { fallback_ = std::move(route); }

void Controller::add_stat_source(StatSource source) { stat_sources_.push_back(std::move(source)); }

void Controller::complete_stat(json::Value v, std::function<void(json::Value)> done,
                               size_t next) const {
  if (next >= stat_sources_.size()) {
    done(std::move(v));
    return;
  }
  auto reply = std::make_shared<json::Value>(std::move(v));
  stat_sources_[next]([this, reply, done = std::move(done), next](json::Value extra) {
    if (extra.is_object()) {
      for (const auto& [key, value] : extra.members()) reply->set(key, value);
    }
    complete_stat(std::move(*reply), done, next + 1);
  });
}

void Controller::handle(http::Request&& req, http::ResponderPtr r) {
  const Route* route = &fallback_;
  for (const auto& candidate : routes_) {
    if ((candidate.path.empty() || req.path_is(candidate.path)) &&
        (!candidate.when || candidate.when(req))) {
      route = &candidate;
      break;
    }
  }
  // 1. Health checks: nothing to check, nothing to compute.
  if (route->needs == Access::kNone) {
    serve(*route, std::move(req), std::move(r), Access::kNone);
    return;
  }
  // 2. A browser sent here by another site (CSRF) or another name (DNS rebinding).
  if (!same_origin(req)) {
    r->send(http::Response::error(403, "request from a foreign origin (Host/Origin)"));
    return;
  }
  // 3. State changes by POST only.
  if (route->needs == Access::kWrite && req.method != "POST") {
    http::Response resp = http::Response::error(405, "this endpoint changes state: use POST");
    resp.headers.add("Allow", "POST");
    r->send(std::move(resp));
    return;
  }
  // 4. Credentials: the network, else a password (checked off the loop).
  Access access = network_access(req);
  const std::string* given = req.param("Password");
  bool passwords = !options_.password.empty() || !options_.enable_password.empty();
  if (access == Access::kWrite || !passwords || given == nullptr) {
    if (access != Access::kWrite && passwords) {
      access = options_.password.empty() ? Access::kRead : Access::kNone;
    }
    serve(*route, std::move(req), std::move(r), access);
    return;
  }
  std::string client = req.peer.ip;
  std::string password = *given;
  auto held = std::make_shared<std::pair<http::Request, http::ResponderPtr>>(std::move(req),
                                                                           std::move(r));
  passwords_->check(client, std::move(password), [this, route, held](PasswordCheck::Outcome o) {
    using Outcome = PasswordCheck::Outcome;
    Access granted = options_.password.empty() ? Access::kRead : Access::kNone;
    switch (o) {
      case Outcome::kWriteHash:
        granted = Access::kWrite;
        break;
      case Outcome::kReadHash:
        granted = options_.enable_password.empty() ? Access::kWrite : Access::kRead;
        break;
      case Outcome::kWrong:
        break;
      case Outcome::kLimited: {
        http::Response resp =
            http::Response::error(429, "too many wrong passwords from this address; try later");
        resp.headers.add("Retry-After", "60");
        held->second->send(std::move(resp));
        return;
      }
      case Outcome::kBusy:
        held->second->send(http::Response::error(503, "password checks are busy; try later"));
        return;
    }
    // Called from the loop, not from the HTTP server: a throwing handler must not end the
    // worker. Its responder goes with the exception, which answers 500 (server.h).
    try {
      serve(*route, std::move(held->first), std::move(held->second), granted);
    } catch (const std::exception&) {
      held->second.reset();
    }
  });
}

void Controller::serve(const Route& route, http::Request&& req, http::ResponderPtr r,
                       Access access) {
  if (route.needs != Access::kNone &&
      (access == Access::kNone || (route.needs == Access::kWrite && access != Access::kWrite))) {
    r->send(http::Response::error(403, "Unauthorized"));
    return;
  }
  if (route.needs_store && store_ == nullptr) {
    r->send(http::Response::error(503, "statistics store is not available"));
    return;
  }
  if (!route.handle) {
    r->send(http::Response::error(404, "unknown command: " + req.path));
    return;
  }
  route.handle(std::move(req), std::move(r), access);
}

http::Response controller_json(const json::Value& v) {
  http::Response r = http::Response::json(json::write(v));
  r.headers.add("Cache-Control", "no-store");
  return r;
}

RequestWork::RequestWork(core::Dispatcher& dispatcher)
    : dispatcher_(&dispatcher), items_(std::make_shared<std::vector<std::shared_ptr<void>>>()) {}

void RequestWork::done() const {
  auto items = items_;
  dispatcher_->post([items] { items->clear(); });
}

}  // namespace mw::server
