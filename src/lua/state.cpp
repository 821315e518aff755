#include "lua/state.h"

#include "lua/bind.h"
#include "lua/sandbox.h"

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
  lua_sethook(L_, &LuaState::hook, LUA_MASKCOUNT, kHookInterval);
}

LuaState::~LuaState() {
  if (L_ != nullptr) lua_close(L_);
}

void LuaState::sandbox() {
  install_sandbox(L_, options_.lualib_dirs);
  lua_pushcfunction(L_, lua_print);
  lua_setglobal(L_, "print");
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
  // A call into rule code made from inside another (a binding calling back into Lua) runs
  // under the outer call's deadline.
  if (depth_++ > 0) return;
  deadline_ = options_.time_budget > 0 ? mono_now() + options_.time_budget : 0;
}

void LuaState::clear_deadline() {
  if (depth_ > 0 && --depth_ > 0) return;
  deadline_ = 0;
  if (expired_) {
    expired_ = false;
    lua_sethook(L_, &LuaState::hook, LUA_MASKCOUNT, kHookInterval);
  }
}

void LuaState::hook(lua_State* L, lua_Debug*) {
  LuaState& s = state_of(L);
  if (s.expired_ || (s.deadline_ > 0 && mono_now() > s.deadline_)) {
    // Spent: from now on every instruction raises again until the call returns to C++, so
    // a pcall (or an error handler) that catches the error cannot buy any more time.
    if (!s.expired_) {
      s.expired_ = true;
      lua_sethook(L, &LuaState::hook, LUA_MASKCOUNT, 1);
    }
    luaL_error(L, "time budget exceeded (%f s)", s.options_.time_budget);
  }
}

Status LuaState::load_string(const std::string& code, const std::string& chunk_name) {
  if (looks_like_bytecode(code.data(), code.size())) {
    return fail(ErrorCode::kInvalidInput, chunk_name + ": bytecode is not accepted, only Lua text");
  }
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

lua_State* LuaState::acquire_thread(int& ref) {
  if (!idle_threads_.empty()) {
    auto [co, r] = idle_threads_.back();
    idle_threads_.pop_back();
    ref = r;
    return co;
  }
  lua_State* co = lua_newthread(L_);
  ref = luaL_ref(L_, LUA_REGISTRYINDEX);
  return co;
}

void LuaState::release_thread(lua_State* co, int ref, bool ok) {
  if (ref == LUA_NOREF) return;
  if (ok && lua_status(co) == 0 && idle_threads_.size() < kMaxIdleThreads) {
    lua_settop(co, 0);
    idle_threads_.emplace_back(co, ref);
    return;
  }
  luaL_unref(L_, LUA_REGISTRYINDEX, ref);
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
