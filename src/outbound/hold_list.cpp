#include "outbound/hold_list.h"

namespace mw::outbound {

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
