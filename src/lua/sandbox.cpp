#include "lua/sandbox.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "core/fd.h"

namespace mw::lua {

namespace {

// Registry keys (addresses of these objects).
const char kPackageKey = 0;  // the real package table
const char kDirsKey = 0;     // array of require directories

// Module names are dotted words: letters, digits, '_' and '-'.
bool valid_module_name(const char* name, size_t len) {
  if (len == 0 || len > 200 || name[0] == '.' || name[len - 1] == '.') return false;
  for (size_t i = 0; i < len; ++i) {
    char c = name[i];
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
    if (!word && !(c == '.' && name[i + 1] != '.')) return false;
  }
  return true;
}

void push_registry(lua_State* L, const char* key) {
  lua_pushlightuserdata(L, const_cast<char*>(key));
  lua_rawget(L, LUA_REGISTRYINDEX);
}

// Load a text chunk: pushes the function (0) or an error message (non-zero).
int load_text(lua_State* L, const char* chunk, size_t size, const char* name) {
  if (looks_like_bytecode(chunk, size)) {
    lua_pushstring(L, "bytecode is not accepted: load Lua source text");
    return LUA_ERRSYNTAX;
  }
  if (size > kMaxChunkSize) {
    lua_pushstring(L, "chunk too large");
    return LUA_ERRSYNTAX;
  }
  return luaL_loadbuffer(L, chunk, size, name);
}

// Find `name` in the require directories: loads it and pushes the function (returns 1),
// pushes nothing when no file exists (returns 0), pushes an error message (returns -1).
int find_module(lua_State* L, const char* name, size_t len) {
  std::string rel(name, len);
  for (char& c : rel) {
    if (c == '.') c = '/';
  }
  push_registry(L, &kDirsKey);
  int dirs = lua_gettop(L);
  size_t n = lua_objlen(L, dirs);
  int result = 0;
  for (size_t i = 1; i <= n && result == 0; ++i) {
    lua_rawgeti(L, dirs, static_cast<int>(i));
    std::string dir = lua_tostring(L, -1);
    lua_pop(L, 1);
    for (const char* suffix : {".lua", "/init.lua"}) {
      std::string path = dir + "/" + rel + suffix;
      std::string text;
      int err = core::read_regular_file(path, kMaxChunkSize, true, text);
      if (err == ENOENT || err == ENOTDIR) continue;
      if (err != 0) {
        lua_pushfstring(L, "cannot read %s: %s", path.c_str(), std::strerror(err));
        result = -1;
        break;
      }
      std::string chunk_name = "@" + path;
      if (load_text(L, text.data(), text.size(), chunk_name.c_str()) != 0) {
        result = -1;
        break;
      }
      result = 1;
      break;
    }
  }
  lua_remove(L, dirs);
  return result;
}

int sandbox_require(lua_State* L) {
  size_t len = 0;
  const char* name = luaL_checklstring(L, 1, &len);
  lua_settop(L, 1);
  push_registry(L, &kPackageKey);  // 2: package
  lua_getfield(L, 2, "loaded");    // 3: package.loaded
  lua_pushvalue(L, 1);
  lua_rawget(L, 3);
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  lua_getfield(L, 2, "preload");  // 4: package.preload
  lua_pushvalue(L, 1);
  lua_rawget(L, 4);                // 5: the opener, or nil
  if (lua_isnil(L, 5)) {
    lua_pop(L, 1);
    if (!valid_module_name(name, len)) {
      return luaL_error(L, "module name '%s' is not a dotted name", name);
    }
    int found = find_module(L, name, len);
    if (found < 0) return lua_error(L);
    if (found == 0) {
      return luaL_error(L, "module '%s' not found in the Lua library directories", name);
    }
  } else if (!lua_isfunction(L, 5)) {
    return luaL_error(L, "package.preload['%s'] is not a function", name);
  }
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);  // 5: what the module returned
  if (!lua_isnil(L, 5)) {
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 5);
    lua_rawset(L, 3);
  }
  lua_pushvalue(L, 1);
  lua_rawget(L, 3);
  if (lua_isnil(L, -1)) {  // the module returned nothing and set nothing
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 1);
    lua_rawset(L, 3);
  }
  return 1;
}

// load(chunk [, chunkname [, mode [, env]]]): text only.
int sandbox_load(lua_State* L) {
  std::string collected;
  const char* chunk = nullptr;
  size_t size = 0;
  if (lua_type(L, 1) == LUA_TSTRING) {
    chunk = lua_tolstring(L, 1, &size);
  } else if (lua_isfunction(L, 1)) {
    for (;;) {
      lua_pushvalue(L, 1);
      lua_call(L, 0, 1);
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        break;
      }
      size_t n = 0;
      const char* piece = lua_tolstring(L, -1, &n);
      if (piece == nullptr) return luaL_error(L, "load: reader function must return a string");
      if (n == 0) {
        lua_pop(L, 1);
        break;
      }
      if (collected.size() + n > kMaxChunkSize) {
        lua_pop(L, 1);
        lua_pushnil(L);
        lua_pushstring(L, "chunk too large");
        return 2;
      }
      collected.append(piece, n);
      lua_pop(L, 1);
    }
    chunk = collected.data();
    size = collected.size();
  } else {
    return luaL_argerror(L, 1, "string or function expected");
  }
  const char* name = luaL_optstring(L, 2, lua_type(L, 1) == LUA_TSTRING ? chunk : "=(load)");
  int env = lua_isnoneornil(L, 4) ? 0 : 4;
  int rc = load_text(L, chunk, size, name);
  if (rc != 0) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  if (env != 0) {
    lua_pushvalue(L, env);
    lua_setfenv(L, -2);
  }
  return 1;
}

// collectgarbage([opt]): "count", "collect" (default) and "step" only.
int sandbox_collectgarbage(lua_State* L) {
  const char* opt = luaL_optstring(L, 1, "collect");
  if (std::strcmp(opt, "count") == 0) {
    lua_pushnumber(L, lua_gc(L, LUA_GCCOUNT, 0) + lua_gc(L, LUA_GCCOUNTB, 0) / 1024.0);
    return 1;
  }
  if (std::strcmp(opt, "collect") == 0) {
    lua_gc(L, LUA_GCCOLLECT, 0);
    lua_pushinteger(L, 0);
    return 1;
  }
  if (std::strcmp(opt, "step") == 0) {
    lua_pushboolean(L, lua_gc(L, LUA_GCSTEP, 0));
    return 1;
  }
  return luaL_error(L, "collectgarbage('%s') is not available to rules", opt);
}

// xpcall whose handler runs after the error unwound, like any other code. LuaJIT runs a
// message handler while the instruction hook that raised the error is still active (and so
// with hooks off): a handler that loops would never be stopped by the time budget.
constexpr char kXpcall[] = R"(
local pcall = pcall
return function(f, handler, ...)
  local function finish(ok, ...)
    if ok then return true, ... end
    local handled, result = pcall(handler, (...))
    return false, result
  end
  return finish(pcall(f, ...))
end
)";

int readonly_newindex(lua_State* L) {
  return luaL_error(L, "package is read-only: rules cannot change where require looks");
}

}  // namespace

void install_sandbox(lua_State* L, const std::vector<std::string>& require_dirs) {
  // Globals that reach outside the sandbox.
  for (const char* name : {"io", "debug", "dofile", "loadfile", "load", "loadstring", "module",
                           "jit", "newproxy", "gcinfo", "require", "collectgarbage"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  lua_pushcfunction(L, sandbox_load);
  lua_setglobal(L, "load");
  lua_pushcfunction(L, sandbox_load);
  lua_setglobal(L, "loadstring");
  lua_pushcfunction(L, sandbox_collectgarbage);
  lua_setglobal(L, "collectgarbage");
  if (luaL_loadbuffer(L, kXpcall, sizeof kXpcall - 1, "=xpcall") == 0 &&
      lua_pcall(L, 0, 1, 0) == 0) {
    lua_setglobal(L, "xpcall");
  } else {
    lua_pop(L, 1);  // keep the built-in one (cannot happen: the text is ours)
  }

  // os: the time functions only.
  lua_getglobal(L, "os");
  lua_newtable(L);
  for (const char* name : {"time", "date", "clock", "difftime"}) {
    lua_getfield(L, -2, name);
    lua_setfield(L, -2, name);
  }
  lua_remove(L, -2);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "os");
  int os_table = lua_gettop(L);

  // The real package table, kept in the registry for require.
  lua_getglobal(L, "package");
  int package = lua_gettop(L);
  lua_pushlightuserdata(L, const_cast<char*>(&kPackageKey));
  lua_pushvalue(L, package);
  lua_rawset(L, LUA_REGISTRYINDEX);
  std::string path;
  for (const auto& d : require_dirs) path += d + "/?.lua;" + d + "/?/init.lua;";
  lua_pushstring(L, path.c_str());
  lua_setfield(L, package, "path");
  lua_pushstring(L, "");
  lua_setfield(L, package, "cpath");
  lua_pushnil(L);
  lua_setfield(L, package, "loadlib");
  lua_pushnil(L);
  lua_setfield(L, package, "seeall");
  lua_pushnil(L);
  lua_setfield(L, package, "loaders");
  lua_getfield(L, package, "preload");
  lua_pushnil(L);
  lua_setfield(L, -2, "ffi");
  lua_pop(L, 1);

  lua_pushlightuserdata(L, const_cast<char*>(&kDirsKey));
  lua_createtable(L, static_cast<int>(require_dirs.size()), 0);
  for (size_t i = 0; i < require_dirs.size(); ++i) {
    lua_pushstring(L, require_dirs[i].c_str());
    lua_rawseti(L, -2, static_cast<int>(i + 1));
  }
  lua_rawset(L, LUA_REGISTRYINDEX);

  // What rules see as `package`: read-only, fields from the real one.
  lua_newtable(L);  // the proxy
  int proxy = lua_gettop(L);
  lua_newtable(L);  // its metatable
  lua_newtable(L);  // the fields it shows
  for (const char* field : {"path", "cpath", "loaded", "preload", "config"}) {
    lua_getfield(L, package, field);
    lua_setfield(L, -2, field);
  }
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, readonly_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, proxy);
  lua_pushvalue(L, proxy);
  lua_setglobal(L, "package");

  // package.loaded: only what a rule may have.
  lua_getfield(L, package, "loaded");
  for (const char* name : {"io", "debug", "jit", "ffi", "jit.opt", "jit.util", "jit.profile",
                           "jit.vmdef", "jit.bcsave", "string.buffer"}) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
  }
  lua_pushvalue(L, os_table);
  lua_setfield(L, -2, "os");
  lua_pushvalue(L, proxy);
  lua_setfield(L, -2, "package");
  lua_pop(L, 1);
  lua_settop(L, os_table - 1);

  lua_pushcfunction(L, sandbox_require);
  lua_setglobal(L, "require");
}

}  // namespace mw::lua
