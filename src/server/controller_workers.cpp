// Controller route: workers - the processes of this scanner and of the fleet.
//
//   workers   {scanner, workers, local, fleet}
//     scanner  this scanner's id (stats.h scanner_id(): "<host>/<master PID>")
//     workers  every process heartbeat in the store (stats.h): pid, type, scanner, host,
//              started, seen, uptime, scanned, errors, rss_kb, state ("ok", or "stale"
//              after 3 missed flushes). With Redis: the whole fleet's.
//     local    this scanner's processes as its master's watchdog board lists them (pid,
//              state "running" or "unresponsive" when its loop has not turned for 5 s,
//              beat_age, connections, activity), each with its heartbeat's type, scanned,
//              errors, uptime and rss_kb ("starting": no heartbeat yet, type "unknown").
//              Without a board (no watchdog): this scanner's heartbeats.
//     fleet    one summary per scanner with a fresh heartbeat: scanner, host, workers
//              (scanning processes), processes, scanned, errors, rss_kb, seen (the latest).
#include <ctime>
#include <map>
#include <memory>

#include "core/watchdog.h"
#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;

namespace {

constexpr double kUnresponsive = 5;  // seconds without a loop turn

using Rows = std::vector<std::pair<std::string, std::string>>;

json::Value render(const Rows& rows, const core::WorkerBoard* board) {
  double now = static_cast<double>(std::time(nullptr));
  std::string self = scanner_id();
  json::Value all = json::Value::array();
  std::map<int64_t, json::Value> mine;  // this scanner's heartbeats by pid
  std::map<std::string, json::Value> fleet;
  for (const auto& [field, text] : rows) {
    auto v = json::parse(text);
    if (!v || !v->is_object()) continue;
    auto num = [&](const char* k) { return v->find(k) ? v->find(k)->as_double() : 0.0; };
    auto str = [&](const char* k) {
      return v->find(k) ? v->find(k)->as_string() : std::string();
    };
    double interval = num("interval") > 0 ? num("interval") : 1;
    bool fresh = now - num("seen") <= 3 * interval + 2;
    v->set("state", fresh ? "ok" : "stale");
    v->set("uptime", std::max(0.0, num("seen") - num("started")));
    std::string scanner = str("scanner");
    if (scanner == self) mine[static_cast<int64_t>(num("pid"))] = *v;
    if (fresh && !scanner.empty()) {
      auto [it, added] = fleet.try_emplace(scanner, json::Value::object());
      json::Value& m = it->second;
      if (added) {
        m.set("scanner", scanner);
        m.set("host", str("host"));
        m.set("self", scanner == self);
      }
      auto add = [&](const char* k, double d) {
        m.set(k, static_cast<int64_t>((m.find(k) ? m.find(k)->as_double() : 0) + d));
      };
      add("processes", 1);
      add("workers", str("type") == "normal" ? 1 : 0);
      add("scanned", num("scanned"));
      add("errors", num("errors"));
      add("rss_kb", num("rss_kb"));
      m.set("seen", std::max(num("seen"), m.find("seen") ? m.find("seen")->as_double() : 0));
    }
    all.push(std::move(*v));
  }

  json::Value local = json::Value::array();
  if (board == nullptr) {
    for (auto& [pid, v] : mine) local.push(v);
  } else {
    for (size_t i = 0; i < board->size(); ++i) {
      int slot = static_cast<int>(i);
      pid_t pid = board->pid(slot);
      if (pid <= 0) continue;
      json::Value w = json::Value::object();
      w.set("pid", static_cast<int64_t>(pid));
      double age = board->silence(slot);
      auto hb = mine.find(pid);
      w.set("type", hb != mine.end() && hb->second.find("type")
                        ? hb->second.find("type")->as_string()
                        : std::string("unknown"));
      w.set("state", age > kUnresponsive ? "unresponsive"
                     : hb == mine.end() ? "starting"
                                        : "running");
      w.set("beat_age", age);
      w.set("connections", static_cast<int64_t>(board->open_connections(slot)));
      w.set("activity", board->activity(slot));
      if (hb != mine.end()) {
        for (const char* k : {"scanned", "errors", "uptime", "rss_kb", "started", "seen"}) {
          if (const json::Value* f = hb->second.find(k)) w.set(k, *f);
        }
      }
      local.push(std::move(w));
    }
  }

  json::Value members = json::Value::array();
  for (auto& [id, m] : fleet) members.push(std::move(m));
  json::Value out = json::Value::object();
  out.set("scanner", self);
  out.set("workers", std::move(all));
  out.set("local", std::move(local));
  out.set("fleet", std::move(members));
  return out;
}

}  // namespace

void add_worker_routes(Controller& c, const core::WorkerBoard* board) {
  Controller* ctl = &c;
  c.add_route({"workers", {}, Access::kRead, false,
               [ctl, board](http::Request&&, http::ResponderPtr r, Access) {
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 if (ctl->store() == nullptr) {
                   responder->send(controller_json(render({}, board)));
                   return;
                 }
                 RequestWork work(ctl->dispatcher());
                 work.keep(ctl->store()->map_all(
                     "stat:workers", [responder, work, board](Result<Rows> rows) {
                       if (!rows) {
                         responder->send(http::Response::error(500, rows.error().to_string()));
                       } else {
                         responder->send(controller_json(render(*rows, board)));
                       }
                       work.done();
                     }));
               }});
}

}  // namespace mw::server
