#include "lua/config_api.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/dotted_path.h"
#include "lua/bind.h"
#include "lua/convert.h"
#include "lua/runner.h"
#include "scan/engine.h"
#include "scan/regexp_rules.h"

namespace mw::lua {

namespace {

const char kLoadKey = 0;  // registry: LoadContext* while rules load

struct LoadContext {
  LuaState* state;
  scan::Engine* engine;
  bool open = true;
  int anonymous = 0;  // counter for unnamed pre/postfilters
};

struct ConfigHandle {};

LoadContext& ctx(lua_State* L) {
  lua_pushlightuserdata(L, const_cast<char*>(&kLoadKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* c = static_cast<LoadContext*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  if (c == nullptr) luaL_error(L, "configuration object is not available");
  return *c;
}

LoadContext& open_ctx(lua_State* L) {
  LoadContext& c = ctx(L);
  if (!c.open) luaL_error(L, "symbols can only be registered while the rules load");
  return c;
}

// "file.lua:12" of the Lua code that called us.
std::string origin(lua_State* L) {
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
    return std::string("lua:") + ar.short_src + ":" + std::to_string(ar.currentline);
  }
  return "lua";
}

uint32_t parse_flags(lua_State* L, int idx) {
  uint32_t flags = 0;
  auto add = [&](std::string_view f) {
    auto r = scan::parse_symbol_flag(f);
    if (!r) luaL_error(L, "%s", r.error().message.c_str());
    flags |= *r;
  };
  if (lua_type(L, idx) == LUA_TSTRING) {
    std::string s = lua_tostring(L, idx);
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      std::string f = s.substr(start, comma - start);
      while (!f.empty() && f.front() == ' ') f.erase(0, 1);
      while (!f.empty() && f.back() == ' ') f.pop_back();
      if (!f.empty()) add(f);
      start = comma + 1;
    }
  } else if (lua_istable(L, idx)) {
    size_t n = lua_objlen(L, idx);
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, idx, static_cast<int>(i));
      if (lua_isstring(L, -1)) add(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  return flags;
}

std::string opt_string_field(lua_State* L, int t, const char* key) {
  lua_getfield(L, t, key);
  std::string out = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return out;
}

// Register a symbol described by the table at `t`. Returns its id.
// The strings of the array t[key] (other values skipped) appended to `out`.
void append_strings(lua_State* L, int t, const char* key, std::vector<std::string>& out) {
  lua_getfield(L, t, key);
  if (lua_istable(L, -1)) {
    size_t n = lua_objlen(L, -1);
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, -1, static_cast<int>(i));
      if (lua_isstring(L, -1)) out.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

// The score (or, when it is absent and `alias` is given, the field `alias`), description and
// group of the symbol table at `t` into `d`; absent fields leave `d` as it is.
void read_score_text(lua_State* L, int t, scan::SymbolDef& d, const char* alias = nullptr) {
  lua_getfield(L, t, "score");
  if (alias != nullptr && lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_getfield(L, t, alias);
  }
  if (lua_isnumber(L, -1)) {
    d.score = lua_tonumber(L, -1);
    d.score_set = true;
  }
  lua_pop(L, 1);
  d.description = opt_string_field(L, t, "description");
  std::string group = opt_string_field(L, t, "group");
  if (!group.empty()) d.groups.push_back(group);
}

scan::SymbolId register_from_table(lua_State* L, int t, const std::string& default_name) {
  LoadContext& c = open_ctx(L);
  scan::SymbolDef d;
  d.name = opt_string_field(L, t, "name");
  if (d.name.empty()) d.name = default_name;
  if (d.name.empty()) luaL_error(L, "register_symbol: a name is required");
  std::string type = opt_string_field(L, t, "type");
  // Rspamd allows "normal,nostat" style type strings: the first word is the type.
  auto comma = type.find(',');
  uint32_t extra_flags = 0;
  if (comma != std::string::npos) {
    lua_pushstring(L, type.substr(comma + 1).c_str());
    extra_flags = parse_flags(L, lua_gettop(L));
    lua_pop(L, 1);
    type = type.substr(0, comma);
  }
  auto ty = scan::parse_symbol_type(type);
  if (!ty) luaL_error(L, "register_symbol %s: %s", d.name.c_str(), ty.error().message.c_str());
  d.type = *ty;
  lua_getfield(L, t, "priority");
  d.priority = static_cast<int>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  lua_getfield(L, t, "flags");
  d.flags = parse_flags(L, lua_gettop(L)) | extra_flags;
  lua_pop(L, 1);
  lua_getfield(L, t, "one_shot");
  if (lua_toboolean(L, -1)) d.flags |= scan::kFlagOneShot;
  lua_pop(L, 1);
  lua_getfield(L, t, "max_shots");
  if (lua_isnumber(L, -1)) d.max_shots = static_cast<uint32_t>(lua_tointeger(L, -1));
  lua_pop(L, 1);
  read_score_text(L, t, d, "weight");
  append_strings(L, t, "groups", d.groups);
  lua_getfield(L, t, "parent");
  if (lua_isnumber(L, -1)) {
    auto pid = static_cast<scan::SymbolId>(lua_tointeger(L, -1));
    if (pid < 0 || static_cast<size_t>(pid) >= c.engine->registry.size()) {
      luaL_error(L, "register_symbol %s: unknown parent id", d.name.c_str());
    }
    d.parent_name = c.engine->registry.get(pid).name;
    if (type.empty()) d.type = scan::SymbolType::kVirtual;
  } else if (lua_isstring(L, -1)) {
    d.parent_name = lua_tostring(L, -1);
    if (type.empty()) d.type = scan::SymbolType::kVirtual;
  }
  lua_pop(L, 1);
  d.origin = origin(L);
  lua_getfield(L, t, "callback");
  if (lua_isfunction(L, -1)) {
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    bool insert = d.type != scan::SymbolType::kCallback;
    d.callback = make_callback(*c.state, ref, d.name, insert);
  } else {
    lua_pop(L, 1);
    if (d.type != scan::SymbolType::kVirtual && d.type != scan::SymbolType::kComposite &&
        d.type != scan::SymbolType::kClassifier) {
      luaL_error(L, "register_symbol %s: a callback is required for type %s", d.name.c_str(),
                 std::string(scan::symbol_type_name(d.type)).c_str());
    }
  }
  // Dependencies given inline.
  append_strings(L, t, "dependencies", d.deps);
  std::string name = d.name;
  auto id = c.engine->registry.add(std::move(d));
  if (!id) luaL_error(L, "%s", id.error().message.c_str());
  return *id;
}

int cfg_register_symbol(lua_State* L) {
  if (lua_istable(L, 2)) {
    lua_pushinteger(L, register_from_table(L, 2, ""));
    return 1;
  }
  // register_symbol(name, weight, callback[, flags])
  std::string name(check_sv(L, 2));
  lua_newtable(L);
  int t = lua_gettop(L);
  if (lua_isnumber(L, 3)) {
    lua_pushvalue(L, 3);
    lua_setfield(L, t, "score");
  }
  if (lua_isfunction(L, 4)) {
    lua_pushvalue(L, 4);
    lua_setfield(L, t, "callback");
  }
  if (!lua_isnoneornil(L, 5)) {
    lua_pushvalue(L, 5);
    lua_setfield(L, t, "flags");
  }
  lua_pushinteger(L, register_from_table(L, t, name));
  return 1;
}

int register_typed(lua_State* L, const char* type, int name_idx, int weight_idx, int cb_idx,
                   int prio_idx) {
  lua_newtable(L);
  int t = lua_gettop(L);
  lua_pushstring(L, type);
  lua_setfield(L, t, "type");
  std::string name;
  if (name_idx > 0) name = std::string(check_sv(L, name_idx));
  if (weight_idx > 0 && lua_isnumber(L, weight_idx)) {
    lua_pushvalue(L, weight_idx);
    lua_setfield(L, t, "score");
  }
  if (cb_idx > 0) {
    if (std::string(type) == "virtual") {
      lua_pushvalue(L, cb_idx);
      lua_setfield(L, t, "parent");
    } else {
      luaL_checktype(L, cb_idx, LUA_TFUNCTION);
      lua_pushvalue(L, cb_idx);
      lua_setfield(L, t, "callback");
    }
  }
  if (prio_idx > 0 && lua_isnumber(L, prio_idx)) {
    lua_pushvalue(L, prio_idx);
    lua_setfield(L, t, "priority");
  }
  if (name.empty()) {
    name = std::string(type) + "_" + std::to_string(++open_ctx(L).anonymous) + "_" + origin(L);
  }
  lua_pushinteger(L, register_from_table(L, t, name));
  return 1;
}

int cfg_register_virtual_symbol(lua_State* L) { return register_typed(L, "virtual", 2, 3, 4, 0); }
int cfg_register_callback_symbol(lua_State* L) {
  return register_typed(L, "callback", 2, 3, 4, 0);
}
int cfg_register_prefilter(lua_State* L) { return register_typed(L, "prefilter", 0, 0, 2, 3); }
int cfg_register_postfilter(lua_State* L) { return register_typed(L, "postfilter", 0, 0, 2, 3); }

int cfg_register_dependency(lua_State* L) {
  LoadContext& c = open_ctx(L);
  std::string from, to(check_sv(L, 3));
  if (lua_isnumber(L, 2)) {
    auto id = static_cast<scan::SymbolId>(lua_tointeger(L, 2));
    if (id < 0 || static_cast<size_t>(id) >= c.engine->registry.size()) {
      return luaL_error(L, "register_dependency: unknown symbol id");
    }
    from = c.engine->registry.get(id).name;
  } else {
    from = std::string(check_sv(L, 2));
  }
  auto st = c.engine->registry.add_dependency(from, to);
  if (!st) return luaL_error(L, "register_dependency: %s", st.error().message.c_str());
  return 0;
}

int cfg_add_composite(lua_State* L) {
  LoadContext& c = open_ctx(L);
  std::string name(check_sv(L, 2));
  std::string_view expr = check_sv(L, 3);
  auto st = c.engine->composites.add(name, expr, c.engine->registry);
  if (!st) return luaL_error(L, "add_composite: %s", st.error().message.c_str());
  lua_pushboolean(L, 1);
  return 1;
}

int cfg_set_metric_symbol(lua_State* L) {
  LoadContext& c = open_ctx(L);
  std::string name;
  double score = 0;
  std::string desc, group;
  if (lua_istable(L, 2)) {
    name = opt_string_field(L, 2, "name");
    lua_getfield(L, 2, "score");
    score = lua_tonumber(L, -1);
    lua_pop(L, 1);
    desc = opt_string_field(L, 2, "description");
    group = opt_string_field(L, 2, "group");
  } else {
    name = std::string(check_sv(L, 2));
    score = luaL_optnumber(L, 3, 0);
    desc = std::string(opt_sv(L, 4));
    group = std::string(opt_sv(L, 5));
  }
  if (name.empty()) return luaL_error(L, "set_metric_symbol: a name is required");
  scan::SymbolRegistry& reg = c.engine->registry;
  scan::SymbolId id = reg.find(name);
  // The configuration file wins over a rule's own score.
  bool configured = c.engine->config && c.engine->config->has("symbols." + name + ".score");
  if (!configured && (id == scan::kNoSymbol || !reg.get(id).score_set)) reg.set_score(name, score);
  if (!desc.empty() && (id == scan::kNoSymbol || reg.get(id).description.empty())) {
    reg.set_description(name, desc);
  }
  if (!group.empty()) reg.add_to_group(name, group);
  return 0;
}

// Fill the declared defaults of the options below `path` (concrete key names) into the Lua
// table at `idx`: a leaf option missing from the table gets its default; tables declared
// below (by name or `*`) that are present are filled in turn.
void fill_defaults(lua_State* L, int idx, const core::Schema& schema,
                   const std::vector<std::string>& path, int depth) {
  if (depth > 8) return;
  std::vector<std::string> tables;  // next segments naming tables ("*" = every subtable)
  for (const auto& d : schema.options()) {
    auto segs = core::path_segments(d.path);
    if (segs.size() <= path.size()) continue;
    bool match = true;
    for (size_t i = 0; i < path.size() && match; ++i) match = segs[i] == "*" || segs[i] == path[i];
    if (!match) continue;
    std::string next(segs[path.size()]);
    if (segs.size() == path.size() + 1 && next != "*") {
      lua_getfield(L, idx, next.c_str());
      bool absent = lua_isnil(L, -1);
      lua_pop(L, 1);
      std::optional<json::Value> def;
      if (absent) def = schema.default_value(d);
      if (def) {
        push_json(L, *def);
        lua_setfield(L, idx, next.c_str());
      }
    } else if (std::find(tables.begin(), tables.end(), next) == tables.end()) {
      tables.push_back(next);
    }
  }
  for (const auto& t : tables) {
    std::vector<std::string> keys;
    if (t == "*") {
      lua_pushnil(L);
      while (lua_next(L, idx) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_istable(L, -1)) keys.emplace_back(lua_tostring(L, -2));
        lua_pop(L, 1);
      }
    } else {
      keys.push_back(t);
    }
    for (const auto& k : keys) {
      lua_getfield(L, idx, k.c_str());
      if (lua_istable(L, -1)) {
        auto sub = path;
        sub.push_back(k);
        fill_defaults(L, lua_gettop(L), schema, sub, depth + 1);
      }
      lua_pop(L, 1);
    }
  }
}

// The section as a Lua table, with the declared defaults of every option it does not set
// (nil when the section is neither configured nor declared).
int cfg_get_all_opt(lua_State* L) {
  LoadContext& c = ctx(L);
  std::string section(check_sv(L, 2));
  const core::Config* cfg = c.engine->config.get();
  std::optional<json::Value> v;
  if (cfg != nullptr) v = cfg->value(section);
  if (v) {
    push_json(L, *v);
  } else if (cfg != nullptr && cfg->schema().is_section(section)) {
    lua_newtable(L);
  } else {
    lua_pushnil(L);
    return 1;
  }
  if (cfg != nullptr && lua_istable(L, -1)) {
    std::vector<std::string> path;
    for (auto seg : core::path_segments(section)) path.emplace_back(seg);
    fill_defaults(L, lua_gettop(L), cfg->schema(), path, 0);
  }
  return 1;
}

const luaL_Reg kMethods[] = {
    {"register_symbol", cfg_register_symbol},
    {"register_virtual_symbol", cfg_register_virtual_symbol},
    {"register_callback_symbol", cfg_register_callback_symbol},
    {"register_prefilter", cfg_register_prefilter},
    {"register_postfilter", cfg_register_postfilter},
    {"register_dependency", cfg_register_dependency},
    {"add_composite", cfg_add_composite},
    {"register_composite", cfg_add_composite},
    {"set_metric_symbol", cfg_set_metric_symbol},
    {"get_all_opt", cfg_get_all_opt},
    {nullptr, nullptr}};

// rspamd_config.SYM = {callback=...} | function
int cfg_newindex(lua_State* L) {
  std::string name(check_sv(L, 2));
  if (lua_isfunction(L, 3)) {
    lua_newtable(L);
    lua_pushvalue(L, 3);
    lua_setfield(L, -2, "callback");
  } else if (lua_istable(L, 3)) {
    lua_pushvalue(L, 3);
  } else {
    return luaL_error(L, "rspamd_config.%s must be a table or a function", name.c_str());
  }
  int t = lua_gettop(L);
  register_from_table(L, t, name);
  // Rspamd's shorthand also carries the score into the metric.
  return 0;
}

int cfg_index(lua_State* L) {
  std::string_view key = check_sv(L, 2);
  for (const luaL_Reg* r = kMethods; r->name != nullptr; ++r) {
    if (key == r->name) {
      lua_pushcfunction(L, r->func);
      return 1;
    }
  }
  // Methods other binding files added (add_config_method).
  luaL_getmetatable(L, kConfigClass);
  lua_getfield(L, -1, "methods");
  if (lua_istable(L, -1)) {
    lua_pushlstring(L, key.data(), key.size());
    lua_rawget(L, -2);
    return 1;
  }
  lua_pushnil(L);
  return 1;
}

}  // namespace

void open_config(LuaState& state, scan::Engine& engine) {
  lua_State* L = state.L();
  lua_pushlightuserdata(L, const_cast<char*>(&kLoadKey));
  auto* c = static_cast<LoadContext*>(lua_newuserdata(L, sizeof(LoadContext)));
  new (c) LoadContext{&state, &engine, true, 0};
  lua_rawset(L, LUA_REGISTRYINDEX);

  luaL_newmetatable(L, kConfigClass);
  lua_pushcfunction(L, cfg_index);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, cfg_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pop(L, 1);
  push_object<ConfigHandle>(L, kConfigClass);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "rspamd_config");
  lua_setglobal(L, "mailward_config");
  // config.regexp.SYM = ... is collected and turned into rules after loading.
  lua_newtable(L);
  lua_newtable(L);
  lua_setfield(L, -2, "regexp");
  lua_setglobal(L, "config");
}

scan::Engine& loading_engine(lua_State* L) { return *open_ctx(L).engine; }

void add_config_method(lua_State* L, const char* name, lua_CFunction fn) {
  luaL_getmetatable(L, kConfigClass);
  lua_getfield(L, -1, "methods");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "methods");
  }
  lua_pushcfunction(L, fn);
  lua_setfield(L, -2, name);
  lua_pop(L, 2);
}

void end_loading(LuaState& state) {
  lua_State* L = state.L();
  lua_pushlightuserdata(L, const_cast<char*>(&kLoadKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  if (auto* c = static_cast<LoadContext*>(lua_touserdata(L, -1))) c->open = false;
  lua_pop(L, 1);
}

Status finish_regexp_rules(LuaState& state, scan::Engine& engine) {
  lua_State* L = state.L();
  lua_getglobal(L, "config");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 1);
    return {};
  }
  lua_getfield(L, -1, "regexp");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 2);
    return {};
  }
  int t = lua_gettop(L);
  // Sorted by name for a deterministic registration order.
  std::vector<std::string> names;
  lua_pushnil(L);
  while (lua_next(L, t) != 0) {
    if (lua_type(L, -2) == LUA_TSTRING) names.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  std::sort(names.begin(), names.end());
  if (!names.empty() && engine.regexp_rules == nullptr) {
    engine.regexp_rules = std::make_unique<scan::RegexpRules>();
  }
  Status result;
  for (const auto& name : names) {
    lua_getfield(L, t, name.c_str());
    std::string re;
    scan::SymbolDef d;
    d.name = name;
    d.origin = "regexp";
    if (lua_isstring(L, -1)) {
      re = lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
      int e = lua_gettop(L);
      re = opt_string_field(L, e, "re");
      read_score_text(L, e, d);
      lua_getfield(L, e, "one_shot");
      if (lua_toboolean(L, -1)) d.flags |= scan::kFlagOneShot;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (re.empty()) {
      result = fail(ErrorCode::kInvalidInput, "regexp rule " + name + " has no expression (re)");
      break;
    }
    auto idx = engine.regexp_rules->add_rule(name, re);
    if (!idx) {
      result = fail(ErrorCode::kInvalidInput, "regexp rule " + name + ": " + idx.error().message);
      break;
    }
    d.callback = engine.regexp_rules->callback(*idx);
    auto id = engine.registry.add(std::move(d));
    if (!id) {
      result = fail(id.error());
      break;
    }
  }
  lua_pop(L, 2);
  return result;
}

}  // namespace mw::lua
