#include "server/controller.h"

#include <sys/time.h>

#include "server/password.h"

namespace mw::server {

namespace http = proto::http;

void declare_controller_options(core::Schema& s) {
  using core::OptType;
  s.section("controller", "The controller API (rspamc, dashboard)");
  s.add({"controller.password", OptType::kString, "\"\"",
         "PBKDF2 hash (mailward pw) required for read endpoints; empty = open"});
  s.add({"controller.enable_password", OptType::kString, "\"\"",
         "PBKDF2 hash required for write endpoints; empty = `password` grants them"});
  s.add({"controller.secure_ip", OptType::kStringList, "[]",
         "Networks trusted without a password"});
  s.add({"controller.web_dir", OptType::kString, "\"$WEBDIR\"",
         "Directory of the dashboard files served at / (empty: no dashboard)"});
}

Result<ControllerOptions> controller_options_from(const core::Config& cfg,
                                                  const scan::PathExpander& expand) {
  ControllerOptions o;
  o.password = cfg.get_string("controller.password");
  o.enable_password = cfg.get_string("controller.enable_password");
  for (const auto* p : {&o.password, &o.enable_password}) {
    if (!p->empty() && !is_password_hash(*p)) {
      return fail(ErrorCode::kInvalidInput,
                  "controller passwords must be hashes made by `mailward pw`, not clear text");
    }
  }
  for (const auto& n : cfg.get_strings("controller.secure_ip")) {
    auto st = o.secure_ip.add(n);
    if (!st) return fail(ErrorCode::kInvalidInput, "controller.secure_ip: " + st.error().message);
  }
  o.web_dir = expand(cfg.get_string("controller.web_dir"), cfg);
  return o;
}

Controller::Controller(core::Dispatcher& dispatcher, store::Store* store,
                       ControllerOptions options)
    : dispatcher_(dispatcher), store_(store), options_(std::move(options)) {}

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

Access Controller::access_of(const http::Request& req) const {
  if (req.peer.unix_socket) return Access::kWrite;
  if (!options_.secure_ip.empty() && options_.secure_ip.contains(req.peer.ip)) {
    return Access::kWrite;
  }
  if (options_.password.empty() && options_.enable_password.empty()) return Access::kWrite;
  const std::string* given = req.param("Password");
  if (given == nullptr) return options_.password.empty() ? Access::kRead : Access::kNone;
  if (!options_.enable_password.empty() && passwords_.verify(*given, options_.enable_password)) {
    return Access::kWrite;
  }
  if (!options_.password.empty() && passwords_.verify(*given, options_.password)) {
    return options_.enable_password.empty() ? Access::kWrite : Access::kRead;
  }
  return options_.password.empty() ? Access::kRead : Access::kNone;
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
  Access access = route->needs == Access::kNone ? Access::kNone : access_of(req);
  if (route->needs != Access::kNone &&
      (access == Access::kNone || (route->needs == Access::kWrite && access != Access::kWrite))) {
    r->send(http::Response::error(403, "Unauthorized"));
    return;
  }
  if (route->needs_store && store_ == nullptr) {
    r->send(http::Response::error(503, "statistics store is not available"));
    return;
  }
  if (!route->handle) {
    r->send(http::Response::error(404, "unknown command: " + req.path));
    return;
  }
  route->handle(std::move(req), std::move(r), access);
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
