#include "outbound/hold_list.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <optional>
#include <set>

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

// How many users of a collector are read (rules/outbound.lua keeps 50).
constexpr size_t kCollectorUsers = 50;

struct Collector {
  std::string hash;
  std::optional<std::string> address;
  int64_t accounts = 0;
  int64_t confirmed = 0;
};

// "<accounts>:<confirmed>[:<address>]" (or a bare count); nothing when unreadable.
std::optional<Collector> parse_collector(std::string hash, std::string_view v) {
  Collector c;
  c.hash = std::move(hash);
  size_t a = v.find(':');
  c.accounts = std::atoll(std::string(v.substr(0, a)).c_str());
  if (a != std::string_view::npos) {
    size_t b = v.find(':', a + 1);
    c.confirmed = std::atoll(std::string(v.substr(a + 1, b - a - 1)).c_str());
    if (b != std::string_view::npos && b + 1 < v.size()) c.address = std::string(v.substr(b + 1));
  }
  if (c.accounts <= 0 && c.confirmed <= 0) return std::nullopt;
  return c;
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

namespace {

using Step = std::function<store::OpPtr(store::Done)>;

// Run `steps` one after the other, each once the one before succeeded; `cb` gets the first
// failure or success. Every operation lives as long as the returned handle.
store::OpPtr in_sequence(std::vector<Step> steps, store::Done cb) {
  struct Sequence final : store::Op {
    std::vector<Step> steps;
    size_t next_step = 0;
    std::vector<store::OpPtr> ops;
    store::Done cb;
    void next(Status st) {
      if (!st || next_step == steps.size()) {
        cb(st);
        return;
      }
      Step& step = steps[next_step++];
      ops.push_back(step([this](Status s) { next(s); }));
    }
  };
  auto seq = std::make_unique<Sequence>();
  seq->steps = std::move(steps);
  seq->cb = std::move(cb);
  seq->next(Status());
  return seq;
}

// Deleting the per-hold records of `user` (kRefusedPrefix and the others above).
std::vector<Step> clear_hold_records(store::Store& store, const std::string& user) {
  std::vector<Step> steps;
  for (const char* prefix :
       {kBurstPrefix, kRefusedRecipientsPrefix, kRefusedLogPrefix, kRefusedPrefix}) {
    steps.push_back([&store, key = prefix + user](store::Done done) {
      return store.del(key, std::move(done));
    });
  }
  return steps;
}

}  // namespace

store::OpPtr hold_account(store::Store& store, std::string user, std::string reason, double now,
                          store::Done cb) {
  json::Value row = json::Value::object();
  row.set("since", now);
  row.set("reasons", json::Value(json::Array{json::Value(std::move(reason))}));
  row.set("by", "operator");
  // A hold that ended by expiry left its records: the new hold starts without them.
  std::vector<Step> steps = clear_hold_records(store, user);
  steps.push_back([&store, user = std::move(user), text = json::write(row)](store::Done done) {
    return store.map_set(kHoldMap, user, text, 0, std::move(done));
  });
  return in_sequence(std::move(steps), std::move(cb));
}

store::OpPtr release_account(store::Store& store, std::string user, store::Done cb) {
  std::vector<Step> steps;
  steps.push_back([&store, user](store::Done done) {
    return store.map_del(kHoldMap, user, std::move(done));
  });
  for (auto& step : clear_hold_records(store, user)) steps.push_back(std::move(step));
  return in_sequence(std::move(steps), std::move(cb));
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

store::OpPtr list_collectors(store::Store& store, size_t limit,
                             std::function<void(Result<json::Value>)> cb) {
  struct Read final : store::Op {
    store::OpPtr all;
    std::vector<store::OpPtr> users;
    json::Value rows = json::Value::array();
    size_t left = 0;
  };
  auto op = std::make_unique<Read>();
  Read* raw = op.get();
  raw->all = store.map_all(
      kCollectorMap,
      [raw, &store, limit, cb](Result<std::vector<std::pair<std::string, std::string>>> all) {
        if (!all) {
          cb(fail(all.error()));
          return;
        }
        std::vector<Collector> found;
        for (const auto& [hash, value] : *all) {
          if (auto c = parse_collector(hash, value)) found.push_back(std::move(*c));
        }
        std::sort(found.begin(), found.end(), [](const Collector& x, const Collector& y) {
          if (x.accounts != y.accounts) return x.accounts > y.accounts;
          if (x.confirmed != y.confirmed) return x.confirmed > y.confirmed;
          return x.address.value_or(x.hash) < y.address.value_or(y.hash);
        });
        if (found.size() > limit) found.resize(limit);
        raw->left = found.size() + 1;
        auto release = [raw, cb] {
          if (--raw->left == 0) cb(std::move(raw->rows));
        };
        for (size_t i = 0; i < found.size(); ++i) {
          json::Value row = json::Value::object();
          row.set("address", found[i].address ? json::Value(*found[i].address) : json::Value());
          row.set("accounts", found[i].accounts);
          row.set("confirmed", found[i].confirmed);
          row.set("users", json::Value::array());
          raw->rows.push(std::move(row));
          raw->users.push_back(store.list_range(
              kCollectorUsersPrefix + found[i].hash, 0, kCollectorUsers,
              [raw, i, release](Result<std::vector<std::string>> users) {
                if (users) {
                  json::Value& list = raw->rows.items_mut()[i]["users"];
                  std::set<std::string> seen;
                  for (const auto& u : *users) {
                    if (seen.insert(u).second) list.push(u);
                  }
                }
                release();
              }));
        }
        release();
      });
  return op;
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
