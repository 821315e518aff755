// Controller routes: health checks (anybody), auth and actions.
#include <cmath>

#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;

void add_status_routes(Controller& c, const scan::Engine& engine) {
  auto pong = [](http::Request&&, http::ResponderPtr r, Access) {
    r->send(http::Response::text("pong\r\n"));
  };
  auto success = [](http::Request&&, http::ResponderPtr r, Access) {
    json::Value v = json::Value::object();
    v.set("success", true);
    r->send(controller_json(v));
  };
  const Controller* ctl = &c;
  // Ready answers 200 while the store is down (scans go on, degraded): the body says so,
  // for monitoring; a balancer must not take every scanner out during a Redis outage.
  auto ready = [ctl](http::Request&&, http::ResponderPtr r, Access) {
    json::Value v = json::Value::object();
    v.set("success", true);
    const store::Store* st = ctl->store();
    bool degraded = st != nullptr && !st->health().available;
    v.set("status", degraded ? "degraded" : "ready");
    if (st != nullptr) {  // anybody may ask: no addresses nor errors here (see /stat)
      json::Value sv = json::Value::object();
      sv.set("backend", std::string(st->backend()));
      sv.set("available", !degraded);
      v.set("store", std::move(sv));
    }
    r->send(controller_json(v));
  };
  c.add_route({"ping", {}, Access::kNone, false, pong});
  c.add_route({"healthy", {}, Access::kNone, false, success});
  c.add_route({"ready", {}, Access::kNone, false, ready});
  c.add_route({"auth", {}, Access::kRead, false,
               [ctl](http::Request&&, http::ResponderPtr r, Access granted) {
                 json::Value v = json::Value::object();
                 v.set("auth", "ok");
                 v.set("version", ctl->options().version);
                 v.set("uptime", std::floor(ctl->uptime()));
                 v.set("read_only", granted != Access::kWrite);
                 r->send(controller_json(v));
               }});
  const scan::Engine* e = &engine;
  c.add_route({"actions", {}, Access::kRead, false,
               [e](http::Request&&, http::ResponderPtr r, Access) {
                 json::Value arr = json::Value::array();
                 for (scan::Action a : {scan::Action::kReject, scan::Action::kSoftReject,
                                        scan::Action::kRewriteSubject, scan::Action::kAddHeader,
                                        scan::Action::kGreylist}) {
                   json::Value entry = json::Value::object();
                   entry.set("action", scan::action_name(a));
                   auto t = e->thresholds.get(a);
                   entry.set("value", t ? json::Value(*t) : json::Value());
                   arr.push(std::move(entry));
                 }
                 r->send(controller_json(arr));
               }});
}

}  // namespace mw::server
