// Task methods about results: insert_result, set_pre_result, has_pre_result, has_symbol,
// get_symbol, get_symbols, get_metric_score, get_metric_action, get_settings, cache_get,
// cache_set, set_milter_reply, disable_symbol is not offered (use settings).
#include <cmath>
#include <string>
#include <vector>

#include "lua/bind.h"
#include "lua/convert.h"
#include "lua/runner.h"
#include "scan/reply.h"
#include "scan/task.h"

namespace mw::lua {

namespace {

// insert_result(symbol, weight, option...) ; insert_result(true, symbol, ...) is the
// Rspamd form that forces insertion even when disabled (treated the same here).
int insert_result(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  int base = 2;
  if (lua_type(L, 2) == LUA_TBOOLEAN) base = 3;
  std::string_view name = check_sv(L, base);
  double weight = lua_isnoneornil(L, base + 1) ? 1.0 : luaL_checknumber(L, base + 1);
  std::vector<std::string> opts = collect_options(L, base + 2);
  std::vector<std::string_view> views(opts.begin(), opts.end());
  lua_pushboolean(L, t.insert_result(name, weight, views));
  return 1;
}

// set_pre_result{action=, message=, module=, score=, priority=, least=, flags=} or, as
// Rspamd, set_pre_result(action, message, module, score, priority, flags). A score that is
// not a finite number is ignored (the action's threshold applies, outcome.h).
int set_pre_result(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  scan::PreResult pr;
  std::string action;
  auto set_score = [&pr](lua_State* S, int idx) {
    if (lua_type(S, idx) != LUA_TNUMBER) return;
    double v = lua_tonumber(S, idx);
    if (std::isfinite(v)) pr.score = v;
  };
  auto set_flags = [&pr](lua_State* S, int idx) {
    if (lua_isstring(S, idx) && std::string(lua_tostring(S, idx)).find("least") != std::string::npos) {
      pr.least = true;
    }
  };
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "action");
    action = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
    lua_getfield(L, 2, "message");
    if (lua_isstring(L, -1)) pr.message = lua_tostring(L, -1);
    lua_getfield(L, 2, "module");
    if (lua_isstring(L, -1)) pr.module = lua_tostring(L, -1);
    lua_getfield(L, 2, "priority");
    pr.priority = static_cast<int>(lua_tointeger(L, -1));
    lua_getfield(L, 2, "least");
    pr.least = lua_toboolean(L, -1) != 0;
    lua_getfield(L, 2, "flags");
    set_flags(L, -1);
    lua_getfield(L, 2, "score");
    set_score(L, -1);
    lua_pop(L, 7);
  } else {
    action = std::string(check_sv(L, 2));
    pr.message = std::string(opt_sv(L, 3));
    pr.module = std::string(opt_sv(L, 4));
    set_score(L, 5);
    if (lua_type(L, 6) == LUA_TNUMBER) pr.priority = static_cast<int>(lua_tointeger(L, 6));
    set_flags(L, 7);
  }
  auto a = scan::parse_action(action);
  if (!a) return luaL_error(L, "set_pre_result: %s", a.error().message.c_str());
  pr.action = *a;
  if (pr.module.empty()) {
    auto* ext = static_cast<LuaTaskExt*>(t.extension(kLuaExtensionKey));
    if (ext != nullptr && ext->current != nullptr) pr.module = ext->current->name;
  }
  t.outcome().set_pre_result(std::move(pr));
  return 0;
}

int has_pre_result(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const auto& pr = t.outcome().pre_result();
  lua_pushboolean(L, pr.has_value());
  if (pr) {
    push(L, scan::action_name(pr->action));
    push(L, pr->message);
    push(L, pr->module);
    return 4;
  }
  return 1;
}

int has_symbol(lua_State* L) {
  lua_pushboolean(L, check_task(L, 1).outcome().has_symbol(check_sv(L, 2)));
  return 1;
}

void push_result(lua_State* L, const scan::Task& t, const scan::SymbolResult& r) {
  lua_createtable(L, 0, 5);
  set_field(L, "name", r.name);
  set_field(L, "score", r.score);
  set_field(L, "weight", r.weight);
  if (r.id != scan::kNoSymbol) {
    const auto& groups = t.engine().registry.get(r.id).groups;
    if (!groups.empty()) set_field(L, "group", groups.front());
    lua_newtable(L);
    int i = 1;
    for (const auto& g : groups) {
      push(L, g);
      lua_rawseti(L, -2, i++);
    }
    lua_setfield(L, -2, "groups");
  }
  if (!r.options.empty()) {
    lua_newtable(L);
    int i = 1;
    for (auto o : r.options) {
      push(L, o);
      lua_rawseti(L, -2, i++);
    }
    lua_setfield(L, -2, "options");
  }
}

// get_symbol(name) -> { {name=, score=, options=, group=, ...} } or nil (Rspamd's shape).
int get_symbol(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const scan::SymbolResult* r = t.outcome().find_result(check_sv(L, 2));
  if (r == nullptr) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 1, 0);
  push_result(L, t, *r);
  lua_rawseti(L, -2, 1);
  return 1;
}

// get_symbols() -> names, scores (two arrays); get_symbols_all() -> array of result tables.
int get_symbols(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_newtable(L);
  lua_newtable(L);
  int i = 1;
  for (const auto* r : t.outcome().results()) {
    if (r->removed) continue;
    push(L, r->name);
    lua_rawseti(L, -3, i);
    lua_pushnumber(L, r->score);
    lua_rawseti(L, -2, i);
    ++i;
  }
  return 2;
}

int get_symbols_all(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_newtable(L);
  int i = 1;
  for (const auto* r : t.outcome().results()) {
    if (r->removed) continue;
    push_result(L, t, *r);
    lua_rawseti(L, -2, i++);
  }
  return 1;
}

// get_metric_score() -> {score, required_score}
int get_metric_score(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  lua_createtable(L, 2, 0);
  lua_pushnumber(L, scan::round_score(t.outcome().score()));
  lua_rawseti(L, -2, 1);
  lua_pushnumber(L, t.outcome().thresholds().required_score());
  lua_rawseti(L, -2, 2);
  return 1;
}

// The action the current score maps to (or the final one once decided).
int get_metric_action(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  push(L, scan::action_name(t.outcome().current_action()));
  return 1;
}

int get_settings(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  const scan::Applied& a = t.settings();
  if (!a.any) {
    lua_pushnil(L);
    return 1;
  }
  lua_newtable(L);
  set_field(L, "id", a.id);
  lua_newtable(L);
  for (const auto& [k, v] : a.scores) {
    lua_pushnumber(L, v);
    lua_setfield(L, -2, k.c_str());
  }
  lua_setfield(L, -2, "scores");
  set_bool(L, "want_spam", a.want_spam);
  return 1;
}

int cache_set(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  luaL_checkstring(L, 2);
  push_ref_table(L, ext_of(L, t).cache_ref);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, 3);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  return 0;
}

int cache_get(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  luaL_checkstring(L, 2);
  LuaTaskExt& ext = ext_of(L, t);
  if (ext.cache_ref == LUA_NOREF) {
    lua_pushnil(L);
    return 1;
  }
  lua_rawgeti(L, LUA_REGISTRYINDEX, ext.cache_ref);
  lua_pushvalue(L, 2);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  return 1;
}

// set_milter_reply{add_headers = {Name = {value=, order=} | "value"}, remove_headers =
// {Name = N}, ...}: merged into the reply's milter block (scan/reply_additions.h).
int set_milter_reply(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  t.outcome().additions().milter.merge_json(to_json(L, 2));
  return 0;
}

// set_reply_field(name, value): an extra top-level reply field (e.g. "dkim-signature").
int set_reply_field(lua_State* L) {
  scan::Task& t = check_task(L, 1);
  std::string name(check_sv(L, 2));
  t.outcome().additions().set_field(name, to_json(L, 3));
  return 0;
}

int get_id(lua_State* L) {
  push(L, check_task(L, 1).id());
  return 1;
}

const luaL_Reg kMethods[] = {
    {"insert_result", insert_result},
    {"set_pre_result", set_pre_result},
    {"has_pre_result", has_pre_result},
    {"has_symbol", has_symbol},
    {"get_symbol", get_symbol},
    {"get_symbols", get_symbols},
    {"get_symbols_all", get_symbols_all},
    {"get_metric_score", get_metric_score},
    {"get_metric_action", get_metric_action},
    {"get_settings", get_settings},
    {"cache_set", cache_set},
    {"cache_get", cache_get},
    {"set_milter_reply", set_milter_reply},
    {"set_reply_field", set_reply_field},
    {"get_uid", get_id},
    {nullptr, nullptr}};

}  // namespace

const luaL_Reg* task_result_methods() { return kMethods; }

}  // namespace mw::lua
