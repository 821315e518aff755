#include "outbound/hold_list.h"

#include "core/ascii.h"

namespace mw::outbound {

namespace {

// The "recipients" of a hold row or an event, lower-cased and capped (none: an empty list).
json::Value recipients_of(const json::Value& row) {
  json::Value out = json::Value::array();
  const json::Value* r = row.is_object() ? row.find("recipients") : nullptr;
  if (r == nullptr || !r->is_array()) return out;
  for (const auto& a : r->items()) {
    if (out.size() >= kFalsePositiveRecipients) break;
    if (a.is_string() && !a.as_string().empty()) out.push(core::to_lower(a.as_string()));
  }
  return out;
}

}  // namespace

json::Value hold_rows(const std::vector<std::pair<std::string, std::string>>& fields) {
  json::Value arr = json::Value::array();
  for (const auto& [user, val] : fields) {
    auto v = json::parse(val);
    json::Value row = v && v->is_object() ? *v : json::Value::object();
    row.set("user", user);
    arr.push(std::move(row));
  }
  return arr;
}

store::OpPtr list_holds(store::Store& store, std::function<void(Result<json::Value>)> cb) {
  return store.map_all(kHoldMap, [cb = std::move(cb)](
                                     Result<std::vector<std::pair<std::string, std::string>>> r) {
    if (!r) {
      cb(fail(r.error()));
    } else {
      cb(hold_rows(*r));
    }
  });
}

store::OpPtr hold_account(store::Store& store, std::string user, std::string reason, double now,
                          store::Done cb) {
  json::Value row = json::Value::object();
  row.set("since", now);
  row.set("reasons", json::Value(json::Array{json::Value(std::move(reason))}));
  row.set("by", "operator");
  return store.map_set(kHoldMap, std::move(user), json::write(row), 0, std::move(cb));
}

store::OpPtr release_account(store::Store& store, std::string user, store::Done cb) {
  // Both operations live as long as the handle; the second starts when the first succeeded.
  struct Release final : store::Op {
    store::OpPtr unhold;
    store::OpPtr reset;
  };
  auto r = std::make_unique<Release>();
  Release* raw = r.get();
  std::string refused = kRefusedPrefix + user;
  raw->unhold = store.map_del(kHoldMap, std::move(user),
                              [raw, &store, refused, cb = std::move(cb)](Status st) {
                                if (!st) {
                                  cb(st);
                                  return;
                                }
                                raw->reset = store.del(refused, cb);
                              });
  return r;
}

store::OpPtr mark_false_positive(store::Store& store, std::string user, std::string reason,
                                 double now, size_t events, store::Done cb) {
  // Read the hold row, else the events; release; write the mark. Every operation lives as
  // long as the handle; each starts when the one before succeeded.
  struct Mark final : store::Op {
    store::OpPtr read_hold;
    store::OpPtr read_events;
    store::OpPtr release;
    store::OpPtr write;
  };
  auto m = std::make_unique<Mark>();
  Mark* raw = m.get();
  auto row = std::make_shared<json::Value>(json::Value::object());
  row->set("time", now);
  row->set("reason", std::move(reason));
  auto finish = [raw, &store, user, row, cb](json::Value recipients) {
    row->set("recipients", std::move(recipients));
    raw->release = release_account(store, user, [raw, &store, user, row, cb](Status st) {
      if (!st) {
        cb(st);
        return;
      }
      raw->write = store.map_set(kFalsePositiveMap, user, json::write(*row), 0, cb);
    });
  };
  raw->read_hold = store.map_get(
      kHoldMap, user,
      [raw, &store, user, events, finish, cb](Result<std::optional<std::string>> held) {
        if (!held) {
          cb(fail(held.error()));
          return;
        }
        if (held->has_value()) {
          auto v = json::parse(**held);
          json::Value r = v ? recipients_of(*v) : json::Value::array();
          if (r.size() > 0) {
            finish(std::move(r));
            return;
          }
        }
        raw->read_events = recent_events(store, events, [user, finish](json::Value list) {
          for (const auto& ev : list.items()) {  // newest first
            const json::Value* u = ev.is_object() ? ev.find("user") : nullptr;
            if (u != nullptr && u->as_string() == user) {
              finish(recipients_of(ev));
              return;
            }
          }
          finish(json::Value::array());
        });
      });
  return m;
}

store::OpPtr recent_events(store::Store& store, size_t count,
                           std::function<void(json::Value)> cb) {
  return store.list_range(kEventList, 0, count,
                          [cb = std::move(cb)](Result<std::vector<std::string>> r) {
                            json::Value events = json::Value::array();
                            if (r) {
                              for (const auto& e : *r) {
                                if (auto v = json::parse(e)) events.push(std::move(*v));
                              }
                            }
                            cb(std::move(events));
                          });
}

}  // namespace mw::outbound
