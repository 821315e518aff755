#include "lua/state.h"

#include "lua/bind.h"

#include <luajit.h>
#include <time.h>

#include <fstream>
#include <iterator>

namespace mw::lua {

namespace {

const char kStateKey = 0;  // registry key: the owning LuaState (light userdata)

double mono_now() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int lua_print(lua_State* L) {
  int n = lua_gettop(L);
  std::string line;
  for (int i = 1; i <= n; ++i) {
    if (i > 1) line += '\t';
    line += to_display(L, i);
  }
  state_of(L).logger().info("lua", line);
  return 0;
}

}  // namespace

LuaState& state_of(lua_State* L) {
  lua_pushlightuserdata(L, const_cast<char*>(&kStateKey));
  lua_rawget(L, LUA_REGISTRYINDEX);
  auto* s = static_cast<LuaState*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *s;
}

int traceback_handler(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (msg == nullptr) msg = "(error object is not a string)";
  luaL_traceback(L, L, msg, 1);
  return 1;
}

LuaState::LuaState(core::Logger& logger, StateOptions options)
    : logger_(logger), options_(std::move(options)) {
  L_ = luaL_newstate();
  lua_pushlightuserdata(L_, const_cast<char*>(&kStateKey));
  lua_pushlightuserdata(L_, this);
  lua_rawset(L_, LUA_REGISTRYINDEX);
  luaL_openlibs(L_);
  if (!options_.jit) luaJIT_setmode(L_, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
  sandbox();
  lua_sethook(L_, &LuaState::hook, LUA_MASKCOUNT, 1000);
}

LuaState::~LuaState() {
  if (L_ != nullptr) lua_close(L_);
}

void LuaState::sandbox() {
  lua_State* L = L_;
  // Globals that give access outside the sandbox.
  for (const char* name : {"io", "debug", "dofile", "loadfile", "load", "loadstring", "module",
                           "jit", "newproxy", "gcinfo"}) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  // os: only time functions.
  lua_getglobal(L, "os");
  lua_newtable(L);
  for (const char* name : {"time", "date", "clock", "difftime", "getenv"}) {
    lua_getfield(L, -2, name);
    lua_setfield(L, -2, name);
  }
  lua_setglobal(L, "os");
  lua_pop(L, 1);
  // package: Lua files from the library directories only, no C modules, no ffi.
  lua_getglobal(L, "package");
  std::string path;
  for (const auto& d : options_.lualib_dirs) path += d + "/?.lua;" + d + "/?/init.lua;";
  lua_pushstring(L, path.c_str());
  lua_setfield(L, -2, "path");
  lua_pushstring(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pushnil(L);
  lua_setfield(L, -2, "loadlib");
  lua_getfield(L, -1, "loaded");
  for (const char* name : {"io", "debug", "jit", "ffi", "jit.opt", "jit.util"}) {
    lua_pushnil(L);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "preload");
  lua_pushnil(L);
  lua_setfield(L, -2, "ffi");
  lua_pop(L, 1);
  // Only the Lua searchers (preload and path); drop the C searchers.
  lua_getfield(L, -1, "loaders");
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    lua_rawseti(L, -2, 4);
    lua_pushnil(L);
    lua_rawseti(L, -2, 3);
  }
  lua_pop(L, 2);
  lua_pushcfunction(L, lua_print);
  lua_setglobal(L, "print");
}

void LuaState::preload(const char* name, lua_CFunction opener) {
  lua_getglobal(L_, "package");
  lua_getfield(L_, -1, "preload");
  lua_pushcfunction(L_, opener);
  lua_setfield(L_, -2, name);
  lua_pop(L_, 2);
}

void LuaState::preload_functions(std::initializer_list<const char*> names,
                                 const luaL_Reg* functions) {
  auto open = [](lua_State* L) -> int {
    auto* fns = static_cast<const luaL_Reg*>(lua_touserdata(L, lua_upvalueindex(1)));
    lua_newtable(L);
    luaL_register(L, nullptr, fns);
    return 1;
  };
  lua_getglobal(L_, "package");
  lua_getfield(L_, -1, "preload");
  for (const char* name : names) {
    lua_pushlightuserdata(L_, const_cast<luaL_Reg*>(functions));
    lua_pushcclosure(L_, open, 1);
    lua_setfield(L_, -2, name);
  }
  lua_pop(L_, 2);
}

void LuaState::set_deadline_from_now() {
  deadline_ = options_.time_budget > 0 ? mono_now() + options_.time_budget : 0;
}

void LuaState::hook(lua_State* L, lua_Debug*) {
  LuaState& s = state_of(L);
  if (s.deadline_ > 0 && mono_now() > s.deadline_) {
    s.deadline_ = 0;  // one error per call
    luaL_error(L, "time budget exceeded (%f s)", s.options_.time_budget);
  }
}

Status LuaState::load_string(const std::string& code, const std::string& chunk_name) {
  lua_pushcfunction(L_, traceback_handler);
  int handler = lua_gettop(L_);
  if (luaL_loadbuffer(L_, code.data(), code.size(), ("@" + chunk_name).c_str()) != 0) {
    std::string msg = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "syntax error";
    lua_settop(L_, handler - 1);
    return fail(ErrorCode::kInvalidInput, msg);
  }
  set_deadline_from_now();
  int rc = lua_pcall(L_, 0, 0, handler);
  clear_deadline();
  if (rc != 0) {
    std::string msg = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
    lua_settop(L_, handler - 1);
    return fail(ErrorCode::kInvalidInput, msg);
  }
  lua_settop(L_, handler - 1);
  return {};
}

Status LuaState::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::kIo, "cannot read " + path);
  std::string code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return load_string(code, path);
}

Status LuaState::pcall(int nargs, int nresults) {
  int base = lua_gettop(L_) - nargs;  // position of the function
  lua_pushcfunction(L_, traceback_handler);
  lua_insert(L_, base);
  set_deadline_from_now();
  int rc = lua_pcall(L_, nargs, nresults, base);
  clear_deadline();
  lua_remove(L_, base);
  if (rc != 0) {
    std::string msg = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
    lua_pop(L_, 1);
    return fail(ErrorCode::kInvalidInput, msg);
  }
  return {};
}

int LuaState::resume(lua_State* co, int nargs, std::string& err) {
  set_deadline_from_now();
  int rc = lua_resume(co, nargs);
  clear_deadline();
  if (rc != 0 && rc != LUA_YIELD) {
    const char* msg = lua_tostring(co, -1);
    luaL_traceback(L_, co, msg != nullptr ? msg : "(error object is not a string)", 0);
    err = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
    lua_pop(L_, 1);
  }
  return rc;
}

}  // namespace mw::lua
