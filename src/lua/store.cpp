// mailward_store: the process's state store from rules. Inside a rule the calls suspend the
// rule's coroutine until the store answers (they never block the worker):
//
//   local store = require 'mailward_store'
//   local v, err     = store.get(task, key)
//   local ok, err    = store.set(task, key, value[, ttl])
//   local ok, err    = store.del(task, key)
//   local n, err     = store.incr(task, key[, delta[, ttl]])
//   local sum, err   = store.window_add(task, key, amount, window)
//   local n, is_new  = store.distinct_add(task, key, member, window)
//   local list, err  = store.distinct_members(task, key, window[, limit])
//   local ok, err    = store.list_push(task, key, value, cap[, ttl])
//   local list, err  = store.list_range(task, key, start, count)
//   local ok, err    = store.map_set(task, key, field, value[, ttl])
//   local v, err     = store.map_get(task, key, field)
//   local ok, err    = store.map_del(task, key, field)
//   local t, err     = store.map_all(task, key)          -- { field = value, ... }
//   store.available(task)                               -- false when no store is configured
//   store.healthy(task)                                 -- false while the store is down
//   store.now(task)                                     -- the store's clock (replay time)
//
// On failure the first result is nil and the second the error text; rules degrade (skip the
// feature) instead of failing. A failure because the backend is unavailable (kIo, kTimeout)
// also inserts STORE_UNAVAILABLE (option: the backend) into the task.
#include <string>

#include "lua/bind.h"
#include "lua/runner.h"
#include "scan/task.h"
#include "store/store.h"

namespace mw::lua {

namespace {

struct HeldOp final : scan::Cancelable {
  explicit HeldOp(store::OpPtr o) : op(std::move(o)) {}
  store::OpPtr op;
};

struct Call {
  scan::Task* task;
  SymbolRun* run;
  store::Store* store;
};

int no_store(lua_State* L) {
  lua_pushnil(L);
  lua_pushstring(L, "no store configured");
  return 2;
}

// Every store function: find the task, the running rule and the store (without a store:
// nil, "no store configured"), let `start(call)` start the operation, keep it in the task
// and yield until its resumer resumes the rule.
template <typename Start>
int call(lua_State* L, Start start) {
  Call c{};
  c.task = &check_task(L, 1);
  c.store = c.task->services().store();
  c.run = running_in(L, *c.task);
  if (c.run == nullptr) luaL_error(L, "mailward_store calls must run inside a rule");
  if (c.store == nullptr) return no_store(L);
  store::OpPtr op = start(c);
  c.task->hold(std::make_unique<HeldOp>(std::move(op)));
  return lua_yield(L, 0);
}

void push_error(lua_State* L, const Error& e) { push(L, e.to_string()); }

// A store that does not answer marks the scan: STORE_UNAVAILABLE with the backend as
// option (degraded mode; the rule itself decides what to do without the data).
void note_failure(scan::Task& task, const Error& e) {
  if (e.code != ErrorCode::kIo && e.code != ErrorCode::kTimeout) return;
  store::Store* s = task.services().store();
  std::string backend(s != nullptr ? s->backend() : std::string_view("none"));
  task.insert_result("STORE_UNAVAILABLE", 1.0, {backend});
}

// Resume the rule with (value, nil) or (nil, error).
template <typename T, typename Push>
auto resumer(Call c, Push push) {
  TaskCellPtr cell = ext_of(c.run->co, *c.task).cell;
  SymbolRun* run = c.run;
  return [cell, run, push](Result<T> r) {
    if (cell->task == nullptr) return;
    lua_State* co = run->co;
    int n;
    if (r) {
      n = push(co, *r);
    } else {
      note_failure(*cell->task, r.error());
      lua_pushnil(co);
      push_error(co, r.error());
      n = 2;
    }
    resume_run(*cell->task, *run, n);
  };
}

std::string key_arg(lua_State* L, int idx) { return std::string(check_sv(L, idx)); }

int push_status(lua_State* co, const Status& s) {
  if (s) {
    lua_pushboolean(co, 1);
    return 1;
  }
  lua_pushnil(co);
  push(co, s.error().to_string());
  return 2;
}

auto status_resumer(Call c) {
  TaskCellPtr cell = ext_of(c.run->co, *c.task).cell;
  SymbolRun* run = c.run;
  return [cell, run](Status s) {
    if (cell->task == nullptr) return;
    if (!s) note_failure(*cell->task, s.error());
    int n = push_status(run->co, s);
    resume_run(*cell->task, *run, n);
  };
}

// Resumes with the value read, or nil when there is none.
auto optional_string_resumer(Call c) {
  return resumer<std::optional<std::string>>(
      c, [](lua_State* co, const std::optional<std::string>& v) {
        if (v) push(co, *v);
        else lua_pushnil(co);
        return 1;
      });
}

int s_get(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->get(key_arg(L, 2), optional_string_resumer(c));
  });
}

int s_set(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->set(key_arg(L, 2), std::string(check_sv(L, 3)), luaL_optnumber(L, 4, 0),
                        status_resumer(c));
  });
}

int s_del(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->del(key_arg(L, 2), status_resumer(c));
  });
}

int s_incr(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->incr(key_arg(L, 2), static_cast<int64_t>(luaL_optnumber(L, 3, 1)),
                         luaL_optnumber(L, 4, 0),
                         resumer<int64_t>(c, [](lua_State* co, int64_t v) {
                           lua_pushnumber(co, static_cast<double>(v));
                           return 1;
                         }));
  });
}

int s_window_add(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->window_add(key_arg(L, 2), luaL_checknumber(L, 3), luaL_checknumber(L, 4),
                               resumer<double>(c, [](lua_State* co, double v) {
                                 lua_pushnumber(co, v);
                                 return 1;
                               }));
  });
}

int s_distinct_add(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->distinct_add(
        key_arg(L, 2), std::string(check_sv(L, 3)), luaL_checknumber(L, 4),
        resumer<store::Store::DistinctResult>(
            c, [](lua_State* co, const store::Store::DistinctResult& d) {
              lua_pushnumber(co, static_cast<double>(d.count));
              lua_pushboolean(co, d.was_new);
              return 2;
            }));
  });
}

int s_distinct_members(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->distinct_members(key_arg(L, 2), luaL_checknumber(L, 3),
                                     static_cast<size_t>(luaL_optnumber(L, 4, 100)),
                                     resumer<std::vector<std::string>>(c, push_strings));
  });
}

int s_list_push(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->list_push(key_arg(L, 2), std::string(check_sv(L, 3)),
                              static_cast<size_t>(luaL_checknumber(L, 4)),
                              luaL_optnumber(L, 5, 0), status_resumer(c));
  });
}

int s_list_range(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->list_range(key_arg(L, 2), static_cast<size_t>(luaL_optnumber(L, 3, 0)),
                               static_cast<size_t>(luaL_optnumber(L, 4, 100)),
                               resumer<std::vector<std::string>>(c, push_strings));
  });
}

int s_map_set(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->map_set(key_arg(L, 2), std::string(check_sv(L, 3)),
                            std::string(check_sv(L, 4)), luaL_optnumber(L, 5, 0),
                            status_resumer(c));
  });
}

int s_map_get(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->map_get(key_arg(L, 2), std::string(check_sv(L, 3)),
                            optional_string_resumer(c));
  });
}

int s_map_del(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->map_del(key_arg(L, 2), std::string(check_sv(L, 3)), status_resumer(c));
  });
}

int s_map_all(lua_State* L) {
  return call(L, [L](const Call& c) {
    return c.store->map_all(
        key_arg(L, 2),
        resumer<std::vector<std::pair<std::string, std::string>>>(
            c, [](lua_State* co, const std::vector<std::pair<std::string, std::string>>& v) {
              lua_createtable(co, 0, static_cast<int>(v.size()));
              for (const auto& [k, val] : v) {
                push(co, k);
                push(co, val);
                lua_rawset(co, -3);
              }
              return 1;
            }));
  });
}

int s_available(lua_State* L) {
  lua_pushboolean(L, check_task(L, 1).services().store() != nullptr);
  return 1;
}

int s_healthy(lua_State* L) {
  store::Store* s = check_task(L, 1).services().store();
  lua_pushboolean(L, s != nullptr && s->health().available);
  return 1;
}

int s_now(lua_State* L) {
  lua_pushnumber(L, check_task(L, 1).services().now());
  return 1;
}

const luaL_Reg kFuncs[] = {{"get", s_get},
                           {"set", s_set},
                           {"del", s_del},
                           {"incr", s_incr},
                           {"window_add", s_window_add},
                           {"distinct_add", s_distinct_add},
                           {"distinct_members", s_distinct_members},
                           {"list_push", s_list_push},
                           {"list_range", s_list_range},
                           {"map_set", s_map_set},
                           {"map_get", s_map_get},
                           {"map_del", s_map_del},
                           {"map_all", s_map_all},
                           {"available", s_available},
                           {"healthy", s_healthy},
                           {"now", s_now},
                           {nullptr, nullptr}};

}  // namespace

void open_store(lua_State* L) { state_of(L).preload_functions({"mailward_store"}, kFuncs); }

}  // namespace mw::lua
