// Controller routes: statistics and history from the store (stats.h), in Rspamd's shapes.
//
//   stat            totals: scanned, actions, spam/ham counts, errors, average scan time
//   counters        every symbol with weight, hits, frequency and average time
//   symbols         the same grouped by symbol group (without a body: with one it scans)
//   metrics         Prometheus/OpenMetrics text
//   history/errors  the recent scans / log errors (?count=N, default 1000); history takes
//                   filters, all of which a row must match: action=, symbol= (the symbol
//                   fired), domain= (of the SMTP sender, kept for flagged scans only),
//                   user=, q= (substring of id, message-id, ip or subject; any case)
//   pie             Rspamd's shape: [{label: action, value: messages}] since the last reset
//   statreset       reset the counters (write)     historyreset   drop the history (write)
#include <cmath>
#include <iterator>
#include <limits>
#include <memory>

#include "core/check.h"
#include "server/controller_routes.h"
#include "store/redis_store.h"

namespace mw::server {

namespace http = proto::http;

namespace {

int64_t int_at(const json::Value& v, std::string_view key) {
  const json::Value* f = v.find(key);
  return f != nullptr ? f->as_int() : 0;
}

double seconds_at(const json::Value& v, std::string_view key_us) {
  const json::Value* f = v.find(key_us);
  return f != nullptr ? f->as_double() / 1e6 : 0;
}

}  // namespace

json::Value store_health_json(const store::Store* s) {
  json::Value v = json::Value::object();
  if (s == nullptr) {
    v.set("backend", "none");
    v.set("available", false);
    return v;
  }
  store::Store::Health h = s->health();
  v.set("backend", std::string(s->backend()));
  v.set("available", h.available);
  v.set("outages", static_cast<int64_t>(h.outages));
  v.set("failed_operations", static_cast<int64_t>(h.failed));
  if (!h.available) {
    v.set("down_since", h.down_since);
    v.set("failed_operations_now", static_cast<int64_t>(h.failed_now));
    v.set("error", h.last_error);
  }
  // Read replicas (Redis): how many, how many connected, reads they answered (this process).
  if (const auto* r = dynamic_cast<const store::RedisStore*>(s); r != nullptr && r->replicas() > 0) {
    json::Value rep = json::Value::object();
    rep.set("configured", static_cast<int64_t>(r->replicas()));
    rep.set("connected", static_cast<int64_t>(r->connected_replicas()));
    rep.set("reads", static_cast<int64_t>(r->replica_reads()));
    v.set("replicas", std::move(rep));
  }
  return v;
}

namespace {

json::Value stat_json(const json::Value& totals, const ControllerOptions& o,
                      const scan::Engine& engine, double uptime, bool read_only,
                      const store::Store* st) {
  json::Value v = json::Value::object();
  v.set("version", o.version);
  v.set("config_id", engine.config ? engine.config->id() : "");
  v.set("uptime", uptime);
  v.set("read_only", read_only);  // what this caller may do
  int64_t scanned = int_at(totals, "scanned");
  v.set("scanned", scanned);
  v.set("learned", int64_t{0});
  json::Value acts = json::Value::object();
  int64_t spam = 0;
  if (const json::Value* actions = totals.find("actions")) {
    for (const auto& [name, n] : actions->members()) {
      acts.set(name, n.as_int());
      if (name == "reject" || name == "soft reject" || name == "add header" ||
          name == "rewrite subject") {
        spam += n.as_int();
      }
    }
  }
  v.set("actions", std::move(acts));
  v.set("spam_count", spam);
  v.set("ham_count", scanned - spam);
  v.set("errors", int_at(totals, "errors"));
  // Rspamd's fields that have no meaning here, for clients that expect them.
  for (const char* zero : {"connections", "control_connections", "pools_allocated", "pools_freed",
                           "bytes_allocated", "chunks_allocated", "shared_chunks_allocated",
                           "chunks_freed", "chunks_oversized", "fragmented", "total_learns"}) {
    v.set(zero, int64_t{0});
  }
  v.set("statfiles", json::Value::array());
  v.set("fuzzy_hashes", json::Value::object());
  double tsum = seconds_at(totals, "time_sum_us");
  v.set("scan_time_avg", scanned > 0 ? tsum / static_cast<double>(scanned) : 0.0);
  // This process's view of the shared store (totals above are empty while it is down).
  v.set("store", store_health_json(st));
  return v;
}

json::Value counters_json(const json::Value& totals, const scan::Engine& engine, bool grouped) {
  const json::Value* syms = totals.find("symbols");
  int64_t scanned = int_at(totals, "scanned");
  auto row = [&](const scan::SymbolDef& d) {
    json::Value e = json::Value::object();
    const json::Value* s = syms ? syms->find(d.name) : nullptr;
    int64_t hits = s ? int_at(*s, "hits") : 0;
    double time = s ? seconds_at(*s, "time_us") : 0;
    e.set("symbol", d.name);
    e.set("weight", d.score);
    if (!d.description.empty()) e.set("description", d.description);
    e.set("hits", hits);
    e.set("frequency",
          scanned > 0 ? static_cast<double>(hits) / static_cast<double>(scanned) : 0.0);
    e.set("time", hits > 0 ? time / static_cast<double>(hits) : 0.0);
    return e;
  };
  json::Value arr = json::Value::array();
  if (!grouped) {
    for (const auto& d : engine.registry.all()) arr.push(row(*d));
    return arr;
  }
  for (const auto& g : engine.registry.groups()) {
    json::Value ge = json::Value::object();
    ge.set("group", g->name);
    if (!g->description.empty()) ge.set("description", g->description);
    if (g->max_score > 0) ge.set("max_score", g->max_score);
    json::Value rules = json::Value::array();
    for (scan::SymbolId id : g->symbols) rules.push(row(engine.registry.get(id)));
    ge.set("rules", std::move(rules));
    arr.push(std::move(ge));
  }
  json::Value ungrouped = json::Value::array();
  for (const auto& d : engine.registry.all()) {
    if (d->groups.empty()) ungrouped.push(row(*d));
  }
  if (ungrouped.size() > 0) {
    json::Value ge = json::Value::object();
    ge.set("group", "ungrouped");
    ge.set("rules", std::move(ungrouped));
    arr.push(std::move(ge));
  }
  return arr;
}

http::Response metrics_text(const json::Value& totals, double uptime, const store::Store* st) {
  std::string out;
  auto line = [&out](const std::string& s) { out += s + "\n"; };
  auto family = [&line](const char* name, const char* type, const char* help) {
    line(std::string("# HELP ") + name + " " + help);
    line(std::string("# TYPE ") + name + " " + type);
  };
  family("mailward_uptime_seconds", "gauge", "Seconds since the service started.");
  line("mailward_uptime_seconds " + std::to_string(static_cast<int64_t>(uptime)));
  family("mailward_scanned_total", "counter", "Messages scanned.");
  line("mailward_scanned_total " + std::to_string(int_at(totals, "scanned")));
  family("mailward_scan_errors_total", "counter", "Requests that could not be scanned.");
  line("mailward_scan_errors_total " + std::to_string(int_at(totals, "errors")));
  family("mailward_actions_total", "counter", "Messages per action.");
  if (const json::Value* actions = totals.find("actions")) {
    for (const auto& [name, n] : actions->members()) {
      line("mailward_actions_total{action=\"" + name + "\"} " + std::to_string(n.as_int()));
    }
  }
  family("mailward_scan_seconds", "histogram", "Time to scan one message.");
  int64_t cum = 0;
  if (const json::Value* buckets = totals.find("buckets")) {
    const auto& items = buckets->items();
    for (size_t i = 0; i < items.size(); ++i) {
      cum += items[i].as_int();
      std::string le = i < std::size(scan::Counters::kBuckets)
                           ? json::write(json::Value(scan::Counters::kBuckets[i]))
                           : "+Inf";
      line("mailward_scan_seconds_bucket{le=\"" + le + "\"} " + std::to_string(cum));
    }
  }
  line("mailward_scan_seconds_sum " + json::write(json::Value(seconds_at(totals, "time_sum_us"))));
  line("mailward_scan_seconds_count " + std::to_string(cum));
  family("mailward_symbol_hits_total", "counter", "Messages each symbol was found in.");
  if (const json::Value* syms = totals.find("symbols")) {
    for (const auto& [name, s] : syms->members()) {
      int64_t hits = int_at(s, "hits");
      if (hits == 0) continue;
      line("mailward_symbol_hits_total{symbol=\"" + name + "\"} " + std::to_string(hits));
    }
  }
  if (st != nullptr) {
    store::Store::Health h = st->health();
    std::string b = "{backend=\"" + std::string(st->backend()) + "\"}";
    family("mailward_store_up", "gauge",
           "1 when the shared store answers (as the controller sees it), 0 during an outage.");
    line("mailward_store_up" + b + (h.available ? " 1" : " 0"));
    family("mailward_store_outages_total", "counter", "Store outages seen by the controller.");
    line("mailward_store_outages_total" + b + " " + std::to_string(h.outages));
    family("mailward_store_failed_operations_total", "counter",
           "Controller store operations that failed because the store was unavailable.");
    line("mailward_store_failed_operations_total" + b + " " + std::to_string(h.failed));
  }
  family("mailward_bugs_total", "counter", "Internal consistency checks that failed.");
  line("mailward_bugs_total " + std::to_string(core::bug_count()));
  line("# EOF");
  http::Response resp = http::Response::text(out);
  resp.content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  return resp;
}

// One request reading the store's statistics: the reader is kept by `work` (not by the
// callbacks it holds) until the answer is sent.
struct Reading {
  StatsReader* reader;
  std::shared_ptr<http::Responder> responder;
  RequestWork work;
};

// History filters (all must match; an absent filter matches everything).
struct HistoryFilter {
  std::string action, symbol, domain, user, text;
  bool empty() const {
    return action.empty() && symbol.empty() && domain.empty() && user.empty() && text.empty();
  }
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

HistoryFilter history_filter(const http::Request& req) {
  HistoryFilter f;
  auto take = [&req](const char* name, std::string& dest) {
    if (const std::string* v = req.param(name)) dest = lower(v->substr(0, 320));
  };
  take("action", f.action);
  take("domain", f.domain);
  take("user", f.user);
  take("q", f.text);
  if (const std::string* v = req.param("symbol")) f.symbol = v->substr(0, 128);
  return f;
}

bool matches(const json::Value& row, const HistoryFilter& f) {
  auto str = [&row](std::string_view key) {
    const json::Value* v = row.find(key);
    return v != nullptr ? v->as_string() : std::string();
  };
  if (!f.action.empty() && lower(str("action")) != f.action) return false;
  if (!f.symbol.empty()) {
    const json::Value* syms = row.find("symbols");
    if (syms == nullptr || syms->find(f.symbol) == nullptr) return false;
  }
  if (!f.domain.empty()) {
    std::string from = lower(str("sender_smtp"));
    size_t at = from.rfind('@');
    if (at == std::string::npos || from.substr(at + 1) != f.domain) return false;
  }
  if (!f.user.empty() && lower(str("user")) != f.user) return false;
  if (!f.text.empty()) {
    bool any = false;
    for (const char* key : {"id", "message-id", "ip", "subject"}) {
      if (lower(str(key)).find(f.text) != std::string::npos) any = true;
    }
    if (!any) return false;
  }
  return true;
}

Reading start_reading(Controller& c, const scan::Engine& engine, http::ResponderPtr r) {
  auto reader = std::make_shared<StatsReader>(*c.store(), engine);
  Reading rd{reader.get(), std::shared_ptr<http::Responder>(std::move(r)),
             RequestWork(c.dispatcher())};
  rd.work.keep(std::move(reader));
  return rd;
}

// Answer with what `render` makes of the totals (500 when the store fails).
// With `degrade`, a store that fails gives empty totals instead of a 500 (monitoring must
// still see the store's health).
void with_totals(Controller& c, const scan::Engine& engine, http::ResponderPtr r,
                 std::function<http::Response(const json::Value&)> render, bool degrade) {
  Reading rd = start_reading(c, engine, std::move(r));
  rd.reader->read([responder = rd.responder, work = rd.work, degrade,
                   render = std::move(render)](Result<json::Value> totals) {
    if (!totals && degrade) {
      responder->send(render(json::Value::object()));
    } else {
      responder->send(totals ? render(*totals)
                             : http::Response::error(500, totals.error().to_string()));
    }
    work.done();
  });
}

}  // namespace

void add_stats_routes(Controller& c, const scan::Engine& engine) {
  const scan::Engine* e = &engine;
  Controller* ctl = &c;
  auto read_route = [&](const char* path, auto render, bool degrade = false) {
    c.add_route({path, {}, Access::kRead, true,
                 [ctl, e, render, degrade](http::Request&&, http::ResponderPtr r, Access granted) {
                   with_totals(*ctl, *e, std::move(r), render(*ctl, *e, granted), degrade);
                 }});
  };
  // /stat: the totals, then the fields of the controller's stat sources (the classifier's).
  c.add_route({"stat", {}, Access::kRead, true,
               [ctl, e](http::Request&&, http::ResponderPtr r, Access granted) {
                 double uptime = std::floor(ctl->uptime());
                 bool read_only = granted != Access::kWrite;  // what this caller may do
                 Reading rd = start_reading(*ctl, *e, std::move(r));
                 rd.reader->read([ctl, e, uptime, read_only, responder = rd.responder,
                                  work = rd.work](Result<json::Value> totals) {
                   // A store that is down: empty totals, and "store" says why.
                   json::Value t = totals ? std::move(*totals) : json::Value::object();
                   ctl->complete_stat(
                       stat_json(t, ctl->options(), *e, uptime, read_only, ctl->store()),
                                      [responder, work](json::Value v) {
                                        responder->send(controller_json(v));
                                        work.done();
                                      });
                 });
               }});
  read_route("counters", [](Controller&, const scan::Engine& eng, Access) {
    return [&eng](const json::Value& t) { return controller_json(counters_json(t, eng, false)); };
  });
  read_route("symbols", [](Controller&, const scan::Engine& eng, Access) {
    return [&eng](const json::Value& t) { return controller_json(counters_json(t, eng, true)); };
  });
  read_route("pie", [](Controller&, const scan::Engine&, Access) {
    return [](const json::Value& t) {
      json::Value arr = json::Value::array();
      if (const json::Value* actions = t.find("actions")) {
        for (const auto& [name, n] : actions->members()) {
          json::Value e = json::Value::object();
          e.set("label", name);
          e.set("value", n.as_int());
          arr.push(std::move(e));
        }
      }
      return controller_json(arr);
    };
  });
  read_route(
      "metrics",
      [](Controller& ctl, const scan::Engine&, Access) {
        double uptime = ctl.uptime();
        const store::Store* st = ctl.store();
        return [uptime, st](const json::Value& t) { return metrics_text(t, uptime, st); };
      },
      true);
  for (const char* path : {"history", "errors"}) {
    bool history = std::string_view(path) == "history";
    c.add_route({path, {}, Access::kRead, true,
                 [ctl, e, history](http::Request&& req, http::ResponderPtr r, Access) {
                   size_t count = 1000;
                   if (const std::string* n = req.param("count")) {
                     count = static_cast<size_t>(std::atoll(n->c_str()));
                   }
                   HistoryFilter filter = history_filter(req);
                   // Filtered: read every row kept, answer with the first `count` matching.
                   size_t read = filter.empty() ? count : size_t{100000};  // stats.history_rows max
                   Reading rd = start_reading(*ctl, *e, std::move(r));
                   auto cb = [responder = rd.responder, work = rd.work, history, count,
                              filter](Result<json::Value> rows) {
                     if (!rows) {
                       responder->send(http::Response::error(500, rows.error().to_string()));
                     } else if (history) {
                       json::Value kept = json::Value::array();
                       for (const auto& row : rows->items()) {
                         if (kept.size() < count && matches(row, filter)) kept.push(row);
                       }
                       json::Value v = json::Value::object();
                       v.set("version", 2);
                       v.set("rows", std::move(kept));
                       responder->send(controller_json(v));
                     } else {
                       responder->send(controller_json(*rows));
                     }
                     work.done();
                   };
                   if (history) {
                     rd.reader->history(read, cb);
                   } else {
                     rd.reader->errors(count, cb);
                   }
                 }});
  }
  auto success = [](const std::shared_ptr<http::Responder>& r, const Status& st) {
    json::Value v = json::Value::object();
    v.set("success", st.has_value());
    r->send(controller_json(v));
  };
  c.add_route({"statreset", {}, Access::kWrite, true,
               [ctl, e, success](http::Request&&, http::ResponderPtr r, Access) {
                 Reading rd = start_reading(*ctl, *e, std::move(r));
                 rd.reader->reset([responder = rd.responder, work = rd.work, success](Status st) {
                   success(responder, st);
                   work.done();
                 });
               }});
  c.add_route({"historyreset", {}, Access::kWrite, true,
               [ctl, success](http::Request&&, http::ResponderPtr r, Access) {
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 RequestWork work(ctl->dispatcher());
                 work.keep(ctl->store()->del("hist", [responder, work, success](Status st) {
                   success(responder, st);
                   work.done();
                 }));
               }});
}

}  // namespace mw::server
