#include "app/controller.h"

#include <sys/time.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/password.h"
#include "app/paths.h"
#include "core/check.h"
#include "scan/reply.h"

namespace mw::app {

namespace http = proto::http;

namespace {

double wall_now() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
}

http::Response json_reply(const json::Value& v) {
  http::Response r = http::Response::json(json::write(v));
  r.headers.add("Cache-Control", "no-store");
  return r;
}

http::Response forbidden() { return http::Response::error(403, "Unauthorized"); }

}  // namespace

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

Result<ControllerOptions> controller_options_from(const core::Config& cfg) {
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
  o.web_dir = expand_path(cfg.get_string("controller.web_dir"), cfg);
  return o;
}

Controller::Controller(const scan::Engine& engine, scan::Services& services, store::Store* store,
                       StatsRecorder* stats, ControllerOptions options)
    : engine_(engine), services_(services), store_(store), options_(std::move(options)),
      scanner_(engine, services, stats) {}

Controller::~Controller() = default;

void Controller::add_route(ControllerRoute route) { routes_.push_back(std::move(route)); }

void Controller::add_stat_source(StatSource source) { stat_sources_.push_back(std::move(source)); }

void Controller::finish_stat(json::Value v, std::shared_ptr<http::Responder> r, size_t source) {
  if (source >= stat_sources_.size()) {
    r->send(json_reply(v));
    return;
  }
  auto reply = std::make_shared<json::Value>(std::move(v));
  stat_sources_[source]([this, reply, r, source](json::Value extra) {
    if (extra.is_object()) {
      for (const auto& [key, value] : extra.members()) reply->set(key, value);
    }
    finish_stat(std::move(*reply), r, source + 1);
  });
}

Controller::Access Controller::access_of(const http::Request& req) const {
  if (!req.peer.unix_socket && !options_.secure_ip.empty() && options_.secure_ip.contains(req.peer.ip)) {
    return Access::kWrite;
  }
  if (req.peer.unix_socket) return Access::kWrite;
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

void Controller::with_reader(std::function<void(StatsReader&, std::function<void()>)> fn) {
  if (store_ == nullptr) return;
  readers_.push_back(std::make_unique<StatsReader>(*store_, engine_));
  StatsReader* reader = readers_.back().get();
  fn(*reader, [this, reader] {
    // Drop the reader from the loop (we are inside one of its callbacks).
    services_.dispatcher().post([this, reader] {
      for (auto it = readers_.begin(); it != readers_.end(); ++it) {
        if (it->get() == reader) {
          readers_.erase(it);
          break;
        }
      }
    });
  });
}

void Controller::handle(http::Request&& req, http::ResponderPtr r) {
  Access access = access_of(req);
  bool is_write = req.path_is("statreset") || req.path_is("historyreset");
  for (const auto& route : routes_) {
    if (req.path_is(route.path)) is_write = route.write;
  }
  if (req.path_is("ping")) {
    r->send(http::Response::text("pong\r\n"));
    return;
  }
  if (req.path_is("healthy") || req.path_is("ready")) {
    json::Value v = json::Value::object();
    v.set("success", true);
    r->send(json_reply(v));
    return;
  }
  if (access == Access::kNone || (is_write && access != Access::kWrite)) {
    r->send(forbidden());
    return;
  }
  for (const auto& route : routes_) {
    if (req.path_is(route.path)) {
      route.handle(std::move(req), std::move(r));
      return;
    }
  }
  // Scanning on the controller, as Rspamd's controller does.
  if (!req.body.empty() && ScanHandler::is_scan_path(req)) {
    scanner_.handle(std::move(req), std::move(r));
    return;
  }
  if (req.path_is("checkv2") || req.path_is("check")) {
    scanner_.handle(std::move(req), std::move(r));
    return;
  }
  if (req.path_is("auth")) {
    json::Value v = json::Value::object();
    v.set("auth", "ok");
    v.set("version", options_.version);
    v.set("uptime", std::floor(wall_now() - options_.start_time));
    v.set("read_only", access != Access::kWrite);
    r->send(json_reply(v));
    return;
  }
  if (req.path_is("actions")) {
    json::Value arr = json::Value::array();
    for (scan::Action a : {scan::Action::kReject, scan::Action::kSoftReject,
                           scan::Action::kRewriteSubject, scan::Action::kAddHeader,
                           scan::Action::kGreylist}) {
      json::Value e = json::Value::object();
      e.set("action", scan::action_name(a));
      auto t = engine_.thresholds.get(a);
      e.set("value", t ? json::Value(*t) : json::Value());
      arr.push(std::move(e));
    }
    r->send(json_reply(arr));
    return;
  }
  if (store_ == nullptr) {
    r->send(http::Response::error(503, "statistics store is not available"));
    return;
  }
  if (req.path_is("stat")) return stat(std::move(r));
  if (req.path_is("counters")) return counters(std::move(r), false);
  if (req.path_is("symbols")) return counters(std::move(r), true);
  if (req.path_is("metrics")) return metrics(std::move(r));
  if (req.path_is("history") || req.path_is("errors")) {
    bool history = req.path_is("history");
    size_t count = 1000;
    if (const std::string* c = req.param("count")) count = static_cast<size_t>(std::atoll(c->c_str()));
    auto shared = std::shared_ptr<http::Responder>(std::move(r));
    with_reader([history, count, shared](StatsReader& reader, std::function<void()> release) {
      auto cb = [shared, release, history](Result<json::Value> rows) {
        if (!rows) {
          shared->send(http::Response::error(500, rows.error().to_string()));
        } else if (history) {
          json::Value v = json::Value::object();
          v.set("version", 2);
          v.set("rows", std::move(*rows));
          shared->send(json_reply(v));
        } else {
          shared->send(json_reply(*rows));
        }
        release();
      };
      if (history) reader.history(count, cb);
      else reader.errors(count, cb);
    });
    return;
  }
  if (req.path_is("statreset")) {
    auto shared = std::shared_ptr<http::Responder>(std::move(r));
    with_reader([shared](StatsReader& reader, std::function<void()> release) {
      reader.reset([shared, release](Status st) {
        json::Value v = json::Value::object();
        v.set("success", st.has_value());
        shared->send(json_reply(v));
        release();
      });
    });
    return;
  }
  if (req.path_is("historyreset")) {
    auto shared = std::shared_ptr<http::Responder>(std::move(r));
    ops_.push_back(store_->del("hist", [shared](Status st) {
      json::Value v = json::Value::object();
      v.set("success", st.has_value());
      shared->send(json_reply(v));
    }));
    return;
  }
  if (req.method == "GET" || req.method == "HEAD") {
    serve_static(req, std::move(r));
    return;
  }
  r->send(http::Response::error(404, "unknown command: " + req.path));
}

void Controller::stat(http::ResponderPtr r) {
  auto shared = std::shared_ptr<http::Responder>(std::move(r));
  double uptime = std::floor(wall_now() - options_.start_time);
  std::string version = options_.version;
  std::string config_id = engine_.config ? engine_.config->id() : "";
  with_reader([=, this](StatsReader& reader, std::function<void()> release) {
    reader.read([=, this](Result<json::Value> totals) {
      if (!totals) {
        shared->send(http::Response::error(500, totals.error().to_string()));
        release();
        return;
      }
      json::Value v = json::Value::object();
      v.set("version", version);
      v.set("config_id", config_id);
      v.set("uptime", uptime);
      v.set("read_only", false);
      int64_t scanned = totals->find("scanned") ? totals->find("scanned")->as_int() : 0;
      v.set("scanned", scanned);
      v.set("learned", int64_t{0});
      const json::Value* actions = totals->find("actions");
      json::Value acts = json::Value::object();
      int64_t spam = 0;
      for (const auto& [name, n] : actions->members()) {
        acts.set(name, n.as_int());
        if (name == "reject" || name == "soft reject" || name == "add header" ||
            name == "rewrite subject") {
          spam += n.as_int();
        }
      }
      v.set("actions", std::move(acts));
      v.set("spam_count", spam);
      v.set("ham_count", scanned - spam);
      v.set("errors", totals->find("errors") ? totals->find("errors")->as_int() : 0);
      v.set("connections", int64_t{0});
      v.set("control_connections", int64_t{0});
      v.set("pools_allocated", int64_t{0});
      v.set("pools_freed", int64_t{0});
      v.set("bytes_allocated", int64_t{0});
      v.set("chunks_allocated", int64_t{0});
      v.set("shared_chunks_allocated", int64_t{0});
      v.set("chunks_freed", int64_t{0});
      v.set("chunks_oversized", int64_t{0});
      v.set("fragmented", int64_t{0});
      v.set("total_learns", int64_t{0});
      v.set("statfiles", json::Value::array());
      v.set("fuzzy_hashes", json::Value::object());
      double tsum = totals->find("time_sum_us") ? totals->find("time_sum_us")->as_double() / 1e6 : 0;
      v.set("scan_time_avg", scanned > 0 ? tsum / static_cast<double>(scanned) : 0.0);
      finish_stat(std::move(v), shared, 0);
      release();
    });
  });
}

void Controller::counters(http::ResponderPtr r, bool grouped) {
  auto shared = std::shared_ptr<http::Responder>(std::move(r));
  const scan::Engine* engine = &engine_;
  with_reader([=](StatsReader& reader, std::function<void()> release) {
    reader.read([=](Result<json::Value> totals) {
      if (!totals) {
        shared->send(http::Response::error(500, totals.error().to_string()));
        release();
        return;
      }
      const json::Value* syms = totals->find("symbols");
      int64_t scanned = totals->find("scanned") ? totals->find("scanned")->as_int() : 0;
      auto row = [&](const scan::SymbolDef& d) {
        json::Value e = json::Value::object();
        const json::Value* s = syms ? syms->find(d.name) : nullptr;
        int64_t hits = s && s->find("hits") ? s->find("hits")->as_int() : 0;
        double time_us = s && s->find("time_us") ? s->find("time_us")->as_double() : 0;
        e.set("symbol", d.name);
        e.set("weight", d.score);
        if (!d.description.empty()) e.set("description", d.description);
        e.set("hits", hits);
        e.set("frequency", scanned > 0 ? static_cast<double>(hits) / static_cast<double>(scanned) : 0.0);
        e.set("time", hits > 0 ? time_us / 1e6 / static_cast<double>(hits) : 0.0);
        return e;
      };
      if (!grouped) {
        json::Value arr = json::Value::array();
        for (const auto& d : engine->registry.all()) arr.push(row(*d));
        shared->send(json_reply(arr));
      } else {
        json::Value arr = json::Value::array();
        for (const auto& g : engine->registry.groups()) {
          json::Value ge = json::Value::object();
          ge.set("group", g->name);
          if (!g->description.empty()) ge.set("description", g->description);
          if (g->max_score > 0) ge.set("max_score", g->max_score);
          json::Value rules = json::Value::array();
          for (scan::SymbolId id : g->symbols) rules.push(row(engine->registry.get(id)));
          ge.set("rules", std::move(rules));
          arr.push(std::move(ge));
        }
        json::Value ungrouped = json::Value::array();
        for (const auto& d : engine->registry.all()) {
          if (d->groups.empty()) ungrouped.push(row(*d));
        }
        if (ungrouped.size() > 0) {
          json::Value ge = json::Value::object();
          ge.set("group", "ungrouped");
          ge.set("rules", std::move(ungrouped));
          arr.push(std::move(ge));
        }
        shared->send(json_reply(arr));
      }
      release();
    });
  });
}

void Controller::metrics(http::ResponderPtr r) {
  auto shared = std::shared_ptr<http::Responder>(std::move(r));
  double uptime = wall_now() - options_.start_time;
  with_reader([=](StatsReader& reader, std::function<void()> release) {
    reader.read([=](Result<json::Value> totals) {
      if (!totals) {
        shared->send(http::Response::error(500, totals.error().to_string()));
        release();
        return;
      }
      std::string out;
      auto line = [&out](const std::string& s) { out += s + "\n"; };
      line("# HELP mailward_uptime_seconds Seconds since the service started.");
      line("# TYPE mailward_uptime_seconds gauge");
      line("mailward_uptime_seconds " + std::to_string(static_cast<int64_t>(uptime)));
      int64_t scanned = totals->find("scanned") ? totals->find("scanned")->as_int() : 0;
      line("# HELP mailward_scanned_total Messages scanned.");
      line("# TYPE mailward_scanned_total counter");
      line("mailward_scanned_total " + std::to_string(scanned));
      line("# HELP mailward_scan_errors_total Requests that could not be scanned.");
      line("# TYPE mailward_scan_errors_total counter");
      line("mailward_scan_errors_total " +
           std::to_string(totals->find("errors") ? totals->find("errors")->as_int() : 0));
      line("# HELP mailward_actions_total Messages per action.");
      line("# TYPE mailward_actions_total counter");
      for (const auto& [name, n] : totals->find("actions")->members()) {
        line("mailward_actions_total{action=\"" + name + "\"} " + std::to_string(n.as_int()));
      }
      line("# HELP mailward_scan_seconds Time to scan one message.");
      line("# TYPE mailward_scan_seconds histogram");
      int64_t cum = 0;
      const auto& buckets = totals->find("buckets")->items();
      for (size_t i = 0; i < buckets.size(); ++i) {
        cum += buckets[i].as_int();
        std::string le = i < std::size(scan::Counters::kBuckets)
                             ? json::write(json::Value(scan::Counters::kBuckets[i]))
                             : "+Inf";
        line("mailward_scan_seconds_bucket{le=\"" + le + "\"} " + std::to_string(cum));
      }
      double tsum = totals->find("time_sum_us") ? totals->find("time_sum_us")->as_double() / 1e6 : 0;
      line("mailward_scan_seconds_sum " + json::write(json::Value(tsum)));
      line("mailward_scan_seconds_count " + std::to_string(cum));
      line("# HELP mailward_symbol_hits_total Messages each symbol was found in.");
      line("# TYPE mailward_symbol_hits_total counter");
      if (const json::Value* syms = totals->find("symbols")) {
        for (const auto& [name, s] : syms->members()) {
          const json::Value* h = s.find("hits");
          if (h == nullptr || h->as_int() == 0) continue;
          line("mailward_symbol_hits_total{symbol=\"" + name + "\"} " + std::to_string(h->as_int()));
        }
      }
      line("# HELP mailward_bugs_total Internal consistency checks that failed.");
      line("# TYPE mailward_bugs_total counter");
      line("mailward_bugs_total " + std::to_string(core::bug_count()));
      line("# EOF");
      http::Response resp = http::Response::text(out);
      resp.content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
      shared->send(std::move(resp));
      release();
    });
  });
}

void Controller::serve_static(const http::Request& req, http::ResponderPtr r) {
  namespace fs = std::filesystem;
  if (options_.web_dir.empty()) {
    r->send(http::Response::error(404, "unknown command: " + req.path));
    return;
  }
  std::string rel = req.path;
  if (rel.empty() || rel == "/") rel = "/index.html";
  if (rel.find("..") != std::string::npos) {
    r->send(http::Response::error(404, "not found"));
    return;
  }
  fs::path p = fs::path(options_.web_dir) / rel.substr(1);
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    r->send(http::Response::error(404, "unknown command: " + req.path));
    return;
  }
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  http::Response resp = http::Response::text(std::move(body));
  std::string ext = p.extension().string();
  resp.content_type = ext == ".html" ? "text/html; charset=utf-8"
                      : ext == ".js" ? "text/javascript; charset=utf-8"
                      : ext == ".css" ? "text/css; charset=utf-8"
                      : ext == ".svg" ? "image/svg+xml"
                                      : "application/octet-stream";
  r->send(std::move(resp));
}

}  // namespace mw::app
