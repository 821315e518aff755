// Controller routes of outbound protection (outbound/hold_list.h):
//
//   GET  /outbound/holds     {"holds": [{user, since, reasons, ...}], "events": [recent
//                            detections, newest first]}
//   POST /outbound/release   release the account in the `User` header (or ?user=)
//   POST /outbound/hold      hold it (`Reason` header or ?reason=, default "operator")
#include <ctime>
#include <memory>

#include "outbound/hold_list.h"
#include "server/controller_routes.h"

namespace mw::server {

namespace http = proto::http;

namespace {

constexpr size_t kEventsShown = 200;

// The account a write names (User header or ?user=), or "" after answering 400.
std::string account_of(const http::Request& req, const Controller& c, http::ResponderPtr& r) {
  const std::string* u = req.param("User");
  if (u == nullptr || u->empty() || c.store() == nullptr) {
    r->send(http::Response::error(400, "give the account in a User header or ?user="));
    return {};
  }
  return *u;
}

json::Value success(const Status& st) {
  json::Value v = json::Value::object();
  v.set("success", st.has_value());
  return v;
}

}  // namespace

void add_outbound_routes(Controller& c) {
  Controller* ctl = &c;
  c.add_route({"outbound/holds", {}, Access::kRead, false,
               [ctl](http::Request&&, http::ResponderPtr r, Access) {
                 store::Store* store = ctl->store();
                 if (store == nullptr) {
                   r->send(http::Response::error(503, "no store"));
                   return;
                 }
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 RequestWork work(ctl->dispatcher());
                 work.keep(outbound::list_holds(*store, [store, responder, work](
                                                            Result<json::Value> holds) {
                   if (!holds) {
                     responder->send(http::Response::error(500, holds.error().to_string()));
                     work.done();
                     return;
                   }
                   auto out = std::make_shared<json::Value>(json::Value::object());
                   out->set("holds", std::move(*holds));
                   work.keep(outbound::recent_events(
                       *store, kEventsShown, [responder, work, out](json::Value events) {
                         out->set("events", std::move(events));
                         responder->send(http::Response::json(json::write(*out)));
                         work.done();
                       }));
                 }));
               }});
  c.add_route({"outbound/release", {}, Access::kWrite, false,
               [ctl](http::Request&& req, http::ResponderPtr r, Access) {
                 std::string user = account_of(req, *ctl, r);
                 if (user.empty()) return;
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 RequestWork work(ctl->dispatcher());
                 work.keep(outbound::release_account(
                     *ctl->store(), user, [responder, work, user](Status st) {
                       json::Value v = success(st);
                       v.set("user", user);
                       responder->send(st ? http::Response::json(json::write(v))
                                          : http::Response::error(500, st.error().to_string()));
                       work.done();
                     }));
               }});
  c.add_route({"outbound/hold", {}, Access::kWrite, false,
               [ctl](http::Request&& req, http::ResponderPtr r, Access) {
                 std::string user = account_of(req, *ctl, r);
                 if (user.empty()) return;
                 const std::string* reason = req.param("Reason");
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 RequestWork work(ctl->dispatcher());
                 work.keep(outbound::hold_account(
                     *ctl->store(), user, reason != nullptr ? *reason : "operator",
                     static_cast<double>(std::time(nullptr)), [responder, work](Status st) {
                       responder->send(http::Response::json(json::write(success(st))));
                       work.done();
                     }));
               }});
}

}  // namespace mw::server
