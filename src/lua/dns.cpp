// rspamd_dns / mailward_dns and task:get_resolver(): DNS from rules through the task's
// resolver (the worker's resolver behind the task's lookup budget).
//
//   local ok, results = rspamd_dns.request{task = task, type = 'txt', name = 'example.com'}
//       inside a rule: the rule's coroutine waits for the answer (no callback needed)
//   rspamd_dns.request{task = task, type = 'a', name = n, callback = function(results, err) end}
//   task:get_resolver():resolve_txt{task = task, name = n,
//                                   callback = function(resolver, name, results, err) end}
//   (also resolve_a, resolve_aaaa, resolve_mx, resolve_ptr, resolve(type, {...}))
//   rspamd_dns.available(task)  false while every name server is known to be down
// Results: A/AAAA -> IP objects, TXT/PTR/CNAME -> strings, MX -> {name=, priority=}.
// Errors: results is nil and err one of "nxdomain", "no records", "timeout", "servfail",
// "budget exceeded", "no resolver" ...
#include <string>

#include "core/ascii.h"
#include "dns/resolver.h"
#include "lua/bind.h"
#include "lua/ip.h"
#include "lua/runner.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

struct HeldRequest final : scan::Cancelable {
  explicit HeldRequest(dns::RequestPtr r) : req(std::move(r)) {}
  dns::RequestPtr req;
};

struct ResolverHandle {
  TaskCellPtr cell;
};
constexpr const char* kResolverClass = "mailward{resolver}";

bool parse_type(std::string_view s, dns::RrType& t) {
  std::string l = core::to_lower(s);
  if (l == "a") t = dns::RrType::kA;
  else if (l == "aaaa") t = dns::RrType::kAaaa;
  else if (l == "txt") t = dns::RrType::kTxt;
  else if (l == "mx") t = dns::RrType::kMx;
  else if (l == "ptr") t = dns::RrType::kPtr;
  else if (l == "cname") t = dns::RrType::kCname;
  else if (l == "ns") t = dns::RrType::kNs;
  else return false;
  return true;
}

const char* error_text(const dns::Reply& r) {
  switch (r.rcode) {
    case dns::Rcode::kNoError: return r.answers.empty() ? "no records" : nullptr;
    case dns::Rcode::kNxDomain: return "nxdomain";
    case dns::Rcode::kServFail: return "servfail";
    case dns::Rcode::kRefused: return "refused";
    case dns::Rcode::kTimeout: return "timeout";
    case dns::Rcode::kBudget: return "budget exceeded";
    case dns::Rcode::kBadName: return "bad name";
    default: return "dns error";
  }
}

// Push results (or nil) and the error text (or nil) onto L.
void push_reply(lua_State* L, const dns::Reply& r) {
  const char* err = error_text(r);
  if (err != nullptr) {
    lua_pushnil(L);
    lua_pushstring(L, err);
    return;
  }
  lua_createtable(L, static_cast<int>(r.answers.size()), 0);
  int i = 1;
  for (const auto& rec : r.answers) {
    switch (rec.type) {
      case dns::RrType::kA:
      case dns::RrType::kAaaa: push_ip(L, rec.text); break;
      case dns::RrType::kMx:
        lua_createtable(L, 0, 2);
        set_field(L, "name", rec.text);
        set_field(L, "priority", static_cast<double>(rec.preference));
        break;
      default: push(L, rec.text); break;
    }
    lua_rawseti(L, -2, i++);
  }
  lua_pushnil(L);
}

struct RequestArgs {
  scan::Task* task = nullptr;
  dns::RrType type = dns::RrType::kA;
  std::string name;
  int callback_ref = LUA_NOREF;
  bool resolver_style = false;  // callback(resolver, name, results, err)
};

// Start a lookup. Returns the number of Lua results (yields in coroutine mode).
int start(lua_State* L, RequestArgs args) {
  scan::Task& task = *args.task;
  dns::Resolver* resolver = task.resolver();
  LuaTaskExt& ext = ext_of(L, task);
  if (args.callback_ref == LUA_NOREF) {
    SymbolRun* run = running_in(L, task);
    if (run == nullptr) return luaL_error(L, "DNS request without a callback outside a rule");
    if (resolver == nullptr) {
      lua_pushboolean(L, 0);
      lua_pushstring(L, "no resolver");
      return 2;
    }
    TaskCellPtr cell = ext.cell;
    auto req = resolver->resolve(args.name, args.type, [cell, run](const dns::Reply& reply) {
      if (cell->task == nullptr) return;
      const char* err = error_text(reply);
      lua_State* co = run->co;
      if (err != nullptr) {
        lua_pushboolean(co, 0);
        lua_pushstring(co, err);
      } else {
        lua_pushboolean(co, 1);
        push_reply(co, reply);
        lua_pop(co, 1);  // the nil error
      }
      resume_run(*cell->task, *run, 2);
    });
    task.hold(std::make_unique<HeldRequest>(std::move(req)));
    return lua_yield(L, 0);
  }
  SymbolRun* run = ext.current;
  if (resolver == nullptr || run == nullptr) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, args.callback_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, args.callback_ref);
    if (args.resolver_style) {
      lua_pushnil(L);
      push(L, args.name);
    }
    lua_pushnil(L);
    lua_pushstring(L, resolver == nullptr ? "no resolver" : "no running rule");
    lua_call(L, args.resolver_style ? 4 : 2, 0);
    lua_pushboolean(L, 0);
    return 1;
  }
  begin_async(*run);
  TaskCellPtr cell = ext.cell;
  LuaState* state = &state_of(L);
  std::string name = args.name;
  int ref = args.callback_ref;
  bool rstyle = args.resolver_style;
  auto req = resolver->resolve(args.name, args.type,
                               [cell, run, state, ref, name, rstyle](const dns::Reply& reply) {
    if (cell->task == nullptr) return;
    lua_State* Lm = state->L();
    lua_rawgeti(Lm, LUA_REGISTRYINDEX, ref);
    luaL_unref(Lm, LUA_REGISTRYINDEX, ref);
    if (rstyle) {
      lua_pushnil(Lm);
      push(Lm, name);
    }
    push_reply(Lm, reply);
    call_for_run(*cell->task, *run, rstyle ? 4 : 2);
    end_async(*cell->task, *run);
  });
  task.hold(std::make_unique<HeldRequest>(std::move(req)));
  lua_pushboolean(L, 1);
  return 1;
}

RequestArgs args_from_table(lua_State* L, int t, const char* fixed_type) {
  RequestArgs a;
  luaL_checktype(L, t, LUA_TTABLE);
  lua_getfield(L, t, "task");
  a.task = &check_task(L, -1);
  lua_pop(L, 1);
  lua_getfield(L, t, "name");
  if (!lua_isstring(L, -1)) luaL_error(L, "DNS request needs a name");
  a.name = lua_tostring(L, -1);
  lua_pop(L, 1);
  std::string type = fixed_type != nullptr ? fixed_type : "";
  if (type.empty()) {
    lua_getfield(L, t, "type");
    type = lua_isstring(L, -1) ? lua_tostring(L, -1) : "a";
    lua_pop(L, 1);
  }
  if (!parse_type(type, a.type)) luaL_error(L, "unsupported DNS record type '%s'", type.c_str());
  lua_getfield(L, t, "callback");
  if (lua_isfunction(L, -1)) {
    a.callback_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  } else {
    lua_pop(L, 1);
  }
  return a;
}

int mod_request(lua_State* L) { return start(L, args_from_table(L, 1, nullptr)); }

// rspamd_dns.available(task): false while every name server is known to be down (or the
// task's lookup budget is spent): optional lookups can be skipped then.
int mod_available(lua_State* L) {
  dns::Resolver* r = check_task(L, 1).resolver();
  lua_pushboolean(L, r != nullptr && r->available());
  return 1;
}

int task_get_resolver(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  push_object<ResolverHandle>(L, kResolverClass, ResolverHandle{cell_of(L, t)});
  return 1;
}

int resolve_typed(lua_State* L, const char* type) {
  check_object<ResolverHandle>(L, 1, kResolverClass);
  RequestArgs a = args_from_table(L, 2, type);
  a.resolver_style = true;
  return start(L, std::move(a));
}
int r_resolve_a(lua_State* L) { return resolve_typed(L, "a"); }
int r_resolve_aaaa(lua_State* L) { return resolve_typed(L, "aaaa"); }
int r_resolve_txt(lua_State* L) { return resolve_typed(L, "txt"); }
int r_resolve_mx(lua_State* L) { return resolve_typed(L, "mx"); }
int r_resolve_ptr(lua_State* L) { return resolve_typed(L, "ptr"); }
int r_resolve(lua_State* L) {
  std::string type(check_sv(L, 2));
  lua_remove(L, 2);
  return resolve_typed(L, type.c_str());
}

const luaL_Reg kResolverMethods[] = {{"resolve_a", r_resolve_a},     {"resolve_aaaa", r_resolve_aaaa},
                                     {"resolve_txt", r_resolve_txt}, {"resolve_mx", r_resolve_mx},
                                     {"resolve_ptr", r_resolve_ptr}, {"resolve", r_resolve},
                                     {nullptr, nullptr}};

const luaL_Reg kFuncs[] = {{"request", mod_request}, {"available", mod_available}, {nullptr, nullptr}};

}  // namespace

void open_dns(lua_State* L) {
  register_class<ResolverHandle>(L, kResolverClass, kResolverMethods);
  state_of(L).preload_functions({"rspamd_dns", "mailward_dns"}, kFuncs);
  // task:get_resolver() lives with the task methods.
  static const luaL_Reg kTaskMethods[] = {{"get_resolver", task_get_resolver}, {nullptr, nullptr}};
  add_task_methods(L, kTaskMethods);
}

}  // namespace mw::lua
