// Controller routes of outbound protection (outbound/hold_list.h):
//
//   GET  /outbound/holds     {"holds": [{user, since, reasons, weights?, tuple? (masked),
//                            refused (messages refused while held), refusals: [{time,
//                            recipients, reached, burst}] (the refused messages up to the
//                            burst start, newest first), ...}], "events": [recent
//                            detections, newest first], "false_positives": [{user, time,
//                            reason, recipients}], "incidents": [{user, detected, burst_start,
//                            recipients, by}] (newest first: a hold whose refused mail became
//                            the burst it prevented, doc/outbound.md "Incidents"),
//                            "burst_delay": [{days, count}] (how many incidents had their
//                            burst start that many days after the detection: 0, 1, 2, 3,
//                            4-6, 7-13, 14-29, 30+; records without burst_start, written
//                            before the burst rule, are not counted)}
//   GET  /outbound/collectors  the store's collector records (fleet-wide with Redis): addresses
//                            that got suspected test mail from several accounts, most
//                            accounts first, at most 200: {"collectors": [{address,
//                            accounts, confirmed, users}]} (outbound::list_collectors)
//   POST /outbound/hold      hold the account
//   POST /outbound/release   release it
//   POST /outbound/falsepositive  release it and record the detection as a false positive
//                            (outbound::mark_false_positive: later detections of the account
//                            to only the recipients of the wrong one are not acted on for
//                            [outbound] false_positive_period)
//   GET  /outbound/audit     the operators' actions, newest first (?count=N, default 200):
//                            [{time, action, user, reason, who: {operator, ip, credential}}]
//
// The writes take the account and the reason from a JSON body {"user", "reason",
// "operator"} or from the User, Reason and Operator headers (or query parameters); the
// reason is required (400 without). Every write appends an audit entry (list "audit", the
// last kAuditRows kept). The operator name is what the client says (the controller has
// passwords, not accounts); the address and the kind of credential are the controller's.
#include <ctime>
#include <iterator>
#include <memory>
#include <string>

#include "outbound/hold_list.h"
#include "server/controller_routes.h"
#include "server/countdown.h"

namespace mw::server {

namespace http = proto::http;

namespace {

constexpr size_t kEventsShown = 200;
constexpr size_t kCollectorsShown = 200;
constexpr size_t kAuditRows = 1000;
constexpr size_t kMaxUser = 320;
constexpr size_t kMaxReason = 500;
constexpr size_t kMaxOperator = 64;
constexpr const char* kAuditList = "audit";
constexpr size_t kRefusalsShown = 100;  // rules/outbound.lua keeps as many
constexpr size_t kIncidentRows = 1000;

// The distribution of days between detection and burst start over `incidents`.
json::Value burst_delay(const json::Value& incidents) {
  struct Bucket {
    const char* label;
    double below;  // days
  };
  static constexpr Bucket kBuckets[] = {{"0", 1},     {"1", 2},       {"2", 3},
                                        {"3", 4},     {"4-6", 7},     {"7-13", 14},
                                        {"14-29", 30}, {"30+", 1e300}};
  int64_t counts[std::size(kBuckets)] = {};
  for (const auto& i : incidents.items()) {
    const json::Value* d = i.find("detected");
    const json::Value* f = i.find("burst_start");
    if (d == nullptr || f == nullptr) continue;
    double days = (f->as_double() - d->as_double()) / 86400;
    for (size_t b = 0; b < std::size(kBuckets); ++b) {
      if (days < kBuckets[b].below) {
        ++counts[b];
        break;
      }
    }
  }
  json::Value out = json::Value::array();
  for (size_t b = 0; b < std::size(kBuckets); ++b) {
    json::Value e = json::Value::object();
    e.set("days", kBuckets[b].label);
    e.set("count", counts[b]);
    out.push(std::move(e));
  }
  return out;
}

struct WriteRequest {
  std::string user;
  std::string reason;
  std::string operator_name;
};

// Control characters out, at most `cap` bytes (cut at a UTF-8 character boundary).
std::string clean_text(std::string_view s, size_t cap) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    out.push_back(c);
  }
  if (out.size() > cap) {
    size_t n = cap;
    while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
    out.resize(n);
  }
  return out;
}

// The account, reason and operator of a write, or an error message.
Result<WriteRequest> write_request(const http::Request& req) {
  WriteRequest w;
  if (!req.body.empty()) {
    auto body = json::parse(req.body);
    if (!body || !body->is_object()) {
      return fail(ErrorCode::kInvalidInput, "the body must be a JSON object");
    }
    if (const json::Value* v = body->find("user")) w.user = v->as_string();
    if (const json::Value* v = body->find("reason")) w.reason = v->as_string();
    if (const json::Value* v = body->find("operator")) w.operator_name = v->as_string();
  }
  if (w.user.empty()) {
    if (const std::string* u = req.param("User")) w.user = *u;
  }
  if (w.reason.empty()) {
    if (const std::string* r = req.param("Reason")) w.reason = *r;
  }
  if (w.operator_name.empty()) {
    if (const std::string* o = req.param("Operator")) w.operator_name = *o;
  }
  if (w.user.empty() || w.user.size() > kMaxUser) {
    return fail(ErrorCode::kInvalidInput, "give the account (user, at most 320 bytes)");
  }
  w.reason = clean_text(w.reason, kMaxReason);
  if (w.reason.find_first_not_of(' ') == std::string::npos) {
    return fail(ErrorCode::kInvalidInput, "give a reason");
  }
  w.operator_name = clean_text(w.operator_name, kMaxOperator);
  return w;
}

std::string credential_of(const http::Request& req, const Controller& c) {
  if (req.peer.unix_socket) return "unix socket";
  if (!c.options().secure_ip.empty() && c.options().secure_ip.contains(req.peer.ip)) {
    return "secure_ip";
  }
  if (c.options().password.empty() && c.options().enable_password.empty()) return "none";
  return c.options().enable_password.empty() ? "password" : "enable password";
}

json::Value audit_entry(const http::Request& req, const Controller& c, const WriteRequest& w,
                        std::string_view action) {
  json::Value who = json::Value::object();
  who.set("operator", w.operator_name.empty() ? "unknown" : w.operator_name);
  who.set("ip", req.peer.ip);
  who.set("credential", credential_of(req, c));
  json::Value e = json::Value::object();
  e.set("time", static_cast<double>(std::time(nullptr)));
  e.set("action", action);
  e.set("user", w.user);
  e.set("reason", w.reason);
  e.set("who", std::move(who));
  return e;
}

using Apply = std::function<store::OpPtr(store::Store&, const WriteRequest&, store::Done)>;

// A write route: parse, apply, audit, answer {"success", "user", "audit"}.
Route write_route(Controller& c, const char* path, const char* action, Apply apply) {
  Controller* ctl = &c;
  return {path, {}, Access::kWrite, true,
          [ctl, action, apply](http::Request&& req, http::ResponderPtr r, Access) {
            auto w = write_request(req);
            if (!w) {
              r->send(http::Response::error(400, w.error().message));
              return;
            }
            auto responder = std::shared_ptr<http::Responder>(std::move(r));
            RequestWork work(ctl->dispatcher());
            json::Value entry = audit_entry(req, *ctl, *w, action);
            store::Store* s = ctl->store();
            work.keep(apply(*s, *w, [s, responder, work, entry](Status st) {
              if (!st) {
                responder->send(http::Response::error(500, st.error().to_string()));
                work.done();
                return;
              }
              work.keep(s->list_push(kAuditList, json::write(entry), kAuditRows, 0,
                                     [responder, work, entry](Status audited) {
                                       json::Value v = json::Value::object();
                                       v.set("success", audited.has_value());
                                       v.set("user", *entry.find("user"));
                                       v.set("audit", entry);
                                       responder->send(controller_json(v));
                                       work.done();
                                     }));
            }));
          }};
}

void list_holds(Controller& c, http::ResponderPtr r) {
  store::Store* store = c.store();
  auto responder = std::shared_ptr<http::Responder>(std::move(r));
  RequestWork work(c.dispatcher());
  auto out = std::make_shared<json::Value>(json::Value::object());
  auto pending = std::make_shared<Countdown>();
  auto release = [responder, work, out, pending] {
    if (!pending->release()) return;
    responder->send(controller_json(*out));
    work.done();
  };
  work.keep(outbound::list_holds(
      *store, [store, responder, work, out, pending, release](Result<json::Value> holds) {
        if (!holds) {
          responder->send(http::Response::error(500, holds.error().to_string()));
          work.done();
          return;
        }
        out->set("holds", std::move(*holds));
        json::Value& rows = (*out)["holds"];
        for (size_t i = 0; i < rows.size(); ++i) {
          const json::Value* u = rows.items()[i].find("user");
          std::string user = u ? u->as_string() : "";
          rows.items_mut()[i].set("refused", int64_t{0});
          rows.items_mut()[i].set("refusals", json::Value::array());
          pending->add();
          work.keep(store->get(outbound::kRefusedPrefix + user,
                               [out, i, release](Result<std::optional<std::string>> n) {
                                 if (n && n->has_value()) {
                                   (*out)["holds"].items_mut()[i].set(
                                       "refused", static_cast<int64_t>(std::atoll((*n)->c_str())));
                                 }
                                 release();
                               }));
          pending->add();
          work.keep(store->list_range(outbound::kRefusedLogPrefix + user, 0, kRefusalsShown,
                                      [out, i, release](Result<std::vector<std::string>> log) {
                                        if (log) {
                                          (*out)["holds"].items_mut()[i].set("refusals",
                                                                             json_rows(*log));
                                        }
                                        release();
                                      }));
        }
        pending->add();
        work.keep(outbound::recent_events(*store, kEventsShown, [out, release](json::Value ev) {
          out->set("events", std::move(ev));
          release();
        }));
        pending->add();
        work.keep(store->list_range(outbound::kIncidentList, 0, kIncidentRows,
                                    [out, release](Result<std::vector<std::string>> rows) {
                                      json::Value incidents =
                                          rows ? json_rows(*rows) : json::Value::array();
                                      out->set("burst_delay", burst_delay(incidents));
                                      out->set("incidents", std::move(incidents));
                                      release();
                                    }));
        pending->add();
        work.keep(store->map_all(
            outbound::kFalsePositiveMap,
            [out, release](Result<std::vector<std::pair<std::string, std::string>>> fps) {
              json::Value arr = json::Value::array();
              if (fps) {
                for (const auto& [user, text] : *fps) {
                  auto v = json::parse(text);
                  json::Value row = v && v->is_object() ? *v : json::Value::object();
                  row.set("user", user);
                  arr.push(std::move(row));
                }
              }
              out->set("false_positives", std::move(arr));
              release();
            }));
        release();
      }));
}

}  // namespace

void add_outbound_routes(Controller& c) {
  Controller* ctl = &c;
  c.add_route({"outbound/holds", {}, Access::kRead, true,
               [ctl](http::Request&&, http::ResponderPtr r, Access) {
                 list_holds(*ctl, std::move(r));
               }});
  c.add_route({"outbound/collectors", {}, Access::kRead, true,
               [ctl](http::Request&&, http::ResponderPtr r, Access) {
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 RequestWork work(ctl->dispatcher());
                 work.keep(outbound::list_collectors(
                     *ctl->store(), kCollectorsShown, [responder, work](Result<json::Value> rows) {
                       if (!rows) {
                         responder->send(http::Response::error(500, rows.error().to_string()));
                       } else {
                         json::Value v = json::Value::object();
                         v.set("collectors", std::move(*rows));
                         responder->send(controller_json(v));
                       }
                       work.done();
                     }));
               }});
  c.add_route({"outbound/audit", {}, Access::kRead, true,
               [ctl](http::Request&& req, http::ResponderPtr r, Access) {
                 size_t count = 200;
                 if (const std::string* n = req.param("count")) {
                   count = std::min<size_t>(kAuditRows, std::strtoull(n->c_str(), nullptr, 10));
                 }
                 auto responder = std::shared_ptr<http::Responder>(std::move(r));
                 RequestWork work(ctl->dispatcher());
                 work.keep(ctl->store()->list_range(
                     kAuditList, 0, count,
                     [responder, work](Result<std::vector<std::string>> rows) {
                       responder->send(rows ? controller_json(json_rows(*rows))
                                            : http::Response::error(500, rows.error().to_string()));
                       work.done();
                     }));
               }});
  c.add_route(write_route(c, "outbound/release", "release",
                          [](store::Store& s, const WriteRequest& w, store::Done done) {
                            return outbound::release_account(s, w.user, std::move(done));
                          }));
  c.add_route(write_route(c, "outbound/hold", "hold",
                          [](store::Store& s, const WriteRequest& w, store::Done done) {
                            return outbound::hold_account(s, w.user, w.reason,
                                                          static_cast<double>(std::time(nullptr)),
                                                          std::move(done));
                          }));
  c.add_route(write_route(c, "outbound/falsepositive", "false_positive",
                          [](store::Store& s, const WriteRequest& w, store::Done done) {
                            // Release, and remember the verdict was wrong (no expiry; the
                            // rules honour it for [outbound] false_positive_period) with the
                            // recipients the operator vouched for.
                            return outbound::mark_false_positive(
                                s, w.user, w.reason, static_cast<double>(std::time(nullptr)),
                                kEventsShown, std::move(done));
                          }));
}

}  // namespace mw::server
