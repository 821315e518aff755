// Maps from Lua (maps/map.h): created while the rules load, looked up while scanning.
//
//   local m = mailward_config:add_map{ type = 'ip', url = '$CONFDIR/maps.d/bad_ips.map',
//                                      description = 'Blocked networks' }
//   mailward_config:add_map{ type = 'domain', urls = { '/a.map', '/b.map' },
//                            data = { 'example.com', 'example.net value' } }
//   rspamd_config:add_radix_map(url, description)   rspamd_config:add_hash_map(url, description)
//   m:get_key(key)    value (string) of the matching entry, true for an entry without a
//                     value, nil when nothing matches; an IP object is accepted as a key;
//                     *_multi maps return a table of every matching value (or nil)
//   m:get_type()  m:get_uri()  m:size()  m:generation()
// Types: ip (radix), domain, email, hash (set, map, string), regexp, regexp_multi, glob,
// glob_multi. `url`/`urls`/`file`/`map` name files ("file://" accepted, $CONFDIR expanded);
// `data` (or a table given as `url`) holds inline entries. A broken file fails the
// configuration; reloading happens in the workers (scan/maps_support.h).
// Sandbox: a file must resolve (symbolic links followed, relative to the working directory)
// inside one of the [lua] map_dirs (default: the configuration directory); the check is made
// when the map is added, and the map keeps the resolved path.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lua/bind.h"
#include "lua/config_api.h"
#include "lua/state.h"
#include "maps/registry.h"
#include "scan/engine.h"
#include "scan/maps_support.h"

namespace mw::lua {

namespace {

constexpr const char* kMapClass = "mailward{map}";

struct MapHandle {
  std::shared_ptr<maps::MapRegistry> registry;  // keeps the map alive
  maps::Map* map = nullptr;
  bool multi = false;
};

MapHandle& check_map(lua_State* L) { return *check_object<MapHandle>(L, 1, kMapClass); }

// The key as text: strings as they are, IP objects (and anything else) through tostring().
std::string key_of(lua_State* L, int idx) {
  if (lua_type(L, idx) == LUA_TSTRING) return std::string(check_sv(L, idx));
  if (lua_isnoneornil(L, idx)) return {};
  return to_display(L, idx);
}

int map_get_key(lua_State* L) {
  MapHandle& h = check_map(L);
  if (lua_isnoneornil(L, 2)) {
    lua_pushnil(L);
    return 1;
  }
  std::string key = key_of(L, 2);
  match::Scratch* scratch = nullptr;
  if (h.map->kind() == maps::MapKind::kRegexp || h.map->kind() == maps::MapKind::kGlob) {
    scratch = h.registry->scratch();
  }
  if (h.multi) {
    std::vector<std::string_view> all;
    h.map->find_all(key, scratch, all);
    if (all.empty()) {
      lua_pushnil(L);
      return 1;
    }
    lua_createtable(L, static_cast<int>(all.size()), 0);
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].empty()) {
        lua_pushboolean(L, 1);
      } else {
        push(L, all[i]);
      }
      lua_rawseti(L, -2, static_cast<int>(i + 1));
    }
    return 1;
  }
  auto v = h.map->find(key, scratch);
  if (!v) {
    lua_pushnil(L);
  } else if (v->empty()) {
    lua_pushboolean(L, 1);
  } else {
    push(L, *v);
  }
  return 1;
}

int map_get_type(lua_State* L) {
  MapHandle& h = check_map(L);
  std::string t(maps::map_kind_name(h.map->kind()));
  if (h.multi) t += "_multi";
  push(L, t);
  return 1;
}

int map_get_uri(lua_State* L) {
  MapHandle& h = check_map(L);
  const auto& files = h.map->spec().files;
  push(L, files.empty() ? std::string("static") : files.front());
  return 1;
}

int map_size(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_map(L).map->size()));
  return 1;
}

int map_generation(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_map(L).map->generation()));
  return 1;
}

int map_tostring(lua_State* L) {
  MapHandle& h = check_map(L);
  push(L, "map(" + h.map->name() + ")");
  return 1;
}

const luaL_Reg kMapMethods[] = {{"get_key", map_get_key},   {"get_type", map_get_type},
                                {"get_uri", map_get_uri},   {"size", map_size},
                                {"generation", map_generation}, {nullptr, nullptr}};

void strings_from(lua_State* L, int idx, std::vector<std::string>& out) {
  if (lua_type(L, idx) == LUA_TSTRING) {
    out.emplace_back(lua_tostring(L, idx));
  } else if (lua_istable(L, idx)) {
    size_t n = lua_objlen(L, idx);
    for (size_t i = 1; i <= n; ++i) {
      lua_rawgeti(L, idx, static_cast<int>(i));
      if (lua_type(L, -1) == LUA_TSTRING) out.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
}

// `path` resolved, when it lies inside one of `dirs` (resolved too); else nothing.
std::optional<std::string> inside_map_dirs(const std::string& path,
                                           const std::vector<std::string>& dirs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) return std::nullopt;
  for (const auto& d : dirs) {
    fs::path root = fs::weakly_canonical(fs::absolute(d, ec), ec);
    if (ec || root.empty()) continue;
    auto [r, q] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
    // A trailing separator makes an empty last component: ignore it.
    if (r != root.end() && !(std::next(r) == root.end() && r->empty())) continue;
    return p.string();
  }
  return std::nullopt;
}

int add_map_impl(lua_State* L, maps::MapSpec spec, bool multi) {
  scan::Engine& engine = loading_engine(L);
  for (auto& f : spec.files) {
    f = scan::expand_confdir(std::move(f), engine);
    std::string path = f.starts_with("file://") ? f.substr(7) : f;
    auto resolved = inside_map_dirs(path, state_of(L).options().map_dirs);
    if (!resolved) {
      return luaL_error(L, "add_map: %s is not inside a map directory ([lua] map_dirs)",
                        f.c_str());
    }
    f = *resolved;
  }
  maps::MapRegistry& reg = scan::engine_maps(engine, state_of(L).logger());
  auto m = reg.add(std::move(spec));
  if (!m) return luaL_error(L, "add_map: %s", m.error().message.c_str());
  push_object<MapHandle>(L, kMapClass, MapHandle{engine.maps, *m, multi});
  return 1;
}

// add_map{type=, url=|urls=|file=|map=, data=, description=, name=} or add_map(url, description)
int cfg_add_map(lua_State* L) {
  maps::MapSpec spec;
  bool multi = false;
  if (lua_type(L, 2) == LUA_TSTRING) {
    spec.files.emplace_back(lua_tostring(L, 2));
    spec.description = std::string(opt_sv(L, 3));
    spec.kind = maps::MapKind::kHash;
  } else {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "type");
    std::string type = lua_isstring(L, -1) ? lua_tostring(L, -1) : "hash";
    lua_pop(L, 1);
    auto kind = maps::parse_map_kind(type, &multi);
    if (!kind) return luaL_error(L, "add_map: %s", kind.error().message.c_str());
    spec.kind = *kind;
    for (const char* key : {"url", "urls", "file", "files", "map"}) {
      lua_getfield(L, 2, key);
      // A table of entries given as `url` is an inline map (Rspamd accepts that too).
      if (lua_istable(L, -1) && std::string(key) == "url") {
        strings_from(L, lua_gettop(L), spec.entries);
      } else {
        strings_from(L, lua_gettop(L), spec.files);
      }
      lua_pop(L, 1);
    }
    lua_getfield(L, 2, "data");
    strings_from(L, lua_gettop(L), spec.entries);
    lua_pop(L, 1);
    lua_getfield(L, 2, "description");
    if (lua_isstring(L, -1)) spec.description = lua_tostring(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 2, "name");
    if (lua_isstring(L, -1)) spec.name = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  if (spec.name.empty()) {
    spec.name = !spec.description.empty() ? spec.description
                : !spec.files.empty()     ? spec.files.front()
                                          : "inline map";
  }
  return add_map_impl(L, std::move(spec), multi);
}

int add_typed(lua_State* L, maps::MapKind kind) {
  maps::MapSpec spec;
  spec.kind = kind;
  strings_from(L, 2, spec.files);
  spec.description = std::string(opt_sv(L, 3));
  spec.name = spec.description.empty() && !spec.files.empty() ? spec.files.front()
                                                              : spec.description;
  return add_map_impl(L, std::move(spec), false);
}
int cfg_add_radix_map(lua_State* L) { return add_typed(L, maps::MapKind::kIp); }
int cfg_add_hash_map(lua_State* L) { return add_typed(L, maps::MapKind::kHash); }

}  // namespace

void open_maps(lua_State* L) {
  register_class<MapHandle>(L, kMapClass, kMapMethods, map_tostring);
  add_config_method(L, "add_map", cfg_add_map);
  add_config_method(L, "add_radix_map", cfg_add_radix_map);
  add_config_method(L, "add_hash_map", cfg_add_hash_map);
}

}  // namespace mw::lua
